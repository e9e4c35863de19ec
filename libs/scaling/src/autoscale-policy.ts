import type { ScalingConfig, ScalingMode } from '#blueprint';
/**
 * The autoscaling policy: what size a cluster's worker pool should have now, and why. Pure and
 * deterministic: the caller passes the clock, the last scaling action and the latest metrics sample;
 * the answer is a target plus the reasoning the scaling-decision log and the dry run show. Applying
 * a target is not done here: the tick hands it to `planTransition` as {kind: 'scale', target, reason, rule}.
 *
 * Names: settings are camelCase as stored on the cluster (cooldownSeconds, targetPerWorker,
 * targetWaitSeconds, stabilizationWindowSeconds, maxScaleUpStep...; the blueprint's YAML spells them
 * cooldown_period, target_per_worker, target_wait_seconds, stabilization_window); the sample, the
 * output and its `inputs` echo use the API's snake_case.
 *
 * RULES. Each rule reads the latest sample and proposes a worker count (`proposals`, raw, before
 * any constraint). When several rules run, the largest proposal wins: under-provisioning costs
 * waiting tasks, over-provisioning only money, and the budget constraint bounds the money.
 *
 * - threshold (mode 'threshold', the default; the blueprint's rule exactly as the original system):
 *   the value of `metric` (`task_queue_length` reads the sample's `queue_length`, every other metric
 *   the field of the same name) above `scale_up_threshold` -> floor(current * 1.2) + 1; below
 *   `scale_down_threshold` -> floor(current * 0.8); otherwise current (WithinThresholds). Clamped
 *   to min..max afterwards, so 6 workers, queue 15, up above 10 -> 8; 8 workers, queue 0, down
 *   below 2 -> 6.
 * - target_tracking (mode 'target_tracking'; replaces the threshold rule): desired =
 *   ceil((queue_length + running) / target_per_worker). Running tasks count: a worker that is busy
 *   is not spare capacity.
 * - wait_time (whenever `target_wait_seconds` T is set, in either mode): keeps the oldest queued
 *   task's wait under T. With S = seconds one task takes (avg_response_ms / 1000; without it, by
 *   Little's law S = running / (tasks_per_minute / 60)), n workers clear the backlog of
 *   (queued + running) tasks in (queued + running) * S / n seconds, and the last queued task starts
 *   about then. Keeping that <= T gives
 *       needed = max(running, ceil((queue_length + running) * S / T))
 *   The floor at `running` means a queue that reads empty while every worker is busy never shrinks
 *   the pool below its busy workers. When the observed oldest_wait_seconds is already above T the
 *   estimate was too low: needed is at least current + 1 (also when S is unknown).
 *
 * CONSTRAINTS, applied in this order to the winning proposal; each one that changes the number is
 * listed in `constraints` ({name, from, to, detail}):
 *  1. tolerance (target_tracking and wait_time only): |desired / current - 1| <= tolerance (0.1)
 *     -> current. (The threshold rule always moves by more than 10 %, so it never applies there.)
 *  2. min_workers / max_workers / worker_capacity: clamped to max(min, capacity.min) ..
 *     min(max, capacity.max). The result is the `recommendation` the caller keeps for the window.
 *  3. stale_metrics: a sample older than 3 metric intervals -> hold the current size. Missing or
 *     stale metrics never scale down (nor up: the policy does not act on what it cannot see).
 *  4. stabilization_window (scale-down only, Kubernetes HPA behaviour): the target is the highest
 *     recommendation of the last `stabilization_window_seconds` (never above current), so one quiet
 *     sample does not shrink a pool that was needed a minute ago. 0 (the default) turns it off.
 *  5. cooldown: a change less than `cooldown_seconds` after the last scaling action (any action,
 *     manual included) -> hold.
 *  6. rate_limit: at most `max_scale_up_step` / `max_scale_down_step` workers per evaluation.
 *  7. budget: a scale-up is lowered to the workers the budget affords (never below current).
 *  8. min/max again, only when a hold kept a live count that lies outside the bounds (e.g. an
 *     operator raised min_workers): the bounds win, so the target is always within them.
 *
 * REASON CODES (exactly one per evaluation):
 *  Paused            autoscaling is paused; nothing is evaluated, the target is the current size.
 *  MetricsMissing    no sample, no usable value for any rule, or a stale sample: holding.
 *  ScaledUp/ScaledDown  the target differs from the current size (possibly only partly, e.g. capped
 *                    at max or rate limited: `constraints` says so).
 *  BudgetCapped      the budget lowered a scale-up (partly or fully).
 *  AtMax / AtMin     a rule wanted to go further but the bound (max/min or the worker capacity)
 *                    leaves the pool where it is.
 *  CoolingDown       a change was wanted but the cooldown has not passed (the reason says how long).
 *  Stabilizing       a scale-down was blocked by a higher recommendation inside the window.
 *  WithinThresholds  the threshold rule's metric lies between the thresholds.
 *  WithinTolerance   target tracking / wait time: the desired size is within the tolerance (or
 *                    exactly the current size).
 * When the target equals the current size, the code names the first thing that held it there;
 * missing or stale metrics outrank everything else (nothing was measured). A wait_time proposal
 * made because the oldest task already waits too long is exempt from the tolerance band.
 */

