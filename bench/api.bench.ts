// Throughput and latency of the api under closed-loop load, each figure as a ratio against a bare
// node:http server measured in the same run (the machine is small and noisy; only ratios compare).
// Everything is in this process: the api and the worker (in-process, on their own database and
// Redis prefix), the baseline server and, in a worker thread, the load generator. Loopback only.
// Run: npm run bench   (or, after a build: node dist/bench/api.bench.js)
// Knobs: BENCH_CONNECTIONS (32), BENCH_DURATION_MS (5000), BENCH_WARMUP_MS (1000).
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { INestApplicationContext } from '@nestjs/common';
import { RunningApi, startApi } from '../test/harness/api';
import { createTestDatabase, TestDatabase } from '../test/harness/database';
import { testEnv } from '../test/harness/env';
import { call } from '../test/harness/http';
import { waitFor } from '../test/harness/process';
import { dropPrefix, testPrefix } from '../test/harness/redis';
import { startWorker } from '../test/harness/worker';
import { LoadResult, LoadSpec, runLoad } from './load';

const ADMIN = 'bench-admin-key-0123456789abcdef';
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 32, 1, 256);
const DURATION_MS = intEnv('BENCH_DURATION_MS', 5000, 500, 60_000);
const WARMUP_MS = intEnv('BENCH_WARMUP_MS', 1000, 0, 30_000);
/** The whole run stops by itself after this, whatever happens. */
const HARD_LIMIT_MS = 10 * 60_000;

function intEnv(name: string, def: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

interface Row extends LoadResult {
  name: string;
  ratio: number;
}

function startBaseline(): Promise<http.Server> {
  const body = JSON.stringify({ status: 'ok' });
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');

function line(r: Row): string {
  return (
    `${r.name.padEnd(34)} ${fmt(r.rps, 0).padStart(8)} req/s  p50 ${fmt(r.p50).padStart(7)} ms  p99 ${fmt(r.p99).padStart(7)} ms  ` +
    `ratio ${fmt(r.ratio, 3)}  (${r.requests} req, ${r.errors} errors)`
  );
}

async function main(): Promise<number> {
  let db: TestDatabase | undefined;
  let api: RunningApi | undefined;
  let worker: INestApplicationContext | undefined;
  let baseline: http.Server | undefined;
  const prefix = testPrefix('bench');
  let failed = false;

  try {
    db = await createTestDatabase('bench');
    const env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, RATE_LIMIT_MAX: '10000000' });
    api = await startApi(env);
    worker = await startWorker(env);
    baseline = await startBaseline();
    const baseUrl = `http://127.0.0.1:${(baseline.address() as AddressInfo).port}/`;

    const created = await call(api.url, 'POST', '/api/clusters', {
      token: ADMIN,
      body: { blueprint_id: 'marketing-v1', name: 'Bench Cluster', target_workers: 3 },
    });
    if (created.status !== 201) throw new Error(`cluster create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const id: string = created.body.id;
    const settled = (what: string) =>
      waitFor(async () => {
        const c = (await call(api!.url, 'GET', `/api/clusters/${id}`)).body;
        return c?.status === 'active' ? c : undefined;
      }, 60_000, what);
    await settled('the bench cluster to become active');

    const auth = { authorization: `Bearer ${ADMIN}` };
    const common = { connections: CONNECTIONS, warmupMs: WARMUP_MS, durationMs: DURATION_MS };
    const scenarios: { name: string; spec: LoadSpec; after?: () => Promise<unknown> }[] = [
      { name: 'baseline ping (node:http)', spec: { ...common, url: baseUrl, method: 'GET', expectStatus: 200 } },
      { name: 'GET /health', spec: { ...common, url: `${api.url}/health`, method: 'GET', expectStatus: 200 } },
      { name: 'GET /api/clusters/:id', spec: { ...common, url: `${api.url}/api/clusters/${id}`, method: 'GET', expectStatus: 200 } },
      {
        name: 'POST /api/clusters/:id/scale 3|4',
        spec: {
          ...common,
          url: `${api.url}/api/clusters/${id}/scale`,
          method: 'POST',
          headers: auth,
          bodies: [JSON.stringify({ target_workers: 3 }), JSON.stringify({ target_workers: 4 })],
          expectStatus: 202,
        },
        // let the worker finish reconciling before the next scenario
        after: () => settled('the bench cluster to settle after scaling'),
      },
      {
        name: 'POST scale 999 (rejected, 400)',
        spec: {
          ...common,
          url: `${api.url}/api/clusters/${id}/scale`,
          method: 'POST',
          headers: auth,
          bodies: [JSON.stringify({ target_workers: 999 })],
          expectStatus: 400,
        },
      },
    ];

    process.stdout.write(
      `api bench: ${CONNECTIONS} connections x ${DURATION_MS} ms (+${WARMUP_MS} ms warm-up) per scenario; ` +
        `${os.cpus().length} cpus; node ${process.version}\n`,
    );
    const rows: Row[] = [];
    let baseRps = NaN;
    for (const s of scenarios) {
      const r = await runLoad(s.spec);
      if (rows.length === 0) baseRps = r.rps;
      const row: Row = { name: s.name, ...r, ratio: r.rps / baseRps };
      rows.push(row);
      process.stdout.write(line(row) + '\n');
      for (const e of r.errorSamples) process.stdout.write(`    unexpected: ${e}\n`);
      if (!r.requests || r.errors / r.requests > 0.01) failed = true;
      await s.after?.();
    }
    // The baseline once more, to show how much the machine drifted during the run.
    const again = await runLoad(scenarios[0].spec);
    const drift = again.rps / baseRps - 1;
    process.stdout.write(`baseline again at the end: ${fmt(again.rps, 0)} req/s (${drift >= 0 ? '+' : ''}${fmt(drift * 100, 1)}% vs start)\n`);

    const summary = {
      bench: 'api',
      connections: CONNECTIONS,
      duration_ms: DURATION_MS,
      warmup_ms: WARMUP_MS,
      cpus: os.cpus().length,
      node: process.version,
      baseline_rps_end: Math.round(again.rps),
      scenarios: rows.map((r) => ({
        name: r.name,
        rps: Math.round(r.rps),
        p50_ms: +r.p50.toFixed(2),
        p99_ms: +r.p99.toFixed(2),
        ratio: +r.ratio.toFixed(4),
        requests: r.requests,
        errors: r.errors,
      })),
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    if (failed) process.stderr.write('api bench: a scenario had more than 1% unexpected answers\n');
  } catch (e) {
    failed = true;
    process.stderr.write(`api bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  } finally {
    const steps: [string, () => Promise<unknown> | undefined][] = [
      ['close baseline', () => baseline && new Promise((r) => { baseline!.close(() => r(undefined)); baseline!.closeAllConnections(); })],
      ['close api', () => api?.close()],
      ['close worker', () => worker?.close()],
      ['drop database', () => db?.drop()],
      ['drop redis prefix', () => dropPrefix(prefix)],
    ];
    for (const [what, step] of steps) {
      try {
        await step();
      } catch (e) {
        failed = true;
        process.stderr.write(`api bench cleanup: ${what} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      }
    }
  }
  return failed ? 1 : 0;
}

const hardStop = setTimeout(() => {
  process.stderr.write(`api bench: still running after ${HARD_LIMIT_MS} ms, giving up\n`);
  process.exit(2);
}, HARD_LIMIT_MS);
hardStop.unref();

main().then((code) => process.exit(code));
