// A small closed-loop HTTP load generator: `connections` loops, each sending its next request as
// soon as the previous answer is read, for a fixed time after a warm-up. It runs in a worker thread
// (see runLoad) so the client has an event loop of its own and does not queue behind the server it
// measures, which lives on the main thread. Loopback only; bounded in time; per-request timeout.
// It uses node:http with a keep-alive agent (one socket per loop) rather than fetch: on the 2-core
// bench machine a fetch client tops out near 5k req/s, which would make the baseline measure the
// client instead of the server (node:http reaches about 20k req/s against the same baseline).
import * as http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** request bodies, used in turn across all loops (e.g. alternating scale targets) */
  bodies?: string[];
  /** requests (url and body) used in turn across all loops instead of url and bodies */
  sequence?: { url: string; body?: string }[];
  /** open the loops at this total rate (requests per second) instead of as fast as answers come */
  ratePerSecond?: number;
  /** the status every answer should have; any other counts as an error */
  expectStatus: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** first few unexpected outcomes, for the report */
  errorSamples: string[];
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
}

const REQUEST_TIMEOUT_MS = 10_000;
const MAX_SAMPLES = 2_000_000;

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

async function generate(spec: LoadSpec): Promise<LoadResult> {
  const urls = new Map<string, URL>();
  const parse = (u: string): URL => {
    let url = urls.get(u);
    if (!url) {
      url = new URL(u);
      if (url.hostname !== '127.0.0.1') throw new Error(`load generator targets loopback only, not ${url.hostname}`);
      urls.set(u, url);
    }
    return url;
  };
  parse(spec.url);
  for (const r of spec.sequence ?? []) parse(r.url);
  let next = 0;
  let measuring = false;
  let stop = false;
  let requests = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  const latencies = new Float64Array(MAX_SAMPLES);
  let n = 0;

  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const send = (url: URL, body: string | undefined): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { ...spec.headers };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(url, { method: spec.method, headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        res.on('error', reject);
      });
      req.setTimeout(REQUEST_TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });

  const one = async (): Promise<void> => {
    const i = next++;
    const item = spec.sequence?.length ? spec.sequence[i % spec.sequence.length] : undefined;
    const url = parse(item ? item.url : spec.url);
    const body = item ? item.body : spec.bodies?.length ? spec.bodies[i % spec.bodies.length] : undefined;
    const t0 = performance.now();
    let outcome: string | undefined;
    try {
      const res = await send(url, body);
      if (res.status !== spec.expectStatus) outcome = `${res.status} ${res.text.slice(0, 160)}`;
    } catch (e) {
      outcome = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    }
    const dt = performance.now() - t0;
    if (!measuring) return;
    requests++;
    if (outcome !== undefined) {
      errors++;
      if (errorSamples.length < 5) errorSamples.push(outcome);
    }
    if (n < MAX_SAMPLES) latencies[n++] = dt;
  };

  // Paced: each loop sends one request every `interval` ms (a loop that falls behind sends at once).
  const interval = spec.ratePerSecond ? (spec.connections * 1000) / spec.ratePerSecond : 0;
  const loop = async (_: unknown, k: number): Promise<void> => {
    let due = performance.now() + (interval * k) / spec.connections;
    while (!stop) {
      if (interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        due += interval;
        if (stop) break;
      }
      await one();
    }
  };

  const loops = Array.from({ length: spec.connections }, loop);
  await new Promise((r) => setTimeout(r, spec.warmupMs));
  measuring = true;
  const start = performance.now();
  await new Promise((r) => setTimeout(r, spec.durationMs));
  // Requests still in flight at the deadline are not counted: the window is exactly durationMs.
  measuring = false;
  const seconds = (performance.now() - start) / 1000;
  stop = true;
  await Promise.all(loops);
  agent.destroy();

  const sorted = latencies.slice(0, n).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    requests,
    errors,
    errorSamples,
    seconds,
    rps: requests / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: n ? sum / n : NaN,
    max: n ? sorted[n - 1] : NaN,
  };
}

/** Runs one load spec in a fresh worker thread and resolves with its figures. */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const w = new Worker(__filename, { workerData: spec });
    const guard = setTimeout(() => {
      void w.terminate();
      reject(new Error('load generator did not finish in time'));
    }, spec.warmupMs + spec.durationMs + REQUEST_TIMEOUT_MS + 5000);
    w.once('message', (r: LoadResult) => {
      clearTimeout(guard);
      void w.terminate().then(() => resolve(r));
    });
    w.once('error', (e) => {
      clearTimeout(guard);
      reject(e);
    });
  });
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  generate(workerData as LoadSpec).then(
    (r) => port.postMessage(r),
    (e) => {
      throw e;
    },
  );
}
