// The health answer as a class, so the OpenAPI document describes it (HealthReport is its type).

export class DependencyCheckDto {
  status!: 'up' | 'down';
  latency_ms!: number;
  /** why it is down, or a note (e.g. queues on the PostgreSQL backend) */
  detail?: string;
}

export class HealthChecksDto {
  database!: DependencyCheckDto;
  /** the queue store: Redis, or PostgreSQL when BullMQ runs on its PostgreSQL backend */
  redis!: DependencyCheckDto;
}

export class HealthReportDto {
  /** ok: everything answers; degraded: a dependency is down, or no worker process is alive */
  status!: 'ok' | 'degraded';
  version!: string;
  uptime_s!: number;
  checks!: HealthChecksDto;
  queue_backend!: 'redis' | 'postgres';
  /** worker processes heard from within three heartbeat intervals (null when the database is down) */
  workers!: number | null;
  /** false when the database or the queue store is down: requests that need them answer 503 */
  dependencies_up!: boolean;
}
