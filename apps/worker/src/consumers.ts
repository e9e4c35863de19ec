import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { bullConnection, JOB_QUEUE, JobName, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';

/** Runs the jobs of one queue it names (switching on job.name). */
export interface JobHandler {
  readonly queue: QueueName;
  /** every job name this handler runs; checked against the queue contract at start */
  readonly handles: readonly JobName[];
  handle(job: Job): Promise<unknown>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/**
 * Problems with a set of handlers: a job name nothing runs (its jobs would wait for ever), a name
 * or a queue two handlers claim, or a handler on the wrong queue. Empty when every job has exactly one home.
 */
export function coverageProblems(handlers: readonly Pick<JobHandler, 'queue' | 'handles'>[], names: readonly JobName[] = Object.values(JobName)): string[] {
  const problems: string[] = [];
  const queues = handlers.map((h) => h.queue);
  for (const q of new Set(queues)) if (queues.filter((x) => x === q).length > 1) problems.push(`queue ${q} has more than one handler`);
  for (const name of names) {
    const owners = handlers.filter((h) => h.handles.includes(name));
    if (!owners.length) problems.push(`job ${name} (queue ${JOB_QUEUE[name]}) has no handler`);
    if (owners.length > 1) problems.push(`job ${name} has ${owners.length} handlers`);
    for (const h of owners) if (h.queue !== JOB_QUEUE[name]) problems.push(`job ${name} belongs to queue ${JOB_QUEUE[name]}, but its handler consumes ${h.queue}`);
  }
  return problems;
}

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
    const problems = coverageProblems(this.handlers);
    if (problems.length) throw new Error(`the worker cannot consume every queued job: ${problems.join('; ')}`);
    const { queue, config } = this.runtime;
    const lockDuration = config.worker.jobLockSeconds * 1000;
    for (const h of this.handlers) {
      const worker = new Worker(h.queue, (job) => h.handle(job), {
        connection: bullConnection(queue),
        ...(queue.kind === 'redis' ? { prefix: queue.prefix } : {}),
        concurrency: config.worker.concurrency,
        lockDuration,
        // A crashed worker's lock lapses within lockDuration; checking for stalled jobs every
        // sixth of it takes them over within about JOB_LOCK_SECONDS (checking every lockDuration,
        // as before, took up to twice that).
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 6)),
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