export type { ScalingMode };

/**
 * The per-cluster settings: the blueprint's scaling section (metric, thresholds, cooldown, mode,
 * target per worker, target wait, stabilisation window; the cluster row keeps the same shape) plus
 * the policy's own knobs. `metric` is any string here: an unknown one makes the threshold rule
 * answer MetricsMissing instead of throwing.
 */
export interface AutoscaleSettings extends Omit<ScalingConfig, 'metric'> {
  /** task_queue_length | cpu_usage | memory_usage | load_percentage | tasks_per_minute | error_rate */
  metric: string;
  /** default 0.1 */
  tolerance?: number;
  /** workers added at most per evaluation (positive integer; otherwise no limit) */
  maxScaleUpStep?: number;
  /** workers removed at most per evaluation (positive integer; otherwise no limit) */
  maxScaleDownStep?: number;
}

/** One metrics sample, in the API's field names. Absent or null fields are unknown. */
export interface MetricsSnapshot {
  queue_length?: number | null;
  /** tasks running now */
  running?: number | null;
  oldest_wait_seconds?: number | null;
  tasks_per_minute?: number | null;
  avg_response_ms?: number | null;
  error_rate?: number | null;
  load_percentage?: number | null;
  cpu_usage?: number | null;
  memory_usage?: number | null;
  sampled_at: Date;
}

/** A past evaluation's `recommendation`, kept by the caller for the stabilisation window. */
export interface Recommendation {
  at: Date;
  target: number;
}

export interface EvaluationInput {
  /** live worker agents now */
  current_workers: number;
  min_workers: number;
  max_workers: number;
  /** what the blueprint's worker definitions hold (workerCapacity) */
  capacity: { min: number; max: number };
  now: Date;
  /** the last scaling action of any kind (manual included), or null */
  last_scaled_at: Date | null;
  settings: AutoscaleSettings;
  metrics: MetricsSnapshot | null;
  /** how often metrics are sampled: a sample older than 3 intervals is stale */
  metrics_interval_seconds: number;
  recent_recommendations?: readonly Recommendation[];
  paused?: boolean;
  /** the most workers the budget affords; undefined = no cap */
  budget_max_workers?: number;
}

