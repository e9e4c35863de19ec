import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, FindOptionsWhere } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AgentRole, AgentStatus, Cluster, ClusterAgent, ClusterStatus, ClusterType, ScalingDecision, ScalingSource, insertEntities, setClause, toEntities } from '#db';
import { AWAKE, CONVERGING, LIVE_WORKER, PRESENT, RUNNABLE } from '#scaling';

export interface ClusterListFilter {
  status?: ClusterStatus;
  type?: ClusterType;
  blueprintId?: string;
  skip: number;
  take: number;
}

export type TaskIntake = Pick<Cluster, 'id' | 'status' | 'blueprintId' | 'blueprintVersion' | 'config'> & { budgeted: boolean };

export interface ClusterCounts {
  currentWorkers: number;
  agentsCount: number;
}


/** SQL over a cluster row `c`: its live workers ($live) and present agents ($present), counted from the agent rows. */
const liveWorkersOf = (live: string) => `(SELECT count(*) FROM cluster_agents a WHERE a.cluster_id = c.id AND a.role = 'worker' AND a.status = ANY(${live}))::int`;
const countsOf = (live: string, present: string) =>
  `${liveWorkersOf(live)} AS current_workers, (SELECT count(*) FROM cluster_agents a WHERE a.cluster_id = c.id AND a.status = ANY(${present}))::int AS agents_count`;
/** SQL over a cluster row `c`: whether it has a budget (which may refuse work or hold it back). */
const BUDGETED = `EXISTS (SELECT 1 FROM budgets b WHERE b.cluster_id = c.id) AS budgeted`;

type RowWithCounts = Record<string, unknown> & { current_workers: number; agents_count: number };

@Injectable()
export class ClusterRepository {
  constructor(@InjectDataSource() readonly ds: DataSource) {}

