import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TRAITS, TRAIT_CATEGORIES, getTrait, listTraits, traitDefaults, traitValue } from './trait.catalog';

describe('trait catalog', () => {
  it('names every trait category.name with a known category', () => {
    assert.ok(TRAITS.length >= 14 && TRAITS.length <= 18, `${TRAITS.length} traits`);
    for (const t of TRAITS) {
      assert.equal(t.id, `${t.category}.${t.name}`);
      assert.match(t.id, /^[a-z]+\.[a-z_]+$/);
      assert.ok(TRAIT_CATEGORIES.includes(t.category));
      assert.ok(t.description.length > 20, t.id);
    }
    assert.equal(new Set(TRAITS.map((t) => t.id)).size, TRAITS.length);
  });

  it('keeps bounds within 0..1 and defaults within bounds', () => {
    for (const t of TRAITS) {
      assert.ok(0 <= t.min && t.min < t.max && t.max <= 1, t.id);
      assert.ok(t.min <= t.default && t.default <= t.max, t.id);
    }
  });

  it('has the tighter safety bounds', () => {
    const s = getTrait('ethical.safety_priority');
    assert.deepEqual([s?.min, s?.max], [0.7, 1]);
  });

  it('lists by category and looks up by id', () => {
    for (const c of TRAIT_CATEGORIES) {
      const list = listTraits(c);
      assert.ok(list.length >= 3, c);
      assert.ok(list.every((t) => t.category === c));
    }
    assert.equal(listTraits().length, TRAITS.length);
    assert.equal(getTrait('cognitive.creativity')?.name, 'creativity');
    for (const unknown of ['nope', '__proto__', 'constructor', 'ethical']) assert.equal(getTrait(unknown), undefined, unknown);
  });

  it('reads a value or falls back to the default', () => {
    assert.equal(traitDefaults()['ethical.safety_priority'], 0.9);
    assert.equal(traitValue({}, 'cognitive.risk_tolerance'), 0.3);
    assert.equal(traitValue({ 'cognitive.risk_tolerance': 0.1 }, 'cognitive.risk_tolerance'), 0.1);
    assert.equal(traitValue({}, 'x.y'), undefined);
  });

  it('cannot be changed by callers', () => {
    assert.throws(() => {
      (TRAITS[0] as { min: number }).min = 0;
    });
  });
});
