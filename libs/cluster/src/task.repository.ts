import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Task, TaskStatus, toEntities } from '#db';
import { RUNNABLE } from '#scaling';

export interface TaskOutcome {
  status: TaskStatus.Succeeded | TaskStatus.Failed;
  output: string | null;
  error: string | null;
  model: string | null;
  promptTokens: number | null;
  completionTokens: number | null;
  cost: number;
  durationMs: number;
}

/**
 * How a task is given to an agent, the one way both dispatch and the claim write it: from pairs
 * `p(task_id, agent_id, reserved)`, each task still queued runs (clock_timestamp(), not now(): now()
 * is when the transaction began, before it waited for a lock), and its agent, if still idle, is busy
 * with it until it ends. Defines the CTEs `t` (tasks taken, with their agent) and `taken` (agents).
 */
const ASSIGN_CTES = `
  t AS (UPDATE tasks SET status = 'running', agent_id = p.agent_id, reserved_cost = p.reserved, started_at = clock_timestamp(), updated_at = now()
          FROM p WHERE tasks.id = p.task_id AND tasks.status = 'queued' RETURNING tasks.id, p.agent_id),
  taken AS (UPDATE cluster_agents SET status = 'busy', current_task_id = t.id, updated_at = now()
          FROM t WHERE cluster_agents.id = t.agent_id AND cluster_agents.status = 'idle' RETURNING cluster_agents.id)`;

