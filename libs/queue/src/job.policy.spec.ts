import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jobIdentity, MANIFEST_DEBOUNCE_MS } from './job.policy';
import { JobName, QueueName } from './queue.enum';
import { JOB_QUEUE } from './queue.types';

const cluster = '6f1c2a9e-2b53-4c61-9a5e-0d6f3f7f2c11';

describe('job identity policy', () => {
  it('gives spawn jobs one id per cluster, without a colon', () => {
    const { jobId } = jobIdentity(JobName.SpawnCluster, { clusterId: cluster });
    assert.equal(jobId, `spawn-cluster-${cluster}`);
    assert.ok(!jobId!.includes(':'));
  });

  it('coalesces per-cluster background jobs by deduplication, not by job id', () => {
    for (const name of [JobName.ReconcileWorkers, JobName.DispatchTasks] as const) {
      const id = jobIdentity(name, { clusterId: cluster });
      assert.equal(id.jobId, undefined, name);
      assert.equal(id.deduplication?.id, `${name}-${cluster}`);
      assert.equal(id.deduplication?.keepLastIfActive, true, `${name}: a job added while one runs must not be dropped`);
    }
  });

  it('debounces manifest generation per cluster: coalesced, delayed, never restarted by a later request', () => {
    const id = jobIdentity(JobName.GenerateManifests, { clusterId: cluster });
    assert.equal(id.jobId, undefined);
    assert.deepEqual(id.deduplication, { id: `generate-manifests-${cluster}`, keepLastIfActive: true });
    assert.equal(id.delay, MANIFEST_DEBOUNCE_MS);
    assert.ok(MANIFEST_DEBOUNCE_MS > 0 && MANIFEST_DEBOUNCE_MS <= 5000);
  });

  it('routes every job name to a queue', () => {
    for (const name of Object.values(JobName)) assert.ok(Object.values(QueueName).includes(JOB_QUEUE[name]), name);
  });
});
