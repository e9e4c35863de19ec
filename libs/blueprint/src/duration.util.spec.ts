import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DURATION_SECONDS, parseDuration } from './duration.util';

describe('parseDuration', () => {
  const good: [unknown, number][] = [
    [0, 0],
    [300, 300],
    ['90', 90],
    ['90s', 90],
    ['45 seconds', 45],
    ['1 second', 1],
    ['30 minutes', 1800],
    ['15 min', 900],
    ['5m', 300],
    ['1 hour', 3600],
    ['2h', 7200],
    ['3 hrs', 10800],
    ['1.5 hours', 5400],
    ['7 days', 604800],
    ['1 day', 86400],
    ['1d', 86400],
    ['1 week', 604800],
    ['2 weeks', 1209600],
    ['1h30m', 5400],
    ['1 hour 30 minutes', 5400],
    ['  2 Hours  ', 7200],
    ['1 WEEK', 604800],
  ];
  for (const [input, seconds] of good) {
    it(`reads ${JSON.stringify(input)} as ${seconds} s`, () => assert.equal(parseDuration(input), seconds));
  }

  const bad: unknown[] = [
    -1,
    1.5,
    Number.NaN,
    '',
    '   ',
    'soon',
    '1 month',
    '1 year',
    '-5m',
    '5 parsecs',
    'hour',
    '1 hour and a bit',
    '1h 30',
    true,
    null,
    undefined,
    ['1h'],
    { hours: 1 },
    '9999 weeks',
    MAX_DURATION_SECONDS + 1,
    `${'1h'.repeat(60)}`,
  ];
  for (const input of bad) {
    it(`refuses ${JSON.stringify(input) ?? String(input)}`, () => assert.equal(parseDuration(input), null));
  }
});
