import { JobName, QueueName } from './queue.enum';

export interface ClusterJob {
  clusterId: string;
}

/** The payload of every job, by name: producers and consumers share this one map. */
export interface JobPayloads {
  [JobName.SpawnCluster]: ClusterJob;
  [JobName.ReconcileWorkers]: ClusterJob;
  [JobName.ReconcileTick]: Record<string, never>;
  [JobName.DispatchTasks]: ClusterJob;
  [JobName.ExecuteTask]: ClusterJob & { taskId: string; agentId: string };
  [JobName.Housekeeping]: Record<string, never>;
  [JobName.MetricsTick]: Record<string, never>;
  [JobName.LifecycleTick]: Record<string, never>;
  [JobName.EvaluateLifecycle]: ClusterJob;
  [JobName.AutoscaleTick]: Record<string, never>;
  [JobName.EvaluateScaling]: ClusterJob;
  [JobName.GenerateManifests]: ClusterJob;
}

/** Which queue carries which job. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  [JobName.SpawnCluster]: QueueName.Spawn,
  [JobName.ReconcileWorkers]: QueueName.Spawn,
  [JobName.ReconcileTick]: QueueName.Spawn,
  [JobName.DispatchTasks]: QueueName.Tasks,
  [JobName.ExecuteTask]: QueueName.Tasks,
  [JobName.Housekeeping]: QueueName.Lifecycle,
  [JobName.MetricsTick]: QueueName.Metrics,
  [JobName.LifecycleTick]: QueueName.Lifecycle,
  [JobName.EvaluateLifecycle]: QueueName.Lifecycle,
  [JobName.AutoscaleTick]: QueueName.Autoscale,
  [JobName.EvaluateScaling]: QueueName.Autoscale,
  [JobName.GenerateManifests]: QueueName.Manifests,
};
