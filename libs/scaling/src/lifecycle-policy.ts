import { ClusterStatus } from '#common';
import { RUNNABLE } from './cluster-status';

/** The lifecycle rules that apply to one cluster (its blueprint's, with the cluster's overrides). */
export interface LifecycleRules {
  /** hibernate when every condition given holds; null: never hibernated automatically */
  hibernate: { idleSeconds?: number; taskQueueEmpty?: boolean; loadBelow?: number } | null;
  /** destroy when hibernated this long; undefined: never destroyed automatically */
  destroyAfterHibernatedSeconds?: number;
  /** wake a hibernated cluster when work arrives (`new_task_received`) */
  wakeOnTask: boolean;
}

export interface LifecycleInput {
  status: ClusterStatus;
  now: Date;
  createdAt: Date;
  /** the last reactivation, if any */
  lastWokenAt: Date | null;
  /** the last task activity (a task finished); null when none yet */
  lastActivityAt: Date | null;
  hibernatedAt: Date | null;
  queuedTasks: number;
  runningTasks: number;
  /** the latest metrics sample's load (0..100) and when it was taken; null when none */
  load: { percentage: number; sampledAt: Date } | null;
  metricsIntervalSeconds: number;
  graceSeconds: number;
  rules: LifecycleRules;
}

export interface ConditionCheck {
  condition: string;
  holds: boolean;
  detail: string;
}

export type LifecycleAction = 'hibernate' | 'destroy' | 'wake' | 'none';

export interface LifecycleDecision {
  action: LifecycleAction;
  /** one sentence: which condition held (since when), or why nothing happens */
  reason: string;
  checks: ConditionCheck[];
}

const seconds = (a: Date, b: Date) => Math.floor((a.getTime() - b.getTime()) / 1000);
const latest = (...ds: (Date | null)[]) => ds.filter((d): d is Date => d !== null).reduce((a, b) => (a > b ? a : b));

/**
 * What the lifecycle job does with a cluster now. Pure: hibernate an idle running cluster when
 * every hibernate condition of its rules holds (never within the grace period after creation or a
 * wake, never while a task runs, never on stale or missing metrics); destroy a cluster hibernated
 * longer than its rules allow; wake a hibernated cluster that has work waiting.
 */
export function decideLifecycle(i: LifecycleInput): LifecycleDecision {
  const none = (reason: string, checks: ConditionCheck[] = []): LifecycleDecision => ({ action: 'none', reason, checks });

  if (i.status === ClusterStatus.Hibernated) {
    if (i.queuedTasks > 0 && i.rules.wakeOnTask) {
      return { action: 'wake', reason: `${i.queuedTasks} task(s) waiting (reactivate trigger new_task_received)`, checks: [] };
    }
    const after = i.rules.destroyAfterHibernatedSeconds;
    if (after === undefined || !i.hibernatedAt) return none('no destroy rule for a hibernated cluster');
    const slept = seconds(i.now, i.hibernatedAt);
    const check = { condition: 'hibernated_duration', holds: slept >= after, detail: `hibernated ${slept} s of ${after} s (since ${i.hibernatedAt.toISOString()})` };
    return check.holds ? { action: 'destroy', reason: `hibernated_duration held: ${check.detail}`, checks: [check] } : none(`waiting: ${check.detail}`, [check]);
  }

  if (!RUNNABLE.includes(i.status)) return none(`cluster is ${i.status}`);
  const h = i.rules.hibernate;
  if (!h || (h.idleSeconds === undefined && h.taskQueueEmpty === undefined && h.loadBelow === undefined)) return none('no hibernate rule');

  const awakeSince = latest(i.createdAt, i.lastWokenAt);
  const awake = seconds(i.now, awakeSince);
  if (awake < i.graceSeconds) return none(`within the grace period: awake ${awake} s of ${i.graceSeconds} s`);
  if (i.runningTasks > 0) return none(`${i.runningTasks} task(s) running`);

  const checks: ConditionCheck[] = [];
  if (h.idleSeconds !== undefined) {
    const since = latest(i.lastActivityAt, awakeSince);
    const idle = seconds(i.now, since);
    checks.push({ condition: 'idle_time', holds: idle >= h.idleSeconds, detail: `idle ${idle} s of ${h.idleSeconds} s (since ${since.toISOString()})` });
  }
  if (h.taskQueueEmpty) checks.push({ condition: 'task_queue_empty', holds: i.queuedTasks === 0, detail: `${i.queuedTasks} task(s) queued` });
  if (h.loadBelow !== undefined) {
    const fresh = i.load !== null && seconds(i.now, i.load.sampledAt) <= 3 * i.metricsIntervalSeconds;
    if (!fresh) return none('metrics missing or stale: a cluster is never hibernated on metrics that failed', checks);
    const pct = i.load!.percentage;
    checks.push({ condition: 'load_below', holds: pct < h.loadBelow * 100, detail: `load ${pct}% against ${h.loadBelow * 100}%` });
  }
  const failing = checks.filter((c) => !c.holds);
  if (failing.length) return none(`not every hibernate condition holds: ${failing.map((c) => `${c.condition} (${c.detail})`).join('; ')}`, checks);
  return { action: 'hibernate', reason: `every hibernate condition held: ${checks.map((c) => `${c.condition} (${c.detail})`).join('; ')}`, checks };
}
