import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { Job, JobsOptions, Queue } from 'bullmq';
import { DomainError, ErrorCode } from '#common';
import { assertValidJobId, DEFAULT_JOB_OPTIONS, jobIdentity } from './job.policy';
import { JobName, QueueName } from './queue.enum';
import { JOB_QUEUE, JobPayloads } from './queue.types';

const ENQUEUE_TIMEOUT_MS = 3000;

/** The one place jobs are added: ids and default options come from the central policy. */
@Injectable()
export class JobProducer {
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
    // With Redis gone, BullMQ waits for the reconnect; an api request must not wait with it.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      return await Promise.race([this.queues[JOB_QUEUE[name]].add(name, data, opts), timeout]);
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
