import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { spawnApp, Spawned, waitFor } from '../harness/process';
import { submitTasks } from '../harness/recovery';
import { SYSTEM_ADMIN, TestSystem } from '../harness/system';

const TICK_SECONDS = 2;

/** marketing-v1 with a quick scaling rule: up above 4 queued, down below 1, a 5 s cooldown. */
function quickBlueprint(): string {
  return fs
    .readFileSync(path.join(blueprintsDir(), 'marketing-v1.yaml'), 'utf8')
    .replace('id: marketing-v1', 'id: marketing-quick')
    .replace('scale_up_threshold: 10', 'scale_up_threshold: 4')
    .replace('scale_down_threshold: 2', 'scale_down_threshold: 1')
    .replace('cooldown_period: 300', 'cooldown_period: 5');
}

type Decision = { source: string; reason_code: string; reason: string; from_workers: number; to_workers: number; applied: boolean; created_at: string; inputs: Record<string, unknown> };

describe('autoscale e2e: metrics and the tick scale a cluster up and down', () => {
  // three worker processes: still one metrics sample and one evaluation per cluster per period
  const sys = new TestSystem('autoscale', {
    METRICS_INTERVAL_SECONDS: '1',
    AUTOSCALE_INTERVAL_SECONDS: String(TICK_SECONDS),
    RECONCILE_INTERVAL_SECONDS: '2',
    LOCAL_LLM_LATENCY_MS: '600',
    WORKER_CONCURRENCY: '30',
  });
  const extra: Spawned[] = [];
  before(async () => {
    await sys.start();
    for (let i = 0; i < 2; i++) extra.push(spawnApp('worker', sys.env));
    for (const w of extra) await waitFor(async () => w.output().includes('worker started') || undefined, 60000, 'extra worker');
  });
  after(async () => {
    for (const w of extra) await w.stop();
    await sys.stop();
  });

  const decisions = async (id: string): Promise<Decision[]> => (await sys.call('GET', `/api/clusters/${id}/scaling-decisions?source=autoscaler&page_size=100`)).body.decisions;

  it('answers the seed numbers in a dry run', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Dry run', target_workers: 6 } })).body;
    const long_ago = '2020-01-01T00:00:00Z';
    const up = await sys.call('POST', `/api/clusters/${c.id}/scaling/evaluate`, { body: { current_workers: 6, last_scaled_at: long_ago, metrics: { queue_length: 15 } } });
    assert.equal(up.status, 200);
    assert.equal(up.body.target_workers, 8);
    assert.equal(up.body.reason_code, 'ScaledUp');
    const down = await sys.call('POST', `/api/clusters/${c.id}/scaling/evaluate`, { body: { current_workers: 8, last_scaled_at: long_ago, metrics: { queue_length: 0 } } });
    assert.equal(down.body.target_workers, 6);
    assert.equal(down.body.reason_code, 'ScaledDown');
    const cooling = await sys.call('POST', `/api/clusters/${c.id}/scaling/evaluate`, { body: { current_workers: 6, metrics: { queue_length: 15 } } });
    assert.equal(cooling.body.reason_code, 'CoolingDown', 'the cluster was just created (a scaling action): cooldown 300 s');
    assert.equal((await sys.call('GET', `/api/clusters/${c.id}/scaling-decisions?source=dry_run`)).body.total, 0, 'a dry run stores nothing');
    const bad = await sys.call('POST', `/api/clusters/${c.id}/scaling/evaluate`, { body: { metrics: { queue_length: -1 } } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /queue_length/);
  });

  it('scales up under a flood of tasks through the real tick, and down after the cooldown once the queue drains', async () => {
    const up = await sys.call('POST', '/api/blueprints', { body: { id: 'marketing-quick', name: 'Quick', version: '1.0.0', blueprint_yaml: quickBlueprint() } });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-quick', name: 'Flooded', min_workers: 1, max_workers: 12, target_workers: 1 } });
    const id = created.body.id;
    assert.equal(created.body.autoscaling_enabled, true);
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${id}`)).body.status === 'active' || undefined, 30000, 'active');
    const started = Date.now();
    await submitTasks(sys.base, SYSTEM_ADMIN, id, 60, 'flood');

    const peak = await waitFor(
      async () => {
        const c = (await sys.call('GET', `/api/clusters/${id}`)).body;
        return c.target_workers >= 4 ? c.target_workers : undefined;
      },
      40000,
      'a scale-up by the autoscaler',
    );
    const ups = (await decisions(id)).filter((d) => d.reason_code === 'ScaledUp');
    assert.ok(ups.length >= 1);
    assert.ok(ups.every((d) => d.applied && d.to_workers > d.from_workers));
    assert.ok(typeof ups[0].inputs.metrics === 'object', 'the decision keeps the inputs it was made on');

    // the queue drains, then (after the 5 s cooldown) the pool shrinks again
    await waitFor(async () => ((await sys.call('GET', `/api/clusters/${id}/tasks?status=queued`)).body.total === 0 ? true : undefined), 90000, 'the queue to drain');
    await waitFor(async () => (await decisions(id)).some((d) => d.reason_code === 'ScaledDown') || undefined, 60000, 'a scale-down');
    const all = (await decisions(id)).reverse();
    const downs = all.filter((d) => d.reason_code === 'ScaledDown');
    const lastUp = ups.map((d) => Date.parse(d.created_at)).sort().pop()!;
    assert.ok(Date.parse(downs[0].created_at) - lastUp >= 5000, 'no scale-down within the cooldown of the last scale-up');
    assert.ok(all.some((d) => !d.applied), 'evaluations that changed nothing are recorded too');

    // one evaluation per tick, not one per worker process (three run)
    const elapsed = (Date.now() - started) / 1000;
    assert.ok(all.length <= elapsed / TICK_SECONDS + 3, `${all.length} evaluations in ${elapsed.toFixed(0)} s at one per ${TICK_SECONDS} s`);
    const codes = [...new Set(all.map((d) => d.reason_code))].join(', ');
    console.log(`tried: 60 tasks at 600 ms each on a 1-worker cluster (up above 4 queued, down below 1, cooldown 5 s, tick ${TICK_SECONDS} s, 3 worker processes); checked: up to ${peak} workers, back down after the cooldown, ${all.length} decisions in ${elapsed.toFixed(0)} s (${codes})`);

    const samples = (await sys.call('GET', `/api/clusters/${id}/metrics?limit=5`)).body.samples;
    assert.ok(samples.length > 0);
    assert.ok('load_percentage' in samples[0] && 'oldest_wait_seconds' in samples[0]);
  });

  it('pauses and resumes the autoscaler per cluster, recorded as decisions', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Paused', target_workers: 3 } })).body;
    const paused = await sys.call('PUT', `/api/clusters/${c.id}`, { body: { autoscaling_enabled: false } });
    assert.equal(paused.body.autoscaling_enabled, false);
    await sys.call('PUT', `/api/clusters/${c.id}`, { body: { autoscaling_enabled: true } });
    const log = (await sys.call('GET', `/api/clusters/${c.id}/scaling-decisions?source=manual`)).body.decisions.map((d: Decision) => d.reason_code);
    assert.deepEqual(log.slice(0, 2), ['Resumed', 'Paused']);
  });

  it('replays a policy over a trace', async () => {
    const trace = [0, 30, 60, 90, 400, 700, 1000].map((t, i) => ({ t, queue_length: i < 4 ? 15 : 0 }));
    const r = await sys.call('POST', '/api/scaling/simulate', { body: { blueprint_id: 'marketing-v1', initial_workers: 6, trace } });
    assert.equal(r.status, 200);
    assert.equal(r.body.timeline[0].workers, 8, '6 workers, queue 15, up above 10: 8');
    assert.equal(r.body.decisions[1].reason_code, 'CoolingDown', 'the 300 s cooldown holds the next tick');
    assert.ok(r.body.scale_events >= 2);
    const bad = await sys.call('POST', '/api/scaling/simulate', { body: { initial_workers: 6, trace } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /exactly one of blueprint_id and scaling/);
  });
});
