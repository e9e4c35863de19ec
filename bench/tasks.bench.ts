// Tasks of issue 13: 10,000 tasks over 20 clusters through the whole pipeline (submitted over
// HTTP, dispatched, executed by the offline `local` provider at zero latency, recorded), with
// WORKER_CONCURRENCY=50, against raw BullMQ no-op jobs at concurrency 50 on the same Redis, measured
// in the same run. Throughput is tasks ÷ (last task finished − first submitted); queue wait is
// started_at − created_at of every task (p50, p99).
// The api and the worker run as their own processes; the 20 clusters are one made through the api
// (marketing-v1, 3 workers) and 19 clones of it (bench/common.ts cloneCluster).
// Run: npm run bench, or after a build: node dist/bench/tasks.bench.js
// Knobs: BENCH_TASKS (10000), BENCH_TASKS_RUNS (1: one run of 10,000 tasks is itself a long average,
// and takes minutes on a busy 2-core machine), BENCH_QUICK=1 (1,000 tasks).
import * as http from 'node:http';
import { Job, Queue, Worker } from 'bullmq';
import { Client } from 'pg';
import { SYSTEM_ADMIN, TestSystem } from '../test/harness/system';
import { waitFor } from '../test/harness/process';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../test/harness/redis';
import { cleanup, cloneCluster, describeMachine, Figure, figure, fmt, hardLimit, intEnv, machine, median, percentile, QUICK, report, summary, timed } from './common';

const TASKS = intEnv('BENCH_TASKS', QUICK ? 1000 : 10_000, 10, 100_000);
const CLUSTERS = 20;
const CONCURRENCY = 50;
const SUBMITTERS = 32;
/** Runs of this bench (not BENCH_RUNS: see above). */
const TASK_RUNS = intEnv('BENCH_TASKS_RUNS', 1, 1, 15);

