import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRAITS, TRAIT_CATEGORIES, getTrait, listTraits, traitDefaults, traitKeyIn, traitValue } from './trait.catalog';

// The earlier system's catalogue, which this one must cover: id, bounds, mutable, ethics-critical.
const EARLIER: [id: string, min: number, max: number, mutable: boolean, critical: boolean][] = [
  ['cognitive.reasoning_depth', 0, 1, true, false],
  ['cognitive.creativity', 0, 1, true, false],
  ['cognitive.learning_rate', 0, 1, true, false],
  ['cognitive.pattern_recognition', 0, 1, true, false],
  ['ethical.safety_priority', 0.7, 1, false, true],
  ['ethical.compliance_strictness', 0, 1, true, true],
  ['ethical.transparency', 0.5, 1, true, true],
  ['ethical.harm_avoidance', 0.8, 1, false, true],
  ['performance.speed_priority', 0, 1, true, false],
  ['performance.energy_efficiency', 0, 1, true, false],
  ['performance.accuracy_target', 0.5, 1, true, false],
  ['performance.multitasking', 0, 1, true, false],
  ['behavioral.proactiveness', 0, 1, true, false],
  ['behavioral.risk_tolerance', 0, 0.5, true, true],
  ['behavioral.adaptability', 0, 1, true, false],
  ['behavioral.decisiveness', 0, 1, true, false],
  ['social.coordination_skill', 0, 1, true, false],
  ['social.communication_clarity', 0.3, 1, true, false],
  ['social.empathy', 0, 1, true, false],
  ['social.collaboration_preference', 0, 1, true, false],
  ['technical.code_generation', 0, 1, true, false],
  ['technical.fleet_management', 0, 1, true, false],
  ['technical.navigation_planning', 0, 1, true, false],
  ['technical.data_analysis', 0, 1, true, false],
  ['technical.system_administration', 0, 1, true, false],
];

// Our own traits that the earlier catalogue had no equivalent for.
const OURS = ['cognitive.attention_to_detail', 'cognitive.curiosity', 'behavioral.autonomy', 'behavioral.persistence', 'social.assertiveness'];

// Ids our catalogue had before it took the earlier system's ids: still accepted.
const ALIASES: [alias: string, id: string][] = [
  ['cognitive.risk_tolerance', 'behavioral.risk_tolerance'],
  ['cognitive.analytical_depth', 'cognitive.reasoning_depth'],
  ['operational.speed_over_quality', 'performance.speed_priority'],
  ['operational.resource_efficiency', 'performance.energy_efficiency'],
  ['operational.autonomy', 'behavioral.autonomy'],
  ['operational.persistence', 'behavioral.persistence'],
  ['social.collaboration', 'social.collaboration_preference'],
];

