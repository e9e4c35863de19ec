import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetPeriodName, budgetAlertLevels, budgetMaxWorkers, canReserve, estimateTaskCost, forecastSpend, hardLimitReached, periodBounds, timeCost } from './budget';

const at = (s: string) => new Date(s);

describe('periodBounds (UTC)', () => {
  const cases: [BudgetPeriodName, string, string, string][] = [
    ['day', '2025-03-10T15:30:00Z', '2025-03-10T00:00:00.000Z', '2025-03-11T00:00:00.000Z'],
    ['day', '2025-12-31T23:59:59Z', '2025-12-31T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    ['week', '2025-03-10T00:00:00Z', '2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z'], // a Monday
    ['week', '2025-03-16T23:00:00Z', '2025-03-10T00:00:00.000Z', '2025-03-17T00:00:00.000Z'], // Sunday ends the ISO week
    ['week', '2025-01-01T12:00:00Z', '2024-12-30T00:00:00.000Z', '2025-01-06T00:00:00.000Z'], // across the year
    ['month', '2025-02-14T08:00:00Z', '2025-02-01T00:00:00.000Z', '2025-03-01T00:00:00.000Z'],
    ['month', '2024-12-31T23:00:00Z', '2024-12-01T00:00:00.000Z', '2025-01-01T00:00:00.000Z'],
  ];
  for (const [period, now, start, end] of cases) {
    it(`${period} at ${now}`, () => {
      const b = periodBounds(period, at(now));
      assert.equal(b.start.toISOString(), start);
      assert.equal(b.end.toISOString(), end);
    });
  }
});

describe('forecastSpend', () => {
  const day = periodBounds('day', at('2025-03-10T12:00:00Z'));
  const cases: [string, number, string, number][] = [
    ['half the day gone: double', 5, '2025-03-10T12:00:00Z', 10],
    ['a quarter gone: four times', 2, '2025-03-10T06:00:00Z', 8],
    ['nothing spent', 0, '2025-03-10T12:00:00Z', 0],
    ['first minute: the spend itself', 3, '2025-03-10T00:00:30Z', 3],
  ];
  for (const [name, spend, now, expected] of cases) it(name, () => assert.ok(Math.abs(forecastSpend(spend, day, at(now)) - expected) < 1e-9));
});

describe('reservation', () => {
  const cases: [string, Parameters<typeof canReserve>[0], boolean][] = [
    ['fits', { hardLimit: 10, spent: 4, reserved: 3, estimate: 3 }, true],
    ['one over', { hardLimit: 10, spent: 4, reserved: 3, estimate: 3.01 }, false],
    ['free work always starts', { hardLimit: 10, spent: 20, reserved: 0, estimate: 0 }, true],
    ['no budget', { hardLimit: null, spent: 100, reserved: 100, estimate: 5 }, true],
    ['zero budget refuses paid work', { hardLimit: 0, spent: 0, reserved: 0, estimate: 0.001 }, false],
  ];
  for (const [name, input, ok] of cases) it(name, () => assert.equal(canReserve(input), ok));

  it('estimates prompt plus max_tokens per 1,000 tokens', () => {
    assert.equal(estimateTaskCost({ prompt: 1, completion: 2 }, 500, 1000), 2.5);
    assert.equal(estimateTaskCost({ prompt: 0, completion: 0 }, 500, 1000), 0);
  });

  it('twenty tasks with room for five: five reserve', () => {
    let reserved = 0;
    let started = 0;
    for (let i = 0; i < 20; i++) {
      if (canReserve({ hardLimit: 10, spent: 0, reserved, estimate: 2 })) {
        reserved += 2;
        started++;
      }
    }
    assert.equal(started, 5);
  });
});

describe('hardLimitReached', () => {
  const cases: [number, number, boolean][] = [
    [10, 10, true],
    [9.99, 10, false],
    [0, 0, false],
    [0.01, 0, true],
  ];
  for (const [spend, hard, reached] of cases) it(`${spend} of ${hard}`, () => assert.equal(hardLimitReached(spend, hard), reached));
});

describe('timeCost', () => {
  it('prices agents × hours × rate per role, skipping free roles', () => {
    const lines = timeCost({ supervisor: 1, worker: 4, specialist: 2 }, { supervisor: 0.5, worker: 0.1, specialist: 0 }, at('2025-03-10T00:00:00Z'), at('2025-03-10T00:30:00Z'));
    assert.deepEqual(lines, [
      { role: 'supervisor', agents: 1, hours: 0.5, amount: 0.25 },
      { role: 'worker', agents: 4, hours: 0.5, amount: 0.2 },
    ]);
  });
  it('nothing for an empty or backwards interval', () => {
    assert.deepEqual(timeCost({ worker: 1 }, { worker: 1 }, at('2025-03-10T01:00:00Z'), at('2025-03-10T00:00:00Z')), []);
  });
});

describe('budgetMaxWorkers', () => {
  const base = { hardLimit: 10, spent: 0, reserved: 0, currentTarget: 3, workerRate: 0.1, otherRatePerHour: 0.5, hoursLeft: 10 };
  const cases: [string, Partial<typeof base>, number | undefined][] = [
    ['hard limit reached: the current target', { spent: 10 }, 3],
    ['free workers: no cap', { workerRate: 0 }, undefined],
    ['(10 - 0.5×10) / (0.1×10) = 5', {}, 5],
    ['reservations count', { reserved: 2 }, 3],
    ['never negative', { spent: 9.9 }, 0],
  ];
  for (const [name, patch, expected] of cases) it(name, () => assert.equal(budgetMaxWorkers({ ...base, ...patch }), expected));
});

describe('budgetAlertLevels', () => {
  const cases: [string, number, number, string[]][] = [
    ['below everything', 1, 2, []],
    ['soft reached', 5, 6, ['soft']],
    ['forecast over hard', 2, 12, ['forecast']],
    ['soft and forecast', 6, 12, ['soft', 'forecast']],
    ['hard reached', 10, 20, ['soft', 'hard']],
    ['nothing spent', 0, 0, []],
  ];
  for (const [name, spend, forecast, levels] of cases) it(name, () => assert.deepEqual(budgetAlertLevels(spend, forecast, 5, 10), levels));
});
