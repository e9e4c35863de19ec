import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AutoscaleSettings, EvaluationInput, MetricsSnapshot, REASON_CODES, ReasonCode, evaluateScaling } from './autoscale-policy';
import { Rng, randomSample, randomSettings, rng } from './autoscale.fixture';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);
// marketing-v1's rule
const marketing: AutoscaleSettings = { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300 };
const tracking: AutoscaleSettings = { ...marketing, mode: 'target_tracking', targetPerWorker: 5 };
const base: EvaluationInput = {
  current_workers: 6,
  min_workers: 3,
  max_workers: 20,
  capacity: { min: 0, max: 20 },
  now: NOW,
  last_scaled_at: ago(3600),
  settings: marketing,
  metrics: { queue_length: 5, running: 3, sampled_at: ago(30) },
  metrics_interval_seconds: 60,
};
type Patch = Omit<Partial<EvaluationInput>, 'metrics' | 'settings'> & { metrics?: Partial<MetricsSnapshot> | null; settings?: Partial<AutoscaleSettings> };
const at = (p: Patch): EvaluationInput => ({
  ...base,
  ...p,
  settings: { ...base.settings, ...p.settings },
  metrics: p.metrics === null ? null : { ...base.metrics!, ...p.metrics },
});

interface Want {
  target: number;
  code: ReasonCode;
  rule?: string | null;
  /** names of the constraints that changed the number, in order */
  constraints?: string[];
  reason?: RegExp;
}

