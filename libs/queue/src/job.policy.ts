import { JobsOptions } from 'bullmq';
import { JobName } from './queue.enum';
import { JobPayloads } from './queue.types';

/** Defaults for every job: retried with exponential backoff, kept a while for inspection, then removed. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
};

/**
 * How a job is identified. "Coalesce" jobs (reconcile, dispatch) use BullMQ deduplication: while
 * one waits, adding another is a no-op; while one runs, one more is kept to run after it; once it
 * has run a new one can be added. A plain jobId would keep deduplicating for as long as the
 * finished job is retained.
 */
export function jobIdentity<J extends JobName>(name: J, data: JobPayloads[J]): Pick<JobsOptions, 'jobId' | 'deduplication'> {
  const clusterId = 'clusterId' in data ? data.clusterId : undefined;
  switch (name) {
    case JobName.SpawnCluster:
      // one spawn per cluster, ever; the handler is idempotent anyway
      return { jobId: `${name}-${clusterId}` };
    case JobName.ExecuteTask: {
      const d = data as JobPayloads[JobName.ExecuteTask];
      return { jobId: `${name}-${d.taskId}-${d.agentId}` };
    }
    case JobName.ReconcileWorkers:
    case JobName.DispatchTasks:
    case JobName.EvaluateScaling:
    case JobName.EvaluateLifecycle:
      // keepLastIfActive: a job added while one runs is kept and runs after it, so a change made
      // during a run is never lost (plain deduplication would drop it until the next tick)
      return { deduplication: { id: `${name}-${clusterId}`, keepLastIfActive: true } };
    default:
      return {};
  }
}

export function assertValidJobId(id: string | undefined): void {
  if (id !== undefined && id.includes(':')) throw new Error(`job id ${id} contains ':'`);
}
