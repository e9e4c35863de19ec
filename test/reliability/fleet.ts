import assert from 'node:assert/strict';
import { query } from '../harness/recovery';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call, CallOptions, HttpResult } from '../harness/http';
import { spawnApp, Spawned, waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';

export const ADMIN = 'reliability-admin-key-0123456789abcdef';

export interface FleetOptions {
  apis?: number;
  workers?: number;
  /** a Redis server of the fleet's own (stopped and started by the test) instead of the shared one */
  privateRedis?: boolean;
  /** a database URL to use instead of a fresh test database (e.g. a private PostgreSQL) */
  databaseUrl?: string;
  env?: Record<string, string>;
}

/**
 * Several api and worker processes of one system: a database and a Redis prefix (or a whole Redis)
 * of their own. Every process is started and stopped by this object through its own pid.
 */
export class Fleet {
  db?: TestDatabase;
  dbUrl = '';
  redis?: PrivateRedis;
  apis: Spawned[] = [];
  workers: Spawned[] = [];
  bases: string[] = [];
  env: NodeJS.ProcessEnv = {};
  readonly prefix: string;
  /** output of processes that were stopped or killed, kept for the log checks */
  private retired: string[] = [];

  constructor(
    private readonly label: string,
    private readonly opts: FleetOptions = {},
  ) {
    this.prefix = testPrefix(label);
  }

  get base(): string {
    return this.bases[0];
  }

  async start(): Promise<this> {
    if (this.opts.databaseUrl) this.dbUrl = this.opts.databaseUrl;
    else {
      this.db = await createTestDatabase(this.label);
      this.dbUrl = this.db.url;
    }
    if (this.opts.privateRedis) this.redis = await startPrivateRedis();
    this.env = testEnv(this.dbUrl, this.prefix, {
      ADMIN_API_KEY: ADMIN,
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: '1000000',
      ...(this.redis ? { REDIS_URL: this.redis.url, QUEUE_BACKEND: 'redis' } : {}),
      ...this.opts.env,
    });
    for (let i = 0; i < (this.opts.apis ?? 1); i++) await this.addApi();
    for (let i = 0; i < (this.opts.workers ?? 1); i++) this.workers.push(spawnApp('worker', this.env));
    for (const w of [...this.workers]) await workerStarted(w);
    return this;
  }

  async addApi(extra: Record<string, string> = {}): Promise<string> {
    const api = spawnApp('api', { ...this.env, ...extra });
    // listed at once, so that stop() ends it even when it never comes up
    this.apis.push(api);
    this.bases.push('');
    // the start-up line is logged at info: LOG_LEVEL must not be above it for api processes
    const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(api.output())?.[1], 60000, 'api to listen');
    const base = `http://127.0.0.1:${port}`;
    this.bases[this.apis.indexOf(api)] = base;
    return base;
  }

  /** Starts one more worker process and waits until it consumes. */
  async addWorker(extra: Record<string, string> = {}): Promise<Spawned> {
    const w = spawnApp('worker', { ...this.env, ...extra });
    this.workers.push(w);
    await workerStarted(w);
    return w;
  }

  /** SIGKILL by pid (only a process this fleet started); resolves once it has exited. */
  async kill(p: Spawned): Promise<void> {
    if (p.child.exitCode === null && p.child.signalCode === null) {
      const exited = new Promise((r) => p.child.once('exit', r));
      p.child.kill('SIGKILL');
      await exited;
    }
    this.retire(p);
  }

  /** SIGTERM by pid and wait for the exit; returns the exit code. */
  async terminate(p: Spawned, timeoutMs = 60000): Promise<number | null> {
    const code = await p.stop(timeoutMs);
    this.retire(p);
    return code;
  }

  private retire(p: Spawned): void {
    this.retired.push(p.output());
    this.workers = this.workers.filter((w) => w !== p);
    const i = this.apis.indexOf(p);
    if (i >= 0) {
      this.apis.splice(i, 1);
      this.bases.splice(i, 1);
    }
  }

  /** Everything every process of the fleet printed so far, stopped ones included. */
  allOutput(): string {
    return [...this.retired, ...this.apis.map((a) => a.output()), ...this.workers.map((w) => w.output())].join('\n');
  }

  call(method: string, path: string, opts: CallOptions = {}, base = this.base): Promise<HttpResult> {
    return call(base, method, path, { token: ADMIN, ...opts });
  }

  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return dbQuery<T>(this.dbUrl, sql, params);
  }

  /** Creates a cluster and waits until it is active with its workers. */
  async cluster(name: string, target: number, blueprint = 'marketing-v1', extra: Record<string, unknown> = {}): Promise<string> {
    const res = await this.call('POST', '/api/clusters', { body: { blueprint_id: blueprint, name, target_workers: target, ...extra } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await this.settled(res.body.id, target);
    return res.body.id;
  }

  /** Waits until a cluster is active with `target` live workers (counted from its agents). */
  async settled(id: string, target: number, timeoutMs = 60000): Promise<void> {
    try {
      await waitFor(
        async () => {
          const c = (await this.call('GET', `/api/clusters/${id}`)).body;
          return c.status === 'active' && c.current_workers === target && c.target_workers === target;
        },
        timeoutMs,
        `cluster ${id} active with ${target} workers`,
      );
    } catch (e) {
      // what the rows say, so that a failure on a CI machine can be read without a rerun
      const [c] = await this.query(`SELECT status, status_reason, target_workers, updated_at FROM clusters WHERE id = $1`, [id]);
      const agents = await this.query(`SELECT role, status, count(*)::int AS n FROM cluster_agents WHERE cluster_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`, [id]);
      const decisions = await this.query(`SELECT source, reason_code, from_workers, to_workers, created_at FROM scaling_decisions WHERE cluster_id = $1 ORDER BY id DESC LIMIT 5`, [id]);
      const tail = (p: { output: () => string }) => p.output().split('\n').filter((l) => /warn|error|fail/i.test(l)).slice(-10).join('\n');
      console.log(`cluster ${id} did not settle: ${JSON.stringify({ cluster: c, agents, decisions })}`);
      for (const w of this.workers) console.log(`worker warnings and errors:\n${tail(w)}`);
      throw e;
    }
  }

  async stop(): Promise<void> {
    for (const p of [...this.apis, ...this.workers]) await p.stop(20000);
    await this.redis?.stop();
    if (this.db) await this.db.drop();
    if (!this.redis) await dropPrefix(this.prefix).catch(() => undefined);
  }
}

export async function workerStarted(w: Spawned): Promise<void> {
  await waitFor(async () => w.output().includes('worker started') || undefined, 60000, 'worker to start');
}

/** Rows straight from a test database: the harness's `query`. */
export const dbQuery = query;

/** Tasks and agents left in a transitional state, and clusters not at rest: what "stuck" means. */
export async function stuck(url: string, clusterId?: string): Promise<{ tasks: number; spawning: number; busy: number; clusters: string[] }> {
  const where = clusterId ? 'AND cluster_id = $1' : '';
  const params = clusterId ? [clusterId] : [];
  const [t] = await dbQuery<{ n: number }>(url, `SELECT count(*)::int AS n FROM tasks WHERE status IN ('queued', 'running') ${where}`, params);
  const [a] = await dbQuery<{ spawning: number; busy: number }>(
    url,
    `SELECT count(*) FILTER (WHERE status = 'spawning')::int AS spawning, count(*) FILTER (WHERE status IN ('busy', 'draining'))::int AS busy FROM cluster_agents WHERE true ${where}`,
    params,
  );
  const c = await dbQuery<{ status: string }>(
    url,
    `SELECT status FROM clusters WHERE status NOT IN ('active', 'hibernated', 'destroyed', 'failed') ${clusterId ? 'AND id = $1' : ''}`,
    params,
  );
  return { tasks: t.n, spawning: a.spawning, busy: a.busy, clusters: c.map((r) => r.status) };
}

/** Live agents sharing one slot (spawn_key) in a cluster: duplicates a race or a crash could leave. */
export async function duplicateAgents(url: string): Promise<number> {
  const [r] = await dbQuery<{ n: number }>(
    url,
    `SELECT count(*)::int AS n FROM (SELECT cluster_id, spawn_key FROM cluster_agents WHERE status IN ('spawning', 'idle', 'busy', 'draining') GROUP BY 1, 2 HAVING count(*) > 1) d`,
  );
  return r.n;
}
