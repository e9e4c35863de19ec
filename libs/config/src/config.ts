import 'reflect-metadata';
import * as path from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { loadDotEnv } from './dotenv';
import { EnvDto } from './env.schema';

/** Kept equal to package.json's version (and the CHANGELOG). */
export const APP_VERSION = '0.1.0';

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  api: { host: string; port: number; bodyLimitBytes: number; corsOrigins: string[] };
  database: {
    /** undefined until the embedded server is started; see resolveDatabaseUrl */
    url: string | undefined;
    embedded: { dir: string; port: number };
    migrateOnStart: boolean;
  };
  queue: {
    backend: 'auto' | 'redis' | 'postgres';
    redisUrl: string;
    /** QUEUE_PREFIX when set; undefined means the system's default (see resolveQueueBackend) */
    prefix: string | undefined;
  };
  auth: { adminApiKey: string | undefined; anonymousReads: boolean };
  rateLimit: { max: number; windowSeconds: number };
  log: { level: string; format: 'auto' | 'json' | 'pretty' };
  llm: {
    provider: 'local' | 'ollama' | 'openai';
    timeoutSeconds: number;
    maxRetries: number;
    localLatencyMs: number;
    ollama: { host: string; model: string };
    openai: { baseUrl: string; apiKey: string | undefined; model: string };
    /** per 1,000 tokens, by model ('*' for any other) */
    prices: Record<string, { prompt: number; completion: number }>;
  };
  tasks: { maxAttempts: number };
  cost: {
    /** per hour of a live agent, by role (supervisor, lead, specialist, worker); absent roles are free */
    agentHourlyRates: Record<string, number>;
    /** budget and monitoring alerts are POSTed here when set */
    alertWebhookUrl: string | undefined;
  };
  chat: { requireAuth: boolean };
  worker: { concurrency: number; jobLockSeconds: number; reconcileIntervalSeconds: number; heartbeatSeconds: number };
  metrics: { intervalSeconds: number };
  autoscale: { intervalSeconds: number };
  lifecycle: { intervalSeconds: number; graceSeconds: number };
  /** seconds a process waits for in-flight work on SIGTERM before exiting */
  shutdownGraceSeconds: number;
  housekeeping: { intervalSeconds: number; metricsRetentionHours: number; idempotencyTtlHours: number; historyRetentionDays: number };
  /** `dir`: absolute; undefined means manifests live in the database only */
  manifests: { dir: string | undefined };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Token under which the validated config is provided to Nest. */
export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * Validates the environment once and returns typed, nested config. Usable before DI (the launcher
 * and CLIs call it directly). Throws ConfigError listing every bad `KEY=value`, not just the first.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  if (source === process.env) loadDotEnv();
  // whitelist drops every variable EnvDto does not declare (the rest of the process environment)
  const dto = plainToInstance(EnvDto, { ...source });
  const errors = validateSync(dto, { whitelist: true });
  const problems = errors.flatMap(describe(source));
  const prices = parsePrices(dto.LLM_PRICES, problems);
  const rates = parseRates(dto.AGENT_HOURLY_RATES, problems);
  if (problems.length) throw new ConfigError(problems);

  return {
    env: (dto.NODE_ENV ?? 'development') as AppConfig['env'],
    api: {
      host: dto.HOST ?? '0.0.0.0',
      port: dto.PORT ?? 3000,
      bodyLimitBytes: dto.BODY_LIMIT_BYTES ?? 1024 * 1024,
      corsOrigins: (dto.CORS_ORIGINS ?? 'http://localhost:3000,http://127.0.0.1:3000,http://localhost:3001,http://127.0.0.1:3001,http://localhost:5173,http://localhost:8080')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    },
    database: {
      url: dto.DATABASE_URL,
      embedded: { dir: path.resolve(dto.EMBEDDED_PG_DIR ?? '.data/postgres'), port: dto.EMBEDDED_PG_PORT ?? 54329 },
      migrateOnStart: dto.MIGRATE_ON_START ?? true,
    },
    queue: {
      backend: (dto.QUEUE_BACKEND ?? 'auto') as AppConfig['queue']['backend'],
      redisUrl: dto.REDIS_URL ?? 'redis://127.0.0.1:6379',
      prefix: dto.QUEUE_PREFIX,
    },
    auth: { adminApiKey: dto.ADMIN_API_KEY, anonymousReads: dto.AUTH_ANONYMOUS_READS ?? true },
    rateLimit: { max: dto.RATE_LIMIT_MAX ?? 600, windowSeconds: dto.RATE_LIMIT_WINDOW_SECONDS ?? 60 },
    log: {
      level: dto.LOG_LEVEL ?? (dto.NODE_ENV === 'test' ? 'warn' : 'info'),
      format: (dto.LOG_FORMAT ?? 'auto') as AppConfig['log']['format'],
    },
    llm: {
      provider: (dto.LLM_PROVIDER ?? 'local') as AppConfig['llm']['provider'],
      timeoutSeconds: dto.LLM_TIMEOUT_SECONDS ?? 60,
      maxRetries: dto.LLM_MAX_RETRIES ?? 2,
      localLatencyMs: dto.LOCAL_LLM_LATENCY_MS ?? 0,
      ollama: { host: dto.OLLAMA_HOST ?? 'http://127.0.0.1:11434', model: dto.OLLAMA_MODEL ?? 'llama3.2' },
      openai: { baseUrl: dto.OPENAI_BASE_URL ?? 'https://api.openai.com/v1', apiKey: dto.OPENAI_API_KEY, model: dto.OPENAI_MODEL ?? 'gpt-4o-mini' },
      prices,
    },
    tasks: { maxAttempts: dto.TASK_MAX_ATTEMPTS ?? 3 },
    cost: { agentHourlyRates: rates, alertWebhookUrl: dto.ALERT_WEBHOOK_URL },
    chat: { requireAuth: dto.CHAT_REQUIRE_AUTH ?? false },
    worker: {
      concurrency: dto.WORKER_CONCURRENCY ?? 10,
      jobLockSeconds: dto.JOB_LOCK_SECONDS ?? 30,
      reconcileIntervalSeconds: dto.RECONCILE_INTERVAL_SECONDS ?? 15,
      heartbeatSeconds: dto.WORKER_HEARTBEAT_SECONDS ?? 10,
    },
    metrics: { intervalSeconds: dto.METRICS_INTERVAL_SECONDS ?? 30 },
    autoscale: { intervalSeconds: dto.AUTOSCALE_INTERVAL_SECONDS ?? 60 },
    lifecycle: { intervalSeconds: dto.LIFECYCLE_INTERVAL_SECONDS ?? 60, graceSeconds: dto.LIFECYCLE_GRACE_SECONDS ?? 120 },
    shutdownGraceSeconds: dto.SHUTDOWN_GRACE_SECONDS ?? 30,
    housekeeping: {
      intervalSeconds: dto.HOUSEKEEPING_INTERVAL_SECONDS ?? 3600,
      metricsRetentionHours: dto.METRICS_RETENTION_HOURS ?? 24 * 7,
      idempotencyTtlHours: dto.IDEMPOTENCY_TTL_HOURS ?? 24,
      historyRetentionDays: dto.HISTORY_RETENTION_DAYS ?? 30,
    },
    manifests: { dir: dto.MANIFESTS_DIR === undefined ? undefined : path.resolve(dto.MANIFESTS_DIR) },
  };
}

