import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { baseDocument } from './blueprint.fixture';
import { hierarchyOrder, workerDefinitions } from './blueprint.hierarchy';
import { Blueprint } from './blueprint.types';
import { validateBlueprintDocument } from './blueprint.validator';

function base(): Blueprint {
  const r = validateBlueprintDocument(baseDocument());
  assert.ok(r.blueprint, JSON.stringify(r.problems));
  return r.blueprint;
}

describe('blueprint hierarchy', () => {
  it('lists the worker definitions', () => {
    assert.deepEqual(workerDefinitions(base()).map((a) => a.name), ['Drafter', 'Researcher']);
  });

  it('orders the supervisor first and every manager before its reports, level by level', () => {
    assert.deepEqual(hierarchyOrder(base()).map((a) => a.name), ['Chief', 'Analyst', 'Writer', 'Researcher', 'Writer Lead', 'Drafter']);
  });

  it('does not depend on the order of the file', () => {
    const bp = base();
    const reversed: Blueprint = { ...bp, agents: [...bp.agents].reverse() };
    const order = hierarchyOrder(reversed).map((a) => a.name);
    assert.equal(order[0], 'Chief');
    assert.ok(order.indexOf('Writer') < order.indexOf('Writer Lead'));
    assert.ok(order.indexOf('Writer Lead') < order.indexOf('Drafter'));
    assert.ok(order.indexOf('Analyst') < order.indexOf('Researcher'));
  });

  it('keeps agents that are unreachable (unvalidated input) at the end instead of dropping them', () => {
    const bp = base();
    const orphan = { ...bp.agents[5], name: 'Orphan', reportsTo: 'Ghost' };
    const order = hierarchyOrder({ ...bp, agents: [...bp.agents, orphan] });
    assert.equal(order.length, 7);
    assert.equal(order[6].name, 'Orphan');
  });
});
