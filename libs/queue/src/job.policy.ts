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
 * How long a manifest request waits before it runs: the coalescing window. Requests come in bursts
 * (a scale-up ends several reconcile runs, the tick adds its own); every one that arrives while the
 * first waits joins it, so a burst within the window costs one generation, which reads the rows
 * as they are when it runs.
 */
export const MANIFEST_DEBOUNCE_MS = 2000;

/**
 * How a job is identified. "Coalesce" jobs (reconcile, dispatch) use BullMQ deduplication: while
 * one waits, adding another is a no-op; while one runs, one more is kept to run after it; once it
 * has run a new one can be added. A plain jobId would keep deduplicating for as long as the
 * finished job is retained. Debounced jobs (manifests) add a delay: the window requests coalesce in.
 */
export function jobIdentity<J extends JobName>(name: J, data: JobPayloads[J]): Pick<JobsOptions, 'jobId' | 'deduplication' | 'delay'> {
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
    case JobName.GenerateManifests:
      // Debounce with a bounded wait: the first request starts a delayed job and later ones are
      // no-ops while it waits (it reads the rows when it runs, so it sees their changes); one that
      // arrives while it runs is kept and runs after it, again after the delay. Not `replace` or
      // `reschedule`: those restart the wait on every request, so a cluster that keeps changing
      // would never get its manifests. No `ttl`/`extend`: keepLastIfActive ignores ttl (its key
      // lives as long as its job), and extend only prolongs a ttl.
      return { deduplication: { id: `${name}-${clusterId}`, keepLastIfActive: true }, delay: MANIFEST_DEBOUNCE_MS };
    default:
      return {};
  }
}

export function assertValidJobId(id: string | undefined): void {
  if (id !== undefined && id.includes(':')) throw new Error(`job id ${id} contains ':'`);
}
