import { AutoscaleSettings, Evaluation, MetricsSnapshot, Recommendation, evaluateScaling } from './autoscale-policy';

/**
 * Replays the autoscaling policy over a recorded metrics trace with a simulated clock, so an
 * operator can see what a set of scaling settings would have done. Pure and deterministic.
 *
 * - Each trace point is a fresh sample taken at its `t` (seconds; the clock starts at the Unix
 *   epoch, so t = 0 is 1970-01-01T00:00:00Z in the decisions' `inputs`).
 * - The tick runs at every trace point, or, with `intervalSeconds`, every intervalSeconds from the
 *   first point to the last, reading the latest point at or before the tick (a gap in the trace
 *   longer than 3 metric intervals then reads as stale metrics, as it would live).
 * - The trace is replayed open loop: the recorded queue does not react to the simulated pool.
 *   A new target takes effect at once and counts as the last scaling action (cooldown).
 */

export type TracePoint = Omit<MetricsSnapshot, 'sampled_at'> & { t: number };

export interface SimulationInput {
  settings: AutoscaleSettings;
  initialWorkers: number;
  min: number;
  max: number;
  /** the worker definitions' range; default min..max */
  capacity?: { min: number; max: number };
  trace: readonly TracePoint[];
  /** tick period in seconds; default: one tick per trace point */
  intervalSeconds?: number;
  /** default intervalSeconds, else 60 */
  metricsIntervalSeconds?: number;
  budgetMaxWorkers?: number;
}

export interface SimulationResult {
  timeline: { t: number; workers: number }[];
  scale_events: number;
  decisions: (Evaluation & { t: number })[];
}

/** Guard against a trace that spans years at a one-second tick. */
export const MAX_SIMULATION_TICKS = 100_000;

export function simulateScaling(input: SimulationInput): SimulationResult {
  // a stable sort: points sharing a t keep their order, the last one is the sample
  const trace = [...input.trace].sort((a, b) => a.t - b.t);
  const result: SimulationResult = { timeline: [], scale_events: 0, decisions: [] };
  if (!trace.length) return result;

  let ticks: number[];
  if (input.intervalSeconds !== undefined) {
    if (!(input.intervalSeconds > 0)) throw new RangeError('intervalSeconds must be > 0');
    const first = trace[0].t;
    const count = Math.floor((trace[trace.length - 1].t - first) / input.intervalSeconds) + 1;
    if (count > MAX_SIMULATION_TICKS) throw new RangeError(`the trace needs ${count} ticks, more than ${MAX_SIMULATION_TICKS}`);
    ticks = Array.from({ length: count }, (_, i) => first + i * input.intervalSeconds!);
  } else {
    if (trace.length > MAX_SIMULATION_TICKS) throw new RangeError(`the trace has ${trace.length} points, more than ${MAX_SIMULATION_TICKS}`);
    ticks = [...new Set(trace.map((p) => p.t))];
  }

  const metricsInterval = input.metricsIntervalSeconds ?? input.intervalSeconds ?? 60;
  const windowMs = Math.max(0, input.settings.stabilizationWindowSeconds ?? 0) * 1000;
  const capacity = input.capacity ?? { min: input.min, max: input.max };
  let workers = input.initialWorkers;
  let lastScaledAt: Date | null = null;
  let recs: Recommendation[] = [];
  let next = 0; // index of the first trace point after the current tick

  for (const t of ticks) {
    while (next < trace.length && trace[next].t <= t) next++;
    const point = trace[next - 1];
    const now = new Date(t * 1000);
    const { t: sampledT, ...fields } = point;
    const ev = evaluateScaling({
      current_workers: workers,
      min_workers: input.min,
      max_workers: input.max,
      capacity,
      now,
      last_scaled_at: lastScaledAt,
      settings: input.settings,
      metrics: { ...fields, sampled_at: new Date(sampledT * 1000) },
      metrics_interval_seconds: metricsInterval,
      recent_recommendations: recs,
      budget_max_workers: input.budgetMaxWorkers,
    });
    if (ev.recommendation !== null) recs.push({ at: now, target: ev.recommendation });
    recs = recs.filter((r) => r.at.getTime() >= now.getTime() - windowMs);
    if (ev.target_workers !== workers) {
      workers = ev.target_workers;
      lastScaledAt = now;
      result.scale_events++;
    }
    result.timeline.push({ t, workers });
    result.decisions.push({ t, ...ev });
  }
  return result;
}
