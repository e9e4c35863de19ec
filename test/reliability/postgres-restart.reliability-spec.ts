import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '#db';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { spawnApp, Spawned, waitFor } from '../harness/process';
import { assertAllTasksDone, query, submitTasks } from '../harness/recovery';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';

const ADMIN = 'pg-recovery-admin-key-0123456789';
const OUTAGE_MS = 10_000;

describe('reliability: PostgreSQL stopped for longer than the retry backoff, then started again', () => {
  let pg: EmbeddedPostgresHandle;
  let redis: PrivateRedis;
  let api: Spawned;
  let worker: Spawned;
  let dir: string;
  let port: number;
  let base: string;
  const http = (method: string, p: string, body?: unknown) => call(base, method, p, { token: ADMIN, body });

  before(async () => {
    // A PostgreSQL and a Redis of the test's own: stopping them never touches the machine's servers.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brain-pgrec-'));
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
    port = 20000 + Math.floor(Math.random() * 20000);
    pg = await startEmbeddedPostgres(path.join(dir, 'data'), port, () => undefined);
    redis = await startPrivateRedis();
    const env = testEnv(pg.url, 'pgrec', {
      REDIS_URL: redis.url,
      QUEUE_BACKEND: 'redis',
      MIGRATE_ON_START: 'true',
      ADMIN_API_KEY: ADMIN,
      LOG_LEVEL: 'info',
      LOCAL_LLM_LATENCY_MS: '1500',
      // 2 attempts: the job gets 4 runs with 1 s, 2 s, 4 s backoff, all spent inside the outage
      TASK_MAX_ATTEMPTS: '2',
      RECONCILE_INTERVAL_SECONDS: '2',
      JOB_LOCK_SECONDS: '4',
    });
    api = spawnApp('api', env);
    const apiPort = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(api.output())?.[1], 60000, 'api to listen');
    base = `http://127.0.0.1:${apiPort}`;
    worker = spawnApp('worker', env);
    await waitFor(async () => worker.output().includes('worker started') || undefined, 60000, 'worker to start');
  });
  after(async () => {
    await api?.stop();
    await worker?.stop();
    await pg?.stop().catch(() => undefined);
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("runs every task once the database is back; the outage's failed runs do not count", async () => {
    const created = await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Outage', target_workers: 5 });
    assert.equal(created.status, 201);
    const id = created.body.id;
    await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.current_workers === 5 || undefined, 30000, '5 workers');
    const ids = await submitTasks(base, ADMIN, id, 10, 'outage');
    await waitFor(async () => (await query<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM tasks WHERE status = 'running'`))[0].n >= 3 || undefined, 20000, 'tasks running');

    await pg.stop();
    const downAt = Date.now();
    const down = await http('GET', `/api/clusters/${id}`);
    assert.equal(down.status, 503, 'a read that needs the database says it is unavailable');
    assert.match(down.body.message, /unavailable/);
    const health = await http('GET', '/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.database.status, 'down', 'health names the database');
    // writes that need the database are refused with the same clear 503, never half done
    const refused = await Promise.all([
      http('POST', `/api/clusters/${id}/tasks`, { input: 'during the outage' }),
      http('POST', `/api/clusters/${id}/scale`, { target_workers: 4 }),
      http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'During outage' }),
    ]);
    assert.deepEqual(
      refused.map((r) => r.status),
      [503, 503, 503],
    );
    for (const r of refused) assert.match(r.body.message, /unavailable/);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - downAt))));
    pg = await startEmbeddedPostgres(path.join(dir, 'data'), port, () => undefined);

    await assertAllTasksDone(pg.url, id, ids, 90000);
    const [{ attempts }] = await query<{ attempts: number }>(pg.url, `SELECT sum(attempts)::int AS attempts FROM tasks WHERE cluster_id = $1`, [id]);
    assert.equal(attempts, ids.length, 'one successful call each: the runs that failed on the database were not counted');
    await waitFor(async () => (await http('GET', '/health')).status === 200, 30000, 'health recovered without restarting the apps');
    const [{ n }] = await query<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM clusters`);
    assert.equal(n, 1, 'the refused cluster creation left nothing behind');
    assert.equal((await http('GET', `/api/clusters/${id}`)).body.target_workers, 5, 'the refused scale changed nothing');
    assert.equal(api.child.exitCode, null, 'the api was not restarted');
    assert.equal(worker.child.exitCode, null, 'the worker was not restarted');
    console.log(
      `tried: PostgreSQL stopped for ${OUTAGE_MS / 1000} s with tasks running (job backoff 1+2+4 s), a read, health and 3 writes during it; checked: read and writes 503 "${down.body.message}", health 503 naming the database, ` +
        `all ${ids.length} tasks succeeded once, no error, no agent busy, one cost entry each, health back to 200 with the same api and worker processes, the refused writes left nothing`,
    );
  });
});
