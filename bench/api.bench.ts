// The HTTP figures of issue 13, each against a baseline measured in the same run:
//   read   GET /api/clusters/:id, 32 connections, against a bare Nest + express app answering the
//          same JSON from memory (and a bare node:http server, the ceiling); then the p99 at half
//          the api's saturated rate.
//   write  POST /api/clusters/:id/scale alternating 3|4 over 100 clusters, against one raw pg
//          transaction (row lock + update) plus one BullMQ add per request at the same concurrency;
//          the one hot cluster (every request on one row lock) is reported.
// The api and the worker run as their own processes (dist/apps/*/src/main.js, as in production),
// on a fresh database and Redis prefix; each baseline server is a process too (bench/servers.ts).
// The load generator (bench/load.ts) runs in a worker thread of this process. Loopback only.
// Run: npm run bench, or after a build: node dist/bench/api.bench.js
// Knobs: BENCH_CONNECTIONS (32), BENCH_DURATION_MS (5000), BENCH_WARMUP_MS (1000), BENCH_RUNS (3),
// BENCH_QUICK=1 (short runs, one each: checks the bench works).
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { SYSTEM_ADMIN, TestSystem } from '../test/harness/system';
import { waitFor } from '../test/harness/process';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../test/harness/redis';
import { Child, cleanup, cloneCluster, describeMachine, Figure, figure, fmt, hardLimit, intEnv, machine, median, QUICK, report, RUNS, spawnNode, summary, withPg } from './common';
import { LoadResult, LoadSpec, runLoad } from './load';

const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 32, 1, 256);
const DURATION_MS = intEnv('BENCH_DURATION_MS', QUICK ? 1000 : 5000, 500, 60_000);
const WARMUP_MS = intEnv('BENCH_WARMUP_MS', QUICK ? 300 : 1000, 0, 30_000);
const CLUSTERS = QUICK ? 10 : 100;

function loadLine(name: string, r: LoadResult): string {
  return `  ${name.padEnd(36)} ${fmt(r.rps, 0).padStart(7)} req/s  p50 ${fmt(r.p50).padStart(7)} ms  p99 ${fmt(r.p99).padStart(7)} ms  (${r.requests} req, ${r.errors} errors)`;
}

async function startServer(mode: 'http' | 'nest', json: string): Promise<{ child: Child; url: string }> {
  const child = spawnNode('dist/bench/servers.js', { BENCH_JSON: json, NODE_ENV: 'production' }, [mode]);
  const port = await waitFor(async () => /listening (\d+)/.exec(child.output())?.[1], 30_000, `the ${mode} baseline to listen`);
  return { child, url: `http://127.0.0.1:${port}` };
}

/**
 * The write baseline: what a scale request must at least do, without HTTP and the framework: one
 * transaction that locks a cluster row and updates it, then one BullMQ add. Closed loop,
 * `connections` loops, the same pool size as the api (10), for the same warm-up and window.
 */
async function rawWrites(databaseUrl: string, prefix: string, ids: string[], connections: number): Promise<LoadResult> {
  const pool = new Pool({ connectionString: databaseUrl, max: 10 });
  const queue = new Queue('bench-raw', { connection: { url: TEST_REDIS_URL }, prefix });
  const latencies: number[] = [];
  let measuring = false;
  let stop = false;
  let next = 0;
  let errors = 0;
  const one = async () => {
    const id = ids[next++ % ids.length];
    const t0 = performance.now();
    try {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        await c.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [id]);
        // a real row write (a new tuple under the lock) that leaves the cluster as it was
        await c.query('UPDATE clusters SET target_workers = target_workers, updated_at = now() WHERE id = $1', [id]);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
      await queue.add('reconcile', { clusterId: id }, { removeOnComplete: true });
    } catch {
      if (measuring) errors++;
    }
    if (measuring) latencies.push(performance.now() - t0);
  };
  const loops = Array.from({ length: connections }, async () => {
    while (!stop) await one();
  });
  try {
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    measuring = true;
    const start = performance.now();
    await new Promise((r) => setTimeout(r, DURATION_MS));
    measuring = false;
    const seconds = (performance.now() - start) / 1000;
    stop = true;
    await Promise.all(loops);
    const sorted = latencies.sort((a, b) => a - b);
    const pick = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
    return {
      requests: sorted.length,
      errors,
      errorSamples: [],
      seconds,
      rps: sorted.length / seconds,
      p50: pick(50),
      p99: pick(99),
      mean: sorted.reduce((a, b) => a + b, 0) / (sorted.length || 1),
      max: sorted[sorted.length - 1] ?? NaN,
    };
  } finally {
    stop = true;
    await queue.close();
    await pool.end();
  }
}

