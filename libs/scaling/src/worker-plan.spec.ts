import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planWorkers, workerCapacity } from './worker-plan';

// marketing-v1's worker definitions
const defs = [
  { name: 'Image Generator', min: 0, max: 5 },
  { name: 'Video Creator', min: 0, max: 3 },
  { name: 'Facebook Publisher', min: 0, max: 2 },
  { name: 'Instagram Publisher', min: 0, max: 2 },
  { name: 'LinkedIn Publisher', min: 0, max: 2 },
];
const w = (id: string, definition: string, busy = false) => ({ id, definition, busy });

describe('planWorkers', () => {
  it('spreads new workers over the definitions', () => {
    const plan = planWorkers(defs, [], 3);
    assert.deepEqual(plan.spawn, { 'Image Generator': 1, 'Video Creator': 1, 'Facebook Publisher': 1 });
    assert.equal(plan.shortfall, null);
  });

  it('fills to 10 within each range', () => {
    const plan = planWorkers(defs, [], 10);
    assert.deepEqual(plan.spawn, { 'Image Generator': 2, 'Video Creator': 2, 'Facebook Publisher': 2, 'Instagram Publisher': 2, 'LinkedIn Publisher': 2 });
  });

  it('stops at the definitions maximum and says why', () => {
    const plan = planWorkers(defs, [], 20);
    assert.equal(Object.values(plan.spawn).reduce((a, b) => a + b, 0), 14);
    assert.deepEqual(plan.shortfall, { missing: 6, reason: 'every worker definition is at its maximum count' });
  });

  it('gives definitions below their minimum workers first', () => {
    const plan = planWorkers([{ name: 'A', min: 0, max: 5 }, { name: 'B', min: 2, max: 5 }], [], 2);
    assert.deepEqual(plan.spawn, { B: 2 });
  });

  it('skips definitions Genesis refused', () => {
    const plan = planWorkers(defs.slice(0, 2), [], 4, new Set(['Image Generator']));
    assert.deepEqual(plan.spawn, { 'Video Creator': 3 });
    assert.match(plan.shortfall!.reason, /Image Generator refused by Genesis/);
  });

  it('stops idle workers before draining busy ones, from the largest definition', () => {
    const live = [w('a1', 'Image Generator', true), w('a2', 'Image Generator'), w('a3', 'Image Generator'), w('b1', 'Video Creator', true)];
    const plan = planWorkers(defs, live, 1);
    assert.deepEqual(plan.spawn, {});
    assert.deepEqual(plan.stop.sort(), ['a2', 'a3']);
    assert.equal(plan.drain.length, 1);
  });

  it('does nothing when the pool is at target', () => {
    const plan = planWorkers(defs, [w('a', 'Image Generator')], 1);
    assert.deepEqual(plan, { spawn: {}, stop: [], drain: [], shortfall: null });
  });

  it('keeps definitions at their minimum when shrinking if it can', () => {
    const live = [w('b1', 'B'), w('b2', 'B'), w('a1', 'A'), w('a2', 'A')];
    const plan = planWorkers([{ name: 'A', min: 0, max: 5 }, { name: 'B', min: 2, max: 5 }], live, 2);
    assert.deepEqual(plan.stop.sort(), ['a1', 'a2']);
  });

  it('reports the capacity of a set of definitions', () => {
    assert.deepEqual(workerCapacity(defs), { min: 0, max: 14 });
  });
});
