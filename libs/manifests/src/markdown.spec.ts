import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { capped, code, naturalCompare, text, time } from './markdown';

describe('markdown helpers', () => {
  const rows: [string, () => unknown, unknown][] = [
    ['escapes markup', () => text('a|b *c* _d_ [e] <f> `g` \\'), 'a\\|b \\*c\\* \\_d\\_ \\[e\\] \\<f\\> \\`g\\` \\\\'],
    ['flattens line breaks', () => text('one\r\n  two\nthree'), 'one two three'],
    ['quotes identifiers', () => code('seo_writing'), '`seo_writing`'],
    ['falls back to text for a backtick', () => code('a`b'), 'a\\`b'],
    ['prints UTC to the second', () => time(new Date('2025-01-02T03:04:05.678Z')), '2025-01-02 03:04:05 UTC'],
    ['says never for no time', () => time(null), 'never'],
    ['caps lists', () => capped(['a', 'b', 'c'], 2), 'a, b and 1 more'],
    ['keeps short lists', () => capped(['a', 'b'], 2), 'a, b'],
    ['sorts numbers as numbers', () => ['Worker 10', 'Worker 2', 'Worker 1', 'Alpha'].sort(naturalCompare), ['Alpha', 'Worker 1', 'Worker 2', 'Worker 10']],
    ['orders leading zeros stably', () => ['w02', 'w2', 'w1'].sort(naturalCompare), ['w1', 'w02', 'w2']],
  ];
  for (const [name, run, expected] of rows) it(name, () => assert.deepEqual(run(), expected));
});
