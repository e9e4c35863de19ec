import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterStatus, ErrorCode } from '#common';
import { ClusterIntent, ClusterState, Settlement, planSettlement, planTransition } from './cluster-transition';

const NOW = new Date('2026-11-25T12:00:00Z');
const base: ClusterState = { status: ClusterStatus.Active, minWorkers: 1, maxWorkers: 10, targetWorkers: 3, liveWorkers: 3, capacity: { min: 0, max: 12 } };
const at = (patch: Partial<ClusterState>): ClusterState => ({ ...base, ...patch });

type Row = [string, ClusterState, ClusterIntent, { patch?: object | null; reasonCode?: string; applied?: boolean; toWorkers?: number; refused?: ErrorCode }];

const table: Row[] = [
  ['scale up from active', base, { kind: 'scale', target: 5 }, { patch: { targetWorkers: 5, status: 'scaling_up', lastScaledAt: NOW }, reasonCode: 'ScaledUp', applied: true, toWorkers: 5 }],
  ['scale down from active', base, { kind: 'scale', target: 1 }, { patch: { targetWorkers: 1, status: 'scaling_down', lastScaledAt: NOW }, reasonCode: 'ScaledDown', applied: true }],
  ['scale while spawning keeps spawning', at({ status: ClusterStatus.Spawning, liveWorkers: 0 }), { kind: 'scale', target: 5 }, { patch: { targetWorkers: 5, status: 'spawning', lastScaledAt: NOW } }],
  ['same target is recorded, not applied', base, { kind: 'scale', target: 3 }, { patch: null, reasonCode: 'Unchanged', applied: false }],
  ['same target while converging corrects the status only', at({ liveWorkers: 1 }), { kind: 'scale', target: 3 }, { patch: { status: 'scaling_up' }, reasonCode: 'Unchanged', applied: false }],
  ['scale a hibernated cluster', at({ status: ClusterStatus.Hibernated }), { kind: 'scale', target: 5 }, { refused: ErrorCode.Conflict }],
  ['scale a destroyed cluster', at({ status: ClusterStatus.Destroyed }), { kind: 'scale', target: 5 }, { refused: ErrorCode.Conflict }],
  ['scale a failed cluster', at({ status: ClusterStatus.Failed }), { kind: 'scale', target: 5 }, { refused: ErrorCode.Conflict }],
  ['scale above max', base, { kind: 'scale', target: 11 }, { refused: ErrorCode.ValidationFailed }],
  ['scale below min', base, { kind: 'scale', target: 0 }, { refused: ErrorCode.ValidationFailed }],
  ['scale beyond the definitions', at({ capacity: { min: 0, max: 4 } }), { kind: 'scale', target: 5 }, { refused: ErrorCode.ValidationFailed }],
  ['hibernate', base, { kind: 'hibernate' }, { patch: { status: 'hibernated', targetWorkers: 0, hibernatedAt: NOW, lastScaledAt: NOW }, reasonCode: 'Hibernated', applied: true, toWorkers: 0 }],
  ['hibernate twice changes nothing', at({ status: ClusterStatus.Hibernated }), { kind: 'hibernate' }, { patch: null }],
  ['hibernate while destroying', at({ status: ClusterStatus.Destroying }), { kind: 'hibernate' }, { refused: ErrorCode.Conflict }],
  ['reactivate to min', at({ status: ClusterStatus.Hibernated, targetWorkers: 0 }), { kind: 'reactivate' }, { patch: { status: 'scaling_up', targetWorkers: 1, hibernatedAt: null, lastScaledAt: NOW }, reasonCode: 'Reactivated', toWorkers: 1 }],
  ['reactivate to activation_workers', at({ status: ClusterStatus.Hibernated, activationWorkers: 4 }), { kind: 'reactivate' }, { toWorkers: 4 }],
  ['activation_workers clamped to max', at({ status: ClusterStatus.Hibernated, activationWorkers: 40 }), { kind: 'reactivate' }, { toWorkers: 10 }],
  ['reactivate an awake cluster changes nothing', base, { kind: 'reactivate' }, { patch: null }],
  ['reactivate a destroyed cluster', at({ status: ClusterStatus.Destroyed }), { kind: 'reactivate' }, { refused: ErrorCode.Conflict }],
  ['destroy', base, { kind: 'destroy' }, { patch: { status: 'destroying', targetWorkers: 0, lastScaledAt: NOW }, reasonCode: 'Destroyed', toWorkers: 0 }],
  ['destroy a hibernated cluster', at({ status: ClusterStatus.Hibernated }), { kind: 'destroy' }, { reasonCode: 'Destroyed' }],
  ['destroy twice changes nothing', at({ status: ClusterStatus.Destroying }), { kind: 'destroy' }, { patch: null }],
];

describe('planTransition', () => {
  for (const [name, state, intent, want] of table) {
    it(name, () => {
      const r = planTransition(state, intent, NOW);
      if (want.refused) {
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.code, want.refused);
        return;
      }
      assert.ok(r.ok, 'not refused');
      if (!r.ok) return;
      if ('patch' in want) assert.deepEqual(r.patch, want.patch);
      if (want.reasonCode) assert.equal(r.decision?.reasonCode, want.reasonCode);
      if (want.applied !== undefined) assert.equal(r.decision?.applied, want.applied);
      if (want.toWorkers !== undefined) assert.equal(r.decision?.toWorkers, want.toWorkers);
      // the decision and the row agree on the target whenever the row changes it
      if (r.patch?.targetWorkers !== undefined) assert.equal(r.decision?.toWorkers, r.patch.targetWorkers);
      if (r.patch === null && r.decision === null) assert.equal(r.converge, false);
    });
  }

  it('names the field and the rule when a target is out of bounds', () => {
    const r = planTransition(base, { kind: 'scale', target: 11 }, NOW);
    assert.ok(!r.ok && r.problems?.[0].path === 'target_workers' && r.problems[0].rule === 'range');
  });
});

describe('planSettlement', () => {
  const S = ClusterStatus;
  const table: [ClusterStatus, Settlement, ClusterStatus | null][] = [
    [S.Spawning, 'converged', S.Active],
    [S.ScalingUp, 'converged', S.Active],
    [S.ScalingDown, 'converged', S.Active],
    [S.Active, 'converged', S.Active],
    [S.ScalingUp, 'draining', S.ScalingDown],
    [S.Active, 'draining', S.ScalingDown],
    [S.Spawning, 'supervisor_refused', S.Failed],
    [S.Destroying, 'emptied', S.Destroyed],
    // the cluster moved on between the reconciler's read and its write: nothing to settle
    [S.Hibernated, 'converged', null],
    [S.Destroying, 'converged', null],
    [S.Destroyed, 'emptied', null],
    [S.Active, 'emptied', null],
    [S.Failed, 'supervisor_refused', null],
    [S.Hibernated, 'draining', null],
  ];
  for (const [from, outcome, to] of table) {
    it(`${from} + ${outcome} -> ${to ?? 'no change'}`, () => assert.equal(planSettlement(from, outcome), to));
  }
});
