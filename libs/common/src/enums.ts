// Enum strings are part of the public contract (SPEC.md "Vocabulary and enums"): lowercase, stored as text.

export enum ClusterType {
  Department = 'department',
  Project = 'project',
  Campaign = 'campaign',
  Team = 'team',
  Temporary = 'temporary',
  Persistent = 'persistent',
}

export enum ClusterStatus {
  Planning = 'planning',
  Spawning = 'spawning',
  Active = 'active',
  ScalingUp = 'scaling_up',
  ScalingDown = 'scaling_down',
  Hibernated = 'hibernated',
  Destroying = 'destroying',
  Destroyed = 'destroyed',
  /** the supervisor could not be spawned; `status_reason` says why */
  Failed = 'failed',
}

export enum AgentRole {
  Supervisor = 'supervisor',
  Lead = 'lead',
  Specialist = 'specialist',
  Worker = 'worker',
}

export enum AgentStatus {
  Spawning = 'spawning',
  Idle = 'idle',
  Busy = 'busy',
  Draining = 'draining',
  Hibernated = 'hibernated',
  Stopped = 'stopped',
  SpawnFailed = 'spawn_failed',
}

export enum TaskStatus {
  Queued = 'queued',
  Running = 'running',
  Succeeded = 'succeeded',
  Failed = 'failed',
  Cancelled = 'cancelled',
}

export enum UserRole {
  Admin = 'admin',
  Operator = 'operator',
  Viewer = 'viewer',
}

export const ROLE_RANK: Record<UserRole, number> = { [UserRole.Viewer]: 1, [UserRole.Operator]: 2, [UserRole.Admin]: 3 };

export enum ScalingSource {
  Manual = 'manual',
  Autoscaler = 'autoscaler',
  Lifecycle = 'lifecycle',
  DryRun = 'dry_run',
}

export enum BudgetPeriod {
  Day = 'day',
  Week = 'week',
  Month = 'month',
}
