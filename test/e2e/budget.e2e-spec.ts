import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { waitFor } from '../harness/process';
import { TestSystem } from '../harness/system';

/** marketing-v1 with a budget section and small max_tokens, so a task's estimate is close to its cost. */
function budgetBlueprint(): string {
  return (
    fs
      .readFileSync(path.join(blueprintsDir(), 'marketing-v1.yaml'), 'utf8')
      .replace('id: marketing-v1', 'id: marketing-budget')
      .replace(/max_tokens: \d+/g, 'max_tokens: 64')
      .replace(/\nbudget:\n(  .*\n)+/, '\nbudget:\n  currency: EUR\n  period: month\n  soft_limit: 100\n  hard_limit: 200\n')
  );
}

type Alert = { kind: string; level: string; message: string; cluster_id: string };

describe('budget e2e: reservation, soft and hard limits, alerts and the webhook', () => {
  const hooks: Alert[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as Alert);
      res.end('ok');
    });
  });
  let sys: TestSystem;

  before(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    sys = new TestSystem('budget', {
      // the offline model costs 1 per 1,000 tokens, prompt and completion
      LLM_PRICES: '{"local":{"prompt":1,"completion":1}}',
      AGENT_HOURLY_RATES: '{"supervisor":0.36}',
      ALERT_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
      METRICS_INTERVAL_SECONDS: '1',
      RECONCILE_INTERVAL_SECONDS: '2',
      LOCAL_LLM_LATENCY_MS: '400',
      WORKER_CONCURRENCY: '30',
    });
    await sys.start();
  });
  after(async () => {
    await sys.stop();
    server.close();
  });

  const costs = async (id: string) => (await sys.call('GET', `/api/clusters/${id}/costs`)).body;

  it('validates budgets and gives a blueprint budget at creation', async () => {
    const up = await sys.call('POST', '/api/blueprints', { body: { id: 'marketing-budget', name: 'Budget', version: '1.0.0', blueprint_yaml: budgetBlueprint() } });
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-budget', name: 'From blueprint', target_workers: 3 } })).body;
    const b = await sys.call('GET', `/api/clusters/${c.id}/budget`);
    assert.equal(b.status, 200);
    assert.deepEqual({ ...b.body, updated_at: undefined }, { cluster_id: c.id, currency: 'EUR', period: 'month', soft_limit: 100, hard_limit: 200, updated_at: undefined });

    const bad: [Record<string, unknown>, RegExp][] = [
      [{ currency: 'USD', period: 'day', soft_limit: 5, hard_limit: 4 }, /soft_limit.*<= hard_limit/],
      [{ currency: 'USD', period: 'year', soft_limit: 1, hard_limit: 4 }, /period must be one of day, week, month/],
      [{ currency: 'US', period: 'day', soft_limit: 1, hard_limit: 4 }, /currency/],
      [{ currency: 'USD', period: 'day', soft_limit: -1, hard_limit: 4 }, /soft_limit must be >= 0/],
    ];
    for (const [body, msg] of bad) {
      const r = await sys.call('PUT', `/api/clusters/${c.id}/budget`, { body });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match(JSON.stringify(r.body), msg);
    }
    const anon = await sys.call('PUT', `/api/clusters/${c.id}/budget`, { token: '', body: { currency: 'USD', period: 'day', soft_limit: 1, hard_limit: 2 } });
    assert.equal(anon.status, 401);
  });

  it('never overshoots the hard limit with 20 tasks at once, raises the soft alert once, then refuses work at the hard limit', async () => {
    const c = (await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-budget', name: 'Budgeted', target_workers: 10 } })).body;
    await waitFor(async () => ((await sys.call('GET', `/api/clusters/${c.id}`)).body.status === 'active' ? true : undefined), 30000, 'active');
    // ~700 words: with the agent's system prompt and 64 completion tokens a task costs about 1 EUR
    const input = Array.from({ length: 700 }, (_, i) => `word${i % 50}`).join(' ');
    const hard = 5.5;
    const put = await sys.call('PUT', `/api/clusters/${c.id}/budget`, { body: { currency: 'EUR', period: 'day', soft_limit: 2, hard_limit: hard } });
    assert.equal(put.status, 200, JSON.stringify(put.body));

    const submitted = await Promise.all(Array.from({ length: 20 }, () => sys.call('POST', `/api/clusters/${c.id}/tasks`, { body: { input } })));
    for (const r of submitted) assert.equal(r.status, 201, JSON.stringify(r.body));

    // settled: nothing running, the same number finished for a few seconds
    let last = -1;
    let stable = 0;
    await waitFor(
      async () => {
        const list = (await sys.call('GET', `/api/clusters/${c.id}/tasks?page_size=100`)).body.tasks as { status: string }[];
        const done = list.filter((t) => t.status === 'succeeded').length;
        const running = list.filter((t) => t.status === 'running').length;
        stable = done === last && running === 0 && done > 0 ? stable + 1 : 0;
        last = done;
        return stable >= 4 ? true : undefined;
      },
      60000,
      'the budget to stop dispatching',
    );
    const spent = await costs(c.id);
    assert.ok(spent.tasks > 0 && spent.tasks < 20, `some but not all tasks ran (${spent.tasks})`);
    assert.ok(spent.tasks_cost <= hard + 1e-9, `tasks cost ${spent.tasks_cost} within the hard limit ${hard}`);
    assert.equal(spent.reserved, 0, 'every reservation is settled');
    assert.ok(spent.cost_per_task > 0.5, `a task costs about 1 EUR (${spent.cost_per_task})`);
    assert.equal(spent.by_model[0].model, 'local');
    assert.ok(spent.by_role.some((r: { role: string }) => r.role === 'worker'));
    assert.ok(spent.forecast >= spent.spent);
    const queued = ((await sys.call('GET', `/api/clusters/${c.id}/tasks?status=queued&page_size=100`)).body.tasks as unknown[]).length;
    assert.equal(queued, 20 - spent.tasks, 'the rest stays queued');

    // the soft limit (2) is passed: one alert, stored, listed, and POSTed once
    const soft = await waitFor(
      async () => ((await sys.call('GET', `/api/alerts?cluster_id=${c.id}`)).body.alerts as Alert[]).find((a) => a.level === 'soft'),
      20000,
      'the soft alert',
    );
    assert.equal(soft.kind, 'budget');
    assert.match(soft.message, /soft limit reached/);
    await waitFor(async () => hooks.find((h) => h.cluster_id === c.id && h.level === 'soft'), 10000, 'the soft webhook');
    await new Promise((r) => setTimeout(r, 3000)); // three more ticks
    assert.equal(hooks.filter((h) => h.cluster_id === c.id && h.level === 'soft').length, 1, 'the webhook hears of it once');

    // lower the hard limit below the spend: new tasks and scale-ups are refused with 402
    await sys.call('PUT', `/api/clusters/${c.id}/budget`, { body: { currency: 'EUR', period: 'day', soft_limit: 1, hard_limit: 1 } });
    const refused = await sys.call('POST', `/api/clusters/${c.id}/tasks`, { body: { input: 'one more' } });
    assert.equal(refused.status, 402, JSON.stringify(refused.body));
    assert.equal(refused.body.code, 'BUDGET_EXCEEDED');
    assert.match(refused.body.message, /daily budget \(hard limit 1\.00 EUR\) is reached: \d+\.\d\d EUR spent/);
    const scale = await sys.call('POST', `/api/clusters/${c.id}/scale`, { body: { target_workers: 12 } });
    assert.equal(scale.status, 402, JSON.stringify(scale.body));
    assert.match(scale.body.message, /hard limit 1\.00 EUR/);
    assert.equal((await sys.call('POST', `/api/clusters/${c.id}/scale`, { body: { target_workers: 9 } })).status, 202, 'scaling down is allowed');

    // the autoscaler may not scale up: BudgetCapped
    const ev = await sys.call('POST', `/api/clusters/${c.id}/scaling/evaluate`, { body: { last_scaled_at: '2020-01-01T00:00:00Z', metrics: { queue_length: 100 } } });
    assert.equal(ev.status, 200);
    assert.equal(ev.body.reason_code, 'BudgetCapped', JSON.stringify(ev.body));
    assert.equal(ev.body.target_workers, 9);

    // the hard alert, and the time cost of the supervisor
    await waitFor(async () => hooks.find((h) => h.cluster_id === c.id && h.level === 'hard'), 20000, 'the hard webhook');
    const after = await costs(c.id);
    assert.ok(after.time_cost > 0, 'the supervisor accrues time cost');
    assert.ok(after.by_role.some((r: { role: string; time_cost: number }) => r.role === 'supervisor' && r.time_cost > 0));
    assert.equal(after.hard_limit_reached, true);
    const listed = (await sys.call('GET', `/api/alerts?cluster_id=${c.id}&page_size=10`)).body;
    assert.ok(listed.total >= 2);
    const times = (listed.alerts as { created_at: string }[]).map((a) => Date.parse(a.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
  });
});
