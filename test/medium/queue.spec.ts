import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'bullmq';
import { bullConnection, JobName, JobProducer, QueueName } from '#queue';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { dropPrefix, testPrefix } from '../harness/redis';
import { RUNTIME, Runtime } from '#runtime';

const CLUSTER = '3b0f3c1e-8d1e-4a7e-9c55-4f1b2a3c4d5e';

describe('queues: the producer policy against real Redis', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('queue');

  before(async () => {
    db = await createTestDatabase('queue');
    api = await startApi(testEnv(db.url, prefix));
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('applies default options and a colon-free job id', async () => {
    const jobs = api.app.get(JobProducer);
    const job = await jobs.enqueue(JobName.SpawnCluster, { clusterId: CLUSTER });
    assert.equal(job.id, `spawn-cluster-${CLUSTER}`);
    assert.equal(job.opts.attempts, 5);
    assert.deepEqual(job.opts.backoff, { type: 'exponential', delay: 1000 });
    const again = await jobs.enqueue(JobName.SpawnCluster, { clusterId: CLUSTER });
    assert.equal(again.id, job.id);
    assert.equal(await jobs.queue(QueueName.Spawn).count(), 1, 'a duplicate spawn job is not added');
  });

  it('coalesces per-cluster jobs while one waits, and accepts a new one after it ran', async () => {
    const jobs = api.app.get(JobProducer);
    await Promise.all([0, 1, 2, 3].map(() => jobs.enqueue(JobName.EvaluateScaling, { clusterId: CLUSTER })));
    const queue = jobs.queue(QueueName.Autoscale);
    assert.equal(await queue.count(), 1);

    const runtime = api.app.get<Runtime>(RUNTIME);
    let processed = 0;
    const worker = new Worker(QueueName.Autoscale, async () => void processed++, { connection: bullConnection(runtime.queue), prefix: runtime.queue.prefix });
    try {
      await waitUntil(() => processed === 1);
      await jobs.enqueue(JobName.EvaluateScaling, { clusterId: CLUSTER });
      await waitUntil(() => processed === 2);
    } finally {
      await worker.close();
    }
  });

  it('registers a repeating job once however many processes ask', async () => {
    const jobs = api.app.get(JobProducer);
    await Promise.all([0, 1, 2].map(() => jobs.schedule(JobName.Housekeeping, 60_000, {})));
    const schedulers = await jobs.queue(QueueName.Lifecycle).getJobSchedulers();
    assert.equal(schedulers.length, 1);
    assert.equal(schedulers[0].every, 60_000);
  });
});

async function waitUntil(fn: () => boolean, timeoutMs = 10000) {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