async function main(): Promise<number> {
  // Lifecycle grace at its maximum: the idle bench clusters must not hibernate under the writes.
  const sys = new TestSystem('benchapi', { RATE_LIMIT_MAX: '100000000', LOG_LEVEL: 'info', LIFECYCLE_GRACE_SECONDS: '86400' });
  const rawPrefix = testPrefix('benchraw');
  const servers: Child[] = [];
  let failed = false;
  const figures: Figure[] = [];
  try {
    await sys.start();
    const m = await machine(sys.db.url);
    process.stdout.write(
      `api bench: ${CONNECTIONS} connections, ${DURATION_MS} ms (+${WARMUP_MS} ms warm-up) per load, median of ${RUNS} run(s); ${describeMachine(m)}\n`,
    );

    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Bench Cluster', target_workers: 3 } });
    if (created.status !== 201) throw new Error(`cluster create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const hot: string = created.body.id;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${hot}`)).body?.status === 'active', 60_000, 'the bench cluster to become active');
    await withPg(sys.db.url, (c) => cloneCluster(c, hot, CLUSTERS - 1));
    const ids = await withPg(sys.db.url, async (c) => (await c.query<{ id: string }>('SELECT id FROM clusters ORDER BY created_at, id')).rows.map((r) => r.id));
    const settled = () =>
      waitFor(
        () => withPg(sys.db.url, async (c) => (await c.query(`SELECT 1 FROM clusters WHERE status <> 'active' LIMIT 1`)).rowCount === 0),
        120_000,
        'every bench cluster to settle',
      );

    const read = await sys.call('GET', `/api/clusters/${hot}`);
    const json = JSON.stringify(read.body);
    const [ceiling, bare] = [await startServer('http', json), await startServer('nest', json)];
    servers.push(ceiling.child, bare.child);

    const common = { connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: DURATION_MS, method: 'GET' as const, expectStatus: 200 };
    const readSpec = (base: string): LoadSpec => ({ ...common, url: `${base}/api/clusters/${hot}` });
    const auth = { authorization: `Bearer ${SYSTEM_ADMIN}` };
    const scaleSeq = (targets: string[]) =>
      [4, 3].flatMap((t) => targets.map((id) => ({ url: `${sys.base}/api/clusters/${id}/scale`, body: JSON.stringify({ target_workers: t }) })));
    const writeSpec = (targets: string[]): LoadSpec => ({ ...common, method: 'POST', url: `${sys.base}/api/clusters/${targets[0]}/scale`, headers: auth, sequence: scaleSeq(targets), expectStatus: 202 });

    const runs: Record<string, LoadResult[]> = { ceiling: [], nest: [], read: [], health: [], write: [], raw: [], hot: [] };
    const check = (name: string, r: LoadResult) => {
      process.stdout.write(loadLine(name, r) + '\n');
      for (const e of r.errorSamples) process.stdout.write(`    unexpected: ${e}\n`);
      if (!r.requests || r.errors / r.requests > 0.01) failed = true;
      return r;
    };
    for (let i = 0; i < RUNS; i++) {
      process.stdout.write(`run ${i + 1} of ${RUNS}\n`);
      runs.ceiling.push(check('ceiling: node:http', await runLoad(readSpec(ceiling.url))));
      runs.nest.push(check('baseline: bare Nest + express', await runLoad(readSpec(bare.url))));
      runs.read.push(check('GET /api/clusters/:id', await runLoad(readSpec(sys.base))));
      runs.health.push(check('GET /health', await runLoad({ ...common, url: `${sys.base}/health` })));
      runs.raw.push(check('baseline: raw pg tx + BullMQ add', await rawWrites(sys.db.url, rawPrefix, ids, CONNECTIONS)));
      runs.write.push(check(`POST scale 3|4 over ${ids.length} clusters`, await runLoad(writeSpec(ids))));
      await settled();
      runs.hot.push(check('POST scale 3|4, one hot cluster', await runLoad(writeSpec([hot]))));
      await settled();
    }
    const med = (k: string, f: (r: LoadResult) => number = (r) => r.rps) => median(runs[k].map(f));

    // p99 at half the saturated rate: the api's own median saturated rate, halved, paced.
    const halfRate = med('read') / 2;
    const paced: LoadResult[] = [];
    for (let i = 0; i < RUNS; i++) paced.push(check(`GET /api/clusters/:id at ${fmt(halfRate, 0)} req/s`, await runLoad({ ...readSpec(sys.base), ratePerSecond: halfRate })));

    const rps = (k: string) => runs[k].map((r) => r.rps);
    figures.push(
      figure({
        figure: 'read GET /api/clusters/:id',
        value: med('read'),
        unit: 'req/s',
        baseline: med('nest'),
        baseline_name: 'bare Nest + express',
        goal: '>= 0.5',
        check: (r) => r !== null && r >= 0.5,
        runs: rps('read'),
        extra: { p50_ms: med('read', (r) => r.p50), p99_ms: med('read', (r) => r.p99), ceiling_rps: med('ceiling'), of_ceiling: med('read') / med('ceiling') },
      }),
      figure({
        figure: 'read p99 at half rate',
        value: median(paced.map((r) => r.p99)),
        unit: 'ms',
        baseline: null,
        baseline_name: null,
        goal: '<= 50 ms',
        check: (_r, v) => v <= 50,
        runs: paced.map((r) => r.p99),
        extra: { rate_rps: halfRate, achieved_rps: median(paced.map((r) => r.rps)), p50_ms: median(paced.map((r) => r.p50)) },
      }),
      figure({
        figure: `write scale over ${ids.length} clusters`,
        value: med('write'),
        unit: 'req/s',
        baseline: med('raw'),
        baseline_name: 'raw pg tx + BullMQ add',
        goal: '>= 0.5',
        check: (r) => r !== null && r >= 0.5,
        runs: rps('write'),
        extra: { p50_ms: med('write', (r) => r.p50), p99_ms: med('write', (r) => r.p99), baseline_p99_ms: med('raw', (r) => r.p99) },
      }),
      figure({
        figure: 'write scale, one hot cluster',
        value: med('hot'),
        unit: 'req/s',
        baseline: med('raw'),
        baseline_name: 'raw pg tx + BullMQ add',
        goal: 'report',
        runs: rps('hot'),
        extra: { p50_ms: med('hot', (r) => r.p50), p99_ms: med('hot', (r) => r.p99) },
      }),
      figure({
        figure: 'GET /health',
        value: med('health'),
        unit: 'req/s',
        baseline: med('nest'),
        baseline_name: 'bare Nest + express',
        goal: 'report',
        runs: rps('health'),
        extra: { p99_ms: med('health', (r) => r.p99) },
      }),
    );
    process.stdout.write('\n| figure | value | baseline | ratio | goal | verdict | notes |\n|---|---:|---|---:|---|---|---|\n');
    for (const f of figures) report(f);
    summary('api', figures, { machine: m, connections: CONNECTIONS, duration_ms: DURATION_MS, warmup_ms: WARMUP_MS, clusters: ids.length });
    if (failed) process.stderr.write('api bench: a load had more than 1% unexpected answers\n');
  } catch (e) {
    failed = true;
    process.stderr.write(`api bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.stderr.write(`api output (tail):\n${sys.api?.output().slice(-3000) ?? ''}\nworker output (tail):\n${sys.worker?.output().slice(-3000) ?? ''}\n`);
  } finally {
    const ok = await cleanup('api bench', [
      ...servers.map((s): [string, () => Promise<unknown>] => ['stop a baseline server', () => s.stop()]),
      ['stop the system', () => sys.stop()],
      ['drop the raw prefix', () => dropPrefix(rawPrefix)],
    ]);
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

hardLimit('api bench', 10 * 60_000);
main().then((code) => process.exit(code));