const table: [string, Patch, Want][] = [
  // the threshold rule, as the original
  ['seed: 6 workers, queue 15, up above 10 -> 8', { metrics: { queue_length: 15 } }, { target: 8, code: 'ScaledUp', rule: 'threshold', constraints: [], reason: /scale up from 6 to 8 workers: task_queue_length is 15, above the scale-up threshold 10/ }],
  ['seed: 8 workers, queue 0, down below 2 -> 6', { current_workers: 8, metrics: { queue_length: 0 } }, { target: 6, code: 'ScaledDown', rule: 'threshold', constraints: [] }],
  ['between the thresholds', { metrics: { queue_length: 5 } }, { target: 6, code: 'WithinThresholds', reason: /between the thresholds 2 and 10/ }],
  ['on the up threshold is not above it', { metrics: { queue_length: 10 } }, { target: 6, code: 'WithinThresholds' }],
  ['on the down threshold is not below it', { metrics: { queue_length: 2 } }, { target: 6, code: 'WithinThresholds' }],
  ['up from 0 workers', { current_workers: 0, min_workers: 0, metrics: { queue_length: 15 } }, { target: 1, code: 'ScaledUp' }],
  ['down to 0 workers from 1', { current_workers: 1, min_workers: 0, metrics: { queue_length: 0 } }, { target: 0, code: 'ScaledDown' }],
  ['other metrics read their own field', { settings: { metric: 'load_percentage', scaleUpThreshold: 80, scaleDownThreshold: 30 }, metrics: { load_percentage: 95 } }, { target: 8, code: 'ScaledUp', reason: /load_percentage is 95/ }],
  ['cpu below the down threshold', { settings: { metric: 'cpu_usage', scaleUpThreshold: 70, scaleDownThreshold: 20 }, metrics: { cpu_usage: 5.5 } }, { target: 4, code: 'ScaledDown' }],

  // bounds
  ['at max', { current_workers: 20, metrics: { queue_length: 15 } }, { target: 20, code: 'AtMax', constraints: ['max_workers'], reason: /20 workers is the most allowed/ }],
  ['capped at max on the way up', { current_workers: 18, metrics: { queue_length: 15 } }, { target: 20, code: 'ScaledUp', constraints: ['max_workers'] }],
  ['at the worker capacity', { current_workers: 14, capacity: { min: 0, max: 14 }, metrics: { queue_length: 15 } }, { target: 14, code: 'AtMax', constraints: ['worker_capacity'], reason: /worker definitions hold at most 14/ }],
  ['at min', { current_workers: 3, metrics: { queue_length: 0 } }, { target: 3, code: 'AtMin', constraints: ['min_workers'] }],
  ['at 0 with min 0 wanting less', { current_workers: 0, min_workers: 0, metrics: { queue_length: 0 } }, { target: 0, code: 'AtMin', constraints: [] }],
  ['capacity minimum above min_workers', { current_workers: 4, capacity: { min: 4, max: 20 }, metrics: { queue_length: 0 } }, { target: 4, code: 'AtMin', constraints: ['worker_capacity'] }],
  ['a live count below min is brought up even when holding', { current_workers: 1, metrics: null }, { target: 3, code: 'ScaledUp', constraints: ['min_workers'], reason: /out of bounds/ }],

  // metrics
  ['no sample: hold, never down', { current_workers: 8, metrics: null }, { target: 8, code: 'MetricsMissing', rule: null, reason: /no metrics sample yet.*missing metrics never scale down/ }],
  ['stale sample: hold, never down', { current_workers: 8, metrics: { queue_length: 0, sampled_at: ago(181) } }, { target: 8, code: 'MetricsMissing', constraints: ['stale_metrics'], reason: /181 s old, stale after 180 s/ }],
  ['stale sample: no scale-up either', { metrics: { queue_length: 50, sampled_at: ago(400) } }, { target: 6, code: 'MetricsMissing', constraints: ['stale_metrics'] }],
  ['stale sample that would not change anything', { metrics: { queue_length: 5, sampled_at: ago(400) } }, { target: 6, code: 'MetricsMissing' }],
  ['3 intervals old is still fresh', { current_workers: 8, metrics: { queue_length: 0, sampled_at: ago(180) } }, { target: 6, code: 'ScaledDown' }],
  ['the metric is absent from the sample', { current_workers: 8, settings: { metric: 'cpu_usage' }, metrics: { queue_length: 0 } }, { target: 8, code: 'MetricsMissing', reason: /the sample has no cpu_usage/ }],
  ['an unknown metric', { settings: { metric: 'latency' } }, { target: 6, code: 'MetricsMissing', reason: /unknown metric latency/ }],

  // cooldown, paused
  ['cooling down', { last_scaled_at: ago(120), metrics: { queue_length: 15 } }, { target: 6, code: 'CoolingDown', constraints: ['cooldown'], reason: /180 s of the 300 s cooldown left/ }],
  ['cooling down blocks a scale-down too', { current_workers: 8, last_scaled_at: ago(299), metrics: { queue_length: 0 } }, { target: 8, code: 'CoolingDown' }],
  ['cooldown just over', { current_workers: 8, last_scaled_at: ago(300), metrics: { queue_length: 0 } }, { target: 6, code: 'ScaledDown' }],
  ['never scaled: no cooldown', { last_scaled_at: null, metrics: { queue_length: 15 } }, { target: 8, code: 'ScaledUp' }],
  ['the cooldown is silent when nothing would change', { last_scaled_at: ago(10) }, { target: 6, code: 'WithinThresholds', constraints: [] }],
  ['paused', { paused: true, metrics: { queue_length: 50 } }, { target: 6, code: 'Paused', rule: null, reason: /paused/ }],

  // budget
  ['the budget lowers a scale-up', { budget_max_workers: 7, metrics: { queue_length: 15 } }, { target: 7, code: 'BudgetCapped', constraints: ['budget'] }],
  ['the budget refuses a scale-up', { budget_max_workers: 5, metrics: { queue_length: 15 } }, { target: 6, code: 'BudgetCapped', constraints: ['budget'], reason: /affords at most 5/ }],
  ['a budget with room changes nothing', { budget_max_workers: 10, metrics: { queue_length: 15 } }, { target: 8, code: 'ScaledUp', constraints: [] }],
  ['the budget never forces a scale-down', { current_workers: 8, budget_max_workers: 2 }, { target: 8, code: 'WithinThresholds' }],

  // rate limits
  ['rate limit up', { settings: { maxScaleUpStep: 1 }, metrics: { queue_length: 15 } }, { target: 7, code: 'ScaledUp', constraints: ['rate_limit'] }],
  ['rate limit down', { current_workers: 10, settings: { maxScaleDownStep: 1 }, metrics: { queue_length: 0 } }, { target: 9, code: 'ScaledDown', constraints: ['rate_limit'] }],
  ['a zero step means no limit', { settings: { maxScaleUpStep: 0 }, metrics: { queue_length: 15 } }, { target: 8, code: 'ScaledUp' }],

  // target tracking
  ['tracking: ceil((queued + running) / per worker)', { current_workers: 2, settings: tracking, metrics: { queue_length: 15, running: 5 } }, { target: 4, code: 'ScaledUp', rule: 'target_tracking', reason: /15 queued \+ 5 running tasks at 5 per worker need 4/ }],
  ['tracking: 11 vs 10 is within the 10 % tolerance', { current_workers: 10, settings: tracking, metrics: { queue_length: 50, running: 5 } }, { target: 10, code: 'WithinTolerance', constraints: ['tolerance'] }],
  ['tracking: 12 vs 10 is not', { current_workers: 10, settings: tracking, metrics: { queue_length: 50, running: 10 } }, { target: 12, code: 'ScaledUp' }],
  ['tracking: a wider tolerance', { current_workers: 10, settings: { ...tracking, tolerance: 0.25 }, metrics: { queue_length: 50, running: 10 } }, { target: 10, code: 'WithinTolerance' }],
  ['tracking: exactly on target', { current_workers: 4, settings: tracking, metrics: { queue_length: 10, running: 10 } }, { target: 4, code: 'WithinTolerance', constraints: [] }],
  ['tracking: running tasks count', { current_workers: 6, settings: tracking, metrics: { queue_length: 0, running: 30 } }, { target: 6, code: 'WithinTolerance' }],
  ['tracking: down, held at min', { current_workers: 10, settings: tracking, metrics: { queue_length: 0, running: 2 } }, { target: 3, code: 'ScaledDown', constraints: ['min_workers'] }],
  ['tracking: a fractional target per worker', { current_workers: 3, settings: { ...tracking, targetPerWorker: 0.5 }, metrics: { queue_length: 3, running: 0 } }, { target: 6, code: 'ScaledUp' }],
  ['tracking without target_per_worker', { settings: { mode: 'target_tracking' } }, { target: 6, code: 'MetricsMissing', reason: /target_per_worker is not set/ }],
  ['tracking ignores the threshold rule', { current_workers: 4, settings: tracking, metrics: { queue_length: 15, running: 5 } }, { target: 4, code: 'WithinTolerance', rule: 'target_tracking' }],

  // stabilisation window
  ['stabilising: a recent higher recommendation blocks the scale-down', { current_workers: 10, settings: { ...tracking, stabilizationWindowSeconds: 300 }, metrics: { queue_length: 20, running: 5 }, recent_recommendations: [{ at: ago(100), target: 10 }, { at: ago(50), target: 7 }] }, { target: 10, code: 'Stabilizing', constraints: ['stabilization_window'], reason: /highest recommendation of the last 300 s was 10/ }],
  ['stabilising: down only to the highest recommendation', { current_workers: 10, settings: { ...tracking, stabilizationWindowSeconds: 300 }, metrics: { queue_length: 20, running: 5 }, recent_recommendations: [{ at: ago(100), target: 8 }] }, { target: 8, code: 'ScaledDown', constraints: ['stabilization_window'] }],
  ['stabilising: a recommendation above current holds at current', { current_workers: 10, settings: { ...tracking, stabilizationWindowSeconds: 300 }, metrics: { queue_length: 20, running: 5 }, recent_recommendations: [{ at: ago(10), target: 15 }] }, { target: 10, code: 'Stabilizing' }],
  ['stabilising: recommendations outside the window do not count', { current_workers: 10, settings: { ...tracking, stabilizationWindowSeconds: 300 }, metrics: { queue_length: 20, running: 5 }, recent_recommendations: [{ at: ago(301), target: 10 }] }, { target: 5, code: 'ScaledDown', constraints: [] }],
  ['stabilising never slows a scale-up', { current_workers: 2, settings: { ...tracking, stabilizationWindowSeconds: 300 }, metrics: { queue_length: 20, running: 5 }, recent_recommendations: [{ at: ago(10), target: 2 }] }, { target: 5, code: 'ScaledUp' }],
  ['the window is off by default', { current_workers: 8, metrics: { queue_length: 0 }, recent_recommendations: [{ at: ago(10), target: 8 }] }, { target: 6, code: 'ScaledDown' }],

  // wait-time target
  ['wait: an empty queue with every worker busy does not shrink the pool', { current_workers: 4, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 0, running: 4, avg_response_ms: 30000 } }, { target: 4, code: 'WithinTolerance', rule: 'wait_time' }],
  ['wait: the threshold rule alone would shrink it', { current_workers: 4, metrics: { queue_length: 0, running: 4, avg_response_ms: 30000 } }, { target: 3, code: 'ScaledDown', rule: 'threshold' }],
  ['wait: sized from the backlog and the task duration', { current_workers: 4, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 8, running: 4, avg_response_ms: 30000 } }, { target: 6, code: 'ScaledUp', rule: 'wait_time', reason: /8 queued \+ 4 running tasks at 30 s each need 6 to start within 60 s/ }],
  ['wait: the largest proposal wins', { current_workers: 4, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 20, running: 4, avg_response_ms: 30000 } }, { target: 12, code: 'ScaledUp', rule: 'wait_time' }],
  ['wait: the threshold rule wins when it wants more', { current_workers: 6, settings: { targetWaitSeconds: 600 }, metrics: { queue_length: 15, running: 6, avg_response_ms: 10000 } }, { target: 8, code: 'ScaledUp', rule: 'threshold' }],
  ['wait: task duration from throughput (Little)', { current_workers: 4, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 14, running: 4, tasks_per_minute: 12 } }, { target: 6, code: 'ScaledUp', rule: 'wait_time', reason: /at 20 s each need 6/ }],
  ['wait: a missed target adds at least one, through the tolerance band', { current_workers: 10, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 2, running: 10, avg_response_ms: 1000, oldest_wait_seconds: 90 } }, { target: 11, code: 'ScaledUp', rule: 'wait_time', constraints: [], reason: /waited 90 s, over the 60 s target/ }],
  ['wait: a missed target with no duration known', { current_workers: 6, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 5, running: 6, oldest_wait_seconds: 120 } }, { target: 7, code: 'ScaledUp', rule: 'wait_time' }],
  ['wait: no duration known and on target leaves it to the other rule', { current_workers: 6, settings: { targetWaitSeconds: 60 }, metrics: { queue_length: 5, running: 6, oldest_wait_seconds: 10 } }, { target: 6, code: 'WithinThresholds', rule: 'threshold' }],
  ['wait alone with tracking mode', { current_workers: 4, settings: { ...tracking, targetPerWorker: 100, targetWaitSeconds: 60 }, metrics: { queue_length: 0, running: 4, avg_response_ms: 5000 } }, { target: 4, code: 'WithinTolerance', rule: 'wait_time' }],
];

