// The background figures of issue 13 over 1,000 and 10,000 active clusters, each against one raw
// SQL aggregate over the same rows measured in the same run:
//   tick     one autoscale tick (the tick job and every evaluation it fans out, until the queue is
//            empty), every cluster with a fresh metrics sample
//   metrics  one metrics collection pass (the metrics tick job, until it completed)
//   memory   RSS of the api and the worker processes holding 10,000 clusters after a tick
// The api and worker run as their own processes (as in production); the clusters are clones of one
// made through the api (bench/common.ts cloneCluster, generate_series), not 10,000 api calls. The
// periodic ticks are set to an hour so that only the ticks this bench enqueues run.
// Run: npm run bench, or after a build: node dist/bench/ticks.bench.js
// Knobs: BENCH_RUNS (3), BENCH_QUICK=1 (100 and 1,000 clusters, one run).
import { Queue, QueueEvents } from 'bullmq';
import { SYSTEM_ADMIN, TestSystem } from '../test/harness/system';
import { call } from '../test/harness/http';
import { waitFor } from '../test/harness/process';
import { TEST_REDIS_URL } from '../test/harness/redis';
import { cleanup, cloneCluster, describeMachine, Figure, figure, fmt, freshSamples, hardLimit, machine, median, memoryOf, QUICK, report, RUNS, sleep, summary, timed, withPg } from './common';

const SIZES = QUICK ? [100, 1000] : [1000, 10_000];

/** What a tick has to read at least: every runnable cluster, its newest sample and its agent counts, in one statement. */
const AGGREGATE = `
SELECT count(*)::int AS clusters, sum(s.queue_length)::int AS queued, sum(a.live)::int AS live
  FROM clusters c
  JOIN LATERAL (SELECT queue_length FROM metric_samples m WHERE m.cluster_id = c.id ORDER BY sampled_at DESC LIMIT 1) s ON true
  LEFT JOIN (SELECT cluster_id, count(*) FILTER (WHERE role = 'worker' AND status IN ('spawning', 'idle', 'busy')) AS live
               FROM cluster_agents GROUP BY cluster_id) a ON a.cluster_id = c.id
 WHERE c.status IN ('active', 'scaling_up', 'scaling_down')`;

/** Nothing waiting or running (the schedulers' next ticks wait as delayed jobs, an hour ahead). */
async function drained(q: Queue): Promise<boolean> {
  const c = await q.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
  return Object.values(c).every((n) => n === 0);
}

/** Adds a job and resolves when it completed and its queue is empty again (what it fanned out ran too). */
async function runJob(q: Queue, events: QueueEvents, name: string, timeoutMs: number): Promise<number> {
  const { ms } = await timed(async () => {
    const job = await q.add(name, {}, { jobId: `bench-${name}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`, removeOnComplete: false, attempts: 1 });
    await job.waitUntilFinished(events, timeoutMs);
    // a tick leaves clusters it found locked to jobs of their own: those count too
    const deadline = Date.now() + timeoutMs;
    while (!(await drained(q))) {
      if (Date.now() > deadline) throw new Error(`${name}: its queue did not drain within ${timeoutMs} ms`);
      await sleep(10);
    }
  });
  return ms;
}

