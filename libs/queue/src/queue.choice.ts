// The queue decision (chooseQueue) without BullMQ: the launcher makes it before it loads any queue
// code, and queue.backend.ts turns it into BullMQ connections for the api and the worker.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import Redis from 'ioredis';
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

/** What `system_settings` holds for the queues (see libs/db's PgSystemSettings). */
export interface QueueSettingsStore {
  get(key: string): Promise<string | undefined>;
  claim(key: string, value: string, source: string): Promise<string>;
}

/** Logs a line; `warn` marks what an operator should act on (callers may ignore the level). */
export type QueueLog = (msg: string, level?: 'info' | 'warn') => void;

/** The system-wide queue decision: one backend and one key prefix for every api and worker process. */
export interface QueueChoice {
  backend: 'redis' | 'postgres';
  prefix: string;
}

export const QUEUE_BACKEND_SETTING = 'queue_backend';
export const QUEUE_PREFIX_SETTING = 'queue_prefix';

/** A process that cannot join the system's queues; the message says what to do. */
export class QueueBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueBackendError';
  }
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]']);

/**
 * The default queue prefix of the database at `databaseUrl`: `brain_` and a short hash of its
 * host:port/name, so two systems on two databases never share queues in one Redis. Loopback names
 * count as one host; a database name left out is the user name, as in PostgreSQL.
 */
export function defaultQueuePrefix(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  const rawHost = (u.searchParams.get('host') ?? u.hostname ?? '').toLowerCase();
  const host = LOOPBACK.has(rawHost) || rawHost === '' ? 'localhost' : rawHost;
  const port = u.searchParams.get('port') ?? (u.port || '5432');
  const name = decodeURIComponent(u.pathname.replace(/^\//, '')) || decodeURIComponent(u.username) || 'postgres';
  return `brain_${createHash('sha256').update(`${host}:${port}/${name}`).digest('hex').slice(0, 10)}`;
}

/** A URL fit for a log line: the password replaced. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<invalid url>';
  }
}

function processLabel(): string {
  const script = process.argv[1] ?? '';
  const app = /apps[\\/](\w+)[\\/]src[\\/]main\.js$/.exec(script)?.[1] ?? (/launcher\.js$/.test(script) ? 'launcher' : path.basename(script));
  return `${app} pid ${process.pid} on ${os.hostname()}`;
}

/**
 * Decides the queue backend and key prefix for this process so that every process of the system
 * agrees, whenever and wherever each one starts. The first process to start records its choice in
 * `system_settings`; the rule, per setting:
 *
 * - set explicitly (QUEUE_BACKEND=redis|postgres, QUEUE_PREFIX=...): used as given; recorded when
 *   nothing is recorded yet; a different recorded value is logged as a warning.
 * - `auto` / unset: the recorded value. With nothing recorded yet, the backend is Redis when it
 *   answers, else PostgreSQL, and the prefix is defaultQueuePrefix(databaseUrl); that value is
 *   recorded (or, if another process got there first, the other's is used).
 * - `auto` on a system recorded as Redis while Redis does not answer is an error (QueueBackendError),
 *   never a silent switch to PostgreSQL: api and worker would then use different queues.
 */
export async function chooseQueue(
  cfg: AppConfig['queue'],
  databaseUrl: string,
  settings: QueueSettingsStore,
  log: QueueLog,
  probe: (redisUrl: string) => Promise<boolean> = redisReachable,
): Promise<QueueChoice> {
  const who = processLabel();

  let prefix: string;
  if (cfg.prefix) {
    const recorded = await settings.claim(QUEUE_PREFIX_SETTING, cfg.prefix, `${who}: QUEUE_PREFIX=${cfg.prefix}`);
    if (recorded !== cfg.prefix) {
      log(`QUEUE_PREFIX=${cfg.prefix} differs from this system's recorded queue prefix "${recorded}": using ${cfg.prefix} as set; processes on "${recorded}" do not see these queues`, 'warn');
    }
    prefix = cfg.prefix;
  } else {
    prefix = await settings.claim(QUEUE_PREFIX_SETTING, defaultQueuePrefix(databaseUrl), `${who}: default for this database`);
  }

  if (cfg.backend !== 'auto') {
    const recorded = await settings.claim(QUEUE_BACKEND_SETTING, cfg.backend, `${who}: QUEUE_BACKEND=${cfg.backend}`);
    if (recorded !== cfg.backend) {
      log(
        `QUEUE_BACKEND=${cfg.backend} differs from this system's recorded queue backend "${recorded}": using ${cfg.backend} as set; ` +
          `processes started with QUEUE_BACKEND=auto use ${recorded}, so set the same QUEUE_BACKEND on every api and worker process`,
        'warn',
      );
    }
    return { backend: cfg.backend, prefix };
  }

  let recorded = await settings.get(QUEUE_BACKEND_SETTING);
  let reachable: boolean | undefined;
  if (recorded === undefined) {
    reachable = await probe(cfg.redisUrl);
    const proposed = reachable ? 'redis' : 'postgres';
    const reason = reachable ? 'reachable' : 'not reachable';
    recorded = await settings.claim(QUEUE_BACKEND_SETTING, proposed, `${who}: QUEUE_BACKEND=auto, Redis at ${safeUrl(cfg.redisUrl)} ${reason}`);
    if (recorded === proposed) log(`queue backend for this system: ${recorded} (Redis at ${safeUrl(cfg.redisUrl)} ${reason}; recorded for every later process)`);
  }
  if (recorded === 'postgres') return { backend: 'postgres', prefix };
  if (recorded !== 'redis') throw new QueueBackendError(`system_settings.${QUEUE_BACKEND_SETTING} is "${recorded}": expected redis or postgres`);
  if (reachable === undefined || !reachable) reachable = await probe(cfg.redisUrl);
  if (!reachable) {
    throw new QueueBackendError(
      `QUEUE_BACKEND=auto: this system's queues are on Redis (recorded when it first started), but Redis at ${safeUrl(cfg.redisUrl)} is not reachable. ` +
        `Start Redis or correct REDIS_URL. Not falling back to PostgreSQL: processes already running would keep using Redis. ` +
        `To move the whole system to PostgreSQL, stop every process and start them all with QUEUE_BACKEND=postgres.`,
    );
  }
  return { backend: 'redis', prefix };
}
