import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { ClusterLifecycle, WorkerProcessRepository } from '#cluster';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { JobHandler } from '../consumers';
import { HousekeepingRepository } from './housekeeping.repository';

export interface HousekeepingResult {
  idempotencyKeys: number;
  metricSamples: number;
  rateLimits: number;
  stoppedAgents: number;
  decisions: number;
  silentWorkers: number;
}

@Injectable()
export class LifecycleHandler implements JobHandler {
  readonly queue = QueueName.Lifecycle;
  readonly handles = [JobName.Housekeeping, JobName.LifecycleTick, JobName.EvaluateLifecycle];
  private readonly logger = new Logger(LifecycleHandler.name);

  constructor(
    private readonly repo: HousekeepingRepository,
    private readonly workers: WorkerProcessRepository,
    private readonly lifecycle: ClusterLifecycle,
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.Housekeeping:
        return this.housekeeping();
      case JobName.LifecycleTick: {
        const ids = await this.lifecycle.candidates();
        await this.jobs.enqueueMany(
          JobName.EvaluateLifecycle,
          ids.map((clusterId) => ({ clusterId })),
        );
        return { evaluations: ids.length };
      }
      case JobName.EvaluateLifecycle: {
        const d = await this.lifecycle.evaluate((job.data as JobPayloads[JobName.EvaluateLifecycle]).clusterId);
        return d ? { decision: d.reasonCode, reason: d.reason } : { unchanged: true };
      }
      default:
        // A job this build does not know (e.g. enqueued by a newer api): fail it visibly.
        throw new Error(`lifecycle queue has no handler for job ${job.name}`);
    }
  }

  private async housekeeping(): Promise<HousekeepingResult> {
    const h = this.runtime.config.housekeeping;
    const result = {
      idempotencyKeys: await this.repo.deleteIdempotencyKeysOlderThan(h.idempotencyTtlHours),
      metricSamples: await this.repo.deleteMetricSamplesOlderThan(h.metricsRetentionHours),
      rateLimits: await this.repo.deleteExpiredRateLimits(),
      stoppedAgents: await this.repo.deleteStoppedAgentsOlderThan(h.historyRetentionDays),
      decisions: await this.repo.deleteDecisionsOlderThan(h.historyRetentionDays),
      // a killed worker never removes its heartbeat row; an hour without one is long gone
      silentWorkers: await this.workers.pruneSilent(3600),
    };
    this.logger.log({ msg: 'housekeeping done', ...result });
    return result;
  }
}
