import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseCount, parseCountDetailed } from './count.util';

describe('parseCount', () => {
  const good: [unknown, number, number][] = [
    [0, 0, 0],
    [1, 1, 1],
    [1000, 1000, 1000],
    ['3', 3, 3],
    ['0-5', 0, 5],
    ['2-2', 2, 2],
    [' 1 - 4 ', 1, 4],
    ['10-1000', 10, 1000],
  ];
  for (const [input, min, max] of good) {
    it(`reads ${JSON.stringify(input)} as ${min}..${max}`, () => assert.deepEqual(parseCount(input), { min, max }));
  }

  const bad: [unknown, 'format' | 'negative' | 'reversed'][] = [
    [-1, 'negative'],
    ['-1', 'negative'],
    [1.5, 'format'],
    ['1.5', 'format'],
    ['5-2', 'reversed'],
    ['a-b', 'format'],
    ['1-', 'format'],
    ['-1-3', 'format'],
    ['1-2-3', 'format'],
    ['', 'format'],
    ['many', 'format'],
    [null, 'format'],
    [true, 'format'],
    [[1, 2], 'format'],
    [{ min: 1, max: 2 }, 'format'],
    [Number.NaN, 'format'],
  ];
  for (const [input, reason] of bad) {
    it(`refuses ${JSON.stringify(input)} (${reason})`, () => {
      assert.equal(parseCount(input), null);
      assert.deepEqual(parseCountDetailed(input), { ok: false, reason });
    });
  }
});