describe('evaluateScaling', () => {
  for (const [name, patch, want] of table) {
    it(name, () => {
      const input = at(patch);
      const ev = evaluateScaling(input);
      const show = JSON.stringify({ code: ev.reason_code, target: ev.target_workers, reason: ev.reason, constraints: ev.constraints });
      assert.equal(ev.target_workers, want.target, show);
      assert.equal(ev.reason_code, want.code, show);
      assert.equal(ev.would_change, ev.target_workers !== input.current_workers);
      if (want.rule !== undefined) assert.equal(ev.rule, want.rule, show);
      if (want.constraints) assert.deepEqual(ev.constraints.map((c) => c.name), want.constraints, show);
      if (want.reason) assert.match(ev.reason, want.reason);
    });
  }

  it('lists every rule proposal, raw, and each constraint with from and to', () => {
    const ev = evaluateScaling(at({ current_workers: 18, settings: { targetWaitSeconds: 60, maxScaleUpStep: 1 }, metrics: { queue_length: 15, running: 18, avg_response_ms: 2000 } }));
    assert.deepEqual(
      ev.proposals.map((p) => [p.rule, p.target]),
      [
        ['threshold', 22],
        ['wait_time', 18],
      ],
    );
    assert.deepEqual(
      ev.constraints.map(({ name, from, to }) => ({ name, from, to })),
      [
        { name: 'max_workers', from: 22, to: 20 },
        { name: 'rate_limit', from: 20, to: 19 },
      ],
    );
    assert.equal(ev.recommendation, 20);
    assert.match(ev.reason, /scale up from 18 to 19 workers: task_queue_length is 15.*; max_workers is 20; at most 1 workers more per evaluation/);
  });

  it('echoes its inputs as plain JSON', () => {
    const ev = evaluateScaling(at({ metrics: { queue_length: 15, sampled_at: ago(45) }, budget_max_workers: 9 }));
    assert.deepEqual(JSON.parse(JSON.stringify(ev.inputs)), ev.inputs);
    assert.equal(ev.inputs.current_workers, 6);
    assert.equal(ev.inputs.metrics_age_seconds, 45);
    assert.equal(ev.inputs.last_scaled_at, ago(3600).toISOString());
    assert.equal((ev.inputs.metrics as Record<string, unknown>).queue_length, 15);
    assert.equal((ev.inputs.settings as Record<string, unknown>).scale_up_threshold, 10);
    assert.equal(ev.inputs.budget_max_workers, 9);
  });

  it('gives no recommendation to keep when metrics are missing or stale', () => {
    assert.equal(evaluateScaling(at({ metrics: null })).recommendation, null);
    assert.equal(evaluateScaling(at({ metrics: { sampled_at: ago(1000) } })).recommendation, null);
    assert.equal(evaluateScaling(at({ current_workers: 8, metrics: { queue_length: 0 }, last_scaled_at: ago(1) })).recommendation, 6);
  });

  it('writes one sentence, without line breaks', () => {
    for (const [, patch] of table) assert.doesNotMatch(evaluateScaling(at(patch)).reason, /\n/);
  });
});

