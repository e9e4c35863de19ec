import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireTemplate } from './template.catalog';
import { TRAITS } from './trait.catalog';
import { NON_LOWERABLE_TRAITS, resolveTraits, templateTraits } from './trait.resolver';

const writer = requireTemplate('content_writer'); // safety 0.85, harm 0.92

describe('resolveTraits', () => {
  it('starts from defaults and applies the template profile, every trait under its id', () => {
    const { traits, problems } = resolveTraits(writer);
    assert.deepEqual(problems, []);
    assert.deepEqual(Object.keys(traits).sort(), TRAITS.map((t) => t.id).sort());
    assert.equal(traits['cognitive.creativity'], 0.9); // profile
    assert.equal(traits['behavioral.persistence'], 0.7); // default
  });

  it('applies valid overrides, and raising safety and harm is allowed', () => {
    const { traits, problems, accepted } = resolveTraits(writer, {
      'ethical.safety_priority': 0.95,
      'ethical.harm_avoidance': 0.92,
      'cognitive.creativity': 0.3,
    });
    assert.deepEqual(problems, []);
    assert.equal(traits['ethical.safety_priority'], 0.95);
    assert.equal(traits['ethical.harm_avoidance'], 0.92);
    assert.equal(traits['cognitive.creativity'], 0.3);
    assert.deepEqual(accepted, { 'ethical.safety_priority': 0.95, 'ethical.harm_avoidance': 0.92, 'cognitive.creativity': 0.3 });
  });

  it('only lets safety and harm avoidance be raised', () => {
    assert.deepEqual([...NON_LOWERABLE_TRAITS].sort(), ['ethical.harm_avoidance', 'ethical.safety_priority']);
  });

  it('takes older ids as the trait they now name and remembers the key it was given under', () => {
    const { traits, problems, accepted, overrideKeys } = resolveTraits(writer, { 'cognitive.risk_tolerance': 0.1, 'operational.persistence': 0.9 });
    assert.deepEqual(problems, []);
    assert.equal(traits['behavioral.risk_tolerance'], 0.1);
    assert.equal(traits['behavioral.persistence'], 0.9);
    assert.equal('cognitive.risk_tolerance' in traits, false);
    assert.deepEqual(accepted, { 'behavioral.risk_tolerance': 0.1, 'behavioral.persistence': 0.9 });
    assert.deepEqual(overrideKeys, { 'behavioral.risk_tolerance': 'cognitive.risk_tolerance', 'behavioral.persistence': 'operational.persistence' });
  });

  // Past an ethics-critical trait's own bounds, the value is applied so that the foundation rules
  // refuse the agent by name; it is not an input problem.
  const leftToFoundation: { name: string; id: string; value: number; trait: string }[] = [
    { name: 'safety below its floor', id: 'ethical.safety_priority', value: 0.6, trait: 'ethical.safety_priority' },
    { name: 'safety at 0 (also lower than the template)', id: 'ethical.safety_priority', value: 0, trait: 'ethical.safety_priority' },
    { name: 'harm avoidance below its floor', id: 'ethical.harm_avoidance', value: 0.5, trait: 'ethical.harm_avoidance' },
    { name: 'transparency below its floor', id: 'ethical.transparency', value: 0.3, trait: 'ethical.transparency' },
    { name: 'risk above its ceiling', id: 'behavioral.risk_tolerance', value: 0.8, trait: 'behavioral.risk_tolerance' },
    { name: 'risk above its ceiling under the older id', id: 'cognitive.risk_tolerance', value: 1, trait: 'behavioral.risk_tolerance' },
  ];
  for (const row of leftToFoundation) {
    it(`applies ${row.name} and leaves it to the foundation rules`, () => {
      const { traits, problems } = resolveTraits(writer, { [row.id]: row.value });
      assert.deepEqual(problems, []);
      assert.equal(traits[row.trait], row.value);
    });
  }

  const refused: { name: string; id: string; value: unknown; rule: string; message?: RegExp }[] = [
    { name: 'unknown trait', id: 'ethical.kindness', value: 0.5, rule: 'unknown_trait' },
    { name: 'prototype key', id: '__proto__', value: 0.5, rule: 'unknown_trait' },
    { name: 'string value', id: 'cognitive.creativity', value: '0.5', rule: 'type' },
    { name: 'NaN', id: 'cognitive.creativity', value: Number.NaN, rule: 'type' },
    { name: 'NaN on an ethics-critical trait', id: 'ethical.safety_priority', value: Number.NaN, rule: 'type' },
    { name: 'above 1', id: 'cognitive.creativity', value: 1.2, rule: 'out_of_bounds', message: /between 0 and 1/ },
    { name: 'below 0', id: 'social.empathy', value: -0.1, rule: 'out_of_bounds' },
    { name: 'safety off the 0..1 scale', id: 'ethical.safety_priority', value: -0.1, rule: 'out_of_bounds', message: /between 0 and 1, got -0.1/ },
    { name: 'risk off the 0..1 scale', id: 'behavioral.risk_tolerance', value: 1.5, rule: 'out_of_bounds', message: /between 0 and 1/ },
    { name: 'accuracy target below its floor (not ethics-critical)', id: 'performance.accuracy_target', value: 0.4, rule: 'out_of_bounds', message: /between 0.5 and 1/ },
    { name: 'clarity below its floor (not ethics-critical)', id: 'social.communication_clarity', value: 0.2, rule: 'out_of_bounds', message: /between 0.3 and 1/ },
    { name: 'above the autonomy cap', id: 'behavioral.autonomy', value: 0.95, rule: 'out_of_bounds', message: /between 0 and 0.9/ },
    { name: 'above the autonomy cap under the older id', id: 'operational.autonomy', value: 0.95, rule: 'out_of_bounds', message: /^operational.autonomy must be/ },
    { name: 'lowering safety above its floor', id: 'ethical.safety_priority', value: 0.8, rule: 'cannot_lower', message: /0.85/ },
    { name: 'lowering harm avoidance to its floor', id: 'ethical.harm_avoidance', value: 0.8, rule: 'cannot_lower' },
  ];
  for (const row of refused) {
    it(`refuses ${row.name}`, () => {
      const overrides: Record<string, unknown> = {};
      Object.defineProperty(overrides, row.id, { value: row.value, enumerable: true });
      const { traits, problems } = resolveTraits(writer, overrides);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.equal(problems[0].path, `trait_overrides.${row.id}`);
      assert.equal(problems[0].rule, row.rule);
      if (row.message) assert.match(problems[0].message, row.message);
      assert.deepEqual(traits, resolveTraits(writer).traits, 'a refused override changes nothing');
    });
  }

  it('refuses a trait given twice, under its id and an older one', () => {
    const { traits, problems } = resolveTraits(writer, { 'cognitive.risk_tolerance': 0.2, 'behavioral.risk_tolerance': 0.1 });
    // sorted: behavioral.* comes first and is applied; the older id is the duplicate
    assert.deepEqual(problems.map((p) => `${p.path}:${p.rule}`), ['trait_overrides.cognitive.risk_tolerance:duplicate_trait']);
    assert.equal(traits['behavioral.risk_tolerance'], 0.1);
  });

  it('keeps the valid overrides next to refused ones and reports each', () => {
    const { traits, problems } = resolveTraits(writer, { 'cognitive.creativity': 0.2, 'x.y': 1, 'social.empathy': 2 });
    assert.equal(traits['cognitive.creativity'], 0.2);
    // sorted by trait id, so the answer does not depend on the body's key order
    assert.deepEqual(problems.map((p) => `${p.path}:${p.rule}`), ['trait_overrides.social.empathy:out_of_bounds', 'trait_overrides.x.y:unknown_trait']);
  });

  it('refuses overrides that are not an object', () => {
    for (const bad of [[], 'x', 3]) assert.deepEqual(resolveTraits(writer, bad).problems.map((p) => `${p.path}:${p.rule}`), ['trait_overrides:type']);
    assert.deepEqual(resolveTraits(writer, null).problems, []);
  });
});

describe('templateTraits', () => {
  it('reads a profile written with older ids as the traits they now name', () => {
    const old = { ...writer, trait_profile: { 'cognitive.risk_tolerance': 0.15, 'social.collaboration': 0.4 } };
    const traits = templateTraits(old);
    assert.equal(traits['behavioral.risk_tolerance'], 0.15);
    assert.equal(traits['social.collaboration_preference'], 0.4);
    assert.equal('social.collaboration' in traits, false);
  });
});
