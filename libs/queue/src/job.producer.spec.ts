import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Job, Queue } from 'bullmq';
import { DomainError } from '#common';
import { ENQUEUE_TIMEOUT_MS, JobProducer } from './job.producer';
import { JobName } from './queue.enum';

/** A producer whose queues all add through `add`. */
function producer(add: () => Promise<Job>): JobProducer {
  const q = { add } as unknown as Queue;
  return new JobProducer(q, q, q, q, q, q);
}

describe('JobProducer.enqueue', () => {
  it('gives up after ENQUEUE_TIMEOUT_MS (about a second) when the queue store does not answer', async () => {
    assert.ok(ENQUEUE_TIMEOUT_MS <= 1000, `ENQUEUE_TIMEOUT_MS is ${ENQUEUE_TIMEOUT_MS}`);
    const start = Date.now();
    await assert.rejects(producer(() => new Promise<never>(() => undefined)).enqueue(JobName.DispatchTasks, { clusterId: 'c1' }), (e: unknown) => {
      assert.ok(e instanceof DomainError);
      assert.match(e.message, /job queue unavailable: no answer within 1000 ms/);
      return true;
    });
    const took = Date.now() - start;
    assert.ok(took >= ENQUEUE_TIMEOUT_MS - 20 && took < ENQUEUE_TIMEOUT_MS + 500, `took ${took} ms`);
  });

  it('an add that lands or fails after its timeout raises nothing', async () => {
    const settle: { ok: (j: Job) => void; fail: (e: Error) => void }[] = [];
    const p = producer(() => new Promise<Job>((ok, fail) => settle.push({ ok, fail })));
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    try {
      await Promise.all([
        assert.rejects(p.enqueue(JobName.DispatchTasks, { clusterId: 'c1' }), DomainError),
        assert.rejects(p.enqueue(JobName.SpawnCluster, { clusterId: 'c2' }), DomainError),
      ]);
      settle[0].ok({ id: 'late' } as Job);
      settle[1].fail(new Error('Connection is closed.'));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(unhandled, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('returns the job when the store answers in time', async () => {
    const job = await producer(async () => ({ id: 'j1' }) as Job).enqueue(JobName.DispatchTasks, { clusterId: 'c1' });
    assert.equal(job.id, 'j1');
  });
});
