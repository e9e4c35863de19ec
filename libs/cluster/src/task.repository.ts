import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { ClusterAgent, CostEntry, Task, TaskStatus } from '#db';
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

@Injectable()
export class TaskRepository {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async create(fields: Partial<Task>): Promise<Task> {
    // insert, not save: one statement (save wraps it in a transaction of its own and diffs the
    // entity first); the generated id, defaults and dates are set on the entity from RETURNING
    const repo = this.ds.getRepository(Task);
    const unset = { output: null, error: null, agentId: null, model: null, promptTokens: null, completionTokens: null, cost: null, durationMs: null, startedAt: null, finishedAt: null };
    const task = repo.create({ capability: null, createdBy: null, ...unset, ...fields });
    await repo.insert(task as QueryDeepPartialEntity<Task>);
    return task;
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

  /** Queued tasks, most urgent first; rows other dispatchers hold are skipped. */
  queued(m: EntityManager, clusterId: string, limit: number): Promise<Task[]> {
    return m
      .getRepository(Task)
      .createQueryBuilder('t')
      .where('t.cluster_id = :clusterId AND t.status = :s', { clusterId, s: TaskStatus.Queued })
      .orderBy('t.priority', 'DESC')
      .addOrderBy('t.created_at', 'ASC')
      .addOrderBy('t.id', 'ASC')
      .limit(limit)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
  }

  idleWorkers(m: EntityManager, clusterId: string): Promise<ClusterAgent[]> {
    return m
      .getRepository(ClusterAgent)
      .createQueryBuilder('a')
      .where(`a.cluster_id = :clusterId AND a.role = 'worker' AND a.status = 'idle'`, { clusterId })
      .orderBy('a.last_active_at', 'ASC', 'NULLS FIRST')
      .addOrderBy('a.id', 'ASC')
      .setLock('pessimistic_write')
      .getMany();
  }

  /** The agent takes the task: the task runs, the agent is busy until the task ends. */
  async assign(m: EntityManager, task: Task, agent: ClusterAgent, reservedCost = 0): Promise<void> {
    // clock_timestamp(), not now(): now() is when the transaction began, before it waited for the lock
    // Both rows are locked by the caller; the status conditions make a broken caller fail loudly
    // instead of giving one agent two tasks (or one task two agents).
    const [, tasks] = (await m.query(
      `UPDATE tasks SET status = 'running', agent_id = $2, reserved_cost = $3, started_at = clock_timestamp(), updated_at = now() WHERE id = $1 AND status = 'queued'`,
      [task.id, agent.id, reservedCost.toFixed(6)],
    )) as [unknown, number];
    const [, agents] = (await m.query(`UPDATE cluster_agents SET status = 'busy', current_task_id = $2, updated_at = now() WHERE id = $1 AND status = 'idle'`, [
      agent.id,
      task.id,
    ])) as [unknown, number];
    if (tasks !== 1 || agents !== 1) throw new Error(`task ${task.id} / agent ${agent.id} changed while dispatch held their locks`);
  }

  /** What an agent runs a task with: its Genesis system prompt and effective config. */
  async agentContext(agentId: string, m: EntityManager = this.ds.manager): Promise<{ name: string; role: string; systemPrompt: string; config: Record<string, unknown> } | null> {
    const rows: { name: string; role: string; system_prompt: string | null; config: Record<string, unknown> }[] = await m.query(
      `SELECT a.name, a.role, g.system_prompt, a.config FROM cluster_agents a LEFT JOIN genesis_agents g ON g.id = a.genesis_agent_id WHERE a.id = $1`,
      [agentId],
    );
    const r = rows[0];
    return r ? { name: r.name, role: r.role, systemPrompt: r.system_prompt ?? `You are ${r.name}, a ${r.role}.`, config: r.config } : null;
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
   * Ends a task and frees its agent in one transaction, keeping the agent's and the cluster's
   * counters true. A task cancelled meanwhile keeps its status; the agent is freed all the same.
   * Returns the agent's new status (stopped when it was draining).
   */
  async finish(taskId: string, agentId: string, outcome: TaskOutcome, currency: string): Promise<{ agentStatus: string; recorded: boolean }> {
    return this.ds.transaction(async (m) => {
      const [task] = (await m.query(`SELECT id, cluster_id, status FROM tasks WHERE id = $1 FOR UPDATE`, [taskId])) as { id: string; cluster_id: string; status: string }[];
      const recorded = task?.status === TaskStatus.Running;
      if (recorded) {
        await m.query(
          `UPDATE tasks SET status = $2, output = $3, error = $4, model = $5, prompt_tokens = $6, completion_tokens = $7, cost = $8,
                  duration_ms = $9, finished_at = clock_timestamp(), updated_at = now(), reserved_cost = 0,
                  attempts = attempts + CASE WHEN $2 = 'succeeded' THEN 1 ELSE 0 END WHERE id = $1`,
          [taskId, outcome.status, outcome.output, outcome.error, outcome.model, outcome.promptTokens, outcome.completionTokens, outcome.cost, outcome.durationMs],
        );
        const ok = outcome.status === TaskStatus.Succeeded;
        // SET expressions see the old row, so the running average uses the count before this task.
        const counters = `tasks_completed = tasks_completed + ${ok ? 1 : 0}, tasks_failed = tasks_failed + ${ok ? 0 : 1},
          avg_task_duration_ms = avg_task_duration_ms + ($2 - avg_task_duration_ms) / (tasks_completed + tasks_failed + 1),
          last_active_at = now(), updated_at = now()`;
        await m.query(`UPDATE clusters SET ${counters} WHERE id = $1`, [task.cluster_id, outcome.durationMs]);
        await m.query(`UPDATE cluster_agents SET ${counters} WHERE id = $1`, [agentId, outcome.durationMs]);
        if (outcome.promptTokens !== null) {
          // the reservation is settled above, in this transaction, as the real cost is recorded
          const [agent] = (await m.query(`SELECT role FROM cluster_agents WHERE id = $1`, [agentId])) as { role: string }[];
          const costs = m.getRepository(CostEntry);
          await costs.insert({
            role: agent?.role ?? null,
            clusterId: task.cluster_id,
            kind: 'tokens',
            amount: outcome.cost.toFixed(6),
            currency,
            quantity: (outcome.promptTokens ?? 0) + (outcome.completionTokens ?? 0),
            model: outcome.model,
            taskId,
            agentId,
            occurredAt: new Date(),
          });
        }
      }
      return { agentStatus: await this.freeAgent(m, taskId, agentId), recorded };
    });
  }

  /** Frees an agent still holding a task that ended without it (cancelled); returns its new status. */
  release(taskId: string, agentId: string): Promise<string> {
    return this.ds.transaction((m) => this.freeAgent(m, taskId, agentId));
  }

  /** The agent is idle again, or stopped when it was draining; a no-op if it no longer holds the task. */
  private async freeAgent(m: EntityManager, taskId: string, agentId: string): Promise<string> {
    const [[agent]] = (await m.query(
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

export interface RunningTask {
  id: string;
  clusterId: string;
  agentId: string;
  attempts: number;
  maxAttempts: number;
  error: string | null;
}
