import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { conditionHolds, parseAlertCondition } from './alert-condition';

describe('parseAlertCondition', () => {
  const ok: [string, string, string, number][] = [
    ['error_rate > 10%', 'error_rate', '>', 0.1],
    ['task_queue_length > 50', 'queue_length', '>', 50],
    ['load_percentage >= 95%', 'load_percentage', '>=', 95],
    ['  cpu_usage<80 ', 'cpu_usage', '<', 80],
    ['avg_response_ms != 0.5', 'avg_response_ms', '!=', 0.5],
  ];
  for (const [text, field, op, value] of ok) {
    it(text, () => {
      const c = parseAlertCondition(text);
      assert.ok(!('error' in c), JSON.stringify(c));
      assert.equal(c.field, field);
      assert.equal(c.op, op);
      assert.ok(Math.abs(c.value - value) < 1e-12);
    });
  }
  const bad: [string, RegExp][] = [
    ['error_rate >> 10', /not <metric> <op>/],
    ['happiness > 3', /"happiness" is not a metric/],
    ['', /not <metric>/],
    ['error_rate > ten', /not <metric>/],
  ];
  for (const [text, msg] of bad) it(`refuses "${text}"`, () => assert.match((parseAlertCondition(text) as { error: string }).error, msg));
});

describe('conditionHolds', () => {
  const sample = { error_rate: 0.2, queue_length: 10, cpu_usage: null };
  const cases: [string, boolean][] = [
    ['error_rate > 10%', true],
    ['error_rate > 25%', false],
    ['task_queue_length <= 10', true],
    ['task_queue_length < 10', false],
    ['cpu_usage > 1', false], // missing in the sample: never fires
  ];
  for (const [text, holds] of cases) {
    it(`${text} → ${holds}`, () => {
      const c = parseAlertCondition(text);
      assert.ok(!('error' in c));
      assert.equal(conditionHolds(c, sample), holds);
    });
  }
});
