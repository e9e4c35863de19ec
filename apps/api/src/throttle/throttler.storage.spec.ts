import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type Redis from 'ioredis';
import { register } from 'prom-client';
import { FailOpenReporter, rateLimitFailOpenTotal, RedisThrottlerStorage } from './throttler.storage';

type Eval = Pick<Redis, 'eval'>;

/** A Redis whose eval answers as each test says; counts the calls. */
function fakeRedis(answer: () => Promise<unknown>): Eval & { calls: number } {
  const r = {
    calls: 0,
    eval: (() => {
      r.calls++;
      return answer();
    }) as unknown as Eval['eval'],
  };
  return r;
}

function reporter(): { reporter: FailOpenReporter; warnings: string[] } {
  const warnings: string[] = [];
  return { reporter: new FailOpenReporter((m) => warnings.push(m)), warnings };
}

async function failOpens(reason: string): Promise<number> {
  const m = await rateLimitFailOpenTotal.get();
  return m.values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

describe('RedisThrottlerStorage', () => {
  it('returns what Redis answers', async () => {
    const redis = fakeRedis(async () => [3, 4500, 0, 0]);
    const s = new RedisThrottlerStorage(redis, 'p', reporter());
    assert.deepEqual(await s.increment('k', 60000, 10, 0, 'default'), { totalHits: 3, timeToExpire: 5, isBlocked: false, timeToBlockExpire: 0 });
  });

  it('fails open within the timeout when Redis never answers, and says so once', async () => {
    const never = new Promise<never>(() => undefined);
    const { reporter: rep, warnings } = reporter();
    const s = new RedisThrottlerStorage(fakeRedis(() => never), 'p', { timeoutMs: 40, reporter: rep });
    const before = await failOpens('timeout');
    const start = Date.now();
    const r = await s.increment('k', 60000, 10, 0, 'default');
    const took = Date.now() - start;
    assert.ok(took >= 35 && took < 500, `took ${took} ms`);
    assert.equal(r.isBlocked, false);
    assert.equal(r.totalHits, 0);
    assert.equal((await failOpens('timeout')) - before, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /rate limiting fails open: Redis did not answer within 40 ms/);
  });

  it('fails open at once when the call fails', async () => {
    const { reporter: rep, warnings } = reporter();
    const s = new RedisThrottlerStorage(fakeRedis(() => Promise.reject(new Error("Stream isn't writeable"))), 'p', { reporter: rep });
    const before = await failOpens('error');
    assert.equal((await s.increment('k', 60000, 10, 0, 'default')).isBlocked, false);
    assert.equal((await failOpens('error')) - before, 1);
    assert.match(warnings[0], /Redis call failed: Stream isn't writeable/);
  });

  it('while a call is unanswered, sends one probe per interval and lets the rest through at once; resumes when Redis answers', async () => {
    let now = 1_000_000;
    let thaw!: (v: unknown) => void;
    let frozen = true;
    const stuck = new Promise((resolve) => (thaw = resolve));
    const redis = fakeRedis(() => (frozen ? stuck : Promise.resolve([1, 1000, 0, 0])));
    const { reporter: rep } = reporter();
    const s = new RedisThrottlerStorage(redis, 'p', { timeoutMs: 20, probeIntervalMs: 1000, reporter: rep, now: () => now });
    await s.increment('k', 60000, 10, 0, 'default');
    assert.equal(redis.calls, 1);
    const before = await failOpens('skipped');
    const start = Date.now();
    for (let i = 0; i < 5; i++) await s.increment('k', 60000, 10, 0, 'default');
    assert.ok(Date.now() - start < 15, 'skipped calls do not wait');
    assert.equal(redis.calls, 1, 'nothing sent behind the unanswered call');
    assert.equal((await failOpens('skipped')) - before, 5);
    now += 1000;
    await s.increment('k', 60000, 10, 0, 'default');
    assert.equal(redis.calls, 2, 'a probe after the interval');
    frozen = false;
    thaw([1, 1000, 0, 0]);
    await new Promise((r) => setImmediate(r));
    assert.equal((await s.increment('k', 60000, 10, 0, 'default')).totalHits, 1);
    assert.equal(redis.calls, 3, 'back to normal once the stuck calls settled');
  });

  it('a timed-out call that fails later raises nothing', async () => {
    let fail!: (e: Error) => void;
    const late = new Promise((_, reject) => (fail = reject));
    const s = new RedisThrottlerStorage(fakeRedis(() => late), 'p', { timeoutMs: 10, ...reporter() });
    let unhandled = 0;
    const onUnhandled = () => unhandled++;
    process.on('unhandledRejection', onUnhandled);
    try {
      await s.increment('k', 60000, 10, 0, 'default');
      fail(new Error('connection lost'));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(unhandled, 0);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

describe('FailOpenReporter', () => {
  it('warns at most once per interval and says how many it held back', () => {
    let now = 0;
    const warnings: string[] = [];
    const rep = new FailOpenReporter((m) => warnings.push(m), () => now, 10_000);
    for (let i = 0; i < 50; i++) {
      rep.report('timeout', 'Redis did not answer within 250 ms');
      now += 100; // 50 reports over 5 s
    }
    assert.equal(warnings.length, 1);
    now = 10_000;
    rep.report('skipped', 'Redis has left 3 rate-limit call(s) unanswered');
    assert.equal(warnings.length, 2);
    assert.match(warnings[1], /\(49 more since the last warning\)/);
  });

  it('counts on the default registry', () => {
    assert.ok(register.getSingleMetric('brain_rate_limit_fail_open_total'));
  });
});
