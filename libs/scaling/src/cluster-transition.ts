import { ClusterStatus, ErrorCode, Problem } from '#common';
import { CLOSED, NOT_SCALABLE } from './cluster-status';

/** What a transition needs to know about a cluster, read under its row lock. */
export interface ClusterState {
  status: ClusterStatus;
  minWorkers: number;
  maxWorkers: number;
  targetWorkers: number;
  /** live worker agents now (spawning, idle, busy) */
  liveWorkers: number;
  /** how many workers the blueprint's worker definitions can hold (and need at least) */
  capacity: { min: number; max: number };
  /** named in refusals */
  blueprintId?: string;
  /** `config.activation_workers`: the size a hibernated cluster wakes to (else its minimum) */
  activationWorkers?: number;
}

/** What someone (an operator, the autoscaler, the lifecycle job) wants to happen to a cluster. */
export type ClusterIntent =
  | { kind: 'scale'; target: number; reason?: string | null; rule?: string }
  | { kind: 'hibernate'; reason?: string | null }
  | { kind: 'reactivate'; reason?: string | null }
  | { kind: 'destroy'; reason?: string | null };

export interface ClusterPatch {
  status?: ClusterStatus;
  targetWorkers?: number;
  hibernatedAt?: Date | null;
  lastScaledAt?: Date;
}

/** A scaling decision without who asked (the caller adds source and actor). */
export interface DecisionDraft {
  reasonCode: string;
  reason: string | null;
  rule: string | null;
  fromWorkers: number;
  toWorkers: number;
  /** true when the row changed: a decision that changed nothing says so */
  applied: boolean;
  inputs: Record<string, unknown>;
}

export type TransitionResult =
  | { ok: true; patch: ClusterPatch | null; decision: DecisionDraft | null; converge: boolean }
  | { ok: false; code: ErrorCode; message: string; problems?: Problem[] };

const refuse = (code: ErrorCode, message: string, problems?: Problem[]): TransitionResult => ({ ok: false, code, message, ...(problems ? { problems } : {}) });
const nothing: TransitionResult = { ok: true, patch: null, decision: null, converge: false };

/** min <= target <= max, and within what the blueprint's worker definitions can hold. */
export function workerBoundProblems(min: number, max: number, target: number, capacity: { min: number; max: number }, blueprintId?: string): Problem[] {
  const problems: Problem[] = [];
  if (min > max) problems.push({ path: 'min_workers', rule: 'min_le_max', message: `min_workers (${min}) must be <= max_workers (${max})` });
  if (target < min || target > max) {
    problems.push({ path: 'target_workers', rule: 'range', message: `target_workers must be between min_workers (${min}) and max_workers (${max}), got ${target}` });
  } else if (target > capacity.max || target < capacity.min) {
    problems.push({
      path: 'target_workers',
      rule: 'capacity',
      message: `target_workers must be between ${capacity.min} and ${capacity.max}: the worker definitions of ${blueprintId ? `blueprint ${blueprintId}` : 'the blueprint'} allow no more (and need no fewer), got ${target}`,
    });
  }
  return problems;
}

/**
 * The one definition of how a cluster's row changes: every writer (the API, the autoscaler, the
 * lifecycle job) asks this function, under the cluster's row lock, and applies what it returns.
 * Pure: the same state and intent always give the same answer.
 */
