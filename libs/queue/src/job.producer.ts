import { Injectable, Logger } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, JobsOptions, Queue } from 'bullmq';
import { DomainError, ErrorCode } from '#common';
import { assertValidJobId, DEFAULT_JOB_OPTIONS, jobIdentity } from './job.policy';
import { JobName, QueueName } from './queue.enum';
import { JOB_QUEUE, JobPayloads } from './queue.types';

/**
 * How long an enqueue may wait for the queue store. Api writes commit to PostgreSQL first and then
 * enqueue; a failed enqueue is logged and the reconcile tick repairs it, so a write answers after at
 * most this long even with Redis frozen.
 */
export const ENQUEUE_TIMEOUT_MS = 1000;

/** Jobs per addBulk call in enqueueMany: one Redis round trip each, small enough to stay within the timeout. */
export const ENQUEUE_BULK = 500;

/** The one place jobs are added: ids and default options come from the central policy. */
@Injectable()
export class JobProducer {
  private readonly logger = new Logger(JobProducer.name);
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(QueueName.Spawn) spawn: Queue,
    @InjectQueue(QueueName.Metrics) metrics: Queue,
    @InjectQueue(QueueName.Autoscale) autoscale: Queue,
    @InjectQueue(QueueName.Tasks) tasks: Queue,
    @InjectQueue(QueueName.Lifecycle) lifecycle: Queue,
    @InjectQueue(QueueName.Manifests) manifests: Queue,
  ) {
    this.queues = { spawn, metrics, autoscale, tasks, lifecycle, manifests };
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }

  allQueues(): Queue[] {
    return Object.values(this.queues);
  }

  async enqueue<J extends JobName>(name: J, data: JobPayloads[J], options: JobsOptions = {}): Promise<Job> {
    const opts: JobsOptions = { ...DEFAULT_JOB_OPTIONS, ...jobIdentity(name, data), ...options };
    assertValidJobId(opts.jobId);
    return this.bounded(name, this.queues[JOB_QUEUE[name]].add(name, data, opts));
  }

  /**
   * Adds many jobs of one kind, ENQUEUE_BULK at a time, each with its id and options from the
   * policy (deduplication included) and any `options` of its own: one round trip per chunk where `enqueue` in a loop takes one
   * per job, which is what made a tick over 10,000 clusters slow.
   */
  async enqueueMany<J extends JobName>(name: J, data: JobPayloads[J][], options: (d: JobPayloads[J]) => JobsOptions = () => ({})): Promise<void> {
    for (let i = 0; i < data.length; i += ENQUEUE_BULK) {
      const jobs = data.slice(i, i + ENQUEUE_BULK).map((d) => {
        const opts: JobsOptions = { ...DEFAULT_JOB_OPTIONS, ...jobIdentity(name, d), ...options(d) };
        assertValidJobId(opts.jobId);
        return { name, data: d, opts };
      });
      await this.bounded(name, this.queues[JOB_QUEUE[name]].addBulk(jobs));
    }
  }

  /** Waits for an add at most ENQUEUE_TIMEOUT_MS; a queue store that does not answer is a DomainError. */
  private async bounded<T>(name: JobName, add: Promise<T>): Promise<T> {
    // With Redis gone or frozen, BullMQ waits for it; an api request must not wait with it.
    let timer: NodeJS.Timeout | undefined;
    let timedOut = false;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`));
      }, ENQUEUE_TIMEOUT_MS);
    });
    // A timed-out add is abandoned, not cancelled: it may still land once Redis answers. That is
    // harmless (one atomic script; job ids and deduplication make a repeat a no-op, handlers are
    // idempotent) and its outcome, either way, is only logged, never thrown.
    add.then(
      () => timedOut && this.logger.debug(`${name} job landed after its enqueue had timed out`),
      (e: unknown) => timedOut && this.logger.debug(`${name} enqueue failed after it had timed out: ${e instanceof Error ? e.message : String(e)}`),
    );
    try {
      return await Promise.race([add, timeout]);
    } catch (e) {
      throw new DomainError(ErrorCode.DependencyUnavailable, `job queue unavailable: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Registers a repeating system-wide job; safe to call from every process (one tick per period). */
  async schedule<J extends JobName>(name: J, everyMs: number, data: JobPayloads[J]): Promise<void> {
    await this.queues[JOB_QUEUE[name]].upsertJobScheduler(name, { every: everyMs }, { name, data, opts: { ...DEFAULT_JOB_OPTIONS, attempts: 1 } });
  }

  /**
   * Registers the scheduler only when it is missing or has another period. Schedulers live in the
   * queue store, so a Redis that restarted without its data has lost them: every worker calls this
   * periodically, and an existing scheduler is left alone (its next run is not moved).
   */
  async ensureSchedule<J extends JobName>(name: J, everyMs: number, data: JobPayloads[J]): Promise<boolean> {
    const existing = await this.queues[JOB_QUEUE[name]].getJobScheduler(name);
    if (existing && existing.every === everyMs) return false;
    await this.schedule(name, everyMs, data);
    return true;
  }
}
