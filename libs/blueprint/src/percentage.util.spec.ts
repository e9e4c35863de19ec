import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePercentage } from './percentage.util';

describe('parsePercentage', () => {
  const good: [unknown, number][] = [
    ['10%', 0.1],
    ['0%', 0],
    ['100%', 1],
    ['12.5%', 0.125],
    [' 5 % ', 0.05],
    [10, 0.1],
    [0, 0],
    [100, 1],
    [0.5, 0.005],
  ];
  for (const [input, fraction] of good) {
    it(`reads ${JSON.stringify(input)} as ${fraction}`, () => assert.equal(parsePercentage(input), fraction));
  }

  // a bare numeric string is ambiguous (fraction or percent points), so it must carry a % sign
  const bad: unknown[] = ['0.5', '10', '', '%', 'ten%', '-5%', '101%', '150%', -1, 101, Number.NaN, Number.POSITIVE_INFINITY, true, null, undefined, ['10%']];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input) ?? String(input)}`, () => assert.equal(parsePercentage(input), null));
  }
});