export const REASON_CODES = [
  'ScaledUp',
  'ScaledDown',
  'WithinThresholds',
  'WithinTolerance',
  'CoolingDown',
  'Stabilizing',
  'AtMax',
  'AtMin',
  'MetricsMissing',
  'BudgetCapped',
  'Paused',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type RuleName = 'threshold' | 'target_tracking' | 'wait_time';
export type ConstraintName =
  | 'tolerance'
  | 'min_workers'
  | 'max_workers'
  | 'worker_capacity'
  | 'stale_metrics'
  | 'stabilization_window'
  | 'cooldown'
  | 'rate_limit'
  | 'budget';

/** A rule's raw answer; target null when the rule could not run (the detail says why). */
export interface Proposal {
  rule: RuleName;
  target: number | null;
  detail: string;
}

export interface Constraint {
  name: ConstraintName;
  from: number;
  to: number;
  detail: string;
}

export interface Evaluation {
  target_workers: number;
  current_workers: number;
  reason_code: ReasonCode;
  /** one sentence: why it did or did not scale */
  reason: string;
  /** the winning rule, null when none could run */
  rule: RuleName | null;
  /** target_workers !== current_workers */
  would_change: boolean;
  /** what the rules asked for within the bounds (before holds); keep it for the stabilisation window. Null when metrics were missing, stale or paused. */
  recommendation: number | null;
  proposals: Proposal[];
  constraints: Constraint[];
  /** JSON-safe echo of everything the evaluation read */
  inputs: Record<string, unknown>;
}

export const DEFAULT_TOLERANCE = 0.1;
/** a sample older than this many metric intervals is stale */
export const STALE_AFTER_INTERVALS = 3;

/** The sample field each blueprint metric reads. */
export const METRIC_FIELDS: Readonly<Record<string, keyof Omit<MetricsSnapshot, 'sampled_at'>>> = {
  task_queue_length: 'queue_length',
  cpu_usage: 'cpu_usage',
  memory_usage: 'memory_usage',
  load_percentage: 'load_percentage',
  tasks_per_minute: 'tasks_per_minute',
  error_rate: 'error_rate',
};

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
// (q + r) / 0.1 in floating point can land a hair above a whole number; that must not add a worker
const ceil = (x: number): number => Math.ceil(x - 1e-9);
const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(2).replace(/\.?0+$/, ''));
const posInt = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : null);

interface RuleAnswer extends Proposal {
  /** the threshold rule wanted to go down (at 0 workers floor(0 * 0.8) is 0: still a wish for less) */
  wantsDown?: boolean;
  /** the wait_time rule saw the target already missed: no tolerance band hides that */
  breach?: boolean;
}

function thresholdRule(s: AutoscaleSettings, m: MetricsSnapshot, cur: number): RuleAnswer {
  const field = METRIC_FIELDS[s.metric];
  if (!field) return { rule: 'threshold', target: null, detail: `unknown metric ${s.metric}` };
  const v = num(m[field]);
  if (v === null) return { rule: 'threshold', target: null, detail: `the sample has no ${field}` };
  if (v > s.scaleUpThreshold) {
    return { rule: 'threshold', target: Math.floor(cur * 1.2) + 1, detail: `${s.metric} is ${fmt(v)}, above the scale-up threshold ${fmt(s.scaleUpThreshold)}` };
  }
  if (v < s.scaleDownThreshold) {
    return { rule: 'threshold', target: Math.floor(cur * 0.8), detail: `${s.metric} is ${fmt(v)}, below the scale-down threshold ${fmt(s.scaleDownThreshold)}`, wantsDown: true };
  }
  return { rule: 'threshold', target: cur, detail: `${s.metric} is ${fmt(v)}, between the thresholds ${fmt(s.scaleDownThreshold)} and ${fmt(s.scaleUpThreshold)}` };
}

function targetTrackingRule(s: AutoscaleSettings, m: MetricsSnapshot): RuleAnswer {
  const per = num(s.targetPerWorker);
  if (per === null || per <= 0) return { rule: 'target_tracking', target: null, detail: 'target_per_worker is not set' };
  const queued = num(m.queue_length);
  if (queued === null) return { rule: 'target_tracking', target: null, detail: 'the sample has no queue_length' };
  const running = num(m.running) ?? 0;
  const desired = ceil((queued + running) / per);
  return { rule: 'target_tracking', target: desired, detail: `${fmt(queued)} queued + ${fmt(running)} running tasks at ${fmt(per)} per worker need ${desired}` };
}

