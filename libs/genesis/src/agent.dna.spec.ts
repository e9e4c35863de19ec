import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, dnaChecksum, templateHash } from './agent.dna';
import { requireTemplate } from './template.catalog';

describe('canonical JSON and checksums', () => {
  const cases: { name: string; value: unknown; json: string }[] = [
    { name: 'sorted keys at every depth', value: { b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } }, json: '{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}' },
    { name: 'undefined members dropped, kept as null in arrays', value: { a: undefined, b: [undefined] }, json: '{"b":[null]}' },
    { name: 'non-finite numbers as null', value: [Number.NaN, Infinity, -0], json: '[null,null,0]' },
    { name: 'toJSON honoured', value: { at: new Date(0) }, json: '{"at":"1970-01-01T00:00:00.000Z"}' },
    { name: 'strings escaped', value: { 'k"': 'a\nb' }, json: '{"k\\"":"a\\nb"}' },
    { name: 'scalars', value: null, json: 'null' },
  ];
  for (const c of cases) it(c.name, () => assert.equal(canonicalJson(c.value), c.json));

  it('matches JSON.parse round trips', () => {
    const v = { z: [1, 'two', { three: true }], a: null };
    assert.deepEqual(JSON.parse(canonicalJson(v)), v);
  });

  it('refuses cycles and bigint', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => canonicalJson(cyclic), /circular/);
    assert.throws(() => canonicalJson({ n: BigInt(1) }), /bigint/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { a: 1 };
    assert.equal(canonicalJson({ x: shared, y: shared }), '{"x":{"a":1},"y":{"a":1}}');
  });

  it('gives a checksum that is stable under key order', () => {
    const a = { schema_version: 1, traits: { 'ethical.safety_priority': 0.9, 'cognitive.creativity': 0.5 }, tools: ['a', 'b'] };
    const b = { tools: ['a', 'b'], traits: { 'cognitive.creativity': 0.5, 'ethical.safety_priority': 0.9 }, schema_version: 1 };
    assert.equal(dnaChecksum(a), dnaChecksum(b));
    assert.match(dnaChecksum(a), /^[0-9a-f]{64}$/);
    assert.notEqual(dnaChecksum(a), dnaChecksum({ ...a, tools: ['b', 'a'] }), 'array order is content');
  });

  it('hashes templates by content', () => {
    const t = requireTemplate('content_writer');
    assert.equal(templateHash(t), templateHash({ ...t }));
    assert.notEqual(templateHash(t), templateHash({ ...t, tools: [...t.tools, 'x'] }));
    assert.notEqual(templateHash(t), templateHash(requireTemplate('qa_tester')));
  });
});
