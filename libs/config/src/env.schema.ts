import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const v = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  return value; // left as a string so IsBoolean reports it
};

/**
 * Every environment variable the system reads, validated once at start-up. Names follow SPEC.md
 * ("Names other tools rely on"); everything has a default that works on a laptop.
 */
export class EnvDto {
  @IsOptional() @IsIn(['development', 'production', 'test'])
  NODE_ENV?: string;

  /** api HTTP port */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT?: number;

  /** api bind address */
  @IsOptional() @IsString()
  HOST?: string;

  /** PostgreSQL URL; when unset an embedded PostgreSQL is started in EMBEDDED_PG_DIR */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must start with postgres:// or postgresql://' })
  DATABASE_URL?: string;

  @IsOptional() @IsString()
  EMBEDDED_PG_DIR?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(65535)
  EMBEDDED_PG_PORT?: number;

  /** run pending migrations when a process starts (serialised by an advisory lock) */
  @IsOptional() @Transform(toBool) @IsBoolean()
  MIGRATE_ON_START?: boolean;

  @IsOptional() @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string;

  /**
   * auto: the system's recorded choice, or on its first start Redis when reachable, else BullMQ's
   * PostgreSQL backend (recorded in the system_settings table for every later process)
   */
  @IsOptional() @IsIn(['auto', 'redis', 'postgres'])
  QUEUE_BACKEND?: string;

  /**
   * namespace for queue keys (Redis) or schema (PostgreSQL backend), and rate-limit keys; unset: the
   * system's recorded prefix, first chosen as `brain_` + a hash of the database (host:port/name)
   */
  @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,40}$/, { message: 'QUEUE_PREFIX must match ^[a-z][a-z0-9_]{0,40}$' })
  QUEUE_PREFIX?: string;

  /** accepted as an admin key when set (at least 16 characters) */
  @IsOptional() @IsString() @Matches(/^\S{16,200}$/, { message: 'ADMIN_API_KEY must be 16..200 characters without spaces' })
  ADMIN_API_KEY?: string;

  /** allow GET requests without a token */
  @IsOptional() @Transform(toBool) @IsBoolean()
  AUTH_ANONYMOUS_READS?: boolean;

  /** requests per RATE_LIMIT_WINDOW_SECONDS per client, shared by all api processes */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_MAX?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_WINDOW_SECONDS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1024)
  BODY_LIMIT_BYTES?: number;

  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;

  /** auto: readable lines when stdout is a terminal, JSON lines otherwise; json: always JSON; pretty: always readable */
  @IsOptional() @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT?: string;

  /** BullMQ worker concurrency per queue in one worker process */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1000)
  WORKER_CONCURRENCY?: number;

  /** seconds a worker holds a job before another worker may take it over (a crashed worker's jobs are retried after this) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(2) @Max(600)
  JOB_LOCK_SECONDS?: number;

  /** how often clusters whose agents must still change are re-enqueued (covers a lost enqueue) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  RECONCILE_INTERVAL_SECONDS?: number;

  /** how often every cluster's metrics are sampled (once per system) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  METRICS_INTERVAL_SECONDS?: number;

  /** how often lifecycle rules are checked for every cluster (once per system) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LIFECYCLE_INTERVAL_SECONDS?: number;

  /** no cluster is hibernated automatically within this many seconds of its creation or wake-up */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(86400)
  LIFECYCLE_GRACE_SECONDS?: number;

  /** how often the autoscaler evaluates every cluster that takes part (once per system) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  AUTOSCALE_INTERVAL_SECONDS?: number;

  /** seconds a worker waits for in-flight jobs on SIGTERM before exiting */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  SHUTDOWN_GRACE_SECONDS?: number;

  /** housekeeping tick (retention of idempotency keys, old samples) */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  HOUSEKEEPING_INTERVAL_SECONDS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  METRICS_RETENTION_HOURS?: number;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  IDEMPOTENCY_TTL_HOURS?: number;

  /** days stopped agents (with their Genesis records) and scaling decisions are kept */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1)
  HISTORY_RETENTION_DAYS?: number;

  /** seconds between a worker process's heartbeats; it counts as gone after three missed ones */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(300)
  WORKER_HEARTBEAT_SECONDS?: number;

  /** which LLM serves tasks and chat: local (built-in, offline), ollama or openai (any OpenAI-compatible server) */
  @IsOptional() @IsIn(['local', 'ollama', 'openai'])
  LLM_PROVIDER?: string;

  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(3600)
  LLM_TIMEOUT_SECONDS?: number;

  /** retries on 429, 5xx and refused connections */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(10)
  LLM_MAX_RETRIES?: number;

  /** simulated latency of the local provider, in ms */
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(600000)
  LOCAL_LLM_LATENCY_MS?: number;

  @IsOptional() @Matches(/^https?:\/\//, { message: 'OLLAMA_HOST must start with http:// or https://' })
  OLLAMA_HOST?: string;

  @IsOptional() @IsString()
  OLLAMA_MODEL?: string;

  @IsOptional() @Matches(/^https?:\/\//, { message: 'OPENAI_BASE_URL must start with http:// or https://' })
  OPENAI_BASE_URL?: string;

  @IsOptional() @IsString()
  OPENAI_API_KEY?: string;

  @IsOptional() @IsString()
  OPENAI_MODEL?: string;

  /** JSON price table per 1,000 tokens: {"model": {"prompt": 0.5, "completion": 1.5}, "*": {...}} */
  @IsOptional() @Matches(/^\s*\{[\s\S]*\}\s*$/, { message: 'LLM_PRICES must be a JSON object' })
  LLM_PRICES?: string;

  /** JSON hourly rate per agent role for live agents' time cost: {"supervisor": 0.5, "worker": 0.1} */
  @IsOptional() @Matches(/^\s*\{[\s\S]*\}\s*$/, { message: 'AGENT_HOURLY_RATES must be a JSON object' })
  AGENT_HOURLY_RATES?: string;

  /** budget and monitoring alerts are POSTed here as JSON (2 s timeout, never blocking) */
  @IsOptional() @Matches(/^https?:\/\//, { message: 'ALERT_WEBHOOK_URL must start with http:// or https://' })
  ALERT_WEBHOOK_URL?: string;

  /** attempts per task before it fails */
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(20)
  TASK_MAX_ATTEMPTS?: number;

  /** require a token (viewer or better) for the chat routes */
  @IsOptional() @Transform(toBool) @IsBoolean()
  CHAT_REQUIRE_AUTH?: boolean;

  /** comma-separated origins allowed by CORS (the chat UI) */
  @IsOptional() @IsString()
  CORS_ORIGINS?: string;

  /** when set, the worker also writes each cluster's manifests to <dir>/<cluster id>/README.md and SKILLS.md */
  @IsOptional() @IsString() @Matches(/\S/, { message: 'MANIFESTS_DIR must not be blank' })
  MANIFESTS_DIR?: string;
}
