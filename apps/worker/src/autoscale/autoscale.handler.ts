import { Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { Autoscaler, ClusterRepository } from '#cluster';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { JobHandler } from '../consumers';

/** Clusters evaluated per batch in a tick (a few statements each; only the clusters that change are locked). */
const TICK_BATCH = 1000;

/**
 * The autoscale queue. One tick per system every AUTOSCALE_INTERVAL_SECONDS (a job scheduler)
 * evaluates every cluster that takes part, in batches; each evaluation holds its cluster's row lock,
 * so however many worker processes run, a cluster is evaluated once per tick and never twice at once.
 */
@Injectable()
export class AutoscaleHandler implements JobHandler {
  readonly queue = QueueName.Autoscale;
  readonly handles = [JobName.AutoscaleTick, JobName.EvaluateScaling];
  private readonly logger = new Logger(AutoscaleHandler.name);

  constructor(
    private readonly clusters: ClusterRepository,
    private readonly autoscaler: Autoscaler,
    private readonly jobs: JobProducer,
  ) {}

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.AutoscaleTick: {
        // Evaluated here in batches (a few statements per batch) rather than one job per cluster
        // (about eight round trips each): a tick over 10,000 clusters took minutes that way. A
        // cluster whose row another transaction holds is left to its own job, as before.
        const ids = await this.clusters.autoscaled();
        let evaluated = 0;
        const busy: string[] = [];
        for (let i = 0; i < ids.length; i += TICK_BATCH) {
          const batch = ids.slice(i, i + TICK_BATCH);
          try {
            const r = await this.autoscaler.evaluateBatch(batch);
            evaluated += r.evaluated;
            busy.push(...r.skipped);
          } catch (e) {
            // One cluster's problem (say, its blueprint cannot be read) must not hold back the
            // others: this batch goes out as one job per cluster, which fail or succeed alone.
            this.logger.warn(`autoscale batch of ${batch.length} failed (${e instanceof Error ? e.message : String(e)}); evaluating its clusters one by one`);
            busy.push(...batch);
          }
        }
        await this.jobs.enqueueMany(
          JobName.EvaluateScaling,
          busy.map((clusterId) => ({ clusterId })),
        );
        return { clusters: ids.length, evaluated, queued: busy.length };
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