describe('trait catalog', () => {
  it('has the six categories of the earlier system and names every trait category.name', () => {
    assert.deepEqual([...TRAIT_CATEGORIES].sort(), ['behavioral', 'cognitive', 'ethical', 'performance', 'social', 'technical']);
    for (const t of TRAITS) {
      assert.equal(t.id, `${t.category}.${t.name}`);
      assert.match(t.id, /^[a-z]+\.[a-z_]+$/);
      assert.ok(TRAIT_CATEGORIES.includes(t.category));
      assert.ok(t.description.length > 20, t.id);
      assert.equal(typeof t.mutable, 'boolean', t.id);
      assert.equal(typeof t.ethics_critical, 'boolean', t.id);
    }
    assert.equal(new Set(TRAITS.map((t) => t.id)).size, TRAITS.length);
    assert.equal(TRAITS.length, EARLIER.length + OURS.length);
  });

  for (const [id, min, max, mutable, critical] of EARLIER) {
    it(`covers ${id}: ${min}..${max}, ${mutable ? 'mutable' : 'not mutable'}, ${critical ? 'ethics-critical' : 'not ethics-critical'}`, () => {
      const t = getTrait(id);
      assert.ok(t, id);
      assert.equal(t.id, id, 'under its own id, not as an alias');
      assert.deepEqual([t.min, t.max, t.mutable, t.ethics_critical], [min, max, mutable, critical]);
    });
  }

  it('keeps our own traits that add to the earlier ones', () => {
    for (const id of OURS) assert.equal(getTrait(id)?.id, id);
  });

  it('keeps bounds within 0..1 and defaults within bounds', () => {
    for (const t of TRAITS) {
      assert.ok(0 <= t.min && t.min < t.max && t.max <= 1, t.id);
      assert.ok(t.min <= t.default && t.default <= t.max, t.id);
    }
  });

  for (const [alias, id] of ALIASES) {
    it(`accepts the older id ${alias} for ${id}`, () => {
      assert.equal(getTrait(alias)?.id, id);
      assert.ok(getTrait(id)?.aliases.includes(alias));
    });
  }

  it('has no alias that is also a trait id or another trait\'s alias', () => {
    const ids = new Set(TRAITS.map((t) => t.id));
    const aliases = TRAITS.flatMap((t) => t.aliases);
    assert.equal(new Set(aliases).size, aliases.length);
    for (const a of aliases) assert.ok(!ids.has(a), a);
    assert.equal(aliases.length, ALIASES.length);
  });

  it('lists by category and looks up by id', () => {
    for (const c of TRAIT_CATEGORIES) {
      const list = listTraits(c);
      assert.ok(list.length >= 4, c);
      assert.ok(list.every((t) => t.category === c));
    }
    assert.equal(listTraits().length, TRAITS.length);
    assert.equal(getTrait('cognitive.creativity')?.name, 'creativity');
    for (const unknown of ['nope', '__proto__', 'constructor', 'ethical', 'operational.nothing']) assert.equal(getTrait(unknown), undefined, unknown);
  });

  const values: { name: string; traits: Record<string, number>; id: string; value: number | undefined }[] = [
    { name: 'default when absent', traits: {}, id: 'behavioral.risk_tolerance', value: 0.3 },
    { name: 'the value under its id', traits: { 'behavioral.risk_tolerance': 0.1 }, id: 'behavioral.risk_tolerance', value: 0.1 },
    { name: 'the value under an alias (an older record)', traits: { 'cognitive.risk_tolerance': 0.2 }, id: 'behavioral.risk_tolerance', value: 0.2 },
    { name: 'asked for by its alias', traits: { 'behavioral.risk_tolerance': 0.15 }, id: 'cognitive.risk_tolerance', value: 0.15 },
    { name: 'the id wins over an alias', traits: { 'behavioral.risk_tolerance': 0.1, 'cognitive.risk_tolerance': 0.4 }, id: 'behavioral.risk_tolerance', value: 0.1 },
    { name: 'undefined for an unknown trait', traits: {}, id: 'x.y', value: undefined },
  ];
  for (const row of values) it(`reads ${row.name}`, () => assert.equal(traitValue(row.traits, row.id), row.value));

  it('gives every trait a default, by id', () => {
    const d = traitDefaults();
    assert.equal(d['ethical.safety_priority'], 0.9);
    assert.deepEqual(Object.keys(d).sort(), TRAITS.map((t) => t.id).sort());
  });

  it('finds the key a record holds a trait under', () => {
    const risk = getTrait('behavioral.risk_tolerance');
    assert.ok(risk);
    assert.equal(traitKeyIn({ 'cognitive.risk_tolerance': 0.2 }, risk), 'cognitive.risk_tolerance');
    assert.equal(traitKeyIn({}, risk), undefined);
  });

  it('cannot be changed by callers', () => {
    assert.throws(() => {
      (TRAITS[0] as { min: number }).min = 0;
    });
    const withAliases = TRAITS.find((t) => t.aliases.length > 0);
    assert.throws(() => (withAliases?.aliases as string[]).push('x.y'));
  });
});
