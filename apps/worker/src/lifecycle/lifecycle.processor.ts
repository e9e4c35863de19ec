import { Inject, Logger } from '@nestjs/common';
import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { JobName, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { HousekeepingRepository } from './housekeeping.repository';

export interface HousekeepingResult {
  idempotencyKeys: number;
  metricSamples: number;
  rateLimits: number;
}

@Processor(QueueName.Lifecycle)
export class LifecycleProcessor extends WorkerHost {
  private readonly logger = new Logger(LifecycleProcessor.name);

  constructor(
    private readonly repo: HousekeepingRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.Housekeeping:
        return this.housekeeping();
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
    };
    this.logger.log({ msg: 'housekeeping done', ...result });
    return result;
  }
}
