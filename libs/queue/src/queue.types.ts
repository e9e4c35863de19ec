import { JobName, QueueName } from './queue.enum';

export interface ClusterJob {
  clusterId: string;
}

/** The payload of every job, by name: producers and consumers share this one map. */
export interface JobPayloads {
  [JobName.SpawnCluster]: ClusterJob;
  [JobName.ReconcileWorkers]: ClusterJob;
  [JobName.ReconcileTick]: Record<string, never>;
  [JobName.MetricsTick]: Record<string, never>;
  [JobName.CollectMetrics]: ClusterJob;
  [JobName.AutoscaleTick]: Record<string, never>;
  [JobName.EvaluateScaling]: ClusterJob;
  [JobName.DispatchTasks]: ClusterJob;
  [JobName.ExecuteTask]: ClusterJob & { taskId: string; agentId: string };
  [JobName.LifecycleTick]: Record<string, never>;
  [JobName.Housekeeping]: Record<string, never>;
  [JobName.GenerateManifests]: ClusterJob;
}

/** Which queue carries which job. */
export const JOB_QUEUE: { [J in JobName]: QueueName } = {
  [JobName.SpawnCluster]: QueueName.Spawn,
  [JobName.ReconcileWorkers]: QueueName.Spawn,
  [JobName.ReconcileTick]: QueueName.Spawn,
  [JobName.MetricsTick]: QueueName.Metrics,
  [JobName.CollectMetrics]: QueueName.Metrics,
  [JobName.AutoscaleTick]: QueueName.Autoscale,
  [JobName.EvaluateScaling]: QueueName.Autoscale,
  [JobName.DispatchTasks]: QueueName.Tasks,
  [JobName.ExecuteTask]: QueueName.Tasks,
  [JobName.LifecycleTick]: QueueName.Lifecycle,
  [JobName.Housekeeping]: QueueName.Lifecycle,
  [JobName.GenerateManifests]: QueueName.Manifests,
};
