import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  ValidateNested,
  IsDate,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { AgentRole, AgentStatus, Cluster, ClusterAgent, ClusterStatus, ClusterType, MetricSample, ScalingDecision, ScalingSource } from '#db';
import { DescriptionField, FreeFormLimits, NameField, TagsField } from '../common/fields';
import { PageQueryDto } from '../common/paging.dto';
import { ClusterCounts, StoredManifest } from '#cluster';
import { MetricOverridesDto } from './scaling.dto';

const enumMessage = (field: string, values: object) => `${field} must be one of ${Object.values(values).join(', ')}`;

export class CreateClusterDto {
  /** blueprint id (slug) */
  @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'blueprint_id must be a slug (lowercase letters, digits and single dashes)' })
  @MaxLength(100)
  blueprint_id!: string;

  @NameField()
  name!: string;

  /** defaults to the blueprint's cluster type */
  @IsOptional() @IsIn(Object.values(ClusterType), { message: enumMessage('type', ClusterType) })
  type?: ClusterType;

  /** defaults to the blueprint's min_workers */
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  min_workers?: number;

  /** defaults to the blueprint's max_workers */
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  max_workers?: number;

  /** defaults to the blueprint's default_workers */
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  target_workers?: number;

  @DescriptionField()
  description?: string;

  @TagsField()
  tags?: string[];

  @IsOptional() @IsObject() @FreeFormLimits()
  config?: Record<string, unknown>;
}

export class UpdateClusterDto {
  @IsOptional() @NameField()
  name?: string;

  @DescriptionField()
  description?: string;

  @TagsField()
  tags?: string[];

  @IsOptional() @IsInt() @Min(0) @Max(1000)
  min_workers?: number;

  @IsOptional() @IsInt() @Min(1) @Max(1000)
  max_workers?: number;

  @IsOptional() @IsObject() @FreeFormLimits()
  config?: Record<string, unknown>;

  /** pause (false) or resume (true) the autoscaler for this cluster; recorded as a decision */
  @IsOptional() @IsBoolean()
  autoscaling_enabled?: boolean;
}

export class ScaleClusterDto {
  @IsInt() @Min(0) @Max(1000)
  target_workers!: number;

  /** why: kept in the scaling-decision log */
  @IsOptional() @IsString() @MaxLength(500)
  reason?: string;
}

export class AddAgentDto {
  @NameField()
  name!: string;

  @IsIn([AgentRole.Lead, AgentRole.Specialist, AgentRole.Worker], { message: 'role must be one of lead, specialist, worker (a cluster has exactly one supervisor)' })
  role!: AgentRole;

  /** the agent this one reports to; defaults to the supervisor */
  @IsOptional() @IsUUID()
  reports_to_id?: string;

  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true })
  capabilities?: string[];

  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(100, { each: true })
  skills?: string[];

  /** Genesis template id; inferred from role and capabilities when absent */
  @IsOptional() @Matches(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, { message: 'genesis_template must be a snake_case template id' })
  genesis_template?: string;

  /** llm_model, temperature, max_tokens, traits */
  @IsOptional() @IsObject() @FreeFormLimits()
  config?: Record<string, unknown>;
}

export class ListClustersQuery extends PageQueryDto {
  @IsOptional() @IsIn(Object.values(ClusterStatus), { message: enumMessage('status', ClusterStatus) })
  status?: ClusterStatus;

  @IsOptional() @IsIn(Object.values(ClusterType), { message: enumMessage('type', ClusterType) })
  type?: ClusterType;

  @IsOptional() @Matches(/^[a-z0-9]+(-[a-z0-9]+)*$/, { message: 'blueprint_id must be a slug' })
  blueprint_id?: string;
}

export class ListAgentsQuery extends PageQueryDto {
  @IsOptional() @IsIn(Object.values(AgentRole), { message: enumMessage('role', AgentRole) })
  role?: AgentRole;

  @IsOptional() @IsIn(Object.values(AgentStatus), { message: enumMessage('status', AgentStatus) })
  status?: AgentStatus;
}

export class DecisionsQuery extends PageQueryDto {
  /** only decisions from this source */
  @IsOptional() @IsIn(Object.values(ScalingSource), { message: enumMessage('source', ScalingSource) })
  source?: ScalingSource;
}

export class EvaluateScalingDto {
  /** the pool size to evaluate from (default: the cluster's target_workers) */
  @IsOptional() @IsInt() @Min(0) @Max(1000)
  current_workers?: number;

  /** ISO 8601: the last scaling action, for the cooldown (default: the cluster's) */
  @IsOptional() @Type(() => Date) @IsDate({ message: 'last_scaled_at must be an ISO 8601 date-time' })
  last_scaled_at?: Date;

  /** metric values in place of the latest sample's (a fresh sample is assumed) */
  @IsOptional() @ValidateNested() @Type(() => MetricOverridesDto)
  metrics?: MetricOverridesDto;
}