export function planTransition(s: ClusterState, intent: ClusterIntent, now: Date): TransitionResult {
  const reason = intent.reason ?? null;
  switch (intent.kind) {
    case 'scale': {
      if (NOT_SCALABLE.includes(s.status)) {
        const hint = s.status === ClusterStatus.Hibernated ? ' (reactivate it first)' : '';
        return refuse(ErrorCode.Conflict, `cluster is ${s.status}: it cannot be scaled${hint}`);
      }
      const problems = workerBoundProblems(s.minWorkers, s.maxWorkers, intent.target, s.capacity, s.blueprintId);
      if (problems.length) return refuse(ErrorCode.ValidationFailed, problems.map((p) => p.message).join('; '), problems);
      const status =
        s.status === ClusterStatus.Spawning
          ? s.status
          : intent.target > s.liveWorkers
            ? ClusterStatus.ScalingUp
            : intent.target < s.liveWorkers
              ? ClusterStatus.ScalingDown
              : s.status;
      const changed = intent.target !== s.targetWorkers;
      const patch: ClusterPatch = changed ? { targetWorkers: intent.target, status, lastScaledAt: now } : status !== s.status ? { status } : {};
      return {
        ok: true,
        patch: Object.keys(patch).length ? patch : null,
        decision: {
          reasonCode: intent.target > s.targetWorkers ? 'ScaledUp' : intent.target < s.targetWorkers ? 'ScaledDown' : 'Unchanged',
          reason,
          rule: intent.rule ?? 'manual',
          fromWorkers: s.targetWorkers,
          toWorkers: intent.target,
          applied: changed,
          inputs: { live_workers: s.liveWorkers },
        },
        // even an unchanged target is worth a look: the agents may still be converging
        converge: true,
      };
    }
    case 'hibernate': {
      if (s.status === ClusterStatus.Hibernated) return nothing;
      if (CLOSED.includes(s.status)) return refuse(ErrorCode.Conflict, `cluster is ${s.status}: it cannot be hibernated`);
      return {
        ok: true,
        // the worker pool stops: the row says 0, as the decision does
        patch: { status: ClusterStatus.Hibernated, targetWorkers: 0, hibernatedAt: now, lastScaledAt: now },
        decision: { reasonCode: 'Hibernated', reason: reason ?? 'hibernate', rule: null, fromWorkers: s.targetWorkers, toWorkers: 0, applied: true, inputs: { live_workers: s.liveWorkers } },
        converge: true,
      };
    }
    case 'reactivate': {
      if (CLOSED.includes(s.status)) return refuse(ErrorCode.Conflict, `cluster is ${s.status}: it cannot be reactivated`);
      if (s.status !== ClusterStatus.Hibernated) return nothing; // already awake: harmless
      const wanted = s.activationWorkers !== undefined && Number.isInteger(s.activationWorkers) ? s.activationWorkers : s.minWorkers;
      const target = Math.min(Math.max(wanted, s.minWorkers, s.capacity.min), s.maxWorkers, s.capacity.max);
      return {
        ok: true,
        patch: { status: ClusterStatus.ScalingUp, targetWorkers: target, hibernatedAt: null, lastScaledAt: now },
        decision: { reasonCode: 'Reactivated', reason: reason ?? 'reactivate', rule: null, fromWorkers: s.targetWorkers, toWorkers: target, applied: true, inputs: { live_workers: s.liveWorkers } },
        converge: true,
      };
    }
    case 'destroy': {
      if (s.status === ClusterStatus.Destroyed || s.status === ClusterStatus.Destroying) return nothing;
      return {
        ok: true,
        patch: { status: ClusterStatus.Destroying, targetWorkers: 0, lastScaledAt: now },
        decision: { reasonCode: 'Destroyed', reason: reason ?? 'destroy', rule: null, fromWorkers: s.targetWorkers, toWorkers: 0, applied: true, inputs: { live_workers: s.liveWorkers } },
        converge: true,
      };
    }
  }
}

/** What the reconciler found when it finished its part of a change. */
export type Settlement =
  /** the agents match the target, none is draining */
  | 'converged'
  /** the agents match the target but some still finish their task before stopping */
  | 'draining'
  /** Genesis refused the supervisor: the cluster cannot run */
  | 'supervisor_refused'
  /** a destroying cluster has no agent left */
  | 'emptied';

/** Statuses in which the reconciler converges agents (and may settle the cluster afterwards). */
const SETTLES_FROM: readonly ClusterStatus[] = [ClusterStatus.Spawning, ClusterStatus.Active, ClusterStatus.ScalingUp, ClusterStatus.ScalingDown];

/**
 * The other half of the one transition path: where a cluster goes once the reconciler has done what
 * the last transition asked. Null when the cluster is in a status with no such edge (it moved on
 * meanwhile, e.g. hibernated between two steps), in which case nothing is written.
 */
export function planSettlement(from: ClusterStatus, outcome: Settlement): ClusterStatus | null {
  switch (outcome) {
    case 'converged':
      return SETTLES_FROM.includes(from) ? ClusterStatus.Active : null;
    case 'draining':
      return SETTLES_FROM.includes(from) ? ClusterStatus.ScalingDown : null;
    case 'supervisor_refused':
      return SETTLES_FROM.includes(from) ? ClusterStatus.Failed : null;
    case 'emptied':
      return from === ClusterStatus.Destroying ? ClusterStatus.Destroyed : null;
  }
}
