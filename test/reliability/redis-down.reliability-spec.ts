import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Redis from 'ioredis';
import { call, HttpResult } from '../harness/http';
import { waitFor } from '../harness/process';
import { assertAllTasksDone, submitTasks } from '../harness/recovery';
import { startPrivateRedis } from '../harness/redis-server';
import { ADMIN, duplicateAgents, Fleet, stuck } from './fleet';

const OUTAGE_MS = 6000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A private Redis (its own port and pid), api and worker processes; the Redis is stopped, not frozen. */
function redisFleet(label: string, extra: Record<string, string> = {}): Fleet {
  return new Fleet(label, {
    privateRedis: true,
    env: {
      JOB_LOCK_SECONDS: '4',
      RECONCILE_INTERVAL_SECONDS: '2',
      WORKER_CONCURRENCY: '20',
      ...extra,
    },
  });
}

describe('reliability: Redis stopped for several seconds while tasks are submitted and clusters scaled', () => {
  const fleet = redisFleet('redisdown', { LOCAL_LLM_LATENCY_MS: '100' });
  before(() => fleet.start());
  after(() => fleet.stop());

  it('answers 503 on health, accepts (or clearly refuses) the writes, and completes everything accepted once Redis is back', async () => {
    const clusters = [await fleet.cluster('Redis outage A', 3), await fleet.cluster('Redis outage B', 3)];
    const accepted = new Map<string, string[]>(clusters.map((c) => [c, []]));
    accepted.get(clusters[0])!.push(...(await submitTasks(fleet.base, ADMIN, clusters[0], 20, 'before')));
    const redis = fleet.redis!;
    const port = redis.port;

    await redis.stop(); // SIGTERM by pid: only the server this test started
    const downAt = Date.now();
    const health = await waitFor(async () => {
      const h = await fleet.call('GET', '/health');
      return h.status === 503 ? h : undefined;
    }, 10000, 'health to answer 503');
    assert.equal(health.body.checks.redis.status, 'down');

    // during the outage: tasks and scale requests to both clusters, a few at a time
    const answers: Array<{ what: string; r: HttpResult; ms: number }> = [];
    const lastTarget = new Map<string, number>();
    let n = 0;
    while (Date.now() - downAt < OUTAGE_MS) {
      // per round: two tasks to each cluster and one scale of each, all at once
      const started = Date.now();
      const target = 3 + (n % 4);
      const round = await Promise.all(
        clusters.flatMap((c) => [
          call(fleet.base, 'POST', `/api/clusters/${c}/tasks`, { token: ADMIN, body: { input: `during outage ${n}a` } }).then((r) => ({ what: 'task', c, r })),
          call(fleet.base, 'POST', `/api/clusters/${c}/tasks`, { token: ADMIN, body: { input: `during outage ${n}b` } }).then((r) => ({ what: 'task', c, r })),
          call(fleet.base, 'POST', `/api/clusters/${c}/scale`, { token: ADMIN, body: { target_workers: target } }).then((r) => ({ what: 'scale', c, r })),
        ]),
      );
      const ms = Date.now() - started;
      for (const { what, c, r } of round) {
        answers.push({ what, r, ms });
        if (what === 'task' && r.status === 201) accepted.get(c)!.push(r.body.id);
        if (what === 'scale' && r.status === 202) lastTarget.set(c, target);
      }
      n++;
      await sleep(200);
    }
    const read = await fleet.call('GET', `/api/clusters/${clusters[0]}`);

    fleet.redis = await startPrivateRedis(port); // the same port: the apps reconnect to the same URL
    const upAt = Date.now();
    await waitFor(async () => (await fleet.call('GET', '/health')).status === 200, 30000, 'health back to 200 without restarting the apps');
    const healthBackMs = Date.now() - upAt;

    // every answer during the outage: accepted, or a 503 that says what is unavailable
    const unexpected = answers.filter(({ r }) => ![201, 202, 503].includes(r.status) || (r.status === 503 && !/unavailable/i.test(r.body.message)));
    assert.deepEqual(
      unexpected.map(({ what, r }) => `${what}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`),
      [],
    );
    assert.equal(read.status, 200, 'reads that need only the database still work');

    // after: every accepted task done exactly once, each cluster at its last accepted target
    accepted.get(clusters[0])!.push(...(await submitTasks(fleet.base, ADMIN, clusters[0], 10, 'after')));
    for (const c of clusters) await assertAllTasksDone(fleet.dbUrl, c, accepted.get(c)!, 120000);
    for (const c of clusters) {
      const want = lastTarget.get(c) ?? 3;
      assert.equal((await fleet.call('GET', `/api/clusters/${c}`)).body.target_workers, want, 'the last accepted target is in force');
      await fleet.settled(c, want, 60000);
      assert.deepEqual(await stuck(fleet.dbUrl, c), { tasks: 0, spawning: 0, busy: 0, clusters: [] });
    }
    assert.equal(await duplicateAgents(fleet.dbUrl), 0);
    const tally = (what: string) =>
      [...answers.filter((a) => a.what === what).reduce((m, a) => m.set(a.r.status, (m.get(a.r.status) ?? 0) + 1), new Map<number, number>())].map(([s, k]) => `${k} x ${s}`).join(', ');
    const slowest = Math.max(...answers.map((a) => a.ms));
    console.log(
      `tried: Redis stopped (SIGTERM) for ${OUTAGE_MS / 1000} s, ${n} rounds of 4 task submissions and 2 scale requests over 2 clusters during it, then started again on port ${port} without its data; ` +
        `checked: health 503 naming redis, tasks ${tally('task')}, scales ${tally('scale')} (slowest round ${slowest} ms), reads 200; health 200 again ${healthBackMs} ms after the start; ` +
        `all ${[...accepted.values()].reduce((a, b) => a + b.length, 0)} accepted tasks succeeded once (one cost entry each), each cluster at its last accepted target, nothing stuck, no duplicates`,
    );
  });
});

describe('reliability: Redis loses every key while tasks wait', () => {
  const fleet = redisFleet('flush', { LOCAL_LLM_LATENCY_MS: '200' });
  before(() => fleet.start());
  after(() => fleet.stop());

  it('puts running tasks back, re-creates the schedulers and runs every task', async () => {
    const id = await fleet.cluster('Flushed', 5);
    const ids = await submitTasks(fleet.base, ADMIN, id, 80, 'flush');
    await waitFor(async () => (await fleet.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE cluster_id = $1 AND status = 'succeeded'`, [id]))[0].n >= 5, 20000, 'some tasks done');
    const redis = new Redis(fleet.redis!.url);
    try {
      await redis.flushall(); // what a Redis without persistence does when it restarts
      assert.equal((await redis.keys('*')).filter((k) => k.includes('reconcile-tick')).length, 0, 'the scheduler is gone');
      const [open] = await fleet.query<{ running: number; queued: number }>(
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM tasks WHERE cluster_id = $1`,
        [id],
      );
      await assertAllTasksDone(fleet.dbUrl, id, ids, 90000);
      const schedulers = (await redis.keys('*')).filter((k) => /repeat/.test(k));
      assert.ok(schedulers.length > 0, 'the job schedulers are registered again');
      console.log(`tried: FLUSHALL with ${open.running} tasks running and ${open.queued} queued; checked: all 80 succeeded once, no error, no agent busy, the schedulers are back (${schedulers.length} keys)`);
    } finally {
      redis.disconnect();
    }
  });
});