// ---- property tests: seeded random inputs (autoscale.fixture.ts), a few thousand cases ----

function randomInput(r: Rng): EvaluationInput {
  const min = r.int(0, 10);
  const max = Math.max(1, min + r.int(0, 30));
  const cmin = r.int(0, max);
  const cmax = r.int(Math.max(cmin, min), max + 10);
  const lower = Math.max(min, cmin);
  const upper = Math.min(max, cmax);
  // mostly a live count within the bounds, sometimes one left outside by an edit or a failed spawn
  const current = r.chance(0.9) ? r.int(lower, upper) : r.int(0, upper + 5);
  const interval = r.pick([15, 30, 60, 120]);
  const settings = randomSettings(r);
  return {
    current_workers: current,
    min_workers: min,
    max_workers: max,
    capacity: { min: cmin, max: cmax },
    now: NOW,
    last_scaled_at: r.chance(0.2) ? null : ago(r.int(-5, 1500)),
    settings,
    // fresh (up to exactly 3 intervals old) most of the time, sometimes stale, sometimes none
    metrics: r.chance(0.1) ? null : randomSample(r, ago(r.chance(0.15) ? r.int(3 * interval + 1, 10 * interval) : r.int(0, 3 * interval))),
    metrics_interval_seconds: interval,
    recent_recommendations: Array.from({ length: r.int(0, 5) }, () => ({ at: ago(r.int(0, 600)), target: r.int(0, max + 5) })),
    paused: r.chance(0.04),
    budget_max_workers: r.maybe(0.2, () => r.int(0, max + 5)),
  };
}

