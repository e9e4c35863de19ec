import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { ClusterStatus } from '#db';
import { JobName, JobPayloads, JobProducer, QueueName } from '#queue';
import { ClusterRepository, TaskRepository } from '#cluster';
import { JobHandler } from '../consumers';
import { ClusterReconciler } from './cluster.reconciler';
import { TaskRecovery } from '../tasks/task.recovery';
import { ManifestRequests } from '../manifests/manifest.requests';

/** The spawn queue: first spawn of a cluster, convergence after any change, and the safety-net tick. */
@Injectable()
export class ClusterHandler implements JobHandler {
  readonly queue = QueueName.Spawn;
  readonly handles = [JobName.SpawnCluster, JobName.ReconcileWorkers, JobName.ReconcileTick];

  constructor(
    private readonly reconciler: ClusterReconciler,
    private readonly clusters: ClusterRepository,
    private readonly jobs: JobProducer,
    private readonly tasks: TaskRepository,
    private readonly recovery: TaskRecovery,
    private readonly manifests: ManifestRequests,
  ) {}

  /** Converges the agents, then lets idle workers take queued tasks. */
  private async reconcile(clusterId: string): Promise<{ reconciled: string }> {
    await this.reconciler.reconcile(clusterId);
    await this.manifests.request(clusterId); // the agents changed: so may the manifests (best effort, never throws)
    await this.jobs.enqueue(JobName.DispatchTasks, { clusterId });
    return { reconciled: clusterId };
  }

  async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JobName.SpawnCluster: {
        const { clusterId } = job.data as JobPayloads[JobName.SpawnCluster];
        const c = await this.clusters.find(clusterId);
        // Already spawned (a duplicate or retried job): nothing to do.
        if (!c || c.status !== ClusterStatus.Spawning) return { skipped: c?.status ?? 'missing' };
        return this.reconcile(clusterId);
      }
      case JobName.ReconcileWorkers:
        return this.reconcile((job.data as JobPayloads[JobName.ReconcileWorkers]).clusterId);
      case JobName.ReconcileTick: {
        const ids = await this.clusters.needingReconcile();
        await this.jobs.enqueueMany(
          JobName.ReconcileWorkers,
          ids.map((clusterId) => ({ clusterId })),
        );
        // running tasks whose job is gone, agents a lost run left busy
        const recovery = await this.recovery.repair();
        // queued tasks whose dispatch was lost (e.g. the queue was down when they were submitted)
        const dispatch = await this.tasks.dispatchable();
        await this.jobs.enqueueMany(
          JobName.DispatchTasks,
          dispatch.map((clusterId) => ({ clusterId })),
        );
        // manifests missing or behind their cluster (a lost request, a change no reconcile followed)
        const manifests = await this.manifests.requestBehind();
        return { reconcile: ids.length, dispatch: dispatch.length, manifests, ...recovery };
      }
      default:
        throw new Error(`spawn queue has no handler for job ${job.name}`);
    }
  }
}
