import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AutoscaleSettings } from './autoscale-policy';
import { SimulationInput, TracePoint, simulateScaling } from './autoscale-simulate';
import { randomSample, randomSettings, rng } from './autoscale.fixture';

const marketing: AutoscaleSettings = { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300 };
const sim = (p: Partial<SimulationInput> & { trace: TracePoint[] }) => simulateScaling({ settings: marketing, initialWorkers: 6, min: 3, max: 20, ...p });

describe('simulateScaling', () => {
  it('replays the threshold rule with its cooldown', () => {
    const r = sim({
      trace: [
        { t: 0, queue_length: 15 },
        { t: 60, queue_length: 15 },
        { t: 300, queue_length: 15 },
        { t: 600, queue_length: 0 },
        { t: 660, queue_length: 0 },
        { t: 900, queue_length: 5 },
      ],
    });
    assert.deepEqual(r.timeline, [
      { t: 0, workers: 8 },
      { t: 60, workers: 8 },
      { t: 300, workers: 10 },
      { t: 600, workers: 8 },
      { t: 660, workers: 8 },
      { t: 900, workers: 8 },
    ]);
    assert.equal(r.scale_events, 3);
    assert.deepEqual(
      r.decisions.map((d) => [d.t, d.reason_code]),
      [
        [0, 'ScaledUp'],
        [60, 'CoolingDown'],
        [300, 'ScaledUp'],
        [600, 'ScaledDown'],
        [660, 'CoolingDown'],
        [900, 'WithinThresholds'],
      ],
    );
    assert.equal(r.decisions[1].inputs.last_scaled_at, new Date(0).toISOString());
  });

  it('sorts the trace and ticks once per distinct time', () => {
    const r = sim({ trace: [{ t: 120, queue_length: 5 }, { t: 0, queue_length: 5 }, { t: 120, queue_length: 5 }] });
    assert.deepEqual(r.timeline.map((p) => p.t), [0, 120]);
  });

  it('ticks every intervalSeconds on the latest sample, and a gap reads as stale metrics', () => {
    const r = sim({ initialWorkers: 8, intervalSeconds: 60, trace: [{ t: 0, queue_length: 0 }, { t: 1000, queue_length: 0 }] });
    assert.equal(r.timeline.length, 17); // 0, 60, ... 960
    assert.equal(r.decisions[0].reason_code, 'ScaledDown');
    assert.deepEqual(r.decisions.slice(1, 4).map((d) => d.reason_code), ['CoolingDown', 'CoolingDown', 'CoolingDown']);
    // 240 s after the only sample, with samples every 60 s: stale, and stale never scales down
    assert.ok(r.decisions.slice(4).every((d) => d.reason_code === 'MetricsMissing' && d.target_workers === 6));
    assert.equal(r.scale_events, 1);
  });

  it('feeds its own recommendations to the stabilisation window', () => {
    const settings: AutoscaleSettings = { ...marketing, mode: 'target_tracking', targetPerWorker: 1, cooldownSeconds: 0, stabilizationWindowSeconds: 180 };
    const r = sim({ settings, initialWorkers: 3, min: 1, trace: [{ t: 0, queue_length: 10 }, { t: 60, queue_length: 2 }, { t: 120, queue_length: 2 }, { t: 240, queue_length: 2 }] });
    assert.deepEqual(r.timeline.map((p) => p.workers), [10, 10, 10, 2]);
    assert.deepEqual(r.decisions.map((d) => d.reason_code), ['ScaledUp', 'Stabilizing', 'Stabilizing', 'ScaledDown']);
  });

  it('shows the wait-time rule keeping a busy pool with an empty queue', () => {
    const settings: AutoscaleSettings = { ...marketing, cooldownSeconds: 0, targetWaitSeconds: 60 };
    const trace = [0, 60, 120].map((t) => ({ t, queue_length: 0, running: 6, avg_response_ms: 20000 }));
    assert.deepEqual(sim({ settings, trace }).timeline.map((p) => p.workers), [6, 6, 6]);
    assert.deepEqual(sim({ settings: { ...settings, targetWaitSeconds: undefined }, trace }).timeline.map((p) => p.workers), [4, 3, 3]);
  });

  it('applies the capacity and the budget', () => {
    const r = sim({ capacity: { min: 0, max: 9 }, budgetMaxWorkers: 12, trace: [0, 300, 600].map((t) => ({ t, queue_length: 50 })) });
    assert.deepEqual(r.timeline.map((p) => p.workers), [8, 9, 9]);
    assert.equal(r.decisions[2].reason_code, 'AtMax');
    const b = sim({ budgetMaxWorkers: 7, trace: [0, 300].map((t) => ({ t, queue_length: 50 })) });
    assert.deepEqual(b.decisions.map((d) => [d.target_workers, d.reason_code]), [[7, 'BudgetCapped'], [7, 'BudgetCapped']]);
  });

  it('answers an empty trace with nothing and refuses an absurd tick count', () => {
    assert.deepEqual(sim({ trace: [] }), { timeline: [], scale_events: 0, decisions: [] });
    assert.throws(() => sim({ intervalSeconds: 1, trace: [{ t: 0 }, { t: 10_000_000 }] }), RangeError);
    assert.throws(() => sim({ intervalSeconds: 0, trace: [{ t: 0 }] }), RangeError);
  });

  it('properties over seeded random traces: bounds, cooldown, event count, determinism', () => {
    const r = rng(7);
    for (let n = 0; n < 500; n++) {
      const min = r.int(0, 5);
      const max = min + r.int(1, 25);
      const settings = randomSettings(r);
      let t = 0;
      const trace: TracePoint[] = Array.from({ length: r.int(1, 40) }, () => {
        t += r.pick([15, 30, 60, 60, 120, 400]);
        const { sampled_at: _s, ...fields } = randomSample(r, new Date(0));
        return { t, ...fields };
      });
      const input: SimulationInput = { settings, initialWorkers: r.int(min, max), min, max, trace, intervalSeconds: r.maybe(0.5, () => r.pick([30, 60])), budgetMaxWorkers: r.maybe(0.2, () => r.int(0, max)) };
      const out = simulateScaling(input);
      const show = JSON.stringify(input);
      assert.deepEqual(simulateScaling(structuredClone(input)), out, show);
      let prev = input.initialWorkers;
      let changes = 0;
      let lastChange: number | null = null;
      for (const p of out.timeline) {
        assert.ok(p.workers >= min && p.workers <= max, show);
        if (p.workers !== prev) {
          if (lastChange !== null) assert.ok(p.t - lastChange >= settings.cooldownSeconds, `cooldown broken at t=${p.t}: ${show}`);
          changes++;
          lastChange = p.t;
        }
        prev = p.workers;
      }
      assert.equal(out.scale_events, changes);
      assert.equal(out.decisions.length, out.timeline.length);
    }
  });
});
