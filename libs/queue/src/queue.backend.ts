import Redis from 'ioredis';
import { ConnectionOptions, createPostgresBackend, RedisOptions, setDefaultBackendFactory } from 'bullmq';
import { AppConfig } from '#config';

/** The parts of a Redis URL both ioredis and BullMQ take. */
export interface RedisEndpoint {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db: number;
  tls?: Record<string, never>;
}

/**
 * Where BullMQ keeps its jobs. Redis is the normal case; when Redis is not reachable (and the
 * backend is `auto`) BullMQ's PostgreSQL backend is used instead, in its own schema of our database.
 */
export type QueueBackend =
  | { kind: 'redis'; connection: RedisEndpoint; prefix: string }
  | { kind: 'postgres'; connection: { connectionString: string; schema: string; migrate: true }; prefix: string };

export function redisOptionsFromUrl(url: string): RedisEndpoint {
  const u = new URL(url);
  return {
    host: u.hostname || '127.0.0.1',
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname && u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

export async function redisReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export async function resolveQueueBackend(
  cfg: AppConfig['queue'],
  databaseUrl: string,
  log: (msg: string) => void,
): Promise<QueueBackend> {
  const useRedis = cfg.backend === 'redis' || (cfg.backend === 'auto' && (await redisReachable(cfg.redisUrl)));
  if (useRedis) return { kind: 'redis', connection: redisOptionsFromUrl(cfg.redisUrl), prefix: cfg.prefix };
  if (cfg.backend === 'auto') log(`Redis at ${cfg.redisUrl} is not reachable: using BullMQ's PostgreSQL backend`);
  // Process-wide: every Queue/Worker created after this talks to PostgreSQL.
  setDefaultBackendFactory(createPostgresBackend);
  return { kind: 'postgres', connection: { connectionString: databaseUrl, schema: `${cfg.prefix}_queue`, migrate: true }, prefix: cfg.prefix };
}

/** Connection options as BullMQ's Queue/Worker constructors take them for this backend. */
export function bullConnection(backend: QueueBackend): ConnectionOptions {
  if (backend.kind === 'redis') return { ...backend.connection, maxRetriesPerRequest: null } satisfies RedisOptions;
  // The PostgreSQL backend reads its own connection shape through the same option.
  return backend.connection as unknown as ConnectionOptions;
}