export class EvaluationDto {
  target_workers!: number;
  current_workers!: number;
  /** ScaledUp, ScaledDown, WithinThresholds, WithinTolerance, CoolingDown, Stabilizing, AtMax, AtMin, MetricsMissing, BudgetCapped, Paused */
  reason_code!: string;
  /** one sentence: why it would or would not scale */
  reason!: string;
  rule!: string | null;
  would_change!: boolean;
  /** the inputs read, each rule's raw proposal, and every constraint that changed the number */
  explanation!: { inputs: Record<string, unknown>; proposals: unknown[]; constraints: unknown[] };
}

export class MetricsQuery {
  /** ISO 8601 time: samples taken at or after it */
  @IsOptional() @Type(() => Date) @IsDate({ message: 'from must be an ISO 8601 date-time' })
  from?: Date;

  /** ISO 8601 time: samples taken at or before it */
  @IsOptional() @Type(() => Date) @IsDate({ message: 'to must be an ISO 8601 date-time' })
  to?: Date;

  /** at most this many samples, newest first (1..1000) */
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  limit: number = 100;
}

export class MetricSampleDto {
  sampled_at!: string;
  /** tasks waiting for an agent */
  queue_length!: number;
  /** how long the oldest queued task has waited; null when none waits */
  oldest_wait_seconds!: number | null;
  running_tasks!: number;
  /** tasks finished per minute over the sampling window */
  tasks_per_minute!: number;
  avg_response_ms!: number | null;
  /** failed / finished over the sampling window, 0..1 */
  error_rate!: number;
  live_workers!: number;
  busy_workers!: number;
  /** busy / live workers, in percent */
  load_percentage!: number;
  /** the worker processes' CPU (percent of one core), attributed by the cluster's share of task time */
  cpu_usage!: number | null;
  /** the worker processes' resident memory (MB), attributed the same way */
  memory_usage!: number | null;
  agents_by_status!: Record<string, number>;
}

export class ClusterMetricsDto {
  cluster_id!: string;
  @Type(() => MetricSampleDto)
  samples!: MetricSampleDto[];
}

export function mapSample(s: MetricSample): MetricSampleDto {
  return {
    sampled_at: s.sampledAt.toISOString(),
    queue_length: s.queueLength,
    oldest_wait_seconds: s.queueWaitMs === null ? null : Math.round(s.queueWaitMs) / 1000,
    running_tasks: s.runningTasks,
    tasks_per_minute: s.tasksPerMinute,
    avg_response_ms: s.avgResponseMs,
    error_rate: s.errorRate,
    live_workers: s.liveWorkers,
    busy_workers: s.busyWorkers,
    load_percentage: s.loadPercentage,
    cpu_usage: s.cpuUsage,
    memory_usage: s.memoryUsage,
    agents_by_status: s.agentsByStatus,
  };
}

export class ClusterDto {
  id!: string;
  name!: string;
  description!: string | null;
  type!: string;
  status!: string;
  /** why the cluster is in its status, e.g. why spawning failed or a target could not be met */
  status_reason!: string | null;
  blueprint_id!: string;
  blueprint_version!: string;
  min_workers!: number;
  max_workers!: number;
  target_workers!: number;
  /** live worker agents (spawning, idle or busy), counted from the agent rows */
  current_workers!: number;
  /** agents that are part of the cluster now (not stopped or failed) */
  agents_count!: number;
  config!: Record<string, unknown>;
  tags!: string[];
  /** The blueprint's scaling rule as copied to this cluster; the autoscaler acts on it while `autoscaling_enabled`. */
  scaling!: Record<string, unknown> | null;
  /** whether the autoscaler evaluates this cluster (on when its blueprint has a `scaling` section; PUT pauses and resumes it) */
  autoscaling_enabled!: boolean;
  tasks_completed!: number;
  tasks_failed!: number;
  last_scaled_at!: string | null;
  started_at!: string | null;
  hibernated_at!: string | null;
  destroyed_at!: string | null;
  last_active_at!: string | null;
  created_at!: string;
  updated_at!: string;
}

