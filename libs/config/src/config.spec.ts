import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives working defaults when nothing is set', () => {
    const c = loadConfig({});
    assert.equal(c.api.port, 3000);
    assert.equal(c.database.url, undefined);
    assert.equal(c.queue.redisUrl, 'redis://127.0.0.1:6379');
    assert.equal(c.queue.backend, 'auto');
    assert.equal(c.auth.anonymousReads, true);
    assert.equal(c.api.bodyLimitBytes, 1024 * 1024);
  });

  it('types and nests the values it reads', () => {
    const c = loadConfig({ PORT: '8081', AUTH_ANONYMOUS_READS: 'false', DATABASE_URL: 'postgres://x@127.0.0.1/db', RATE_LIMIT_MAX: '5' });
    assert.equal(c.api.port, 8081);
    assert.equal(c.auth.anonymousReads, false);
    assert.equal(c.database.url, 'postgres://x@127.0.0.1/db');
    assert.equal(c.rateLimit.max, 5);
  });

  it('lists every bad key with its value, hiding secrets', () => {
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'http://nope', AUTH_ANONYMOUS_READS: 'maybe', ADMIN_API_KEY: 'short', UNRELATED: 'x' });
      assert.fail('expected ConfigError');
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      const text = e.message;
      assert.match(text, /PORT="eighty"/);
      assert.match(text, /REDIS_URL="http:\/\/nope"/);
      assert.match(text, /AUTH_ANONYMOUS_READS="maybe"/);
      assert.match(text, /ADMIN_API_KEY=<hidden>/);
      assert.doesNotMatch(text, /short/);
      assert.doesNotMatch(text, /UNRELATED/);
      assert.equal(new Set(e.problems.map((p) => p.split('=')[0])).size, 4);
    }
  });
});

describe('AGENT_HOURLY_RATES', () => {
  const bad: [string, RegExp][] = [
    ['[1]', /AGENT_HOURLY_RATES/],
    ['{"worker": -1}', /"worker" needs a number >= 0/],
    ['{"worker": "0.1"}', /"worker" needs a number >= 0/],
    ['{"boss": 1}', /"boss" is not a role/],
    ['{nope', /AGENT_HOURLY_RATES/],
  ];
  for (const [raw, msg] of bad) {
    it(`refuses ${raw}`, () => assert.throws(() => loadConfig({ AGENT_HOURLY_RATES: raw }), msg));
  }
  it('defaults every role to free and reads the given rates', () => {
    assert.deepEqual(loadConfig({}).cost.agentHourlyRates, { supervisor: 0, lead: 0, specialist: 0, worker: 0 });
    assert.deepEqual(loadConfig({ AGENT_HOURLY_RATES: '{"supervisor":0.5,"worker":0.1}' }).cost.agentHourlyRates, { supervisor: 0.5, lead: 0, specialist: 0, worker: 0.1 });
  });
  it('checks ALERT_WEBHOOK_URL', () => {
    assert.throws(() => loadConfig({ ALERT_WEBHOOK_URL: 'ftp://x' }), /ALERT_WEBHOOK_URL/);
    assert.equal(loadConfig({ ALERT_WEBHOOK_URL: 'http://127.0.0.1:9/h' }).cost.alertWebhookUrl, 'http://127.0.0.1:9/h');
  });
});
