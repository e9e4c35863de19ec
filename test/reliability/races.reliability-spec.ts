import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { call, HttpResult } from '../harness/http';
import { waitFor } from '../harness/process';
import { ADMIN, duplicateAgents, Fleet, stuck } from './fleet';

const CLUSTERS = 10;
const SCALES = 200;

type Decision = { source: string; reason_code: string; to_workers: number; applied: boolean; created_at: string };

describe('reliability: races, 200 concurrent scales over 10 clusters with hibernate, reactivate and the autoscaler', () => {
  const fleet = new Fleet('races', {
    workers: 2,
    env: {
      AUTOSCALE_INTERVAL_SECONDS: '1',
      METRICS_INTERVAL_SECONDS: '1',
      RECONCILE_INTERVAL_SECONDS: '2',
      LOCAL_LLM_LATENCY_MS: '300',
      WORKER_CONCURRENCY: '20',
    },
  });
  before(async () => {
    await fleet.start();
    // an autoscaler that acts within the test: up above 4 queued, down below 1, 2 s cooldown
    const yaml = fs
      .readFileSync(path.join(blueprintsDir(), 'marketing-v1.yaml'), 'utf8')
      .replace('id: marketing-v1', 'id: marketing-racy')
      .replace('scale_up_threshold: 10', 'scale_up_threshold: 4')
      .replace('scale_down_threshold: 2', 'scale_down_threshold: 1')
      .replace('cooldown_period: 300', 'cooldown_period: 2');
    const r = await fleet.call('POST', '/api/blueprints', { body: { id: 'marketing-racy', name: 'Racy', version: '1.0.0', blueprint_yaml: yaml } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
  });
  after(() => fleet.stop());

  it('ends each cluster at its last accepted target: no duplicates, no 5xx, nothing transitional', async () => {
    const ids: string[] = [];
    for (let i = 0; i < CLUSTERS; i++) {
      const r = await fleet.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-racy', name: `Race ${i}`, min_workers: 1, max_workers: 12, target_workers: 3 } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
    // Settled at whatever target holds now: the autoscaler (ticking every second) may already have
    // scaled an idle cluster down towards its minimum before a slow machine finished spawning.
    for (const id of ids) {
      await waitFor(
        async () => {
          const c = (await fleet.call('GET', `/api/clusters/${id}`)).body;
          return c.status === 'active' && c.current_workers === c.target_workers;
        },
        90000,
        `cluster ${id} active at its target`,
      );
    }
    // work for the autoscaler to react to
    for (const id of ids) for (let k = 0; k < 8; k++) await fleet.call('POST', `/api/clusters/${id}/tasks`, { body: { input: `race work ${k}` } });

    const ops: Array<{ op: string; id: string; target?: number }> = [];
    for (let i = 0; i < SCALES; i++) ops.push({ op: 'scale', id: ids[i % CLUSTERS], target: 1 + Math.floor(Math.random() * 12) });
    // fewer hibernates than reactivates: a hibernated cluster refuses scales (409), and most of the
    // storm should be scales racing each other
    for (let i = 0; i < 15; i++) ops.push({ op: i % 3 ? 'reactivate' : 'hibernate', id: ids[Math.floor(Math.random() * CLUSTERS)] });
    ops.sort(() => Math.random() - 0.5);
    const started = Date.now();
    const results: Array<{ op: string; r: HttpResult }> = await Promise.all(
      ops.map(async (o) => ({
        op: o.op,
        r: await call(fleet.base, 'POST', `/api/clusters/${o.id}/${o.op}`, { token: ADMIN, body: o.op === 'scale' ? { target_workers: o.target } : undefined }),
      })),
    );
    const stormMs = Date.now() - started;
    const tally = new Map<string, number>();
    for (const { op, r } of results) tally.set(`${op} ${r.status}`, (tally.get(`${op} ${r.status}`) ?? 0) + 1);
    // a scale of a hibernated cluster is a 409 (wake it first); nothing else may be refused, and no 5xx
    const bad = results.filter(({ op, r }) => !(r.status === 202 || (op === 'scale' && r.status === 409 && /hibernated/.test(r.body.message))));
    assert.deepEqual(
      bad.map(({ op, r }) => `${op}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`),
      [],
    );

    // let the autoscaler tick through the storm a little longer, then pause it so the state can settle
    await new Promise((r) => setTimeout(r, 3000));
    for (const id of ids) assert.equal((await fleet.call('PUT', `/api/clusters/${id}`, { body: { autoscaling_enabled: false } })).status, 200);

    const settled = await waitFor(
      async () => {
        const cs = await Promise.all(ids.map(async (id) => (await fleet.call('GET', `/api/clusters/${id}`)).body));
        return cs.every((c) => ['active', 'hibernated'].includes(c.status) && c.current_workers === c.target_workers) ? cs : undefined;
      },
      120000,
      'every cluster at rest at its target',
    );
    const sources = new Map<string, number>();
    for (const c of settled) {
      const log: Decision[] = (await fleet.call('GET', `/api/clusters/${c.id}/scaling-decisions?page_size=100`)).body.decisions;
      for (const d of log) sources.set(`${d.source}/${d.reason_code}`, (sources.get(`${d.source}/${d.reason_code}`) ?? 0) + 1);
      // the newest decision that changed the target is the target in force
      const last = log.find((d) => d.applied);
      assert.ok(last, 'decisions were logged');
      assert.equal(c.target_workers, last.to_workers, `cluster ${c.name}: target ${c.target_workers}, last applied decision ${JSON.stringify(last)}`);
      const [{ live }] = await fleet.query<{ live: number }>(`SELECT count(*)::int AS live FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' AND status IN ('spawning', 'idle', 'busy')`, [c.id]);
      assert.equal(live, c.target_workers, `cluster ${c.name}: live workers`);
    }
    assert.equal(await duplicateAgents(fleet.dbUrl), 0, 'no duplicate agents');
    await waitFor(async () => (await stuck(fleet.dbUrl)).busy === 0 && (await stuck(fleet.dbUrl)).spawning === 0, 30000, 'no agent in transition');
    const s = await stuck(fleet.dbUrl);
    assert.deepEqual(s.clusters, [], 'no cluster in a transitional status');
    console.log(
      `tried: ${SCALES} concurrent scales with random targets 1..12 over ${CLUSTERS} clusters, mixed with 5 hibernates and 10 reactivates, autoscaler ticking every 1 s with 8 tasks per cluster, 2 worker processes; ` +
        `checked: answers ${[...tally].sort().map(([k, n]) => `${n} x ${k}`).join(', ')} in ${stormMs} ms, no 5xx; every cluster settled (${settled.map((c) => `${c.status} ${c.target_workers}`).join(', ')}) at the target of its last applied decision, live workers equal to it, ` +
        `no duplicate agents, nothing transitional; decisions: ${[...sources].sort().map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
  });
});
