// Start-up of issue 13: what `npm start` runs on an installed and built tree (the launcher,
// dist/apps/launcher.js: migrations, queue choice, then the api and worker processes) until
// GET /health answers 200, against the start of a bare Nest + express app (bench/servers.ts, the
// `node -e` of a Nest hello world) until it answers, measured in the same run.
// `npm start` itself first runs its prestart (scripts/ensure-deps.js and the incremental build):
// that step is not part of this figure, it is what an installed tree does once after a change.
// The launcher runs on a fresh database of its own (DATABASE_URL given, so no embedded PostgreSQL)
// and a Redis prefix of its own, and is stopped by its pid (it stops its children) after each run.
// Run: npm run bench, or after a build: node dist/bench/start.bench.js
// Knobs: BENCH_RUNS (3), BENCH_QUICK=1 (one run).
import * as net from 'node:net';
import { createTestDatabase, TestDatabase } from '../test/harness/database';
import { waitFor } from '../test/harness/process';
import { dropPrefix, testPrefix, TEST_REDIS_URL } from '../test/harness/redis';
import { Child, cleanup, describeMachine, Figure, figure, fmt, hardLimit, machine, median, report, RUNS, spawnNode, summary, timed } from './common';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function healthy(url: string): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Spawns, waits for /health 200 (polled every 20 ms), stops by pid; the time to healthy in ms. */
async function startOnce(script: string, env: NodeJS.ProcessEnv, args: string[], port: () => Promise<number>, children: Child[]): Promise<number> {
  let child: Child | undefined;
  try {
    const { ms } = await timed(async () => {
      child = spawnNode(script, env, args);
      children.push(child);
      const p = await port();
      await waitFor(async () => {
        if (child!.child.exitCode !== null) throw new Error(`${script} exited early: ${child!.output().slice(-2000)}`);
        return healthy(`http://127.0.0.1:${p}/health`);
      }, 120_000, `${script} to answer /health`);
    });
    return ms;
  } finally {
    await child?.stop(30_000);
  }
}

async function main(): Promise<number> {
  let db: TestDatabase | undefined;
  const prefix = testPrefix('benchstart');
  const children: Child[] = [];
  let failed = false;
  const figures: Figure[] = [];
  try {
    db = await createTestDatabase('benchstart');
    const m = await machine(db.url);
    process.stdout.write(`start bench: launcher to a healthy /health vs a bare Nest app, median of ${RUNS} run(s); ${describeMachine(m)}\n`);
    const ours: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const port = await freePort();
      const env = {
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        REDIS_URL: TEST_REDIS_URL,
        QUEUE_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        ADMIN_API_KEY: 'bench-start-admin-key-0123456789',
        LOG_FORMAT: 'json',
      };
      ours.push(await startOnce('dist/apps/launcher.js', env, [], async () => port, children));
      const nestChild = () => children[children.length - 1];
      bare.push(
        await startOnce('dist/bench/servers.js', { NODE_ENV: 'production' }, ['nest'], async () =>
          Number(await waitFor(async () => /listening (\d+)/.exec(nestChild().output())?.[1], 60_000, 'the bare Nest app to listen')),
        children),
      );
      process.stdout.write(`  run ${i + 1}: launcher ${fmt(ours[i], 0)} ms, bare Nest ${fmt(bare[i], 0)} ms\n`);
    }
    figures.push(
      figure({
        figure: 'start (launcher) to healthy',
        value: median(ours),
        unit: 'ms',
        baseline: median(bare),
        baseline_name: 'bare Nest app start',
        goal: '<= 5x',
        check: (r) => r !== null && r <= 5,
        runs: ours,
      }),
    );
    process.stdout.write('\n| figure | value | baseline | ratio | goal | verdict | notes |\n|---|---:|---|---:|---|---|---|\n');
    for (const f of figures) report(f);
    summary('start', figures, { machine: m });
  } catch (e) {
    failed = true;
    process.stderr.write(`start bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  } finally {
    const ok = await cleanup('start bench', [
      ...children.map((c): [string, () => Promise<unknown>] => ['stop a child', () => c.stop(30_000)]),
      ['drop database', () => db?.drop()],
      ['drop redis prefix', () => dropPrefix(prefix)],
    ]);
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

hardLimit('start bench', 10 * 60_000);
main().then((code) => process.exit(code));
