import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { lineColumnAt, loadYamlSafely } from './yaml.loader';

/** The classic "billion laughs": `levels` anchors, each a list of `width` aliases to the previous one. */
function aliasBomb(levels: number, width: number): string {
  const lines = [`l0: &l0 [${Array(width).fill('"lol"').join(', ')}]`];
  for (let i = 1; i < levels; i++) lines.push(`l${i}: &l${i} [${Array(width).fill(`*l${i - 1}`).join(', ')}]`);
  return lines.join('\n') + '\n';
}

function only(text: unknown, opts = {}) {
  const r = loadYamlSafely(text, opts);
  assert.equal(r.problems.length, 1, JSON.stringify(r.problems));
  assert.equal(r.value, undefined);
  return r.problems[0];
}

describe('loadYamlSafely', () => {
  it('loads one plain document with core-schema scalars', () => {
    const r = loadYamlSafely('a: 1\nb: "1.0"\nc: yes\nd: 2024-01-01\ne: [x, ~]\n');
    assert.deepEqual(r.problems, []);
    // YAML 1.2 core: "yes" and dates stay strings, nothing becomes a Date
    assert.deepEqual(r.value, { a: 1, b: '1.0', c: 'yes', d: '2024-01-01', e: ['x', null] });
  });

  it('gives the line and column of a syntax error', () => {
    const p = only('metadata:\n  id: x\n  name: [unclosed\ncluster: {}\n');
    assert.equal(p.path, 'yaml');
    assert.equal(p.rule, 'syntax');
    assert.match(p.message, /line 4, column 1/);
  });

  it('gives the line and column of a tab in indentation', () => {
    const p = only('metadata:\n  id: x\n\tname: y\n');
    assert.equal(p.rule, 'syntax');
    assert.match(p.message, /line 3, column 1/);
  });

  it('refuses duplicate keys with their position', () => {
    const p = only('a: 1\nb: 2\na: 3\n');
    assert.equal(p.rule, 'syntax');
    assert.match(p.message, /line 3, column 1: duplicated mapping key/);
  });

  it('refuses an unknown alias with its position', () => {
    const p = only('a: 1\nb: *nope\n');
    assert.equal(p.rule, 'syntax');
    assert.match(p.message, /line 2, column 5/);
  });

  for (const [label, text] of [
    ['!!js/function', 'a: !!js/function "function () { return 1 }"\n'],
    ['!!js/regexp', 'a: !!js/regexp /x+/\n'],
    ['a local !foo tag', 'a: !foo bar\n'],
    ['a tag on a mapping', 'a: !thing {x: 1}\n'],
    ['!!binary (not in the core schema)', 'a: !!binary aGVsbG8=\n'],
    ['!!set', 'a: !!set {x: null}\n'],
  ] as const) {
    it(`refuses ${label}`, () => {
      const p = only(text);
      assert.equal(p.path, 'yaml');
      assert.equal(p.rule, 'tag');
      assert.match(p.message, /line 1, column \d+/);
    });
  }

  it('accepts the standard core tags', () => {
    const r = loadYamlSafely('a: !!str 1.0\nb: !!int "3"\n');
    assert.deepEqual(r.problems, []);
    assert.deepEqual(r.value, { a: '1.0', b: 3 });
  });

  it('refuses an alias bomb (9 levels of 9 aliases) quickly', () => {
    const text = aliasBomb(9, 9);
    const start = performance.now();
    const p = only(text);
    const elapsed = performance.now() - start;
    assert.equal(p.rule, 'alias_limit');
    assert.match(p.message, /alias/);
    assert.ok(elapsed < 1000, `took ${elapsed} ms`);
  });

  it('refuses a deeper bomb just as quickly', () => {
    const start = performance.now();
    assert.equal(only(aliasBomb(30, 10)).rule, 'alias_limit');
    assert.ok(performance.now() - start < 1000);
  });

  it('refuses more aliases than allowed, and allows them when configured', () => {
    const text = 'base: &b 1\nlist: [' + Array(101).fill('*b').join(', ') + ']\n';
    assert.equal(only(text).rule, 'alias_limit');
    assert.deepEqual(loadYamlSafely(text, { maxAliases: 200 }).problems, []);
    assert.equal(only('a: &a 1\nb: *a\n', { maxAliases: 0 }).rule, 'alias_limit');
  });

  it('allows a few modest aliases', () => {
    const r = loadYamlSafely('defaults: &d {llm_model: local, temperature: 0.3}\na: {config: *d}\nb: {config: *d}\n');
    assert.deepEqual(r.problems, []);
    assert.deepEqual((r.value as Record<string, { config: unknown }>).b.config, { llm_model: 'local', temperature: 0.3 });
  });

  it('refuses a recursive alias', () => {
    const p = only('a: &a [1, *a]\n');
    assert.equal(p.rule, 'alias_limit');
    assert.match(p.message, /recursive/);
  });

  it('does not apply merge keys (they would be another amplifier)', () => {
    const r = loadYamlSafely('a: &a {x: 1}\nb: {<<: *a}\n');
    assert.deepEqual(r.value, { a: { x: 1 }, b: { '<<': { x: 1 } } });
  });

  it('refuses a 10 MB input by size, before parsing', () => {
    const text = 'a: ' + 'x'.repeat(10 * 1024 * 1024);
    const start = performance.now();
    const p = only(text);
    assert.equal(p.rule, 'max_size');
    assert.equal(p.path, 'yaml');
    assert.ok(performance.now() - start < 100);
  });

  it('counts bytes, not characters, and honours a configured limit', () => {
    const text = `a: "${'ä'.repeat(200)}"\n`;
    assert.ok(text.length < 300);
    assert.equal(only(text, { maxBytes: 300 }).rule, 'max_size');
    assert.deepEqual(loadYamlSafely(text, { maxBytes: 1000 }).problems, []);
    assert.equal(only('a: 1\n'.repeat(500), { maxBytes: 1024 }).rule, 'max_size');
  });

  it('refuses several documents', () => {
    const p = only('a: 1\n---\nb: 2\n');
    assert.equal(p.rule, 'single_document');
    assert.equal(only('---\na: 1\n...\n---\nb: 2\n').rule, 'single_document');
  });

  it('accepts one document with explicit markers', () => {
    assert.deepEqual(loadYamlSafely('---\na: 1\n...\n').value, { a: 1 });
  });

  it('refuses an empty input', () => {
    assert.equal(only('').rule, 'empty');
    assert.equal(only('# only a comment\n').rule, 'empty');
  });

  it('refuses excessive nesting', () => {
    const p = only('['.repeat(200) + ']'.repeat(200));
    assert.equal(p.rule, 'max_depth');
    assert.match(p.message, /line 1, column \d+/);
  });

  it('refuses a non-string input', () => {
    assert.equal(only(Buffer.from('a: 1')).rule, 'type');
  });
});

describe('lineColumnAt', () => {
  it('counts 1-based lines and columns', () => {
    const text = 'ab\ncd\n\nef';
    assert.deepEqual(lineColumnAt(text, 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumnAt(text, 1), { line: 1, column: 2 });
    assert.deepEqual(lineColumnAt(text, 3), { line: 2, column: 1 });
    assert.deepEqual(lineColumnAt(text, 7), { line: 4, column: 1 });
  });
});
