import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { ClusterStatus } from '#db';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { ClusterRepository } from '../../../api/src/cluster/cluster.repository';
import { JobHandler } from '../consumers';
import { ClusterReconciler } from './cluster.reconciler';

/** The spawn queue: first spawn of a cluster, convergence after any change, and the safety-net tick. */
@Injectable()
export class SpawnHandler implements JobHandler {
  readonly queue = QueueName.Spawn;

  constructor(
    private readonly reconciler: ClusterReconciler,
    private readonly clusters: ClusterRepository,
    private readonly jobs: JobProducer,
  ) {}

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.SpawnCluster: {
        const { clusterId } = job.data as JobPayloads[JobName.SpawnCluster];
        const c = await this.clusters.find(clusterId);
        // Already spawned (a duplicate or retried job): nothing to do.
        if (!c || c.status !== ClusterStatus.Spawning) return { skipped: c?.status ?? 'missing' };
        await this.reconciler.reconcile(clusterId);
        return { reconciled: clusterId };
      }
      case JobName.ReconcileWorkers: {
        const { clusterId } = job.data as JobPayloads[JobName.ReconcileWorkers];
        await this.reconciler.reconcile(clusterId);
        return { reconciled: clusterId };
      }
      case JobName.ReconcileTick: {
        const ids = await this.clusters.needingReconcile();
        for (const clusterId of ids) await this.jobs.enqueue(JobName.ReconcileWorkers, { clusterId });
        return { enqueued: ids.length };
      }
      default:
        throw new Error(`spawn queue has no handler for job ${job.name}`);
    }
  }
}