function describe(source: NodeJS.ProcessEnv) {
  return (e: ValidationError): string[] => {
    const value = source[e.property];
    const shown = /KEY|SECRET|TOKEN|PASSWORD/.test(e.property) ? '<hidden>' : JSON.stringify(value);
    return Object.values(e.constraints ?? {}).map((msg) => `${e.property}=${shown}: ${msg}`);
  };
}

/** LLM_PRICES: model -> {prompt, completion} per 1,000 tokens, all numbers >= 0. */
function parsePrices(raw: string | undefined, problems: string[]): AppConfig['llm']['prices'] {
  // The built-in provider is free; real providers' prices are the operator's to set.
  const defaults = { local: { prompt: 0, completion: 0 } };
  if (raw === undefined) return defaults;
  try {
    const parsed = JSON.parse(raw) as Record<string, { prompt?: unknown; completion?: unknown }>;
    const out: AppConfig['llm']['prices'] = { ...defaults };
    for (const [model, p] of Object.entries(parsed)) {
      if (typeof p?.prompt !== 'number' || typeof p?.completion !== 'number' || p.prompt < 0 || p.completion < 0) {
        problems.push(`LLM_PRICES: "${model}" needs numbers prompt >= 0 and completion >= 0`);
        continue;
      }
      out[model] = { prompt: p.prompt, completion: p.completion };
    }
    return out;
  } catch (e) {
    problems.push(`LLM_PRICES: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
    return defaults;
  }
}

const RATE_ROLES = ['supervisor', 'lead', 'specialist', 'worker'];

/** AGENT_HOURLY_RATES: role -> cost per hour of a live agent, numbers >= 0, known roles only; default all free. */
function parseRates(raw: string | undefined, problems: string[]): Record<string, number> {
  const out: Record<string, number> = { supervisor: 0, lead: 0, specialist: 0, worker: 0 };
  if (raw === undefined) return out;
  try {
    const parsed = JSON.parse(raw) as Record<string, unknown>;
    for (const [role, rate] of Object.entries(parsed)) {
      if (!RATE_ROLES.includes(role)) {
        problems.push(`AGENT_HOURLY_RATES: "${role}" is not a role (${RATE_ROLES.join(', ')})`);
        continue;
      }
      if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
        problems.push(`AGENT_HOURLY_RATES: "${role}" needs a number >= 0`);
        continue;
      }
      out[role] = rate;
    }
  } catch (e) {
    problems.push(`AGENT_HOURLY_RATES: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return out;
}
