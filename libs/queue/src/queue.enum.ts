/** BullMQ queues. One queue per kind of background work so each can be scaled and watched apart. */
export enum QueueName {
  Spawn = 'spawn',
  Metrics = 'metrics',
  Autoscale = 'autoscale',
  Tasks = 'tasks',
  Lifecycle = 'lifecycle',
  Manifests = 'manifests',
}

/**
 * Job names. Ids built from them never contain ':' (BullMQ refuses it). Only jobs the worker runs are
 * listed: the worker refuses to start if one has no handler, so nothing waits in a queue for ever.
 */
export enum JobName {
  /** create a cluster's agents from its blueprint (supervisor first) */
  SpawnCluster = 'spawn-cluster',
  /** converge a cluster's live workers to its target (scale up, drain down) */
  ReconcileWorkers = 'reconcile-workers',
  /** system-wide tick: re-enqueue ReconcileWorkers for clusters whose agents must still change */
  ReconcileTick = 'reconcile-tick',
  /** give queued tasks of a cluster to idle workers */
  DispatchTasks = 'dispatch-tasks',
  ExecuteTask = 'execute-task',
  /** system-wide tick: one metrics sample for every cluster not destroyed, in one pass */
  MetricsTick = 'metrics-tick',
  /** system-wide tick: evaluates every cluster that takes part in autoscaling, in batches (a busy cluster gets an EvaluateScaling) */
  AutoscaleTick = 'autoscale-tick',
  /** evaluate the scaling policy for one cluster and apply its decision (a cluster the tick found locked) */
  EvaluateScaling = 'evaluate-scaling',
  /** system-wide tick: one EvaluateLifecycle per running or hibernated cluster */
  LifecycleTick = 'lifecycle-tick',
  /** hibernate, destroy or wake one cluster by its lifecycle rules */
  EvaluateLifecycle = 'evaluate-lifecycle',
  /** retention: expire idempotency keys, old metric samples */
  Housekeeping = 'housekeeping',
  /** render a cluster's README.md and SKILLS.md and store those whose content changed */
  GenerateManifests = 'generate-manifests',
}