export class ClusterListDto {
  @Type(() => ClusterDto)
  clusters!: ClusterDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

export class ClusterAgentListDto {
  @Type(() => ClusterAgentDto)
  agents!: ClusterAgentDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

export class ClusterAgentDto {
  id!: string;
  cluster_id!: string;
  genesis_agent_id!: string | null;
  definition_name!: string | null;
  name!: string;
  role!: string;
  status!: string;
  reports_to_id!: string | null;
  capabilities!: string[];
  skills!: string[];
  config!: Record<string, unknown>;
  error!: string | null;
  tasks_completed!: number;
  tasks_failed!: number;
  last_active_at!: string | null;
  started_at!: string | null;
  stopped_at!: string | null;
  created_at!: string;
}

export interface HierarchyNode {
  agent_id: string;
  name: string;
  role: string;
  capabilities: string[];
  skills: string[];
  status: string;
  subordinates: HierarchyNode[];
}

export class HierarchyDto {
  cluster_id!: string;
  cluster_name!: string;
  supervisor!: HierarchyNode | null;
  total_agents!: number;
}

export class ScalingDecisionDto {
  id!: string;
  source!: string;
  requested_by!: string | null;
  reason!: string | null;
  reason_code!: string;
  rule!: string | null;
  from_workers!: number;
  to_workers!: number;
  applied!: boolean;
  inputs!: Record<string, unknown>;
  created_at!: string;
}

export class ScalingDecisionListDto {
  @Type(() => ScalingDecisionDto)
  decisions!: ScalingDecisionDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function mapCluster(c: Cluster, counts: ClusterCounts): ClusterDto {
  return {
    id: c.id,
    name: c.name,
    description: c.description,
    type: c.type,
    status: c.status,
    status_reason: c.statusReason,
    blueprint_id: c.blueprintId,
    blueprint_version: c.blueprintVersion,
    min_workers: c.minWorkers,
    max_workers: c.maxWorkers,
    target_workers: c.targetWorkers,
    current_workers: counts.currentWorkers,
    agents_count: counts.agentsCount,
    config: c.config,
    tags: c.tags,
    scaling: c.scaling
      ? {
          metric: c.scaling.metric,
          scale_up_threshold: c.scaling.scaleUpThreshold,
          scale_down_threshold: c.scaling.scaleDownThreshold,
          cooldown_period: c.scaling.cooldownSeconds,
          mode: c.scaling.mode ?? 'threshold',
          ...(c.scaling.targetPerWorker !== undefined ? { target_per_worker: c.scaling.targetPerWorker } : {}),
          ...(c.scaling.targetWaitSeconds !== undefined ? { target_wait_seconds: c.scaling.targetWaitSeconds } : {}),
          ...(c.scaling.stabilizationWindowSeconds !== undefined ? { stabilization_window: c.scaling.stabilizationWindowSeconds } : {}),
        }
      : null,
    autoscaling_enabled: c.autoscalingEnabled,
    tasks_completed: c.tasksCompleted,
    tasks_failed: c.tasksFailed,
    last_scaled_at: iso(c.lastScaledAt),
    started_at: iso(c.startedAt),
    hibernated_at: iso(c.hibernatedAt),
    destroyed_at: iso(c.destroyedAt),
    last_active_at: iso(c.lastActiveAt),
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function mapAgent(a: ClusterAgent): ClusterAgentDto {
  return {
    id: a.id,
    cluster_id: a.clusterId,
    genesis_agent_id: a.genesisAgentId,
    definition_name: a.definitionName,
    name: a.name,
    role: a.role,
    status: a.status,
    reports_to_id: a.reportsToId,
    capabilities: a.capabilities,
    skills: a.skills,
    config: a.config,
    error: a.error,
    tasks_completed: a.tasksCompleted,
    tasks_failed: a.tasksFailed,
    last_active_at: iso(a.lastActiveAt),
    started_at: iso(a.startedAt),
    stopped_at: iso(a.stoppedAt),
    created_at: a.createdAt.toISOString(),
  };
}

export function mapDecision(d: ScalingDecision): ScalingDecisionDto {
  return {
    id: d.id,
    source: d.source,
    requested_by: d.requestedBy,
    reason: d.reason,
    reason_code: d.reasonCode,
    rule: d.rule,
    from_workers: d.fromWorkers,
    to_workers: d.toWorkers,
    applied: d.applied,
    inputs: d.inputs,
    created_at: d.createdAt.toISOString(),
  };
}

/** Nests agents under the agent they report to, starting at the supervisor. */
export function buildHierarchy(agents: ClusterAgent[]): { supervisor: HierarchyNode | null; total: number } {
  const children = new Map<string | null, ClusterAgent[]>();
  for (const a of agents) children.set(a.reportsToId, [...(children.get(a.reportsToId) ?? []), a]);
  const node = (a: ClusterAgent, seen: Set<string>): HierarchyNode => {
    seen.add(a.id);
    return {
      agent_id: a.id,
      name: a.name,
      role: a.role,
      capabilities: a.capabilities,
      skills: a.skills,
      status: a.status,
      subordinates: (children.get(a.id) ?? []).filter((c) => !seen.has(c.id)).map((c) => node(c, seen)),
    };
  };
  const supervisor = agents.find((a) => a.role === AgentRole.Supervisor);
  return { supervisor: supervisor ? node(supervisor, new Set()) : null, total: agents.length };
}

// Manifests: the generated README.md and SKILLS.md of a cluster.

export class ManifestSummaryDto {
  /** README.md or SKILLS.md */
  name!: string;
  /** SHA-256 of the content (hex) */
  checksum!: string;
  /** when the content last changed */
  generated_at!: string;
  /** bytes of UTF-8 content */
  size!: number;
}

export class ManifestListDto {
  cluster_id!: string;
  manifests!: ManifestSummaryDto[];
}

export function mapManifest(m: StoredManifest): ManifestSummaryDto {
  return { name: m.name, checksum: m.checksum, generated_at: m.generatedAt.toISOString(), size: m.size };
}
