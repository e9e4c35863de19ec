import { ThrottlerStorage } from '@nestjs/throttler';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

// One round trip, atomic across every api process: count the hit, start the window on the first
// hit, and block for blockDuration once the limit is passed.
const INCREMENT = `
local hitsKey, blockKey = KEYS[1], KEYS[2]
local ttl, limit, block = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local blocked = redis.call('PTTL', blockKey)
if blocked > 0 then
  return { tonumber(redis.call('GET', hitsKey) or '0'), redis.call('PTTL', hitsKey), 1, blocked }
end
local hits = redis.call('INCR', hitsKey)
if hits == 1 then redis.call('PEXPIRE', hitsKey, ttl) end
local left = redis.call('PTTL', hitsKey)
if hits > limit then
  redis.call('SET', blockKey, '1', 'PX', block)
  return { hits, left, 1, block }
end
return { hits, left, 0, 0 }`;

const toRecord = (hits: number, ttlMs: number, blocked: boolean, blockMs: number): ThrottlerStorageRecord => ({
  totalHits: hits,
  timeToExpire: Math.max(0, Math.ceil(ttlMs / 1000)),
  isBlocked: blocked,
  timeToBlockExpire: Math.max(0, Math.ceil(blockMs / 1000)),
});

/** Rate-limit counters in Redis, shared by all api processes. */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:throttle:${name}:${key}`;
    try {
      const [hits, left, blocked, blockLeft] = (await this.redis.eval(INCREMENT, 2, `${base}:hits`, `${base}:block`, ttl, limit, blockDuration || ttl)) as number[];
      return toRecord(hits, left, blocked === 1, blockLeft);
    } catch {
      // Redis down: rate limiting fails open so health and database-only reads keep answering;
      // anything that needs Redis answers 503 on its own.
      return toRecord(0, ttl, false, 0);
    }
  }
}

/** The same counters in PostgreSQL, for when the system runs without Redis. */
export class PostgresThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly ds: DataSource) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    const rows: { hits: number; ttl_ms: number; block_ms: number }[] = await this.ds.query(
      `INSERT INTO rate_limit_hits AS r (key, hits, expires_at) VALUES ($1, 1, now() + make_interval(secs => $2 / 1000.0))
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN r.blocked_until > now() THEN r.hits WHEN r.expires_at <= now() THEN 1 ELSE r.hits + 1 END,
         expires_at = CASE WHEN r.expires_at <= now() THEN excluded.expires_at ELSE r.expires_at END
       RETURNING hits, GREATEST(0, EXTRACT(EPOCH FROM (expires_at - now())) * 1000)::float8 AS ttl_ms,
                 GREATEST(0, COALESCE(EXTRACT(EPOCH FROM (blocked_until - now())) * 1000, 0))::float8 AS block_ms`,
      [`${name}:${key}`, ttl],
    );
    const { hits, ttl_ms, block_ms } = rows[0];
    if (block_ms > 0) return toRecord(hits, ttl_ms, true, block_ms);
    if (hits > limit) {
      const block = blockDuration || ttl;
      await this.ds.query(`UPDATE rate_limit_hits SET blocked_until = now() + make_interval(secs => $2 / 1000.0) WHERE key = $1`, [`${name}:${key}`, block]);
      return toRecord(hits, ttl_ms, true, block);
    }
    return toRecord(hits, ttl_ms, false, 0);
  }
}
