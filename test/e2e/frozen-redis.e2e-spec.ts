import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HttpResult } from '../harness/http';
import { waitFor } from '../harness/process';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';
import { TestSystem } from '../harness/system';

// A frozen Redis (SIGSTOP: connections stay open, nothing answers) must not hang the api: reads
// answer from PostgreSQL with the rate limiter failing open after its short timeout, writes are
// stored and accepted after the enqueue timeout, health names Redis. Once Redis thaws, everything
// accepted while it was frozen runs.

const READ_BUDGET_MS = 1000;
const WRITE_BUDGET_MS = 2500;
const HEALTH_BUDGET_MS = 3000;
const SETTLE_BUDGET_MS = 60000;

const log = (msg: string) => console.log(`[frozen-redis] ${msg}`);

describe('frozen Redis e2e: the api answers while Redis is stopped, and nothing accepted is lost', { timeout: 150000 }, () => {
  let redis: PrivateRedis;
  let sys: TestSystem;
  let clusterId: string;
  const accepted: string[] = [];

  /** One call, timed. */
  async function timed(method: string, path: string, body?: unknown): Promise<HttpResult & { ms: number }> {
    const start = performance.now();
    const res = await sys.call(method, path, body === undefined ? {} : { body });
    return { ...res, ms: Math.round(performance.now() - start) };
  }

  before(async () => {
    redis = await startPrivateRedis();
    log(`private redis-server pid ${redis.pid} on ${redis.url}`);
    sys = new TestSystem('frozenredis', {
      REDIS_URL: redis.url,
      QUEUE_BACKEND: 'redis',
      RECONCILE_INTERVAL_SECONDS: '2',
      SHUTDOWN_GRACE_SECONDS: '2',
    });
    await sys.start();
    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Frozen Redis', target_workers: 3 } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    clusterId = created.body.id;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${clusterId}`)).body.status === 'active' || undefined, 30000, 'cluster to be active');
    log(`cluster ${clusterId} (marketing-v1, target 3) is active`);
  });

  after(async () => {
    // Even when a check failed with Redis frozen: thaw it so the processes can shut down, then stop
    // everything this file started, by pid.
    redis?.thaw();
    await sys?.stop();
    await redis?.stop();
  });

  it('answers reads, accepts writes and reports health while Redis is frozen', { timeout: 30000 }, async () => {
    const warm = await timed('GET', `/api/clusters/${clusterId}`);
    assert.equal(warm.status, 200);
    log(`before the freeze: GET /api/clusters/:id ${warm.status} in ${warm.ms} ms`);
    const logBefore = sys.api.output().length;

    redis.freeze();
    log(`SIGSTOP sent to redis-server pid ${redis.pid}`);

    for (let round = 1; round <= 3; round++) {
      for (const path of [`/api/clusters/${clusterId}`, '/api/clusters']) {
        const r = await timed('GET', path);
        log(`frozen, round ${round}: GET ${path} -> ${r.status} in ${r.ms} ms (budget ${READ_BUDGET_MS} ms)`);
        assert.equal(r.status, 200, `GET ${path}: ${JSON.stringify(r.body)}`);
        assert.ok(r.ms < READ_BUDGET_MS, `GET ${path} took ${r.ms} ms`);
      }
    }

    for (let i = 0; i < 5; i++) {
      const r = await timed('POST', `/api/clusters/${clusterId}/tasks`, { input: `Draft a post about frozen queues, number ${i}` });
      log(`frozen: POST /api/clusters/:id/tasks #${i} -> ${r.status} (${r.body?.status}) in ${r.ms} ms (budget ${WRITE_BUDGET_MS} ms)`);
      assert.equal(r.status, 201, JSON.stringify(r.body));
      assert.equal(r.body.status, 'queued');
      assert.ok(r.ms < WRITE_BUDGET_MS, `POST task took ${r.ms} ms`);
      accepted.push(r.body.id);
    }

    const health = await (async () => {
      const start = performance.now();
      const res = await fetch(`${sys.base}/health`);
      return { status: res.status, body: (await res.json()) as { checks: { redis: { status: string; detail?: string }; database: { status: string } } }, ms: Math.round(performance.now() - start) };
    })();
    log(`frozen: GET /health -> ${health.status} in ${health.ms} ms, redis ${health.body.checks.redis.status} (${health.body.checks.redis.detail ?? ''}), database ${health.body.checks.database.status}`);
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.redis.status, 'down');
    assert.equal(health.body.checks.database.status, 'up');
    assert.ok(health.ms < HEALTH_BUDGET_MS, `/health took ${health.ms} ms`);

    // The rate limiter said it failed open, and not once per request.
    const warnings = sys.api
      .output()
      .slice(logBefore)
      .split('\n')
      .filter((l) => l.includes('rate limiting fails open'));
    log(`api log while frozen: ${warnings.length} fail-open warning(s) for 11 throttled requests: ${warnings[0] ?? '(none)'}`);
    assert.ok(warnings.length >= 1, 'the api logged that rate limiting fails open');
    assert.ok(warnings.length <= 2, `fail-open warnings are rate-limited (saw ${warnings.length})`);
  });

  it('runs every task accepted while Redis was frozen once it thaws', { timeout: SETTLE_BUDGET_MS + 15000 }, async () => {
    assert.equal(accepted.length, 5, 'the previous test accepted 5 tasks');
    redis.thaw();
    log(`SIGCONT sent to redis-server pid ${redis.pid}; waiting up to ${SETTLE_BUDGET_MS / 1000} s for the ${accepted.length} tasks`);
    const start = Date.now();
    let last: { id: string; status: string; error: string | null }[] = [];
    try {
      await waitFor(
        async () => {
          last = await Promise.all(accepted.map(async (id) => (await sys.call('GET', `/api/tasks/${id}`)).body));
          return last.every((t) => t.status === 'succeeded' || t.status === 'failed' || t.status === 'cancelled') || undefined;
        },
        SETTLE_BUDGET_MS,
        'accepted tasks to finish',
      );
    } finally {
      log(`after ${Math.round((Date.now() - start) / 1000)} s: ${last.map((t) => `${t.id.slice(0, 8)} ${t.status}${t.error ? ` (${t.error})` : ''}`).join(', ')}`);
    }
    for (const t of last) {
      assert.equal(t.status, 'succeeded', `task ${t.id}: ${t.status} ${t.error ?? ''}`);
      assert.equal(t.error, null, `task ${t.id} error`);
    }

    for (const status of ['queued', 'running']) {
      const r = await sys.call('GET', `/api/clusters/${clusterId}/tasks?status=${status}&page_size=1`);
      log(`tasks ${status}: ${r.body.total}`);
      assert.equal(r.body.total, 0, `tasks left ${status}`);
    }
    // an agent's status is written after its task's: give the last write a moment
    const agents = await waitFor(
      async () => {
        const list = (await sys.call('GET', `/api/clusters/${clusterId}/agents?page_size=100`)).body.agents as { name: string; status: string }[];
        return list.every((a) => a.status !== 'busy') ? list : undefined;
      },
      5000,
      'no agent to be busy',
    ).catch(async (e) => {
      const list = (await sys.call('GET', `/api/clusters/${clusterId}/agents?page_size=100`)).body.agents as { name: string; status: string }[];
      log(`agents: ${list.map((a) => `${a.name} ${a.status}`).join(', ')}`);
      throw e;
    });
    log(`agents: ${agents.map((a) => `${a.name} ${a.status}`).join(', ')}`);
    const cluster = (await sys.call('GET', `/api/clusters/${clusterId}`)).body;
    log(`cluster ${cluster.status}, tasks_completed ${cluster.tasks_completed}, tasks_failed ${cluster.tasks_failed}`);
    assert.equal(cluster.tasks_failed, 0);
  });
});
