// Shared pieces of the benches: knobs, medians, the output format (one human line and one markdown
// table row per figure, one JSON line at the end), child processes stopped by their own pid, RSS
// from /proc, fast bulk seeding with generate_series, and the machine description.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { TEST_REDIS_URL } from '../test/harness/redis';

/** The project root (dist/bench/common.js lives two levels below it). */
export const ROOT = path.resolve(__dirname, '..', '..');

export function intEnv(name: string, def: number, min: number, max: number): number {
  const v = process.env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in [${min}, ${max}]`);
  return n;
}

/** BENCH_QUICK=1: small sizes and one run, to check that a bench works (not for figures). */
export const QUICK = process.env.BENCH_QUICK === '1';
/** Runs per figure; each figure is the median of its runs. */
export const RUNS = intEnv('BENCH_RUNS', QUICK ? 1 : 3, 1, 15);

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(xs: number[] | Float64Array, p: number): number {
  const s = Array.from(xs).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const fmt = (v: number | null | undefined, d = 2): string => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));

/**
 * One figure: what was measured, against which baseline from the same run, and the goal.
 * `ratio` is figure ÷ baseline in the direction the goal states (throughput: ours / baseline, so
 * higher is better; time: ours / baseline, so lower is better); `pass` is null when there is no goal.
 */
export interface Figure {
  figure: string;
  value: number;
  unit: string;
  baseline: number | null;
  baseline_name: string | null;
  ratio: number | null;
  goal: string;
  pass: boolean | null;
  /** every run's value, in order (the figure is their median) */
  runs: number[];
  /** other numbers worth keeping (p99, growth, peaks) */
  extra?: Record<string, number | string | null>;
}

export function figure(f: Omit<Figure, 'ratio' | 'pass'> & { ratio?: number | null; check?: (ratio: number | null, value: number) => boolean }): Figure {
  const ratio = f.ratio !== undefined ? f.ratio : f.baseline ? f.value / f.baseline : null;
  const { check, ...rest } = f;
  return { ...rest, ratio, pass: check ? check(ratio, f.value) : null };
}

function shown(v: number, unit: string): string {
  return `${fmt(v, v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${unit}`;
}

/** Prints the human line and the markdown row of a figure. */
export function report(f: Figure): void {
  const verdict = f.pass === null ? 'report' : f.pass ? 'PASS' : 'MISS';
  const base = f.baseline !== null ? `${shown(f.baseline, f.unit)} (${f.baseline_name})` : '-';
  const extra = f.extra ? Object.entries(f.extra).map(([k, v]) => `${k} ${typeof v === 'number' ? fmt(v, 2) : v}`).join(', ') : '';
  process.stdout.write(
    `${f.figure.padEnd(30)} ${shown(f.value, f.unit).padStart(14)}  baseline ${base}  ratio ${fmt(f.ratio, 3)}  goal ${f.goal}  ${verdict}` +
      `  runs [${f.runs.map((r) => fmt(r, 1)).join(', ')}]${extra ? `  (${extra})` : ''}\n`,
  );
  process.stdout.write(`| ${f.figure} | ${shown(f.value, f.unit)} | ${base} | ${fmt(f.ratio, 3)} | ${f.goal} | ${verdict} |${extra ? ` ${extra} |` : ' |'}\n`);
}

/** The closing JSON line of a bench. */
export function summary(bench: string, figures: Figure[], meta: Record<string, unknown> = {}): void {
  process.stdout.write(JSON.stringify({ bench, quick: QUICK, runs: RUNS, ...meta, figures }) + '\n');
}

/** Stops the process after `ms`, whatever is happening (a bench must end by itself). */
export function hardLimit(name: string, ms: number): void {
  setTimeout(() => {
    process.stderr.write(`${name}: still running after ${ms} ms, giving up\n`);
    process.exit(2);
  }, ms).unref();
}

/** Runs cleanup steps in order, each even when an earlier one failed; true when all succeeded. */
export async function cleanup(name: string, steps: [string, () => Promise<unknown> | unknown][]): Promise<boolean> {
  let ok = true;
  for (const [what, step] of steps) {
    try {
      await step();
    } catch (e) {
      ok = false;
      process.stderr.write(`${name} cleanup: ${what} failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
  }
  return ok;
}

export interface Child {
  child: ChildProcess;
  pid: number;
  output: () => string;
  /** SIGTERM by pid, SIGKILL after the timeout */
  stop(timeoutMs?: number): Promise<number | null>;
}

/** Starts a node script (relative to the project root) as a child; only ever stopped by its own pid. */
export function spawnNode(script: string, env: NodeJS.ProcessEnv, args: string[] = [], nodeArgs: string[] = []): Child {
  const child = spawn(process.execPath, [...nodeArgs, path.join(ROOT, script), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 1_000_000) out = out.slice(-500_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    pid: child.pid!,
    output: () => out,
    async stop(timeoutMs = 15000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Resident and peak resident memory of a process, in MB (Linux /proc). */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Times an async function, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export async function withPg<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * Clones a cluster `n` times with its agents, in one statement (generate_series; every column
 * copied, new ids, names numbered). Much faster than going through the api, and the clones are
 * exactly what the api would have made: same blueprint, bounds, scaling rule, status and agents.
 * Genesis records are shared with the template's agents (a clone is a load figure, not a history).
 */
export async function cloneCluster(c: Client, templateId: string, n: number): Promise<number> {
  const r = await c.query(
    `WITH n AS (
       INSERT INTO clusters
       SELECT (jsonb_populate_record(NULL::clusters, to_jsonb(t) || jsonb_build_object('id', gen_random_uuid(), 'name', t.name || ' ' || i))).*
         FROM clusters t, generate_series(1, $2::int) i WHERE t.id = $1
       RETURNING id)
     INSERT INTO cluster_agents
     SELECT (jsonb_populate_record(NULL::cluster_agents, to_jsonb(a) || jsonb_build_object('id', gen_random_uuid(), 'cluster_id', n.id, 'reports_to_id', NULL))).*
       FROM cluster_agents a CROSS JOIN n WHERE a.cluster_id = $1`,
    [templateId, n],
  );
  return r.rowCount ?? 0;
}

/**
 * One fresh metrics sample per cluster not destroyed. The queue length (5) sits between the
 * shipped blueprints' thresholds, so a tick evaluates every cluster fully and changes none: the
 * figure is the evaluation, not the spawning a scale-up would start.
 */
export async function freshSamples(c: Client): Promise<number> {
  const r = await c.query(
    `INSERT INTO metric_samples (cluster_id, sampled_at, queue_length, queue_wait_ms, running_tasks, tasks_per_minute, avg_response_ms,
                                 error_rate, live_workers, busy_workers, load_percentage, cpu_usage, memory_usage, agents_by_status)
     SELECT id, now(), 5, 1000, 0, 5, 100, 0, target_workers, 0, (abs(hashtext(id::text)) % 100), 10, 50, '{}'::jsonb
       FROM clusters WHERE status <> 'destroyed'`,
  );
  return r.rowCount ?? 0;
}

/** Cores, memory, versions: what docs/BENCHMARKS.md records next to the figures. */
export async function machine(pgUrl: string): Promise<Record<string, string | number>> {
  const pg = await withPg(pgUrl, async (c) => (await c.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version).catch(() => 'unknown');
  const r = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let redis = 'unknown';
  try {
    await r.connect();
    redis = /redis_version:(\S+)/.exec(await r.info('server'))?.[1] ?? 'unknown';
  } catch {
    // reported as unknown
  } finally {
    r.disconnect();
  }
  return {
    cpus: os.cpus().length,
    cpu_model: os.cpus()[0]?.model ?? 'unknown',
    memory_gb: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg_1m: +os.loadavg()[0].toFixed(2),
    node: process.version,
    postgres: pg,
    redis,
  };
}

export function describeMachine(m: Record<string, string | number>): string {
  return `${m.cpus} cpus (${m.cpu_model}), ${m.memory_gb} GB, load ${m.loadavg_1m}; node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}`;
}
