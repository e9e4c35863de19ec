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
    await Promise.all([0, 1, 2, 3].map(() => jobs.enqueue(JobName.DispatchTasks, { clusterId: CLUSTER })));
    const queue = jobs.queue(QueueName.Tasks);
    assert.equal(await queue.getWaitingCount(), 1);

    const runtime = api.app.get<Runtime>(RUNTIME);
    let processed = 0;
    const worker = new Worker(QueueName.Tasks, async () => void processed++, { connection: bullConnection(runtime.queue), prefix: runtime.queue.prefix });
    try {
      await waitUntil(() => processed === 1);
      await jobs.enqueue(JobName.DispatchTasks, { clusterId: CLUSTER });
      await waitUntil(() => processed === 2);
    } finally {
      await worker.close();
    }
  });

  it('keeps one job added while another of the same key runs, and runs it after', async () => {
    const jobs = api.app.get(JobProducer);
    const runtime = api.app.get<Runtime>(RUNTIME);
    const other = '9d2b7a40-1c7e-4c1a-8f0e-2b6f4e1d3c2a';
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen: number[] = [];
    const worker = new Worker(
      QueueName.Tasks,
      async (job) => {
        seen.push(job.data.n);
        if (seen.length === 1) await gate; // the first run is still active while more are added
      },
      { connection: bullConnection(runtime.queue), prefix: runtime.queue.prefix, concurrency: 4 },
    );
    try {
      await jobs.enqueue(JobName.DispatchTasks, { clusterId: other, n: 1 } as never);
      await waitUntil(() => seen.length === 1);
      // Added while the first is active: plain deduplication would drop these until the next tick.
      await jobs.enqueue(JobName.DispatchTasks, { clusterId: other, n: 2 } as never);
      await jobs.enqueue(JobName.DispatchTasks, { clusterId: other, n: 3 } as never);
      release();
      await waitUntil(() => seen.length === 2);
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual(seen, [1, 3], 'exactly one more run, with the latest data, and never two at once');
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
