// Test helpers for the autoscaling specs: a small seeded random generator (no dependency) and
// random settings and samples. Not exported from the library.
import { AutoscaleSettings, METRIC_FIELDS, MetricsSnapshot } from './autoscale-policy';

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the seed makes every run the same. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const chance = (p: number) => next() < p;
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const maybe = <T>(p: number, f: () => T): T | undefined => (chance(p) ? f() : undefined);
  return { next, int, chance, pick, maybe };
}
export type Rng = ReturnType<typeof rng>;

const METRICS = Object.keys(METRIC_FIELDS);

export function randomSettings(r: Rng): AutoscaleSettings {
  const down = r.int(0, 5);
  return {
    metric: r.chance(0.03) ? 'latency' : r.pick(METRICS),
    scaleUpThreshold: down + r.int(1, 20),
    scaleDownThreshold: down,
    cooldownSeconds: r.pick([0, 60, 120, 300, 600]),
    mode: r.pick(['threshold', 'target_tracking', undefined] as const),
    targetPerWorker: r.maybe(0.8, () => r.pick([0.5, 1, 2, 5, 10])),
    targetWaitSeconds: r.maybe(0.4, () => r.pick([10, 30, 60, 300])),
    tolerance: r.maybe(0.3, () => r.pick([0, 0.05, 0.1, 0.2])),
    stabilizationWindowSeconds: r.maybe(0.4, () => r.pick([0, 60, 300])),
    maxScaleUpStep: r.maybe(0.3, () => r.int(1, 4)),
    maxScaleDownStep: r.maybe(0.3, () => r.int(1, 4)),
  };
}

export function randomSample(r: Rng, at: Date): Omit<MetricsSnapshot, 'sampled_at'> & { sampled_at: Date } {
  const f = (p: number, g: () => number) => (r.chance(p) ? g() : r.pick([undefined, null]));
  return {
    queue_length: f(0.9, () => r.int(0, 60)),
    running: f(0.8, () => r.int(0, 30)),
    oldest_wait_seconds: f(0.6, () => r.int(0, 600)),
    tasks_per_minute: f(0.7, () => r.int(0, 40)),
    avg_response_ms: f(0.6, () => r.int(0, 60000)),
    error_rate: f(0.7, () => r.next()),
    load_percentage: f(0.7, () => r.int(0, 100)),
    cpu_usage: f(0.7, () => r.next() * 100),
    memory_usage: f(0.7, () => r.next() * 100),
    sampled_at: at,
  };
}

