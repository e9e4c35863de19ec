import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { waitFor } from '../harness/process';
import { TestSystem } from '../harness/system';

/** marketing-v1 with short lifecycle durations: time is driven forward through configuration. */
function sleepyBlueprint(): string {
  return fs
    .readFileSync(path.join(blueprintsDir(), 'marketing-v1.yaml'), 'utf8')
    .replace('id: marketing-v1', 'id: marketing-sleepy')
    .replace(/idle_time: "?1 hour"?/, 'idle_time: "3 seconds"')
    .replace(/hibernated_duration: "?7 days"?/, 'hibernated_duration: "6 seconds"');
}

type Decision = { source: string; reason_code: string; reason: string; created_at: string };

describe('lifecycle e2e: a cluster hibernates on its own, wakes on a task, and is destroyed', () => {
  const sys = new TestSystem('lifecycle', {
    LIFECYCLE_INTERVAL_SECONDS: '1',
    LIFECYCLE_GRACE_SECONDS: '2',
    METRICS_INTERVAL_SECONDS: '1',
    RECONCILE_INTERVAL_SECONDS: '2',
  });
  before(() => sys.start());
  after(() => sys.stop());

  const status = async (id: string) => (await sys.call('GET', `/api/clusters/${id}`)).body.status as string;
  const lifecycle = async (id: string): Promise<Decision[]> => (await sys.call('GET', `/api/clusters/${id}/scaling-decisions?source=lifecycle`)).body.decisions;

  it('goes through hibernate, wake-on-work and destroy, each a lifecycle decision with its reason', async () => {
    const yaml = sleepyBlueprint();
    assert.match(yaml, /idle_time: "3 seconds"/);
    assert.equal((await sys.call('POST', '/api/blueprints', { body: { id: 'marketing-sleepy', name: 'Sleepy', version: '1.0.0', blueprint_yaml: yaml } })).status, 201);
    const id = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-sleepy', name: 'Sleepy', target_workers: 3 } })).body.id;
    // the same rules turned off in the cluster's config: never touched
    const plain = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-sleepy', name: 'Rules off', target_workers: 3, config: { lifecycle: { enabled: false } } } })).body.id;

    await waitFor(async () => (await status(id)) === 'hibernated' || undefined, 30000, 'hibernated on its own');
    const [slept] = await lifecycle(id);
    assert.equal(slept.reason_code, 'Hibernated');
    assert.match(slept.reason, /idle_time .*task_queue_empty .*load_below/);

    // work arrives: the cluster wakes to its minimum and the task runs
    const task = (await sys.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'wake up and work' } })).body;
    await waitFor(async () => (await sys.call('GET', `/api/tasks/${task.id}`)).body.status === 'succeeded' || undefined, 30000, 'the task to succeed');
    const woke = (await lifecycle(id)).find((d) => d.reason_code === 'Reactivated');
    assert.ok(woke, 'woken by the lifecycle');
    assert.match(woke.reason, /task/);

    // idle again: hibernates again, then is destroyed after the hibernated_duration
    await waitFor(async () => (await status(id)) === 'destroyed' || undefined, 45000, 'destroyed after its hibernation');
    const codes = (await lifecycle(id)).reverse().map((d) => d.reason_code);
    assert.deepEqual(codes, ['Hibernated', 'Reactivated', 'Hibernated', 'Destroyed']);
    assert.match((await lifecycle(id))[0].reason, /hibernated_duration held/);

    const untouched = await sys.call('GET', `/api/clusters/${plain}`);
    assert.equal(untouched.body.status, 'active');
    assert.equal((await lifecycle(plain)).length, 0);
    console.log(`tried: marketing-v1 with 3 s idle and 6 s hibernated_duration, lifecycle tick 1 s, grace 2 s; checked: ${codes.join(' -> ')}, the task sent while asleep succeeded, a cluster with its rules turned off untouched`);
  });
});