/** POSTs `n` tasks round-robin over the clusters from `SUBMITTERS` keep-alive connections. */
async function submit(base: string, ids: string[], n: number, run: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: SUBMITTERS });
  let next = 0;
  const post = (id: string, body: string) =>
    new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${base}/api/clusters/${id}/tasks`,
        { method: 'POST', agent, headers: { authorization: `Bearer ${SYSTEM_ADMIN}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (d: Buffer) => chunks.push(d));
          res.on('end', () => (res.statusCode === 201 || res.statusCode === 202 ? resolve() : reject(new Error(`task submit answered ${res.statusCode}: ${Buffer.concat(chunks).toString().slice(0, 200)}`))));
        },
      );
      req.setTimeout(30_000, () => req.destroy(new Error('task submit: no answer in 30 s')));
      req.on('error', reject);
      req.end(body);
    });
  try {
    await Promise.all(
      Array.from({ length: SUBMITTERS }, async () => {
        while (next < n) {
          const i = next++;
          await post(ids[i % ids.length], JSON.stringify({ input: `bench run ${run} task ${i}: summarise the quarterly campaign results` }));
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

/** The baseline: n no-op jobs added in bulk, run by one Worker at concurrency 50, until all completed. */
async function rawJobs(prefix: string, n: number): Promise<{ ms: number; waits: number[] }> {
  const connection = { url: TEST_REDIS_URL };
  const queue = new Queue('bench-noop', { connection, prefix });
  const waits: number[] = [];
  let done = 0;
  let finish!: () => void;
  const all = new Promise<void>((r) => (finish = r));
  const worker = new Worker(
    'bench-noop',
    async (job: Job) => {
      waits.push(Date.now() - job.timestamp);
      return null;
    },
    { connection, prefix, concurrency: CONCURRENCY },
  );
  worker.on('completed', () => ++done === n && finish());
  try {
    const { ms } = await timed(async () => {
      for (let i = 0; i < n; i += 1000) {
        await queue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'noop', data: { i: i + k }, opts: { removeOnComplete: true } })));
      }
      await all;
    });
    return { ms, waits };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

async function main(): Promise<number> {
  const sys = new TestSystem('benchtasks', {
    RATE_LIMIT_MAX: '100000000',
    WORKER_CONCURRENCY: String(CONCURRENCY),
    LLM_PROVIDER: 'local',
    LOCAL_LLM_LATENCY_MS: '0',
    LIFECYCLE_GRACE_SECONDS: '86400',
    // the policy would scale the clusters up under this queue; the figure is the pipeline at a fixed size
    AUTOSCALE_INTERVAL_SECONDS: '3600',
  });
  const rawPrefix = testPrefix('benchnoop');
  let pg: Client | undefined;
  let failed = false;
  const figures: Figure[] = [];
  try {
    await sys.start();
    const m = await machine(sys.db.url);
    process.stdout.write(`tasks bench: ${TASKS} tasks over ${CLUSTERS} clusters, WORKER_CONCURRENCY=${CONCURRENCY}, local provider at 0 ms, median of ${TASK_RUNS} run(s); ${describeMachine(m)}\n`);
    pg = new Client({ connectionString: sys.db.url });
    await pg.connect();
    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Tasks Cluster', target_workers: 3 } });
    if (created.status !== 201) throw new Error(`cluster create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const template: string = created.body.id;
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${template}`)).body?.status === 'active', 60_000, 'the template cluster to become active');
    await cloneCluster(pg, template, CLUSTERS - 1);
    const ids = (await pg.query<{ id: string }>('SELECT id FROM clusters ORDER BY created_at, id')).rows.map((r) => r.id);

    const ours: number[] = [];
    const raw: number[] = [];
    const waitsP99: number[] = [];
    const waitsP50: number[] = [];
    const submitRates: number[] = [];
    const rawP99: number[] = [];
    for (let i = 0; i < TASK_RUNS; i++) {
      const b = await rawJobs(rawPrefix, TASKS);
      raw.push(TASKS / (b.ms / 1000));
      rawP99.push(percentile(b.waits, 99));
      await pg.query('DELETE FROM tasks');
      let submitMs = 0;
      const { ms } = await timed(async () => {
        submitMs = (await timed(() => submit(sys.base, ids, TASKS, i))).ms;
        await waitFor(
          async () => (await pg!.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE status IN ('succeeded', 'failed', 'cancelled')`)).rows[0].n >= TASKS,
          15 * 60_000,
          `${TASKS} tasks to finish`,
        );
      });
      const w = (
        await pg.query<{ p50: number; p99: number; failed: number }>(
          `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at) * 1000) AS p50,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at) * 1000) AS p99,
                  count(*) FILTER (WHERE status <> 'succeeded')::int AS failed
             FROM tasks`,
        )
      ).rows[0];
      if (w.failed > 0) {
        failed = true;
        process.stderr.write(`tasks bench: ${w.failed} of ${TASKS} tasks did not succeed\n`);
      }
      ours.push(TASKS / (ms / 1000));
      waitsP50.push(w.p50);
      waitsP99.push(w.p99);
      submitRates.push(TASKS / (submitMs / 1000));
      process.stdout.write(
        `  run ${i + 1}: ${fmt(ours[i], 0)} tasks/s (submitted at ${fmt(submitRates[i], 0)}/s, queue wait p50 ${fmt(w.p50, 0)} ms p99 ${fmt(w.p99, 0)} ms); ` +
          `raw BullMQ ${fmt(raw[i], 0)} jobs/s (wait p99 ${fmt(rawP99[i], 0)} ms)\n`,
      );
    }
    figures.push(
      figure({
        figure: `tasks ${TASKS} over ${CLUSTERS} clusters`,
        value: median(ours),
        unit: 'tasks/s',
        baseline: median(raw),
        baseline_name: 'raw BullMQ no-op jobs, concurrency 50',
        goal: '>= 0.25',
        check: (r) => r !== null && r >= 0.25,
        runs: ours,
        extra: { queue_wait_p50_ms: median(waitsP50), queue_wait_p99_ms: median(waitsP99), submit_per_s: median(submitRates), baseline_wait_p99_ms: median(rawP99) },
      }),
    );
    process.stdout.write('\n| figure | value | baseline | ratio | goal | verdict | notes |\n|---|---:|---|---:|---|---|---|\n');
    for (const f of figures) report(f);
    summary('tasks', figures, { machine: m, task_runs: TASK_RUNS, tasks: TASKS, clusters: CLUSTERS, concurrency: CONCURRENCY });
  } catch (e) {
    failed = true;
    process.stderr.write(`tasks bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.stderr.write(`worker output (tail):\n${sys.worker?.output().slice(-3000) ?? ''}\n`);
  } finally {
    const ok = await cleanup('tasks bench', [
      ['close pg', () => pg?.end()],
      ['stop the system', () => sys.stop()],
      ['drop the raw prefix', () => dropPrefix(rawPrefix)],
    ]);
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

hardLimit('tasks bench', 14 * 60_000);
main().then((code) => process.exit(code));
