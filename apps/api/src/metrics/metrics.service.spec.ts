import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DataSource } from 'typeorm';
import type { JobProducer } from '#queue';
import type { Runtime } from '#runtime';
import { DB_READ_TIMEOUT_MS, MetricsService, QUEUE_CALL_TIMEOUT_MS } from './metrics.service';
import { routeLabel } from './http-metrics.middleware';

const never = () => new Promise<never>(() => undefined);

type Answer = (sql: string) => Promise<unknown[]>;

/** Database answers by query; counts the transactions (one per query). */
function fakeDb(answer: Answer) {
  const calls = { transactions: 0 };
  const ds = {
    transaction: async (fn: (em: { query: (sql: string) => Promise<unknown> }) => Promise<unknown>) => {
      calls.transactions++;
      return fn({ query: (sql: string) => (sql.startsWith('SET LOCAL') ? Promise.resolve([]) : answer(sql)) });
    },
  };
  return { ds: ds as unknown as DataSource, calls };
}

// a cluster without metric samples: the LEFT JOIN gives nulls
const NO_SAMPLE = Object.fromEntries(
  ['queue_length', 'queue_wait_ms', 'running_tasks', 'tasks_per_minute', 'avg_response_ms', 'error_rate', 'load_percentage', 'cpu_usage', 'memory_usage', 'sample_age_s'].map((k) => [k, null]),
);

const healthyDb: Answer = async (sql) => {
  if (sql.includes('FROM tasks')) return [{ status: 'queued', n: 3 }];
  if (sql.includes('FROM worker_processes')) return [];
  if (sql.includes('scaling_decisions')) return [];
  return [
    { id: 'c1', name: 'One', blueprint_id: 'bp', status: 'active', target_workers: 2, live_workers: 2, ...NO_SAMPLE },
  ];
};

function fakeQueues(answers: Record<string, () => Promise<Record<string, number>>>) {
  const calls: Record<string, number> = {};
  const queues = Object.entries(answers).map(([name, answer]) => ({
    name,
    getJobCounts: () => {
      calls[name] = (calls[name] ?? 0) + 1;
      return answer();
    },
  }));
  return { jobs: { allQueues: () => queues } as unknown as JobProducer, calls };
}

const runtime = { config: { worker: { heartbeatSeconds: 10 } } } as unknown as Runtime;

async function timedScrape(svc: MetricsService) {
  const start = Date.now();
  const { text } = await svc.scrape();
  return { text, ms: Date.now() - start };
}

const errors = (text: string, source: string) => Number(new RegExp(`^brain_scrape_errors_total\\{source="${source}"\\} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);

describe('MetricsService scrape', () => {
  it('reads the database once per scrape, however many gauges use it', async () => {
    const { ds, calls } = fakeDb(healthyDb);
    const svc = new MetricsService(ds, fakeQueues({ spawn: async () => ({ waiting: 1 }) }).jobs, runtime);
    const { text } = await svc.scrape();
    assert.equal(calls.transactions, 4, 'one transaction per query group');
    assert.match(text, /^brain_tasks\{status="queued"\} 3$/m);
    assert.match(text, /^brain_tasks\{status="failed"\} 0$/m);
    assert.match(text, /^brain_cluster_target_workers\{cluster_id="c1",cluster_name="One",blueprint_id="bp"\} 2$/m);
    assert.match(text, /^brain_queue_jobs\{queue="spawn",state="waiting"\} 1$/m);
    assert.match(text, /^brain_queue_jobs\{queue="spawn",state="active"\} 0$/m);
    assert.doesNotMatch(text, /^brain_cluster_queue_length/m, 'no sample, no sample families');
    assert.doesNotMatch(text, /^brain_scrape_errors_total\{/m);
  });

  it('answers within the queue timeout when a queue store call hangs, and does not pile up calls', async () => {
    const { jobs, calls } = fakeQueues({ spawn: async () => ({ waiting: 2 }), tasks: never });
    const svc = new MetricsService(fakeDb(healthyDb).ds, jobs, runtime);
    const first = await timedScrape(svc);
    assert.ok(first.ms < QUEUE_CALL_TIMEOUT_MS + 400, `scrape took ${first.ms} ms`);
    assert.match(first.text, /^brain_queue_jobs\{queue="spawn",state="waiting"\} 2$/m);
    assert.doesNotMatch(first.text, /queue="tasks"/);
    assert.match(first.text, /^brain_tasks\{status="queued"\} 3$/m, 'database families still answered');
    assert.equal(errors(first.text, 'queue'), 1);

    const second = await timedScrape(svc);
    assert.ok(second.ms < 200, `the hanging queue is not waited for again (${second.ms} ms)`);
    assert.deepEqual(calls, { spawn: 2, tasks: 1 });
    assert.equal(errors(second.text, 'queue'), 2);
  });

  it('answers when the database does not answer, with the queue families, and counts the failure', async () => {
    const { ds, calls } = fakeDb(never);
    const svc = new MetricsService(ds, fakeQueues({ spawn: async () => ({ waiting: 5 }) }).jobs, runtime);
    const first = await timedScrape(svc);
    assert.ok(first.ms < DB_READ_TIMEOUT_MS + 400, `scrape took ${first.ms} ms`);
    assert.match(first.text, /^brain_queue_jobs\{queue="spawn",state="waiting"\} 5$/m);
    assert.doesNotMatch(first.text, /^brain_(tasks|cluster_\w+|worker_processes)[{ ]/m, 'database families left out, not stale');
    assert.equal(errors(first.text, 'database'), 1);
    assert.equal(calls.transactions, 1, 'the queries after a hanging one are not started');

    const second = await timedScrape(svc);
    assert.ok(second.ms < 200, `a read still out is not sent again (${second.ms} ms)`);
    assert.equal(calls.transactions, 1);
    assert.equal(errors(second.text, 'database'), 2);
  });

  it('keeps the families of the queries that answered when one fails', async () => {
    const { ds } = fakeDb(async (sql) => {
      if (sql.includes('FROM tasks')) throw new Error('canceling statement due to statement timeout');
      return healthyDb(sql);
    });
    const svc = new MetricsService(ds, fakeQueues({}).jobs, runtime);
    const { text } = await svc.scrape();
    assert.doesNotMatch(text, /^brain_tasks\{/m);
    assert.match(text, /^brain_cluster_live_workers\{cluster_id="c1",cluster_name="One",blueprint_id="bp"\} 2$/m);
    assert.match(text, /^brain_worker_processes 0$/m);
    assert.equal(errors(text, 'database'), 1);
  });
});

describe('routeLabel', () => {
  it('is the route pattern, or "unmatched" when no controller route answered', () => {
    assert.equal(routeLabel({ route: { path: '/api/clusters/:id' }, baseUrl: '' }), '/api/clusters/:id');
    assert.equal(routeLabel({ route: undefined, baseUrl: '' }), 'unmatched');
    // the wildcard route Nest mounts module middleware on
    assert.equal(routeLabel({ route: { path: '{/*splat}' }, baseUrl: '' }), 'unmatched');
  });
});
