import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRepository, MetricsRepository } from '#cluster';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { startWorker } from '../harness/worker';

const ADMIN = 'metrics-admin-key-0123456789';

// The sampler reads rows as they are; these rows are made by hand so every figure is known.
describe('metrics: one sample per cluster from the rows', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('metrics');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });
  const q = (sql: string, params: unknown[] = []) => api.app.get(ClusterRepository).ds.query(sql, params);

  before(async () => {
    db = await createTestDatabase('metrics');
    const env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN });
    api = await startApi(env);
    const worker = await startWorker(env);
    try {
      const id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Measured', target_workers: 4 })).body.id;
      await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.current_workers === 4 || undefined, 15000, '4 workers');
    } finally {
      await worker.close();
    }
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('counts queue, wait, throughput, errors, load and attributes the worker processes', async () => {
    const [{ id }] = await q(`SELECT id FROM clusters LIMIT 1`);
    const workers: { id: string }[] = await q(`SELECT id FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' ORDER BY id`, [id]);
    // 3 queued (the oldest waiting 40 s), 2 running on two busy workers for 30 s, 4 finished in the
    // last minute (1 failed, 2 s each), 1 finished long ago (outside the window)
    const task = (status: string, created: string, extra = '') =>
      q(`INSERT INTO tasks (cluster_id, status, input, max_attempts, created_at${extra ? ', started_at, finished_at, duration_ms, agent_id' : ''})
         VALUES ($1, $2, 'x', 3, now() - interval '${created}'${extra})`, [id, status]);
    await task('queued', '40 seconds');
    await task('queued', '10 seconds');
    await task('queued', '5 seconds');
    for (const w of workers.slice(0, 2)) {
      const [{ id: taskId }] = await q(
        `INSERT INTO tasks (cluster_id, status, input, max_attempts, agent_id, started_at, created_at) VALUES ($1, 'running', 'x', 3, $2, now() - interval '30 seconds', now() - interval '31 seconds') RETURNING id`,
        [id, w.id],
      );
      await q(`UPDATE cluster_agents SET status = 'busy', current_task_id = $2 WHERE id = $1`, [w.id, taskId]);
    }
    for (const status of ['succeeded', 'succeeded', 'succeeded', 'failed']) {
      await q(
        `INSERT INTO tasks (cluster_id, status, input, max_attempts, started_at, finished_at, duration_ms, created_at)
         VALUES ($1, $2, 'x', 3, now() - interval '12 seconds', now() - interval '10 seconds', 2000, now() - interval '13 seconds')`,
        [id, status],
      );
    }
    await q(`INSERT INTO tasks (cluster_id, status, input, max_attempts, started_at, finished_at, duration_ms) VALUES ($1, 'succeeded', 'x', 3, now() - interval '1 hour', now() - interval '1 hour', 5000)`, [id]);
    // one live worker process at 50 % CPU and 200 MB; one silent for long (not counted)
    await q(`INSERT INTO worker_processes VALUES (gen_random_uuid(), 'h', 1, 'v', 'redis', now(), now(), 209715200, 10, 50)`);
    await q(`INSERT INTO worker_processes VALUES (gen_random_uuid(), 'h', 2, 'v', 'redis', now(), now() - interval '1 hour', 209715200, 10, 80)`);

    const sampled = await api.app.get(MetricsRepository).collect(60, 30);
    assert.equal(sampled, 1);
    const s = (await http('GET', `/api/clusters/${id}/metrics`)).body.samples[0];
    assert.equal(s.queue_length, 3);
    assert.ok(s.oldest_wait_seconds >= 40 && s.oldest_wait_seconds < 45, `oldest wait ${s.oldest_wait_seconds}`);
    assert.equal(s.running_tasks, 2);
    assert.equal(s.tasks_per_minute, 4);
    assert.equal(s.avg_response_ms, 2000);
    assert.equal(s.error_rate, 0.25);
    assert.equal(s.live_workers, 4);
    assert.equal(s.busy_workers, 2);
    assert.equal(s.load_percentage, 50);
    // the only cluster with task time gets all of the live process's figures
    assert.equal(s.cpu_usage, 50);
    assert.equal(s.memory_usage, 200);
    assert.equal(s.agents_by_status.busy, 2);

    const window = await http('GET', `/api/clusters/${id}/metrics?from=2000-01-01T00:00:00Z&to=2001-01-01T00:00:00Z`);
    assert.deepEqual(window.body.samples, []);
    const bad = await http('GET', `/api/clusters/${id}/metrics?from=yesterday&limit=5000`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /from must be an ISO 8601 date-time/);
    assert.match(bad.body.message, /limit/);
  });
});
