import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { spawnApp, Spawned, waitFor } from '../harness/process';
import { assertAllTasksDone, query, submitTasks } from '../harness/recovery';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';

const ADMIN = 'recovery-admin-key-0123456789';

/** An api and a worker process on a private Redis and a database of their own. */
class FaultSystem {
  db!: TestDatabase;
  redis!: PrivateRedis;
  api!: Spawned;
  worker!: Spawned;
  base = '';
  env: NodeJS.ProcessEnv = {};

  async start(label: string, extra: Record<string, string>): Promise<void> {
    this.db = await createTestDatabase(label);
    this.redis = await startPrivateRedis();
    this.env = testEnv(this.db.url, `rec${label}`, {
      REDIS_URL: this.redis.url,
      QUEUE_BACKEND: 'redis',
      ADMIN_API_KEY: ADMIN,
      LOG_LEVEL: 'info',
      RATE_LIMIT_MAX: '100000',
      // short enough that recovery happens within the test: a crashed worker's jobs are taken over
      // after about JOB_LOCK_SECONDS, the repair pass runs with every reconcile tick
      JOB_LOCK_SECONDS: '4',
      RECONCILE_INTERVAL_SECONDS: '2',
      WORKER_CONCURRENCY: '20',
      ...extra,
    });
    this.api = spawnApp('api', this.env);
    this.worker = spawnApp('worker', this.env);
    const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(this.api.output())?.[1], 60000, 'api to listen');
    this.base = `http://127.0.0.1:${port}`;
    await this.workerStarted(this.worker);
  }

  async workerStarted(w: Spawned): Promise<void> {
    await waitFor(async () => w.output().includes('worker started') || undefined, 60000, 'worker to start');
  }

  http(method: string, path: string, body?: unknown) {
    return call(this.base, method, path, { token: ADMIN, body });
  }

  async cluster(name: string, workers: number): Promise<string> {
    const res = await this.http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name, min_workers: 0, target_workers: workers });
    assert.equal(res.status, 201);
    await waitFor(async () => (await this.http('GET', `/api/clusters/${res.body.id}`)).body.current_workers === workers || undefined, 30000, `${workers} workers`);
    return res.body.id;
  }

  async stop(): Promise<void> {
    await this.api?.stop();
    await this.worker?.stop();
    await this.redis?.stop();
    await this.db?.drop();
  }
}

describe('recovery e2e: the worker killed again and again under load', () => {
  const sys = new FaultSystem();
  before(() => sys.start('kill', { LOCAL_LLM_LATENCY_MS: '150' }));
  after(() => sys.stop());

  it('ends every accepted task exactly once, none stranded', async () => {
    const id = await sys.cluster('Killed under load', 10);
    const ids = await submitTasks(sys.base, ADMIN, id, 150, 'kill');
    const kills: string[] = [];
    for (let round = 0; round < 4; round++) {
      await new Promise((r) => setTimeout(r, 700 + 500 * round));
      const [open] = await query<{ running: number; queued: number }>(
        sys.db.url,
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM tasks WHERE cluster_id = $1`,
        [id],
      );
      sys.worker.child.kill('SIGKILL'); // by pid: only the worker this test started
      await new Promise((r) => sys.worker.child.once('exit', r));
      kills.push(`kill ${round + 1}: ${open.running} running, ${open.queued} queued`);
      sys.worker = spawnApp('worker', sys.env);
      await sys.workerStarted(sys.worker);
    }
    const started = Date.now();
    await assertAllTasksDone(sys.db.url, id, ids, 120000);
    const [{ attempts }] = await query<{ attempts: number }>(sys.db.url, `SELECT sum(attempts)::int AS attempts FROM tasks WHERE cluster_id = $1`, [id]);
    console.log(`tried: 150 tasks on 10 workers, worker SIGKILLed 4 times (${kills.join('; ')}); checked: all succeeded once, no error, none running or queued, no agent busy, one cost entry each; ${attempts} LLM calls recorded; settled ${Date.now() - started} ms after the last restart`);
    assert.equal(attempts, 150, "a run lost to a crash does not count as the task's attempt");
  });
});

describe('recovery e2e: Redis loses every key while tasks wait', () => {
  const sys = new FaultSystem();
  before(() => sys.start('flush', { LOCAL_LLM_LATENCY_MS: '200' }));
  after(() => sys.stop());

  it('puts running tasks back, re-creates the schedulers and runs every task', async () => {
    const id = await sys.cluster('Flushed', 5);
    const ids = await submitTasks(sys.base, ADMIN, id, 80, 'flush');
    await waitFor(async () => (await query<{ n: number }>(sys.db.url, `SELECT count(*)::int AS n FROM tasks WHERE cluster_id = $1 AND status = 'succeeded'`, [id]))[0].n >= 5 || undefined, 20000, 'some tasks done');
    const redis = new Redis(sys.redis.url);
    try {
      await redis.flushall(); // what a Redis without persistence does when it restarts
      assert.equal((await redis.keys('*')).filter((k) => k.includes('reconcile-tick')).length, 0, 'the scheduler is gone');
      const [open] = await query<{ running: number; queued: number }>(
        sys.db.url,
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM tasks WHERE cluster_id = $1`,
        [id],
      );
      await assertAllTasksDone(sys.db.url, id, ids, 90000);
      const schedulers = (await redis.keys('*')).filter((k) => /repeat/.test(k));
      assert.ok(schedulers.length > 0, 'the job schedulers are registered again');
      console.log(`tried: FLUSHALL with ${open.running} tasks running and ${open.queued} queued; checked: all 80 succeeded once, no error, no agent busy, the schedulers are back (${schedulers.length} keys)`);
    } finally {
      redis.disconnect();
    }
  });
});