describe('evaluateScaling properties (seeded random inputs)', () => {
  const CASES = 5000;
  const r = rng(0x5ca1e);
  const inputs = Array.from({ length: CASES }, () => randomInput(r));
  const results = inputs.map((i) => evaluateScaling(i));
  const bounds = (i: EvaluationInput) => ({ lower: Math.max(i.min_workers, i.capacity.min), upper: Math.min(i.max_workers, i.capacity.max) });
  const inBounds = (i: EvaluationInput) => {
    const { lower, upper } = bounds(i);
    return i.current_workers >= lower && i.current_workers <= upper;
  };
  const stale = (i: EvaluationInput) => !i.metrics || (NOW.getTime() - i.metrics.sampled_at.getTime()) / 1000 > 3 * i.metrics_interval_seconds;
  const cooling = (i: EvaluationInput) => i.last_scaled_at !== null && (NOW.getTime() - i.last_scaled_at.getTime()) / 1000 < i.settings.cooldownSeconds;
  const each = (check: (i: EvaluationInput, ev: ReturnType<typeof evaluateScaling>) => void) => {
    inputs.forEach((input, n) => {
      try {
        check(input, results[n]);
      } catch (e) {
        (e as Error).message += `\ncase ${n}: ${JSON.stringify(input)}\n=> ${JSON.stringify({ ...results[n], inputs: undefined })}`;
        throw e;
      }
    });
  };

  it('covers every reason code', () => {
    const seen = new Set(results.map((e) => e.reason_code));
    assert.deepEqual(REASON_CODES.filter((c) => !seen.has(c)), []);
  });

  it('keeps the target within min..max and the worker capacity (paused: untouched)', () =>
    each((i, ev) => {
      assert.ok(Number.isInteger(ev.target_workers));
      if (i.paused) return assert.equal(ev.target_workers, i.current_workers);
      const { lower, upper } = bounds(i);
      assert.ok(ev.target_workers >= lower && ev.target_workers <= upper);
    }));

  it('never scales down on stale or missing metrics, and holds within bounds', () =>
    each((i, ev) => {
      if (i.paused || !stale(i)) return;
      assert.ok(ev.target_workers >= Math.min(i.current_workers, bounds(i).upper));
      if (inBounds(i)) {
        assert.equal(ev.target_workers, i.current_workers);
        assert.equal(ev.reason_code, 'MetricsMissing');
      }
    }));

  it('honours the cooldown', () =>
    each((i, ev) => {
      if (i.paused || !inBounds(i) || !cooling(i)) return;
      assert.equal(ev.target_workers, i.current_workers);
      if (ev.reason_code === 'CoolingDown') assert.match(ev.reason, /s of the \d+ s cooldown left/);
    }));

  it('honours the rate limits, the stabilisation window and the budget', () =>
    each((i, ev) => {
      if (i.paused || !inBounds(i)) return;
      const t = ev.target_workers;
      const cur = i.current_workers;
      if (i.settings.maxScaleUpStep && t > cur) assert.ok(t - cur <= i.settings.maxScaleUpStep);
      if (i.settings.maxScaleDownStep && t < cur) assert.ok(cur - t <= i.settings.maxScaleDownStep);
      const w = i.settings.stabilizationWindowSeconds ?? 0;
      if (t < cur && w > 0) {
        for (const rec of i.recent_recommendations ?? []) {
          const age = (NOW.getTime() - rec.at.getTime()) / 1000;
          if (age >= 0 && age <= w) assert.ok(t >= Math.min(cur, rec.target));
        }
      }
      if (i.budget_max_workers !== undefined && t > cur) assert.ok(t <= i.budget_max_workers);
    }));

  it('answers consistently: code, direction, constraint chain, one sentence', () =>
    each((i, ev) => {
      assert.ok(REASON_CODES.includes(ev.reason_code));
      assert.equal(ev.would_change, ev.target_workers !== i.current_workers);
      if (ev.reason_code === 'ScaledUp') assert.ok(ev.target_workers > i.current_workers);
      if (ev.reason_code === 'ScaledDown') assert.ok(ev.target_workers < i.current_workers);
      if (['WithinThresholds', 'WithinTolerance', 'CoolingDown', 'Stabilizing', 'AtMax', 'AtMin', 'Paused'].includes(ev.reason_code)) {
        assert.equal(ev.target_workers, i.current_workers);
      }
      // each constraint starts where the previous one left the number, and the last gives the target
      const winner = ev.proposals.filter((p) => p.target !== null).reduce<number | null>((m, p) => (m === null || p.target! > m ? p.target : m), null);
      let n = winner ?? i.current_workers;
      for (const c of ev.constraints) {
        assert.equal(c.from, n);
        assert.notEqual(c.to, c.from);
        n = c.to;
      }
      if (!i.paused) assert.equal(n, ev.target_workers);
      assert.ok(ev.reason.length > 10 && !ev.reason.includes('\n'));
      assert.doesNotMatch(ev.reason, /undefined|NaN|null/);
    }));

  it('is deterministic: the same input (a deep copy) gives the same answer', () =>
    each((i, ev) => {
      assert.deepEqual(evaluateScaling(structuredClone(i)), ev);
    }));

  it('does not let an empty queue with every worker busy shrink the pool when a wait target is set', () => {
    const r2 = rng(42);
    for (let n = 0; n < 2000; n++) {
      const input = randomInput(r2);
      const cur = input.current_workers;
      input.paused = false;
      input.settings = { ...input.settings, targetWaitSeconds: r2.pick([5, 30, 60, 600]) };
      input.metrics = { ...randomSample(r2, ago(0)), queue_length: 0, running: cur, avg_response_ms: r2.int(1, 60000) };
      const ev = evaluateScaling(input);
      assert.ok(ev.target_workers >= Math.min(cur, bounds(input).upper), JSON.stringify({ input, ev: { ...ev, inputs: undefined } }));
    }
  });
});