  transaction<T>(fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  async find(id: string, m: EntityManager = this.ds.manager): Promise<Cluster | null> {
    return toEntities(this.ds, Cluster, await m.query(`SELECT * FROM clusters WHERE id = $1`, [id]))[0] ?? null;
  }

  /** The cluster, and whether it has a budget (which may refuse a scale-up), in one statement. */
  async findWithBudgetFlag(id: string): Promise<{ cluster: Cluster; budgeted: boolean } | null> {
    const rows: (Record<string, unknown> & { budgeted: boolean })[] = await this.ds.query(
      `SELECT c.*, ${BUDGETED} FROM clusters c WHERE c.id = $1`,
      [id],
    );
    return rows.length ? { cluster: toEntities(this.ds, Cluster, rows)[0], budgeted: rows[0].budgeted } : null;
  }

  /**
   * The cluster with its counts in one statement (a read answers after one round trip instead of
   * two; at the api's read rate the second query's socket write alone was a sixth of the time).
   */
  findWithCounts(id: string, m: EntityManager = this.ds.manager): Promise<{ cluster: Cluster; counts: ClusterCounts } | null> {
    return this.withCounts(m, `SELECT c.*, ${countsOf('$2', '$3')} FROM clusters c WHERE c.id = $1`, id);
  }

  /** `lock`, and the cluster's counts read under the lock, in one round trip. */
  lockWithCounts(m: EntityManager, id: string): Promise<{ cluster: Cluster; counts: ClusterCounts } | null> {
    return this.withCounts(m, `SELECT c.*, ${countsOf('$2', '$3')} FROM clusters c WHERE c.id = $1 FOR NO KEY UPDATE OF c`, id);
  }

  private async withCounts(m: EntityManager, sql: string, id: string): Promise<{ cluster: Cluster; counts: ClusterCounts } | null> {
    const rows: RowWithCounts[] = await m.query(sql, [id, LIVE_WORKER, PRESENT]);
    if (!rows.length) return null;
    return { cluster: toEntities(this.ds, Cluster, rows)[0], counts: { currentWorkers: rows[0].current_workers, agentsCount: rows[0].agents_count } };
  }

  /**
   * The cluster row, locked until the transaction ends: serialises every change to one cluster.
   * FOR NO KEY UPDATE, not FOR UPDATE: the lockers still exclude each other, but inserting a task or
   * an agent (whose foreign key takes FOR KEY SHARE on the cluster row) no longer waits for a
   * dispatch or reconcile step to commit. With FOR UPDATE, twenty task submissions during a long
   * dispatch held every pooled connection waiting on the lock, and the next request got a 503.
   */
  async lock(m: EntityManager, id: string): Promise<Cluster | null> {
    return toEntities(this.ds, Cluster, await m.query(`SELECT * FROM clusters WHERE id = $1 FOR NO KEY UPDATE`, [id]))[0] ?? null;
  }

  /**
   * Clusters as they are now (not locked), each with its live workers, in one statement: the
   * columns the autoscaler reads (status, bounds, target, scaling rule and history, blueprint);
   * the others are left unset, which at 10,000 clusters halves what the tick reads.
   */
  async forAutoscaling(ids: string[], m: EntityManager = this.ds.manager): Promise<{ cluster: Cluster; live: number }[]> {
    const rows: (Record<string, unknown> & { live_workers: number })[] = await m.query(
      `SELECT c.id, c.status, c.blueprint_id, c.blueprint_version, c.min_workers, c.max_workers, c.target_workers,
              c.scaling, c.autoscaling_enabled, c.last_scaled_at, ${liveWorkersOf('$2')} AS live_workers
         FROM clusters c WHERE c.id = ANY($1) ORDER BY c.id`,
      [ids, LIVE_WORKER],
    );
    const clusters = toEntities(this.ds, Cluster, rows);
    return clusters.map((cluster, i) => ({ cluster, live: rows[i].live_workers }));
  }

  /** These rows locked as `lock` does, in id order; rows another transaction holds are left out. */
  async lockMany(m: EntityManager, ids: string[]): Promise<Cluster[]> {
    return toEntities(this.ds, Cluster, await m.query(`SELECT * FROM clusters WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`, [ids]));
  }

  /**
   * What taking a task needs to know of its cluster, in one round trip: its status, blueprint and
   * config (for the capability check and waking it), and whether a budget may refuse the task.
   */
  async forTaskIntake(id: string): Promise<TaskIntake | null> {
    const rows: TaskIntake[] = await this.ds.query(
      `SELECT c.id, c.status, c.blueprint_id AS "blueprintId", c.blueprint_version AS "blueprintVersion", c.config, ${BUDGETED}
         FROM clusters c WHERE c.id = $1`,
      [id],
    );
    return rows[0] ?? null;
  }

  /**
   * The dispatch pass's lock: the same row lock as `lock`, answering only what dispatch needs (the
   * status, and whether a budget may hold tasks back) in the same round trip.
   */
  async lockForDispatch(m: EntityManager, id: string): Promise<{ status: ClusterStatus; budgeted: boolean } | null> {
    const rows: { status: ClusterStatus; budgeted: boolean }[] = await m.query(
      `SELECT c.status, ${BUDGETED} FROM clusters c WHERE c.id = $1 FOR NO KEY UPDATE OF c`,
      [id],
    );
    return rows[0] ?? null;
  }

  async create(m: EntityManager, fields: Partial<Cluster>): Promise<Cluster> {
    const repo = m.getRepository(Cluster);
    return repo.save(repo.create(fields));
  }

  async update(m: EntityManager, id: string, patch: Partial<Cluster>): Promise<void> {
    // jsonb columns (config) are plain objects here; TypeORM's deep-partial type cannot see that
    await m.getRepository(Cluster).update(id, patch as QueryDeepPartialEntity<Cluster>);
  }

  /** Writes the patch only while the cluster is still in `expected`; false when it had moved on. */
  async updateIf(m: EntityManager, id: string, expected: ClusterStatus, patch: Partial<Cluster>): Promise<boolean> {
    const set = setClause(this.ds, Cluster, patch, 3);
    // TypeORM answers an UPDATE with [rows, affected count]
    const [, affected] = (await m.query(`UPDATE clusters SET ${set.sql} WHERE id = $1 AND status = $2`, [id, expected, ...set.values])) as [unknown, number];
    return affected > 0;
  }

  list(f: ClusterListFilter): Promise<[Cluster[], number]> {
    const where: FindOptionsWhere<Cluster> = {};
    if (f.status) where.status = f.status;
    if (f.type) where.type = f.type;
    if (f.blueprintId) where.blueprintId = f.blueprintId;
    return this.ds.getRepository(Cluster).findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, skip: f.skip, take: f.take });
  }

  /** current_workers and agents_count, counted from the agent rows (never stored counters). */
  async counts(ids: string[], m: EntityManager = this.ds.manager): Promise<Map<string, ClusterCounts>> {
    const out = new Map(ids.map((id) => [id, { currentWorkers: 0, agentsCount: 0 }]));
    if (!ids.length) return out;
    const rows: { cluster_id: string; workers: number; agents: number }[] = await m.query(
      `SELECT cluster_id,
              count(*) FILTER (WHERE role = 'worker' AND status = ANY($2))::int AS workers,
              count(*) FILTER (WHERE status = ANY($3))::int AS agents
         FROM cluster_agents WHERE cluster_id = ANY($1) GROUP BY cluster_id`,
      [ids, LIVE_WORKER, PRESENT],
    );
    for (const r of rows) out.set(r.cluster_id, { currentWorkers: r.workers, agentsCount: r.agents });
    return out;
  }

  /** A page of a cluster's agents, oldest first, with the total that match. */
  agents(clusterId: string, filter: { role?: AgentRole; status?: AgentStatus; skip: number; take: number }): Promise<[ClusterAgent[], number]> {
    return this.ds.getRepository(ClusterAgent).findAndCount({
      where: { clusterId, ...(filter.role ? { role: filter.role } : {}), ...(filter.status ? { status: filter.status } : {}) },
      order: { createdAt: 'ASC', id: 'ASC' },
      skip: filter.skip,
      take: filter.take,
    });
  }

  async presentAgents(clusterId: string, m: EntityManager = this.ds.manager): Promise<ClusterAgent[]> {
    // read at every reconcile step, up to a thousand rows: plain SQL mapped to entities
    const rows: Record<string, unknown>[] = await m.query(`SELECT * FROM cluster_agents WHERE cluster_id = $1 AND status = ANY($2) ORDER BY created_at, id`, [clusterId, PRESENT]);
    return toEntities(this.ds, ClusterAgent, rows);
  }

  async insertAgent(m: EntityManager, fields: Partial<ClusterAgent>): Promise<ClusterAgent> {
    return (await this.insertAgents(m, [fields]))[0];
  }

  /** Many agents in one INSERT, in the order given, returned as stored (generated ids and dates). */
  insertAgents(m: EntityManager, fields: Partial<ClusterAgent>[]): Promise<ClusterAgent[]> {
    return insertEntities(this.ds, m, ClusterAgent, fields);
  }

  /** Spawn keys Genesis refused: not tried again (its rules are deterministic for a definition). */
  async failedSpawnKeys(clusterId: string, m: EntityManager): Promise<Set<string>> {
    const rows: { spawn_key: string }[] = await m.query(`SELECT DISTINCT spawn_key FROM cluster_agents WHERE cluster_id = $1 AND status = 'spawn_failed'`, [clusterId]);
    return new Set(rows.map((r) => r.spawn_key));
  }

  /**
   * Moves agents from a status the caller saw to a new one, only where they are still in it: a
   * task that ended meanwhile (freeing its agent) is never overwritten. Returns the ids moved.
   */
  async moveAgents(m: EntityManager, ids: string[], from: AgentStatus | readonly AgentStatus[], to: AgentStatus): Promise<string[]> {
    if (!ids.length) return [];
    const stopped = to === AgentStatus.Stopped;
    const [rows] = (await m.query(
      `UPDATE cluster_agents SET status = $3, updated_at = now()${stopped ? ', stopped_at = now()' : ''}
        WHERE id = ANY($1) AND status = ANY($2) RETURNING id`,
      [ids, Array.isArray(from) ? from : [from], to],
    )) as [{ id: string }[], number];
    return rows.map((r) => r.id);
  }

  /** Draining agents that hold no task have nothing left to finish: they stop. */
  async stopIdleDrainers(m: EntityManager, clusterId: string): Promise<number> {
    const [, n] = (await m.query(
      `UPDATE cluster_agents SET status = 'stopped', stopped_at = now(), updated_at = now()
        WHERE cluster_id = $1 AND status = 'draining' AND current_task_id IS NULL`,
      [clusterId],
    )) as [unknown, number];
    return n;
  }

  async cancelQueuedTasks(m: EntityManager, clusterId: string, reason: string): Promise<void> {
    await m.query(`UPDATE tasks SET status = 'cancelled', error = $2, finished_at = clock_timestamp(), updated_at = now() WHERE cluster_id = $1 AND status = 'queued'`, [clusterId, reason]);
  }

  async recordDecision(m: EntityManager, d: Partial<ScalingDecision>): Promise<ScalingDecision> {
    // one INSERT … RETURNING (save() diffs the entity and re-reads it)
    const rows: Record<string, unknown>[] = await m.query(
      `INSERT INTO scaling_decisions (cluster_id, source, requested_by, reason_code, reason, rule, from_workers, to_workers, applied, inputs)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *`,
      [d.clusterId, d.source, d.requestedBy ?? null, d.reasonCode, d.reason ?? null, d.rule ?? null, d.fromWorkers, d.toWorkers, d.applied, JSON.stringify(d.inputs ?? {})],
    );
    return toEntities(this.ds, ScalingDecision, rows)[0];
  }

  /** Many decisions in one INSERT (the autoscale tick's batch); ids follow the order given. */
  async recordDecisions(m: EntityManager, ds: Partial<ScalingDecision>[]): Promise<void> {
    if (!ds.length) return;
    const rows = ds.map((d) => ({
      cluster_id: d.clusterId,
      source: d.source,
      requested_by: d.requestedBy ?? null,
      reason_code: d.reasonCode,
      reason: d.reason ?? null,
      rule: d.rule ?? null,
      from_workers: d.fromWorkers,
      to_workers: d.toWorkers,
      applied: d.applied,
      inputs: d.inputs ?? {},
    }));
    await m.query(
      `INSERT INTO scaling_decisions (cluster_id, source, requested_by, reason_code, reason, rule, from_workers, to_workers, applied, inputs)
       SELECT cluster_id, source, requested_by, reason_code, reason, rule, from_workers, to_workers, applied, inputs
         FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (cluster_id uuid, source text, requested_by text, reason_code text, reason text, rule text,
                                                           from_workers int, to_workers int, applied boolean, inputs jsonb)) WITH ORDINALITY AS x
        ORDER BY x.ordinality`,
      [JSON.stringify(rows)],
    );
  }

  /** Newest first, by id: ids are taken under the cluster lock, so they follow the order decisions took effect. */
  decisions(clusterId: string, skip: number, take: number, source?: ScalingSource): Promise<[ScalingDecision[], number]> {
    return this.ds.getRepository(ScalingDecision).findAndCount({ where: { clusterId, ...(source ? { source } : {}) }, order: { id: 'DESC' }, skip, take });
  }

  /** Clusters the lifecycle rules may act on: running or hibernated (with what their rules come from). */
  lifecycleCandidates(): Promise<{ id: string; blueprintId: string; blueprintVersion: string; config: Record<string, unknown> }[]> {
    return this.ds.query(
      `SELECT id, blueprint_id AS "blueprintId", blueprint_version AS "blueprintVersion", config FROM clusters WHERE status = ANY($1) OR status = 'hibernated'`,
      [RUNNABLE],
    );
  }

  /** Clusters the autoscaler evaluates: opted in, with a scaling rule, running. */
  async autoscaled(): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(`SELECT id FROM clusters WHERE autoscaling_enabled AND scaling IS NOT NULL AND status = ANY($1)`, [RUNNABLE]);
    return rows.map((r) => r.id);
  }

  /** Clusters whose agents must still change: the reconcile tick re-enqueues work for them. */
  async needingReconcile(): Promise<string[]> {
    const rows: { id: string }[] = await this.ds.query(
      `SELECT id FROM clusters WHERE status = ANY($1)
          OR (status = 'hibernated' AND EXISTS (SELECT 1 FROM cluster_agents a WHERE a.cluster_id = clusters.id
                AND a.role <> 'supervisor' AND a.status = ANY($2)))`,
      [CONVERGING, AWAKE],
    );
    return rows.map((r) => r.id);
  }
}
