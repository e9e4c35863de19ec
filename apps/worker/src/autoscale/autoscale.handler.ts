import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { Autoscaler, ClusterRepository } from '#cluster';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { JobHandler } from '../consumers';

/**
 * The autoscale queue. One tick per system every AUTOSCALE_INTERVAL_SECONDS (a job scheduler)
 * fans out one evaluation per cluster that takes part; each evaluation locks its cluster row,
 * so however many worker processes run, a cluster is evaluated once per tick and never twice at once.
 */
@Injectable()
export class AutoscaleHandler implements JobHandler {
  readonly queue = QueueName.Autoscale;
  readonly handles = [JobName.AutoscaleTick, JobName.EvaluateScaling];

  constructor(
    private readonly clusters: ClusterRepository,
    private readonly autoscaler: Autoscaler,
    private readonly jobs: JobProducer,
  ) {}

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.AutoscaleTick: {
        const ids = await this.clusters.autoscaled();
        for (const clusterId of ids) await this.jobs.enqueue(JobName.EvaluateScaling, { clusterId });
        return { evaluations: ids.length };
      }
      case JobName.EvaluateScaling: {
        const d = await this.autoscaler.evaluate((job.data as JobPayloads[JobName.EvaluateScaling]).clusterId);
        return d ? { reason_code: d.reasonCode, from: d.fromWorkers, to: d.toWorkers } : { skipped: true };
      }
      default:
        throw new Error(`autoscale queue has no handler for job ${job.name}`);
    }
  }
}
