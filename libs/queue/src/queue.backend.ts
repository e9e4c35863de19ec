import { ConnectionOptions, createPostgresBackend, RedisOptions, setDefaultBackendFactory } from 'bullmq';
import { AppConfig } from '#config';
import { chooseQueue, QueueChoice, QueueLog, QueueSettingsStore, RedisEndpoint, redisOptionsFromUrl } from './queue.choice';

export * from './queue.choice';

/**
 * Where BullMQ keeps its jobs. Redis is the normal case; a system that first starts with Redis
 * unreachable (and the backend `auto`) uses BullMQ's PostgreSQL backend instead, in its own schema
 * of our database. The choice is the system's, not each process's: see chooseQueue.
 */
export type QueueBackend =
  | { kind: 'redis'; connection: RedisEndpoint; prefix: string }
  | { kind: 'postgres'; connection: { connectionString: string; schema: string; migrate: true }; prefix: string };

/** The BullMQ connection for a choice; for PostgreSQL it also switches this process's BullMQ backend. */
export function queueBackendFor(choice: QueueChoice, cfg: AppConfig['queue'], databaseUrl: string): QueueBackend {
  if (choice.backend === 'redis') return { kind: 'redis', connection: redisOptionsFromUrl(cfg.redisUrl), prefix: choice.prefix };
  // Process-wide: every Queue/Worker created after this talks to PostgreSQL.
  setDefaultBackendFactory(createPostgresBackend);
  return { kind: 'postgres', connection: { connectionString: databaseUrl, schema: `${choice.prefix}_queue`, migrate: true }, prefix: choice.prefix };
}

/** chooseQueue, then the connection for it. */
export async function resolveQueueBackend(
  cfg: AppConfig['queue'],
  databaseUrl: string,
  settings: QueueSettingsStore,
  log: QueueLog,
): Promise<QueueBackend> {
  return queueBackendFor(await chooseQueue(cfg, databaseUrl, settings, log), cfg, databaseUrl);
}

/** Connection options as BullMQ's Queue/Worker constructors take them for this backend. */
export function bullConnection(backend: QueueBackend): ConnectionOptions {
  if (backend.kind === 'redis') return { ...backend.connection, maxRetriesPerRequest: null } satisfies RedisOptions;
  // The PostgreSQL backend reads its own connection shape through the same option.
  return backend.connection as unknown as ConnectionOptions;
}