@Injectable()
export class TaskRepository {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async create(fields: Pick<Task, 'clusterId' | 'status' | 'input' | 'capability' | 'priority' | 'metadata' | 'maxAttempts' | 'createdBy'>): Promise<Task> {
    // one plain INSERT … RETURNING: TypeORM's insert builder cost more CPU than the database did
    const rows: Record<string, unknown>[] = await this.ds.query(
      `INSERT INTO tasks (cluster_id, status, input, capability, priority, metadata, max_attempts, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
      [fields.clusterId, fields.status, fields.input, fields.capability, fields.priority, JSON.stringify(fields.metadata), fields.maxAttempts, fields.createdBy],
    );
    return toEntities(this.ds, Task, rows)[0];
  }

  find(id: string, m: EntityManager = this.ds.manager): Promise<Task | null> {
    return m.getRepository(Task).findOne({ where: { id } });
  }

  list(clusterId: string, status: TaskStatus | undefined, skip: number, take: number): Promise<[Task[], number]> {
    return this.ds.getRepository(Task).findAndCount({
      where: { clusterId, ...(status ? { status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip,
      take,
    });
  }

  /** Cancels a task that has not finished; null when it already had. */
  async cancel(id: string): Promise<Task | null> {
    // TypeORM answers an UPDATE with [rows, affected count]
    const [rows]: [{ id: string }[], number] = await this.ds.query(
      `UPDATE tasks SET status = 'cancelled', reserved_cost = 0, finished_at = clock_timestamp(), updated_at = now() WHERE id = $1 AND status IN ('queued', 'running') RETURNING id`,
      [id],
    );
    return rows.length ? this.find(id) : null;
  }

  /**
   * Queued tasks, most urgent first, with their input only when `withInput` (a budget estimates it).
   * Not locked: every dispatcher holds the cluster's row lock, and `assignMany` takes a task only
   * while it is still queued, so a task cancelled meanwhile is simply not assigned. (Locking them
   * wrote a row lock into up to 50 task rows on every pass, to hand out one or two.)
   */
  queued(m: EntityManager, clusterId: string, limit: number, withInput: boolean): Promise<QueuedTask[]> {
    // plain SQL: the dispatch pass runs once per finished task, and the query builder's SQL
    // generation and entity mapping were a visible share of the worker's time for a few columns
    return m.query(
      `SELECT id, CASE WHEN $3 THEN input END AS input, capability, attempts, max_attempts AS "maxAttempts" FROM tasks
        WHERE cluster_id = $1 AND status = 'queued' ORDER BY priority DESC, created_at, id LIMIT $2`,
      [clusterId, limit, withInput],
    );
  }

  /** The cluster's idle workers, longest idle first, locked until the dispatch pass commits. */
  idleWorkers(m: EntityManager, clusterId: string): Promise<IdleWorker[]> {
    return m.query(
      `SELECT id, capabilities, config FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' AND status = 'idle'
        ORDER BY last_active_at ASC NULLS FIRST, id FOR UPDATE`,
      [clusterId],
    );
  }

  /**
   * The agents take their tasks, in one statement for the whole pass: each task still queued runs,
   * and its agent (locked idle by the caller) is busy until it ends. Returns the task ids assigned;
   * a task cancelled since it was read is left out and its agent stays idle.
   */
  async assignMany(m: EntityManager, pairs: { taskId: string; agentId: string; reservedCost: number }[]): Promise<Set<string>> {
    if (!pairs.length) return new Set();
    const rows = (await m.query(
      `WITH p AS (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::numeric[]) AS p(task_id, agent_id, reserved)),
       ${ASSIGN_CTES}
       SELECT t.id, EXISTS (SELECT 1 FROM taken WHERE taken.id = t.agent_id) AS taken FROM t`,
      [pairs.map((p) => p.taskId), pairs.map((p) => p.agentId), pairs.map((p) => p.reservedCost.toFixed(6))],
    )) as { id: string; taken: boolean }[];
    // the agents are locked idle by the caller: one that was not is a broken caller, not a race
    if (rows.some((r) => !r.taken)) throw new Error(`dispatch: an agent was no longer idle while the pass held its lock (tasks ${rows.map((r) => r.id).join(', ')})`);
    return new Set(rows.map((r) => r.id));
  }

  /**
   * The agent that has just finished a task takes the next queued task it can run, in one
   * statement, without the dispatch pass: the agent is still idle and unclaimed (locked here, so a
   * dispatch that locked it first wins and this takes nothing), the cluster runs and has no budget
   * (a budget's reservation needs the dispatch pass), and the task is the most urgent queued one
   * with a capability the agent has, not held by another claimer (SKIP LOCKED). Nothing here
   * waits on a lock another path holds while holding one of its own, so it cannot deadlock with
   * dispatch (cluster, then agents, then tasks) or the reconciler (cluster, then agents). Returns
   * the task taken, or null.
   */
  async claimNext(clusterId: string, agentId: string): Promise<{ taskId: string; attemptsLeft: number } | null> {
    const [row] = (await this.ds.query(
      `WITH a AS (
         SELECT id, capabilities FROM cluster_agents
          WHERE id = $2 AND cluster_id = $1 AND role = 'worker' AND status = 'idle' AND current_task_id IS NULL FOR UPDATE),
       q AS (
         SELECT t.id, t.max_attempts - t.attempts AS left_attempts FROM tasks t, a
          WHERE t.cluster_id = $1 AND t.status = 'queued' AND (t.capability IS NULL OR t.capability = ANY(a.capabilities))
            AND EXISTS (SELECT 1 FROM clusters c WHERE c.id = $1 AND c.status = ANY($3))
            AND NOT EXISTS (SELECT 1 FROM budgets b WHERE b.cluster_id = $1)
          ORDER BY t.priority DESC, t.created_at, t.id LIMIT 1 FOR UPDATE OF t SKIP LOCKED),
       p AS (SELECT q.id AS task_id, $2::uuid AS agent_id, 0::numeric AS reserved FROM q),
       ${ASSIGN_CTES}
       SELECT t.id, q.left_attempts, EXISTS (SELECT 1 FROM taken) AS taken FROM t JOIN q ON q.id = t.id`,
      [clusterId, agentId, RUNNABLE],
    )) as { id: string; left_attempts: number; taken: boolean }[];
    if (!row) return null;
    if (!row.taken) throw new Error(`claim: agent ${agentId} was locked idle but not updated`);
    return { taskId: row.id, attemptsLeft: row.left_attempts };
  }

  /**
   * The execute job's first read, one round trip: the task as it is now, and what its agent runs
   * it with (Genesis system prompt and effective config); null parts when either is gone.
   */
  async forExecution(taskId: string, agentId: string): Promise<{ task: ExecutionTask | null; agent: AgentContext | null }> {
    const rows: (ExecutionTask & { name: string | null; role: string | null; system_prompt: string | null; config: Record<string, unknown> | null })[] = await this.ds.query(
      `SELECT t.id, t.status, t.agent_id AS "agentId", t.input, t.attempts, t.max_attempts AS "maxAttempts", t.error,
              a.name, a.role, g.system_prompt, a.config
         FROM tasks t LEFT JOIN cluster_agents a ON a.id = $2 LEFT JOIN genesis_agents g ON g.id = a.genesis_agent_id
        WHERE t.id = $1`,
      [taskId, agentId],
    );
    const r = rows[0];
    if (!r) return { task: null, agent: null };
    const { name, role, system_prompt, config, ...task } = r;
    return { task, agent: name === null ? null : contextOf(name, role!, system_prompt, config!) };
  }

  /** What an agent runs a task with: its Genesis system prompt and effective config. */
  async agentContext(agentId: string, m: EntityManager = this.ds.manager): Promise<AgentContext | null> {
    const rows: { name: string; role: string; system_prompt: string | null; config: Record<string, unknown> }[] = await m.query(
      `SELECT a.name, a.role, g.system_prompt, a.config FROM cluster_agents a LEFT JOIN genesis_agents g ON g.id = a.genesis_agent_id WHERE a.id = $1`,
      [agentId],
    );
    const r = rows[0];
    return r ? contextOf(r.name, r.role, r.system_prompt, r.config) : null;
  }

  /**
   * Counts one failed call of the task's LLM and keeps its error; returns the calls made so far.
   * Only the LLM's own failures count: an attempt lost to a crashed worker or an unreachable
   * database never gets here, so it does not use up the task's attempts.
   */
  async recordFailure(taskId: string, error: string): Promise<number> {
    const [[row]] = (await this.ds.query(`UPDATE tasks SET attempts = attempts + 1, error = $2, updated_at = now() WHERE id = $1 RETURNING attempts`, [taskId, error])) as [
      { attempts: number }[],
      number,
    ];
    return row?.attempts ?? 0;
  }

  /**
   * Ends a task and frees its agent in one statement (one round trip, atomic like a transaction),
   * keeping the agent's and the cluster's counters true and recording the task's cost entry. A task
   * cancelled meanwhile keeps its status (nothing is counted or recorded); the agent is freed all
   * the same. Returns the agent's new status (stopped when it was draining; `unknown` when it no
   * longer held the task).
   *
   * Lock order is task, cluster, agent, as in every other path that takes more than one of them
   * (dispatch and the reconciler lock the cluster before its agents): `c` reads `t`, and `a`'s
   * condition reads `c`, so each runs to completion before the next locks its row.
   */
  async finish(taskId: string, agentId: string, outcome: TaskOutcome, currency: string): Promise<string> {
    const ok = outcome.status === TaskStatus.Succeeded;
    // SET expressions see the old row, so the running average uses the count before this task;
    // $13 is 1 when the task was still running (its outcome is recorded), else 0.
    const counters = `tasks_completed = tasks_completed + ${ok ? 1 : 0} * $13, tasks_failed = tasks_failed + ${ok ? 0 : 1} * $13,
          avg_task_duration_ms = avg_task_duration_ms + $13 * ($10 - avg_task_duration_ms) / (tasks_completed + tasks_failed + 1)`;
    const [row] = (await this.ds.query(
      `WITH t AS (
         UPDATE tasks SET status = $3, output = $4, error = $5, model = $6, prompt_tokens = $7, completion_tokens = $8, cost = $9,
                duration_ms = $10, finished_at = clock_timestamp(), updated_at = now(), reserved_cost = 0,
                attempts = attempts + CASE WHEN $3 = 'succeeded' THEN 1 ELSE 0 END
          WHERE id = $1 AND status = 'running' RETURNING cluster_id),
       c AS (
         UPDATE clusters SET ${counters.replaceAll('$13', '1')}, last_active_at = now(), updated_at = now()
           FROM t WHERE clusters.id = t.cluster_id RETURNING clusters.id),
       a AS (
         UPDATE cluster_agents SET ${counters.replaceAll('$13', '(SELECT count(*) FROM c)')},
                last_active_at = CASE WHEN EXISTS (SELECT 1 FROM c) THEN now() ELSE last_active_at END,
                status = CASE WHEN current_task_id IS DISTINCT FROM $1 THEN status WHEN status = 'draining' THEN 'stopped' ELSE 'idle' END,
                stopped_at = CASE WHEN current_task_id = $1 AND status = 'draining' THEN now() ELSE stopped_at END,
                current_task_id = CASE WHEN current_task_id = $1 THEN NULL ELSE current_task_id END,
                updated_at = now()
          WHERE (SELECT count(*) FROM c) >= 0 -- a one-time gate: c has locked the cluster before any agent row is read
            AND id = $2 AND (current_task_id = $1 OR EXISTS (SELECT 1 FROM c))
          RETURNING CASE WHEN current_task_id IS NULL THEN status END AS freed),
       e AS (
         INSERT INTO cost_entries (role, cluster_id, kind, amount, currency, quantity, model, task_id, agent_id, occurred_at)
         SELECT (SELECT role FROM cluster_agents WHERE id = $2), t.cluster_id, 'tokens', $9, $11, $12, $6, $1, $2, clock_timestamp()
           FROM t WHERE $7::int IS NOT NULL)
       SELECT (SELECT freed FROM a) AS freed`,
      [
        taskId,
        agentId,
        outcome.status,
        outcome.output,
        outcome.error,
        outcome.model,
        outcome.promptTokens,
        outcome.completionTokens,
        outcome.cost.toFixed(6),
        outcome.durationMs,
        currency,
        (outcome.promptTokens ?? 0) + (outcome.completionTokens ?? 0),
      ],
    )) as { freed: string | null }[];
    return row.freed ?? 'unknown';
  }

  /**
   * Frees an agent still holding a task that ended without it (cancelled): idle again, or stopped
   * when it was draining; a no-op if it no longer holds the task. Returns its new status.
   */
  async release(taskId: string, agentId: string): Promise<string> {
    const [[agent]] = (await this.ds.query(
      `UPDATE cluster_agents SET status = CASE WHEN status = 'draining' THEN 'stopped' ELSE 'idle' END,
              stopped_at = CASE WHEN status = 'draining' THEN now() ELSE stopped_at END,
              current_task_id = NULL, updated_at = now()
        WHERE id = $1 AND current_task_id = $2 RETURNING status`,
      [agentId, taskId],
    )) as [{ status: string }[], number];
    return agent?.status ?? 'unknown';
  }

  /** Clusters with queued tasks and an idle worker: the reconcile tick dispatches them. */
  async dispatchable(): Promise<string[]> {
    const rows: { cluster_id: string }[] = await this.ds.query(
      `SELECT DISTINCT t.cluster_id FROM tasks t JOIN clusters c ON c.id = t.cluster_id
        WHERE t.status = 'queued' AND c.status = ANY($1)
          AND EXISTS (SELECT 1 FROM cluster_agents a WHERE a.cluster_id = t.cluster_id AND a.role = 'worker' AND a.status = 'idle')`,
      [RUNNABLE],
    );
    return rows.map((r) => r.cluster_id);
  }

  /**
   * Tasks running for longer than `graceSeconds`, oldest first: each should have a live execution
   * job, and the recovery pass checks that it does. The grace covers the moment between the commit
   * that assigns a task and the enqueue of its job.
   */
  running(graceSeconds: number, limit: number): Promise<RunningTask[]> {
    return this.ds.query(
      `SELECT id, cluster_id AS "clusterId", agent_id AS "agentId", attempts, max_attempts AS "maxAttempts", error
         FROM tasks WHERE status = 'running' AND started_at < now() - make_interval(secs => $1)
        ORDER BY started_at LIMIT $2`,
      [graceSeconds, limit],
    );
  }

  /**
   * Agents still busy (or draining) for a task that ended more than `graceSeconds` ago, or that no
   * longer exists: the run that should have freed them is gone. Frees them; returns their clusters.
   */
  async freeStrandedAgents(graceSeconds: number): Promise<string[]> {
    const [rows] = (await this.ds.query(
      `UPDATE cluster_agents a SET status = CASE WHEN a.status = 'draining' THEN 'stopped' ELSE 'idle' END,
              stopped_at = CASE WHEN a.status = 'draining' THEN now() ELSE a.stopped_at END,
              current_task_id = NULL, updated_at = now()
        WHERE a.status IN ('busy', 'draining') AND a.current_task_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.id = a.current_task_id
                            AND (t.status = 'running' OR t.updated_at > now() - make_interval(secs => $1)))
        RETURNING a.cluster_id`,
      [graceSeconds],
    )) as [{ cluster_id: string }[], number];
    return [...new Set(rows.map((r) => r.cluster_id))];
  }
}

/** What dispatch reads of a queued task. */
export interface QueuedTask {
  id: string;
  /** null unless read for a budget's estimate */
  input: string | null;
  capability: string | null;
  attempts: number;
  maxAttempts: number;
}

/** What dispatch reads of an idle worker. */
export interface IdleWorker {
  id: string;
  capabilities: string[];
  config: Record<string, unknown>;
}

/** What the execute job reads of its task. */
export interface ExecutionTask {
  id: string;
  status: TaskStatus;
  agentId: string | null;
  input: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
}

/** What an agent runs a task with: its Genesis system prompt and effective config. */
export interface AgentContext {
  name: string;
  role: string;
  systemPrompt: string;
  config: Record<string, unknown>;
}

function contextOf(name: string, role: string, systemPrompt: string | null, config: Record<string, unknown>): AgentContext {
  return { name, role, systemPrompt: systemPrompt ?? `You are ${name}, a ${role}.`, config };
}

export interface RunningTask {
  id: string;
  clusterId: string;
  agentId: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
}
