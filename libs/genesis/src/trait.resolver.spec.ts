import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { requireTemplate } from './template.catalog';
import { TRAITS } from './trait.catalog';
import { resolveTraits } from './trait.resolver';

const writer = requireTemplate('content_writer'); // safety 0.85, harm 0.92

describe('resolveTraits', () => {
  it('starts from defaults and applies the template profile', () => {
    const { traits, problems } = resolveTraits(writer);
    assert.deepEqual(problems, []);
    assert.equal(Object.keys(traits).length, TRAITS.length);
    assert.equal(traits['cognitive.creativity'], 0.9); // profile
    assert.equal(traits['operational.persistence'], 0.7); // default
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

  const refused: { name: string; id: string; value: unknown; rule: string; message?: RegExp }[] = [
    { name: 'unknown trait', id: 'ethical.kindness', value: 0.5, rule: 'unknown_trait' },
    { name: 'prototype key', id: '__proto__', value: 0.5, rule: 'unknown_trait' },
    { name: 'string value', id: 'cognitive.creativity', value: '0.5', rule: 'type' },
    { name: 'NaN', id: 'cognitive.creativity', value: Number.NaN, rule: 'type' },
    { name: 'above 1', id: 'cognitive.creativity', value: 1.2, rule: 'out_of_bounds', message: /between 0 and 1/ },
    { name: 'below 0', id: 'social.empathy', value: -0.1, rule: 'out_of_bounds' },
    { name: 'below the tighter safety bound', id: 'ethical.safety_priority', value: 0.6, rule: 'out_of_bounds', message: /between 0.7 and 1/ },
    { name: 'above the autonomy cap', id: 'operational.autonomy', value: 0.95, rule: 'out_of_bounds', message: /between 0 and 0.9/ },
    { name: 'lowering safety', id: 'ethical.safety_priority', value: 0.8, rule: 'cannot_lower', message: /0.85/ },
    { name: 'lowering harm avoidance', id: 'ethical.harm_avoidance', value: 0.9, rule: 'cannot_lower' },
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