async function main(): Promise<number> {
  const hour = '3600';
  const sys = new TestSystem('benchticks', {
    AUTOSCALE_INTERVAL_SECONDS: hour,
    METRICS_INTERVAL_SECONDS: hour,
    LIFECYCLE_INTERVAL_SECONDS: hour,
    RECONCILE_INTERVAL_SECONDS: hour,
    HOUSEKEEPING_INTERVAL_SECONDS: hour,
    LIFECYCLE_GRACE_SECONDS: '86400',
    RATE_LIMIT_MAX: '100000000',
  });
  let failed = false;
  const figures: Figure[] = [];
  const queues: (Queue | QueueEvents)[] = [];
  try {
    await sys.start();
    const m = await machine(sys.db.url);
    process.stdout.write(`ticks bench: ${SIZES.join(' and ')} active clusters, median of ${RUNS} run(s); ${describeMachine(m)}\n`);
    const connection = { url: TEST_REDIS_URL };
    const autoscale = new Queue('autoscale', { connection, prefix: sys.prefix });
    const metrics = new Queue('metrics', { connection, prefix: sys.prefix });
    const autoscaleEvents = new QueueEvents('autoscale', { connection, prefix: sys.prefix });
    const metricsEvents = new QueueEvents('metrics', { connection, prefix: sys.prefix });
    await Promise.all([autoscaleEvents.waitUntilReady(), metricsEvents.waitUntilReady()]);
    queues.push(autoscale, metrics, autoscaleEvents, metricsEvents);

    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Tick Cluster', target_workers: 3 } });
    if (created.status !== 201) throw new Error(`cluster create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const template: string = created.body.id;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${template}`)).body?.status === 'active', 60_000, 'the template cluster to become active');
    // let the jobs that follow a spawn (manifests, dispatch) finish before anything is timed
    await waitFor(async () => (await drained(autoscale)) && (await drained(metrics)), 60_000, 'the queues to settle');

    const results: Record<number, { tick: number[]; metrics: number[]; aggregate: number[] }> = {};
    for (const size of SIZES) {
      const have = await withPg(sys.db.url, async (c) => (await c.query<{ n: number }>('SELECT count(*)::int AS n FROM clusters')).rows[0].n);
      const seeded = await timed(() => withPg(sys.db.url, (c) => cloneCluster(c, template, size - have)));
      await withPg(sys.db.url, (c) => c.query('ANALYZE'));
      process.stdout.write(`seeded ${size - have} clusters (${seeded.value} agents) in ${fmt(seeded.ms, 0)} ms\n`);
      const r: { tick: number[]; metrics: number[]; aggregate: number[] } = (results[size] = { tick: [], metrics: [], aggregate: [] });
      for (let i = 0; i < RUNS; i++) {
        await withPg(sys.db.url, (c) => freshSamples(c));
        // on an open connection, the second of two (the first warms the cache as a tick's reads would be warm)
        r.aggregate.push(await withPg(sys.db.url, async (c) => (await c.query(AGGREGATE), (await timed(() => c.query(AGGREGATE))).ms)));
        r.tick.push(await runJob(autoscale, autoscaleEvents, 'autoscale-tick', 10 * 60_000));
        r.metrics.push(await runJob(metrics, metricsEvents, 'metrics-tick', 5 * 60_000));
        process.stdout.write(`  ${size} clusters, run ${i + 1}: tick ${fmt(r.tick[i], 0)} ms, metrics ${fmt(r.metrics[i], 0)} ms, aggregate ${fmt(r.aggregate[i], 1)} ms\n`);
      }
    }

    // Memory after the last (largest) tick: the worker as it is, the api after serving the pages
    // an operator would look at (a cluster list, the Prometheus scrape, health).
    for (const path of ['/api/clusters?page_size=100', '/metrics', '/health', '/api/clusters?page_size=100&page=50']) {
      const res = await call(sys.base, 'GET', path, { token: SYSTEM_ADMIN });
      if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    }
    const worker = memoryOf(sys.worker.child.pid!);
    const api = memoryOf(sys.api.child.pid!);

    const [small, large] = SIZES;
    const med = (size: number, k: 'tick' | 'metrics' | 'aggregate') => median(results[size][k]);
    for (const k of ['tick', 'metrics'] as const) {
      for (const size of SIZES) {
        figures.push(
          figure({
            figure: `${k} over ${size} clusters`,
            value: med(size, k),
            unit: 'ms',
            baseline: med(size, 'aggregate'),
            baseline_name: 'raw SQL aggregate',
            goal: size === large ? '<= 10x' : 'report',
            check: size === large ? (ratio) => ratio !== null && ratio <= 10 : undefined,
            runs: results[size][k],
          }),
        );
      }
      figures.push(
        figure({
          figure: `${k} growth ${small} -> ${large}`,
          value: med(large, k) / med(small, k),
          unit: 'x',
          baseline: med(large, 'aggregate') / med(small, 'aggregate'),
          baseline_name: 'aggregate growth',
          ratio: null,
          goal: '<= 12',
          check: (_r, v) => v <= 12,
          runs: results[large][k].map((v, i) => v / (results[small][k][i] ?? NaN)),
        }),
      );
    }
    figures.push(
      figure({ figure: `api RSS, ${large} clusters`, value: api.rss, unit: 'MB', baseline: null, baseline_name: null, goal: '<= 250 MB', check: (_r, v) => v <= 250, runs: [api.rss], extra: { peak_mb: api.peak } }),
      figure({ figure: `worker RSS, ${large} clusters`, value: worker.rss, unit: 'MB', baseline: null, baseline_name: null, goal: '<= 300 MB', check: (_r, v) => v <= 300, runs: [worker.rss], extra: { peak_mb: worker.peak } }),
    );
    process.stdout.write('\n| figure | value | baseline | ratio | goal | verdict | notes |\n|---|---:|---|---:|---|---|---|\n');
    for (const f of figures) report(f);
    summary('ticks', figures, { machine: m, sizes: SIZES });
  } catch (e) {
    failed = true;
    process.stderr.write(`ticks bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.stderr.write(`worker output (tail):\n${sys.worker?.output().slice(-3000) ?? ''}\n`);
  } finally {
    const ok = await cleanup('ticks bench', [...queues.map((q): [string, () => Promise<unknown>] => ['close a queue', () => q.close()]), ['stop the system', () => sys.stop()]]);
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

hardLimit('ticks bench', 14 * 60_000);
main().then((code) => process.exit(code));
