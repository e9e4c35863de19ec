import { AgentStatus, ClusterStatus } from '#common';

// The status sets every part of the system reasons with, defined once. SQL takes them as array
// parameters (`status = ANY($1)`), so no list is spelt again as a string.

/** The cluster runs tasks: dispatch gives them to idle workers. */
export const RUNNABLE: readonly ClusterStatus[] = [ClusterStatus.Active, ClusterStatus.ScalingUp, ClusterStatus.ScalingDown];

/** The cluster is closed for good (or on its way): no tasks, no scaling, no wake-up. */
export const CLOSED: readonly ClusterStatus[] = [ClusterStatus.Destroying, ClusterStatus.Destroyed, ClusterStatus.Failed];

/** A new worker target cannot be set: closed, or asleep (reactivate first). */
export const NOT_SCALABLE: readonly ClusterStatus[] = [ClusterStatus.Hibernated, ...CLOSED];

/** The reconciler still has agents to change while the cluster is in one of these. */
export const CONVERGING: readonly ClusterStatus[] = [ClusterStatus.Spawning, ClusterStatus.ScalingUp, ClusterStatus.ScalingDown, ClusterStatus.Destroying];

/** Worker statuses that count in current_workers: they exist and take (or will take) tasks. */
export const LIVE_WORKER: readonly AgentStatus[] = [AgentStatus.Spawning, AgentStatus.Idle, AgentStatus.Busy];

/** Agents that are part of the cluster's current shape (not stopped or failed). */
export const PRESENT: readonly AgentStatus[] = [AgentStatus.Spawning, AgentStatus.Idle, AgentStatus.Busy, AgentStatus.Draining, AgentStatus.Hibernated];

/** Agents that are awake (a hibernated cluster should have none but its supervisor). */
export const AWAKE: readonly AgentStatus[] = [AgentStatus.Spawning, AgentStatus.Idle, AgentStatus.Busy, AgentStatus.Draining];

export const isRunnable = (s: ClusterStatus) => RUNNABLE.includes(s);
export const isClosed = (s: ClusterStatus) => CLOSED.includes(s);