function waitTimeRule(s: AutoscaleSettings, m: MetricsSnapshot, cur: number): RuleAnswer | null {
  const T = num(s.targetWaitSeconds);
  if (T === null || T <= 0) return null;
  const queued = num(m.queue_length);
  const running = num(m.running) ?? 0;
  const oldest = num(m.oldest_wait_seconds);
  const avgMs = num(m.avg_response_ms);
  const tpm = num(m.tasks_per_minute);
  // seconds one task takes: measured, else from throughput (Little's law: in flight = rate x time)
  const S = avgMs !== null && avgMs > 0 ? avgMs / 1000 : tpm !== null && tpm > 0 && running > 0 ? (60 * running) / tpm : null;
  const over = oldest !== null && oldest > T;
  const overText = over ? `; the oldest task has waited ${fmt(oldest)} s, over the ${fmt(T)} s target: at least one more` : '';
  if (queued !== null && S !== null) {
    const needed = Math.max(running, ceil(((queued + running) * S) / T));
    const target = over ? Math.max(needed, cur + 1) : needed;
    return {
      rule: 'wait_time',
      target,
      breach: over,
      detail: `${fmt(queued)} queued + ${fmt(running)} running tasks at ${fmt(S)} s each need ${needed} to start within ${fmt(T)} s${overText}`,
    };
  }
  if (over) return { rule: 'wait_time', target: cur + 1, breach: true, detail: `the oldest task has waited ${fmt(oldest)} s, over the ${fmt(T)} s target (no task duration known): one more` };
  return { rule: 'wait_time', target: null, detail: queued === null ? 'the sample has no queue_length' : 'no task duration known (avg_response_ms or tasks_per_minute)' };
}

function echo(input: EvaluationInput, ageSeconds: number | null, stale: boolean, windowRecs: readonly Recommendation[]): Record<string, unknown> {
  const s = input.settings;
  const m = input.metrics;
  const orNull = (v: unknown) => (v === undefined ? null : v);
  return {
    current_workers: input.current_workers,
    min_workers: input.min_workers,
    max_workers: input.max_workers,
    capacity: { min: input.capacity.min, max: input.capacity.max },
    now: input.now.toISOString(),
    last_scaled_at: input.last_scaled_at ? input.last_scaled_at.toISOString() : null,
    settings: {
      metric: s.metric,
      scale_up_threshold: s.scaleUpThreshold,
      scale_down_threshold: s.scaleDownThreshold,
      cooldown_seconds: s.cooldownSeconds,
      mode: s.mode ?? 'threshold',
      target_per_worker: orNull(s.targetPerWorker),
      target_wait_seconds: orNull(s.targetWaitSeconds),
      tolerance: s.tolerance ?? DEFAULT_TOLERANCE,
      stabilization_window_seconds: s.stabilizationWindowSeconds ?? 0,
      max_scale_up_step: orNull(s.maxScaleUpStep),
      max_scale_down_step: orNull(s.maxScaleDownStep),
    },
    metrics: m
      ? {
          queue_length: orNull(m.queue_length),
          running: orNull(m.running),
          oldest_wait_seconds: orNull(m.oldest_wait_seconds),
          tasks_per_minute: orNull(m.tasks_per_minute),
          avg_response_ms: orNull(m.avg_response_ms),
          error_rate: orNull(m.error_rate),
          load_percentage: orNull(m.load_percentage),
          cpu_usage: orNull(m.cpu_usage),
          memory_usage: orNull(m.memory_usage),
          sampled_at: m.sampled_at.toISOString(),
        }
      : null,
    metrics_age_seconds: ageSeconds,
    metrics_interval_seconds: input.metrics_interval_seconds,
    metrics_stale: stale,
    recent_recommendations: windowRecs.map((r) => ({ at: r.at.toISOString(), target: r.target })),
    paused: input.paused ?? false,
    budget_max_workers: orNull(input.budget_max_workers),
  };
}

