import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { ADMIN, duplicateAgents, Fleet, stuck } from './fleet';

const CLUSTERS = 20;
// 10,000 by default (the figure the suite promises); RELIABILITY_LOAD_TASKS (a multiple of 20)
// shortens a local run
const TASKS = Number(process.env.RELIABILITY_LOAD_TASKS ?? 10_000);
const PER_CLUSTER = TASKS / CLUSTERS;

describe('reliability: load, 10,000 tasks over 20 clusters and 3 worker processes', () => {
  const fleet = new Fleet('load', {
    apis: 1,
    workers: 3,
    env: {
      LOCAL_LLM_LATENCY_MS: '0',
      WORKER_CONCURRENCY: '20',
      // the local model priced, so that each task carries a cost to add up
      LLM_PRICES: JSON.stringify({ local: { prompt: 0.001, completion: 0.002 } }),
    },
  });
  before(() => fleet.start());
  after(() => fleet.stop());

  it('runs every task once: counters and costs add up', async () => {
    assert.ok(Number.isInteger(PER_CLUSTER) && PER_CLUSTER > 0, `RELIABILITY_LOAD_TASKS=${TASKS} must be a positive multiple of ${CLUSTERS}`);
    const ids: string[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const r = await fleet.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: `Load ${i}`, target_workers: 4 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    for (const id of ids) await fleet.settled(id, 4, 120000);

    const started = Date.now();
    // 32 submitters over the clusters in turn: every answer must be a 201
    let next = 0;
    const statuses = new Map<number, number>();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < TASKS) {
          const n = next++;
          const r = await call(fleet.base, 'POST', `/api/clusters/${ids[n % CLUSTERS]}/tasks`, { token: ADMIN, body: { input: `load task ${n}` } });
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
      }),
    );
    const submitMs = Date.now() - started;
    assert.deepEqual([...statuses], [[201, TASKS]], 'every submission accepted');

    await waitFor(
      async () => (await fleet.query<{ n: number }>(`SELECT count(*)::int AS n FROM tasks WHERE status IN ('queued', 'running')`))[0].n === 0,
      600000,
      'every task to finish',
    );
    const doneMs = Date.now() - started;

    const [t] = await fleet.query<{ total: number; succeeded: number; attempts: number; multi: number; cost: string; errors: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded, sum(attempts)::int AS attempts,
              count(*) FILTER (WHERE attempts <> 1)::int AS multi, sum(cost)::text AS cost, count(error)::int AS errors FROM tasks`,
    );
    assert.equal(t.total, TASKS);
    assert.equal(t.succeeded, TASKS, 'all succeed');
    assert.equal(t.errors, 0, 'no error left on any task');
    assert.equal(t.multi, 0, 'no task ran twice: one attempt each');
    assert.equal(t.attempts, TASKS);

    const [c] = await fleet.query<{ entries: number; tasks: number; twice: number; amount: string }>(
      `SELECT count(*)::int AS entries, count(DISTINCT task_id)::int AS tasks,
              (SELECT count(*)::int FROM (SELECT task_id FROM cost_entries WHERE task_id IS NOT NULL GROUP BY 1 HAVING count(*) > 1) d) AS twice,
              sum(amount)::text AS amount FROM cost_entries WHERE task_id IS NOT NULL`,
    );
    assert.equal(c.entries, TASKS, 'one cost entry per task');
    assert.equal(c.tasks, TASKS);
    assert.equal(c.twice, 0);
    assert.ok(Number(t.cost) > 0, 'the tasks carry a cost');
    assert.equal(Number(c.amount).toFixed(6), Number(t.cost).toFixed(6), 'the cost entries add up to the tasks’ costs');

    // per cluster: the cluster's counter, its agents' counters and the costs endpoint agree
    let apiSpent = 0;
    for (const id of ids) {
      const [row] = await fleet.query<{ completed: number; failed: number; agents: number }>(
        `SELECT c.tasks_completed AS completed, c.tasks_failed AS failed, (SELECT sum(tasks_completed)::int FROM cluster_agents WHERE cluster_id = c.id) AS agents FROM clusters c WHERE c.id = $1`,
        [id],
      );
      assert.deepEqual(row, { completed: PER_CLUSTER, failed: 0, agents: PER_CLUSTER }, `cluster ${id} counters`);
      const costs = (await fleet.call('GET', `/api/clusters/${id}/costs`)).body;
      assert.equal(costs.tasks, PER_CLUSTER, 'the costs endpoint counts every task once');
      apiSpent += Number(costs.tasks_cost);
    }
    assert.ok(Math.abs(apiSpent - Number(t.cost)) < 1e-4, `the costs endpoint adds up (${apiSpent} vs ${t.cost})`);

    const s = await stuck(fleet.dbUrl);
    assert.deepEqual(s, { tasks: 0, spawning: 0, busy: 0, clusters: [] }, 'nothing left running or transitional');
    assert.equal(await duplicateAgents(fleet.dbUrl), 0);
    const agentsUsed = await fleet.query<{ n: number }>(`SELECT count(DISTINCT agent_id)::int AS n FROM tasks`);
    console.log(
      `tried: ${TASKS} tasks over ${CLUSTERS} clusters of 4 workers, 3 worker processes (concurrency 20), 32 concurrent submitters; ` +
        `checked: ${TASKS} x 201 in ${(submitMs / 1000).toFixed(1)} s, all succeeded after ${(doneMs / 1000).toFixed(1)} s, ${t.attempts} attempts, ${c.entries} cost entries (none twice), ` +
        `total cost ${Number(t.cost).toFixed(4)} equal in tasks, cost entries and /costs, per-cluster and per-agent counters ${PER_CLUSTER} each, ${agentsUsed[0].n} agents used, nothing stuck`,
    );
  });
});
