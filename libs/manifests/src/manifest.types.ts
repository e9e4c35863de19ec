/**
 * What a cluster's manifests are rendered from: plain data, read by the worker from the database
 * and handed over whole, so the renderers are pure functions of it (same input, same bytes).
 */

export interface ManifestScalingRule {
  metric: string;
  scaleUpThreshold: number;
  scaleDownThreshold: number;
  cooldownSeconds: number;
  /** 'threshold' (the default) or 'target_tracking' */
  mode?: string;
  targetPerWorker?: number;
  targetWaitSeconds?: number;
}

export interface ManifestCluster {
  id: string;
  name: string;
  description: string | null;
  type: string;
  status: string;
  statusReason: string | null;
  blueprintId: string;
  blueprintVersion: string;
  minWorkers: number;
  maxWorkers: number;
  targetWorkers: number;
  /** live worker agents, counted from the agent rows */
  currentWorkers: number;
  autoscalingEnabled: boolean;
  scaling: ManifestScalingRule | null;
  createdAt: Date;
  startedAt: Date | null;
  lastScaledAt: Date | null;
}

/** An agent present in the cluster (not stopped, not refused). */
export interface ManifestAgent {
  id: string;
  name: string;
  role: string;
  status: string;
  capabilities: string[];
  skills: string[];
  /** the agent row this one reports to; null for the supervisor (and for agents whose superior is gone) */
  reportsToId: string | null;
}

/** One agent definition of the blueprint: what the blueprint asks for. */
export interface ManifestAgentDefinition {
  name: string;
  role: string;
  count: { min: number; max: number };
  capabilities: string[];
  skills: string[];
}

/** A scaling decision that changed something. */
export interface ManifestDecision {
  /** the decision's id (ordered like the decisions took effect) */
  id: string;
  at: Date;
  source: string;
  reasonCode: string;
  fromWorkers: number;
  toWorkers: number;
  reason: string | null;
}

export interface ManifestTaskCounts {
  /** queued and running: now */
  queued: number;
  running: number;
  /** succeeded and failed: finished within the last 24 hours */
  succeeded: number;
  failed: number;
}

/** The latest metrics sample. */
export interface ManifestMetrics {
  sampledAt: Date;
  queueLength: number;
  oldestWaitSeconds: number | null;
  tasksPerMinute: number;
  /** busy / live workers, in percent */
  loadPercentage: number;
  /** failed / finished in the sample's window, 0..1 */
  errorRate: number;
}

export interface ManifestCost {
  currency: string;
  /** the sum of the tasks' `cost`, as the database's exact decimal */
  taskCostTotal: string;
  /** tasks that have a cost */
  pricedTasks: number;
}

export interface ManifestInput {
  /** the "generated at" line; the renderers read no clock */
  generatedAt: Date;
  cluster: ManifestCluster;
  agents: ManifestAgent[];
  definitions: ManifestAgentDefinition[];
  decisions: ManifestDecision[];
  tasks: ManifestTaskCounts;
  metrics: ManifestMetrics | null;
  cost: ManifestCost;
}
