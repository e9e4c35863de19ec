/**
 * The validated, normalised shape of a blueprint. Field names are camelCase here while the YAML keeps
 * the snake_case of the original contract; `raw` keeps the document exactly as parsed so that keys
 * this version does not know about survive a round trip through the database.
 */

export const CLUSTER_TYPES = ['department', 'project', 'campaign', 'team', 'temporary', 'persistent'] as const;
export type ClusterType = (typeof CLUSTER_TYPES)[number];

export const AGENT_ROLES = ['supervisor', 'lead', 'specialist', 'worker'] as const;
export type AgentRole = (typeof AGENT_ROLES)[number];

export const SCALING_METRICS = [
  'task_queue_length',
  'cpu_usage',
  'memory_usage',
  'load_percentage',
  'tasks_per_minute',
  'error_rate',
] as const;
export type ScalingMetric = (typeof SCALING_METRICS)[number];

export const BUDGET_PERIODS = ['day', 'week', 'month'] as const;
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

/** Condition keys understood in `lifecycle.hibernate_conditions` / `destroy_conditions`. */
export const HIBERNATE_CONDITIONS = ['idle_time', 'task_queue_empty', 'load_below'] as const;
export const DESTROY_CONDITIONS = ['hibernated_duration', 'manual_trigger'] as const;

/** Hard ceiling on any worker count (SPEC "Input limits"). */
export const MAX_WORKERS_LIMIT = 1000;

export interface CountRange {
  min: number;
  max: number;
}

export interface AgentConfig {
  llm_model?: string;
  temperature?: number;
  max_tokens?: number;
  /** Trait id (`category.name`) to a value in 0..1. */
  traits?: Record<string, number>;
  [k: string]: unknown;
}

export interface AgentDefinition {
  role: AgentRole;
  name: string;
  count: CountRange;
  /**
   * The *name* of the agent this one reports to, already resolved: the literal `"supervisor"` in
   * the file becomes the supervisor's real name. Null only for the supervisor.
   */
  reportsTo: string | null;
  capabilities: string[];
  skills: string[];
  config: AgentConfig;
  genesisTemplate?: string;
  raw: Record<string, unknown>;
}

export const SCALING_MODES = ['threshold', 'target_tracking'] as const;
export type ScalingMode = (typeof SCALING_MODES)[number];

export interface ScalingConfig {
  metric: ScalingMetric;
  scaleUpThreshold: number;
  scaleDownThreshold: number;
  cooldownSeconds: number;
  // Optional (absent in the file -> absent here; the policy's defaults apply, see libs/scaling):
  /** `mode`: 'threshold' (the default) or 'target_tracking' */
  mode?: ScalingMode;
  /** `target_per_worker`: target tracking's tasks (queued + running) per worker; required with target_tracking */
  targetPerWorker?: number;
  /** `target_wait_seconds`: the longest a queued task should wait before it starts */
  targetWaitSeconds?: number;
  /** `stabilization_window`: scale-down stabilisation window in seconds */
  stabilizationWindowSeconds?: number;
}

export interface HibernateConditions {
  idleSeconds?: number;
  taskQueueEmpty?: boolean;
  /** Fraction 0..1 (the file says `"10%"`). */
  loadBelow?: number;
}

export interface DestroyConditions {
  hibernatedSeconds?: number;
  manualTrigger?: boolean;
}

export interface BlueprintMetadata {
  id: string;
  name: string;
  version: string;
  author?: string;
  description?: string;
  tags: string[];
}

export interface BlueprintCluster {
  type: ClusterType;
  minWorkers: number;
  maxWorkers: number;
  defaultWorkers: number;
  scaling: ScalingConfig | null;
}

export interface BlueprintLifecycle {
  hibernate: HibernateConditions | null;
  destroy: DestroyConditions | null;
  reactivateTriggers: string[];
}

export interface BlueprintBudget {
  /** ISO 4217-style three-letter code, upper-cased. */
  currency: string;
  period: BudgetPeriod;
  softLimit: number;
  hardLimit: number;
}

export interface MonitoringAlert {
  condition: string;
  action: string;
}

export interface BlueprintMonitoring {
  metrics: string[];
  alerts: MonitoringAlert[];
}

export interface Blueprint {
  metadata: BlueprintMetadata;
  cluster: BlueprintCluster;
  agents: AgentDefinition[];
  lifecycle: BlueprintLifecycle;
  budget: BlueprintBudget | null;
  monitoring: BlueprintMonitoring | null;
  resources: Record<string, unknown> | null;
  /** The whole parsed document; unknown keys are kept, not rejected. */
  raw: Record<string, unknown>;
}
