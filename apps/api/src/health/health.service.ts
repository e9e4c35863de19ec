import { Inject, Injectable } from '@nestjs/common';
import { JobProducer, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { APP_VERSION } from '#config';
import { WorkerProcessRepository } from '#cluster';

export interface DependencyCheck {
  status: 'up' | 'down';
  latency_ms: number;
  detail?: string;
}

export interface HealthReport {
  /** ok: everything answers; degraded: a dependency is down, or no worker process is alive */
  status: 'ok' | 'degraded';
  version: string;
  uptime_s: number;
  checks: { database: DependencyCheck; redis: DependencyCheck };
  queue_backend: 'redis' | 'postgres';
  /** worker processes heard from within three heartbeat intervals (null when the database is down) */
  workers: number | null;
  /** false when the database or the queue store is down: requests that need them answer 503 */
  dependencies_up: boolean;
}

const TIMEOUT_MS = 2000;

async function timed(fn: () => Promise<unknown>): Promise<DependencyCheck> {
  const start = Date.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
    return { status: 'up', latency_ms: Date.now() - start };
  } catch (e) {
    return { status: 'down', latency_ms: Date.now() - start, detail: e instanceof Error ? e.message : String(e) };
  } finally {
    clearTimeout(timer);
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly jobs: JobProducer,
    private readonly workerProcesses: WorkerProcessRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async check(): Promise<HealthReport> {
    let workers: number | null = null;
    const [database, redis] = await Promise.all([
      // counting live worker processes doubles as the database check: one round trip, not two
      timed(async () => {
        workers = await this.workerProcesses.live(this.runtime.config.worker.heartbeatSeconds * 3);
      }),
      // "redis" is the queue store: Redis itself, or PostgreSQL when BullMQ runs on its PostgreSQL backend
      timed(() => this.jobs.queue(QueueName.Spawn).getJobCounts('waiting')),
    ]);
    if (this.runtime.queue.kind === 'postgres' && redis.status === 'up') redis.detail = 'queues on PostgreSQL backend (Redis not used)';
    if (database.status !== 'up') workers = null;
    const dependenciesUp = database.status === 'up' && redis.status === 'up';
    return {
      status: dependenciesUp && workers !== null && workers > 0 ? 'ok' : 'degraded',
      version: APP_VERSION,
      uptime_s: Math.round(process.uptime()),
      checks: { database, redis },
      queue_backend: this.runtime.queue.kind,
      workers,
      dependencies_up: dependenciesUp,
    };
  }
}
