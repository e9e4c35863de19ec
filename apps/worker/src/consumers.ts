import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { bullConnection, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';

/** Handles every job of one queue (switching on job.name). */
export interface JobHandler {
  readonly queue: QueueName;
  handle(job: Job): Promise<unknown>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * One BullMQ Worker per queue, with concurrency and lock time from config. Closing a Worker waits
 * for its jobs in flight, which is what graceful shutdown needs.
 */
@Injectable()
export class QueueConsumers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(QueueConsumers.name);
  private readonly workers: Worker[] = [];

  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(JOB_HANDLERS) private readonly handlers: JobHandler[],
  ) {}

  onApplicationBootstrap(): void {
    const { queue, config } = this.runtime;
    const lockDuration = config.worker.jobLockSeconds * 1000;
    for (const h of this.handlers) {
      const worker = new Worker(h.queue, (job) => h.handle(job), {
        connection: bullConnection(queue),
        ...(queue.kind === 'redis' ? { prefix: queue.prefix } : {}),
        concurrency: config.worker.concurrency,
        lockDuration,
        stalledInterval: lockDuration,
      });
      worker.on('failed', (job, err) => this.logger.warn({ queue: h.queue, job: job?.name, id: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'));
      worker.on('error', (err) => this.logger.error({ queue: h.queue, err: err.message }, 'worker error'));
      this.workers.push(worker);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
