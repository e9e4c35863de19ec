import { Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { RUNTIME, Runtime } from '#runtime';
import { PostgresThrottlerStorage, RedisThrottlerStorage } from './throttler.storage';

const THROTTLE_REDIS = Symbol('THROTTLE_REDIS');

/** Provides the Redis client for rate limits (null on the PostgreSQL backend). */
@Module({
  providers: [
    {
      provide: THROTTLE_REDIS,
      inject: [RUNTIME],
      useFactory: (runtime: Runtime) => {
        if (runtime.queue.kind !== 'redis') return null;
        // No offline queue: with Redis unreachable a call fails at once. A frozen Redis still takes
        // calls and never answers: RedisThrottlerStorage bounds each call (RATE_LIMIT_REDIS_TIMEOUT_MS).
        const redis = new Redis({ ...runtime.queue.connection, maxRetriesPerRequest: 1, enableOfflineQueue: false });
        // Connection errors surface as failed calls, which the storage reports (rate-limited);
        // without a listener ioredis would print every reconnect failure.
        redis.on('error', () => undefined);
        return redis;
      },
    },
  ],
  exports: [THROTTLE_REDIS],
})
export class ThrottleRedisModule implements OnApplicationShutdown {
  constructor(@Inject(THROTTLE_REDIS) private readonly redis: Redis | null) {}

  async onApplicationShutdown(): Promise<void> {
    this.redis?.disconnect();
  }
}

/** Rate limits shared by every api process: counters live in Redis (or PostgreSQL without Redis). */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [ThrottleRedisModule],
      inject: [RUNTIME, THROTTLE_REDIS, getDataSourceToken()],
      useFactory: (runtime: Runtime, redis: Redis | null, ds: DataSource) => ({
        throttlers: [{ name: 'default', ttl: runtime.config.rateLimit.windowSeconds * 1000, limit: runtime.config.rateLimit.max }],
        storage: redis ? new RedisThrottlerStorage(redis, runtime.queue.prefix) : new PostgresThrottlerStorage(ds),
      }),
    }),
  ],
  providers: [{ provide: APP_GUARD, useClass: ThrottlerGuard }],
})
export class ThrottleModule {}
