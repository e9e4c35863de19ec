import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { defaultQueuePrefix, QueueBackendError } from '#queue';
import { prepareRuntime } from '#runtime';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';

/** The environment of a process started with defaults: QUEUE_BACKEND=auto and no QUEUE_PREFIX. */
function autoEnv(dbUrl: string, redisUrl: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = testEnv(dbUrl, 'unused', { REDIS_URL: redisUrl, ...extra });
  delete env.QUEUE_PREFIX;
  return env;
}

async function recorded(dbUrl: string): Promise<Record<string, { value: string; source: string }>> {
  const c = new Client({ connectionString: dbUrl });
  await c.connect();
  try {
    const r = await c.query<{ key: string; value: string; source: string }>('SELECT key, value, source FROM system_settings');
    return Object.fromEntries(r.rows.map((row) => [row.key, { value: row.value, source: row.source }]));
  } finally {
    await c.end();
  }
}

describe('queue backend: decided once per system, through the database', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;

  before(async () => {
    db = await createTestDatabase('qchoice');
    redis = await startPrivateRedis();
  });
  after(async () => {
    await redis.stop();
    await db.drop();
  });

  it('gives processes resolving auto at the same moment one backend and one prefix', async () => {
    const runtimes = await Promise.all([0, 1, 2, 3].map(() => prepareRuntime(() => undefined, autoEnv(db.url, redis.url))));
    assert.deepEqual(new Set(runtimes.map((r) => `${r.queue.kind}/${r.queue.prefix}`)), new Set([`redis/${defaultQueuePrefix(db.url)}`]));
    const rows = await recorded(db.url);
    assert.equal(rows.queue_backend.value, 'redis');
    assert.match(rows.queue_backend.source, /QUEUE_BACKEND=auto, Redis at redis:\/\/127\.0\.0\.1:\d+ reachable/);
    assert.equal(rows.queue_prefix.value, defaultQueuePrefix(db.url));
  });

  it('does not let a later auto process fall back to PostgreSQL when Redis has become unreachable', async () => {
    await redis.stop(); // the private server, by its pid
    await assert.rejects(prepareRuntime(() => undefined, autoEnv(db.url, redis.url)), (e: unknown) => {
      assert.ok(e instanceof QueueBackendError);
      assert.match(e.message, /this system's queues are on Redis .* is not reachable/);
      assert.match(e.message, /Not falling back to PostgreSQL/);
      return true;
    });
    assert.equal((await recorded(db.url)).queue_backend.value, 'redis');
  });

  it('uses an explicit QUEUE_BACKEND as given and logs the mismatch as a warning', async () => {
    const lines: { msg: string; level?: string }[] = [];
    const rt = await prepareRuntime((msg, level) => void lines.push({ msg, level }), autoEnv(db.url, redis.url, { QUEUE_BACKEND: 'postgres' }));
    assert.equal(rt.queue.kind, 'postgres');
    assert.equal(rt.queue.prefix, defaultQueuePrefix(db.url));
    const warn = lines.find((l) => l.level === 'warn');
    assert.match(warn?.msg ?? '', /QUEUE_BACKEND=postgres differs from this system's recorded queue backend "redis"/);
    assert.equal((await recorded(db.url)).queue_backend.value, 'redis', 'the record stays');
  });
});

describe('queue backend: a system that started without Redis stays on PostgreSQL', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;

  before(async () => {
    db = await createTestDatabase('qchoicepg');
    redis = await startPrivateRedis();
  });
  after(async () => {
    await redis.stop();
    await db.drop();
  });

  it('records postgres while Redis is down, and a later auto process uses it although Redis is back', async () => {
    const url = redis.url;
    await redis.stop();
    const first = await prepareRuntime(() => undefined, autoEnv(db.url, url));
    assert.equal(first.queue.kind, 'postgres');
    redis = await startPrivateRedis();
    const later = await prepareRuntime(() => undefined, autoEnv(db.url, redis.url));
    assert.equal(later.queue.kind, 'postgres');
    assert.equal(later.queue.prefix, first.queue.prefix);
    assert.equal((await recorded(db.url)).queue_backend.value, 'postgres');
  });
});
