import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus } from '#common';
import { decideLifecycle, LifecycleInput } from './lifecycle-policy';

const NOW = new Date('2026-11-25T12:00:00Z');
const ago = (s: number) => new Date(NOW.getTime() - s * 1000);

// marketing-v1's rules: 1 hour idle, empty queue, load below 10 %; destroyed after 7 days asleep
const base: LifecycleInput = {
  status: ClusterStatus.Active,
  now: NOW,
  createdAt: ago(10 * 3600),
  lastWokenAt: null,
  lastActivityAt: ago(2 * 3600),
  hibernatedAt: null,
  queuedTasks: 0,
  runningTasks: 0,
  load: { percentage: 0, sampledAt: ago(10) },
  metricsIntervalSeconds: 30,
  graceSeconds: 120,
  rules: { hibernate: { idleSeconds: 3600, taskQueueEmpty: true, loadBelow: 0.1 }, destroyAfterHibernatedSeconds: 7 * 86400, wakeOnTask: true },
};
const at = (p: Partial<LifecycleInput>): LifecycleInput => ({ ...base, ...p });

const table: [string, LifecycleInput, string, RegExp?][] = [
  ['idle, empty, unloaded: hibernate', base, 'hibernate', /idle_time .*task_queue_empty .*load_below/],
  ['recent activity: stays', at({ lastActivityAt: ago(600) }), 'none', /idle_time \(idle 600 s of 3600 s/],
  ['a queued task: stays', at({ queuedTasks: 1 }), 'none', /task_queue_empty/],
  ['a running task: stays', at({ runningTasks: 1 }), 'none', /running/],
  ['loaded: stays', at({ load: { percentage: 20, sampledAt: ago(10) } }), 'none', /load_below/],
  ['no metrics: never hibernated on failed metrics', at({ load: null }), 'none', /metrics missing or stale/],
  ['stale metrics: the same', at({ load: { percentage: 0, sampledAt: ago(91) } }), 'none', /stale/],
  ['just created: grace', at({ createdAt: ago(60), lastActivityAt: null }), 'none', /grace period: awake 60 s of 120 s/],
  ['just woken: grace', at({ lastWokenAt: ago(30) }), 'none', /grace/],
  ['woken long ago and idle since', at({ lastWokenAt: ago(2 * 3600), lastActivityAt: null }), 'hibernate'],
  ['no activity ever counts from the wake', at({ lastWokenAt: ago(1800), lastActivityAt: null }), 'none', /idle 1800 s/],
  ['no hibernate rule: never touched', at({ rules: { hibernate: null, wakeOnTask: false } }), 'none', /no hibernate rule/],
  ['scaling counts as running', at({ status: ClusterStatus.ScalingDown }), 'hibernate'],
  ['spawning: not yet', at({ status: ClusterStatus.Spawning }), 'none', /spawning/],
  ['only idle_time given', at({ rules: { hibernate: { idleSeconds: 60 }, wakeOnTask: false }, load: null }), 'hibernate'],
  ['hibernated with work waiting: wake', at({ status: ClusterStatus.Hibernated, hibernatedAt: ago(60), queuedTasks: 2 }), 'wake', /2 task/],
  ['hibernated, work waiting, no trigger: stays asleep', at({ status: ClusterStatus.Hibernated, hibernatedAt: ago(60), queuedTasks: 2, rules: { ...base.rules, wakeOnTask: false } }), 'none'],
  ['hibernated past its duration: destroy', at({ status: ClusterStatus.Hibernated, hibernatedAt: ago(8 * 86400) }), 'destroy', /hibernated_duration held/],
  ['hibernated, not long enough', at({ status: ClusterStatus.Hibernated, hibernatedAt: ago(86400) }), 'none', /waiting: hibernated 86400 s/],
  ['hibernated, no destroy rule', at({ status: ClusterStatus.Hibernated, hibernatedAt: ago(9e6), rules: { ...base.rules, destroyAfterHibernatedSeconds: undefined } }), 'none'],
  ['destroyed: nothing', at({ status: ClusterStatus.Destroyed }), 'none'],
];

describe('decideLifecycle', () => {
  for (const [name, input, action, reason] of table) {
    it(name, () => {
      const d = decideLifecycle(input);
      assert.equal(d.action, action, d.reason);
      if (reason) assert.match(d.reason, reason);
    });
  }
});