export function evaluateScaling(input: EvaluationInput): Evaluation {
  const s = input.settings;
  const cur = input.current_workers;
  const nowMs = input.now.getTime();
  const lower = Math.max(input.min_workers, input.capacity.min);
  const upper = Math.min(input.max_workers, input.capacity.max);
  const tolerance = num(s.tolerance) ?? DEFAULT_TOLERANCE;
  const windowS = Math.max(0, num(s.stabilizationWindowSeconds) ?? 0);
  const windowRecs = windowS > 0 ? (input.recent_recommendations ?? []).filter((r) => r.at.getTime() >= nowMs - windowS * 1000 && r.at.getTime() <= nowMs) : [];
  const ageSeconds = input.metrics ? (nowMs - input.metrics.sampled_at.getTime()) / 1000 : null;
  const staleAfter = STALE_AFTER_INTERVALS * input.metrics_interval_seconds;
  const stale = ageSeconds !== null && ageSeconds > staleAfter;
  const inputs = echo(input, ageSeconds, stale, windowRecs);

  if (input.paused) {
    return { target_workers: cur, current_workers: cur, reason_code: 'Paused', reason: `autoscaling is paused: the pool stays at ${cur} workers`, rule: null, would_change: false, recommendation: null, proposals: [], constraints: [], inputs };
  }

  // the rules' raw proposals
  const answers: RuleAnswer[] = [];
  if (input.metrics) {
    answers.push(s.mode === 'target_tracking' ? targetTrackingRule(s, input.metrics) : thresholdRule(s, input.metrics, cur));
    const wait = waitTimeRule(s, input.metrics, cur);
    if (wait) answers.push(wait);
  }
  const proposals: Proposal[] = answers.map(({ rule, target, detail }) => ({ rule, target, detail }));
  // the largest proposal wins; on a tie the first (the mode's own rule)
  const winner = answers.reduce<RuleAnswer | null>((best, a) => (a.target !== null && (best === null || a.target > best.target!) ? a : best), null);

  const constraints: Constraint[] = [];
  let t = winner ? winner.target! : cur;
  /** the code of whatever first brought the target back to the current size */
  let held: ReasonCode | null = null;
  const step = (name: ConstraintName, to: number, detail: string, code: ReasonCode) => {
    if (to === t) return;
    constraints.push({ name, from: t, to, detail });
    if (to === cur && held === null) held = code;
    t = to;
  };
  const bounds = (detailPrefix = '') => {
    if (t > upper) {
      const byMax = input.max_workers <= input.capacity.max;
      step(byMax ? 'max_workers' : 'worker_capacity', upper, `${detailPrefix}${byMax ? `max_workers is ${upper}` : `the worker definitions hold at most ${upper}`}`, 'AtMax');
    } else if (t < lower) {
      const byMin = input.min_workers >= input.capacity.min;
      step(byMin ? 'min_workers' : 'worker_capacity', lower, `${detailPrefix}${byMin ? `min_workers is ${lower}` : `the worker definitions need at least ${lower}`}`, 'AtMin');
    }
  };

  let recommendation: number | null = null;
  const staleText = `the metrics are ${fmt(ageSeconds ?? 0)} s old, stale after ${fmt(staleAfter)} s (${STALE_AFTER_INTERVALS} intervals)`;
  let missing: string | null = null;
  if (!input.metrics) missing = 'no metrics sample yet';
  else if (stale) missing = staleText;
  else if (!winner) missing = `no rule could run (${proposals.map((p) => `${p.rule}: ${p.detail}`).join('; ')})`;

  if (winner) {
    // 1. tolerance: only the ratio-based rules aim at an exact size worth not chasing
    // (1e-9: 11 / 10 - 1 is 0.10000000000000009 in floating point, and 11 vs 10 is meant to be inside 10 %)
    if (winner.rule !== 'threshold' && !winner.breach && cur > 0 && t !== cur && Math.abs(t / cur - 1) <= tolerance + 1e-9) {
      step('tolerance', cur, `${t} is within the ${fmt(tolerance * 100)} % tolerance of ${cur}`, 'WithinTolerance');
    }
    // 2. bounds
    bounds();
    // 3. stale metrics
    if (stale) step('stale_metrics', cur, `${staleText}: holding the current size`, 'MetricsMissing');
    else recommendation = t;
    // 4. stabilisation window (scale-down only)
    if (t < cur && windowRecs.length) {
      const highest = Math.max(...windowRecs.map((r) => r.target));
      if (highest > t) step('stabilization_window', Math.min(cur, highest), `the highest recommendation of the last ${fmt(windowS)} s was ${highest}`, 'Stabilizing');
    }
    // 5. cooldown since the last scaling action
    if (t !== cur && input.last_scaled_at) {
      // a last action stamped in the future (clocks of two processes disagree) counts as just now
      const elapsed = Math.max(0, (nowMs - input.last_scaled_at.getTime()) / 1000);
      if (elapsed < s.cooldownSeconds) {
        step('cooldown', cur, `${Math.ceil(s.cooldownSeconds - elapsed)} s of the ${fmt(s.cooldownSeconds)} s cooldown left (last scaling action ${fmt(Math.round(elapsed))} s ago)`, 'CoolingDown');
      }
    }
    // 6. rate limits per direction
    const up = posInt(s.maxScaleUpStep);
    const down = posInt(s.maxScaleDownStep);
    if (up !== null && t > cur + up) step('rate_limit', cur + up, `at most ${up} workers more per evaluation`, 'ScaledUp');
    if (down !== null && t < cur - down) step('rate_limit', cur - down, `at most ${down} workers fewer per evaluation`, 'ScaledDown');
    // 7. budget: lowers a scale-up, never forces a scale-down
    const afford = num(input.budget_max_workers);
    if (afford !== null && t > cur && t > afford) step('budget', Math.max(cur, Math.floor(afford)), `the budget affords at most ${Math.floor(afford)} workers`, 'BudgetCapped');
  }
  // 8. a live count outside the bounds is brought within them whatever held it
  bounds('the current size is out of bounds: ');

  let code: ReasonCode;
  if (t === cur) {
    // stale or missing metrics outrank whatever else held the size: nothing was measured
    code = missing ? 'MetricsMissing' : held ?? (winner?.rule === 'threshold' ? (winner.wantsDown ? 'AtMin' : 'WithinThresholds') : 'WithinTolerance');
  } else if (constraints.some((c) => c.name === 'budget')) {
    code = 'BudgetCapped';
  } else {
    code = t > cur ? 'ScaledUp' : 'ScaledDown';
  }

  const headline: Record<ReasonCode, string> = {
    ScaledUp: `scale up from ${cur} to ${t} workers`,
    ScaledDown: `scale down from ${cur} to ${t} workers`,
    BudgetCapped: t > cur ? `scale up from ${cur} to only ${t} workers` : `no scale-up from ${cur} workers`,
    WithinThresholds: `no change at ${cur} workers`,
    WithinTolerance: `no change at ${cur} workers`,
    CoolingDown: `no change at ${cur} workers while cooling down`,
    Stabilizing: `no scale-down below ${cur} workers yet (stabilisation window)`,
    AtMax: `no scale-up: ${cur} workers is the most allowed`,
    AtMin: `no scale-down: ${cur} workers is the fewest allowed`,
    MetricsMissing: `holding ${cur} workers`,
    Paused: '',
  };
  const why = [missing, winner?.detail, ...constraints.filter((c) => c.name !== 'stale_metrics').map((c) => c.detail)].filter(Boolean);
  const tail = missing ? '; missing metrics never scale down' : '';
  return {
    target_workers: t,
    current_workers: cur,
    reason_code: code,
    reason: `${headline[code]}: ${why.join('; ')}${tail}`,
    rule: winner ? winner.rule : null,
    would_change: t !== cur,
    recommendation,
    proposals,
    constraints,
    inputs,
  };
}
