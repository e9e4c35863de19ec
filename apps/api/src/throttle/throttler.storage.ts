import { Logger } from '@nestjs/common';
import { ThrottlerStorage } from '@nestjs/throttler';
import type Redis from 'ioredis';
import { Counter, register } from 'prom-client';
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

/**
 * How long a request waits for the rate limiter's Redis call. A frozen Redis (stopped, not refusing
 * connections) never answers: without a bound every throttled request would wait with it.
 */
export const RATE_LIMIT_REDIS_TIMEOUT_MS = 250;
/** At most one fail-open warning per this period per process, so a frozen Redis cannot flood the log. */
export const FAIL_OPEN_LOG_INTERVAL_MS = 10_000;
/**
 * While calls sent earlier are still unanswered past the timeout, Redis is taken to be unresponsive:
 * one call per this period is still sent (to notice it back), the others fail open at once.
 */
export const UNRESPONSIVE_PROBE_INTERVAL_MS = 1_000;

/** timeout: no answer within the timeout; error: the call failed (e.g. connection down); skipped: not sent, Redis unresponsive */
export type FailOpenReason = 'timeout' | 'error' | 'skipped';

const FAIL_OPEN_METRIC = 'brain_rate_limit_fail_open_total';

/** On the default registry; looked up first so that several apps in one process share it. */
export const rateLimitFailOpenTotal: Counter<'reason'> =
  (register.getSingleMetric(FAIL_OPEN_METRIC) as Counter<'reason'> | undefined) ??
  new Counter({
    name: FAIL_OPEN_METRIC,
    help: 'Requests let through without a rate-limit check because Redis did not answer in time or failed',
    labelNames: ['reason'] as const,
  });

const logger = new Logger('RedisThrottlerStorage');

/** Counts fail-opens and warns about them, at most once per interval. */
export class FailOpenReporter {
  private lastWarnAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly warn: (msg: string) => void = (msg) => logger.warn(msg),
    private readonly now: () => number = Date.now,
    private readonly intervalMs = FAIL_OPEN_LOG_INTERVAL_MS,
  ) {}

  report(reason: FailOpenReason, detail: string): void {
    rateLimitFailOpenTotal.inc({ reason });
    const t = this.now();
    if (t - this.lastWarnAt < this.intervalMs) {
      this.suppressed++;
      return;
    }
    const more = this.suppressed ? ` (${this.suppressed} more since the last warning)` : '';
    this.lastWarnAt = t;
    this.suppressed = 0;
    this.warn(`rate limiting fails open: ${detail}${more}; requests are let through unchecked until Redis answers again`);
  }
}

/** One per process: the warning is rate-limited per process, not per storage. */
const processReporter = new FailOpenReporter();

export interface RedisThrottlerOptions {
  timeoutMs?: number;
  probeIntervalMs?: number;
  reporter?: FailOpenReporter;
  now?: () => number;
}

/** Rate-limit counters in Redis, shared by all api processes. */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly timeoutMs: number;
  private readonly probeIntervalMs: number;
  private readonly reporter: FailOpenReporter;
  private readonly now: () => number;
  /** calls that passed their timeout and have not settled yet */
  private unanswered = 0;
  private lastSentAt = -Infinity;

  constructor(
    private readonly redis: Pick<Redis, 'eval'>,
    private readonly prefix: string,
    options: RedisThrottlerOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? RATE_LIMIT_REDIS_TIMEOUT_MS;
    this.probeIntervalMs = options.probeIntervalMs ?? UNRESPONSIVE_PROBE_INTERVAL_MS;
    this.reporter = options.reporter ?? processReporter;
    this.now = options.now ?? Date.now;
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    // Redis down or frozen: rate limiting fails open so health and database-only reads keep
    // answering; anything that needs Redis answers on its own (with its own timeout).
    const open = () => toRecord(0, ttl, false, 0);
    if (this.unanswered > 0 && this.now() - this.lastSentAt < this.probeIntervalMs) {
      this.reporter.report('skipped', `Redis has left ${this.unanswered} rate-limit call(s) unanswered for more than ${this.timeoutMs} ms`);
      return open();
    }
    const base = `${this.prefix}:throttle:${name}:${key}`;
    this.lastSentAt = this.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const call = Promise.resolve(this.redis.eval(INCREMENT, 2, `${base}:hits`, `${base}:block`, ttl, limit, blockDuration || ttl)) as Promise<number[]>;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
      });
      const answer = await Promise.race([call, timeout]);
      if (answer === 'timeout') {
        // The call stays in flight (it lands harmlessly if Redis thaws); until it settles, Redis
        // counts as unresponsive and later requests do not queue more calls behind it.
        this.unanswered++;
        const settled = () => {
          this.unanswered--;
        };
        call.then(settled, settled);
        this.reporter.report('timeout', `Redis did not answer within ${this.timeoutMs} ms`);
        return open();
      }
      const [hits, left, blocked, blockLeft] = answer;
      return toRecord(hits, left, blocked === 1, blockLeft);
    } catch (e) {
      this.reporter.report('error', `Redis call failed: ${e instanceof Error ? e.message : String(e)}`);
      return open();
    } finally {
      clearTimeout(timer);
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
