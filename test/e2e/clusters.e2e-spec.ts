import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Client } from 'pg';
import { waitFor } from '../harness/process';
import { TestSystem } from '../harness/system';

interface AgentRow {
  id: string;
  name: string;
  role: string;
  status: string;
  definition_name: string | null;
  spawn_key: string;
  reports_to_id: string | null;
  genesis_agent_id: string | null;
}

async function rows(url: string, clusterId: string): Promise<AgentRow[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query('SELECT * FROM cluster_agents WHERE cluster_id = $1 ORDER BY created_at', [clusterId])).rows;
  } finally {
    await c.end();
  }
}

const live = (r: AgentRow[]) => r.filter((a) => ['spawning', 'idle', 'busy'].includes(a.status));
const liveWorkers = (r: AgentRow[]) => live(r).filter((a) => a.role === 'worker');

describe('clusters e2e: the marketing-v1 lifecycle', () => {
  const sys = new TestSystem('clusters');
  let id: string;

  before(async () => {
    await sys.start();
  });
  after(async () => {
    await sys.stop();
  });

  const settled = (status: string, target?: number) =>
    waitFor(async () => {
      const c = (await sys.call('GET', `/api/clusters/${id}`)).body;
      return c.status === status && (target === undefined || c.current_workers === target) ? c : undefined;
    }, 30000, `cluster ${status}${target === undefined ? '' : ` with ${target} workers`}`);

  it('creates the seed cluster (201, Location) and replays it for the same Idempotency-Key', async () => {
    const body = { blueprint_id: 'marketing-v1', name: 'Test Marketing Cluster', type: 'department', target_workers: 3 };
    const res = await sys.call('POST', '/api/clusters', { body, headers: { 'Idempotency-Key': 'seed-1' } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    id = res.body.id;
    assert.equal(res.headers.get('location'), `/api/clusters/${id}`);
    assert.equal(res.body.status, 'spawning');
    const again = await sys.call('POST', '/api/clusters', { body, headers: { 'Idempotency-Key': 'seed-1' } });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, id);
    const other = await sys.call('POST', '/api/clusters', { body: { ...body, target_workers: 4 }, headers: { 'Idempotency-Key': 'seed-1' } });
    assert.equal(other.status, 422);
    assert.equal((await sys.call('GET', '/api/clusters?blueprint_id=marketing-v1')).body.total, 1);
  });

  it('spawns supervisor, specialists and 3 workers, linked by reports_to', async () => {
    const c = await settled('active', 3);
    assert.ok(c.started_at);
    assert.equal(c.agents_count, 7);
    const r = await rows(sys.db.url, id);
    assert.equal(r.filter((a) => a.role === 'supervisor').length, 1);
    assert.equal(r.filter((a) => a.role === 'specialist').length, 3);
    assert.equal(liveWorkers(r).length, 3);
    assert.ok(r.every((a) => a.genesis_agent_id), 'every agent was made by Genesis');

    const h = (await sys.call('GET', `/api/clusters/${id}/hierarchy`)).body;
    assert.equal(h.cluster_name, 'Test Marketing Cluster');
    assert.equal(h.supervisor.name, 'Marketing Supervisor');
    assert.deepEqual(h.supervisor.subordinates.map((s: { name: string }) => s.name).sort(), ['Content Creator', 'Market Analyst', 'Publishing Coordinator']);
    const under = (name: string) => h.supervisor.subordinates.find((s: { name: string }) => s.name === name).subordinates.map((s: { name: string }) => s.name);
    assert.deepEqual(under('Content Creator').sort(), ['Image Generator 1', 'Video Creator 1']);
    assert.deepEqual(under('Publishing Coordinator'), ['Facebook Publisher 1']);
    assert.equal(h.total_agents, 7);
  });

  it('scales to 10 and back to 3 with real agents', async () => {
    const up = await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 10, reason: 'campaign launch' } });
    assert.equal(up.status, 202);
    const c = await settled('active', 10);
    assert.ok(c.last_scaled_at);
    let r = await rows(sys.db.url, id);
    assert.equal(liveWorkers(r).length, 10);
    assert.equal(new Set(live(r).map((a) => a.spawn_key)).size, live(r).length, 'no duplicate slots');
    const perDef = (d: string) => liveWorkers(r).filter((a) => a.definition_name === d).length;
    assert.ok(perDef('Image Generator') <= 5 && perDef('Video Creator') <= 3 && perDef('Facebook Publisher') <= 2);

    await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 3 } });
    await settled('active', 3);
    r = await rows(sys.db.url, id);
    assert.equal(liveWorkers(r).length, 3);
    assert.equal(r.filter((a) => a.status === 'stopped').length, 7);

    const outside = await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 21 } });
    assert.equal(outside.status, 400);
    assert.match(outside.body.message, /between min_workers \(3\) and max_workers \(20\)/);
    const decisions = (await sys.call('GET', `/api/clusters/${id}/scaling-decisions`)).body.decisions;
    assert.equal(decisions[1].reason, 'campaign launch');
    assert.equal(decisions[1].to_workers, 10);
    assert.match(decisions[1].requested_by, /ADMIN_API_KEY/);
  });

  it('hibernates (supervisor stays), refuses to scale while hibernated, and reactivates at min size', async () => {
    assert.equal((await sys.call('POST', `/api/clusters/${id}/hibernate`)).status, 202);
    await settled('hibernated', 0);
    await waitFor(async () => (await rows(sys.db.url, id)).filter((a) => a.status === 'hibernated').length === 3 || undefined, 10000, 'specialists hibernated');
    let r = await rows(sys.db.url, id);
    assert.deepEqual(live(r).map((a) => a.role), ['supervisor']);
    assert.equal((await sys.call('POST', `/api/clusters/${id}/hibernate`)).status, 202, 'a second hibernate is harmless');
    assert.equal((await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 5 } })).status, 409);

    assert.equal((await sys.call('POST', `/api/clusters/${id}/reactivate`)).status, 202);
    const c = await settled('active', 3);
    assert.equal(c.target_workers, 3);
    r = await rows(sys.db.url, id);
    assert.equal(r.filter((a) => a.status === 'hibernated').length, 0);
    assert.equal(live(r).filter((a) => a.role === 'specialist').length, 3);
    assert.equal((await sys.call('POST', `/api/clusters/${id}/reactivate`)).status, 202, 'a second reactivate is harmless');
  });

  it('destroys the cluster (admin only) and stops every agent', async () => {
    const viewer = (await sys.call('POST', '/api/auth/keys', { body: { name: 'operator key', role: 'operator' } })).body.token;
    assert.equal((await sys.call('DELETE', `/api/clusters/${id}`, { token: viewer })).status, 403);
    assert.equal((await sys.call('DELETE', `/api/clusters/${id}`)).status, 202);
    const c = await settled('destroyed');
    assert.ok(c.destroyed_at);
    const r = await rows(sys.db.url, id);
    assert.ok(r.every((a) => a.status === 'stopped'));
    assert.equal((await sys.call('DELETE', `/api/clusters/${id}`)).status, 202, 'a second delete is harmless');
    assert.equal((await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 3 } })).status, 409);
  });

  it('answers 404 for unknown ids and blueprints, 400 for malformed ids and bad bodies', async () => {
    const unknown = '5a6b7c8d-1111-4222-8333-944455556666';
    for (const p of ['', '/agents', '/hierarchy', '/scaling-decisions']) assert.equal((await sys.call('GET', `/api/clusters/${unknown}${p}`)).status, 404, p);
    assert.equal((await sys.call('POST', `/api/clusters/${unknown}/scale`, { body: { target_workers: 3 } })).status, 404);
    assert.equal((await sys.call('GET', '/api/clusters/not-a-uuid')).status, 400);
    assert.equal((await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'no-such-blueprint', name: 'x y z' } })).status, 404);
    const bad = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'ab', target_workers: -1 } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.details.problems.map((p: { path: string }) => p.path).sort(), ['name', 'target_workers']);
    const capacity = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'marketing-v1', name: 'Too many', target_workers: 15 } });
    assert.equal(capacity.status, 400);
    assert.match(capacity.body.message, /worker definitions of blueprint marketing-v1 allow no more/);
  });
});

describe('clusters e2e: concurrency', () => {
  const sys = new TestSystem('clusterscrash', { JOB_LOCK_SECONDS: '3', RECONCILE_INTERVAL_SECONDS: '2' });

  before(async () => {
    await sys.start();
  });
  after(async () => {
    await sys.stop();
  });

  async function createActive(name: string, blueprint: string, target: number): Promise<string> {
    const res = await sys.call('POST', '/api/clusters', { body: { blueprint_id: blueprint, name, target_workers: target } });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    await waitFor(async () => (await sys.call('GET', `/api/clusters/${res.body.id}`)).body.status === 'active' || undefined, 30000, 'active');
    return res.body.id;
  }

  it('serialises 50 concurrent scale requests: the agents converge to the last accepted target', async () => {
    const id = await createActive('Concurrent Marketing', 'marketing-v1', 3);
    const targets = Array.from({ length: 50 }, () => 3 + Math.floor(Math.random() * 12));
    const results = await Promise.all(targets.map((t) => sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: t } })));
    assert.ok(results.every((r) => r.status === 202), JSON.stringify(results.find((r) => r.status !== 202)?.body));
    const final = (await sys.call('GET', `/api/clusters/${id}`)).body.target_workers;
    const decisions = (await sys.call('GET', `/api/clusters/${id}/scaling-decisions?page_size=1`)).body;
    assert.equal(decisions.decisions[0].to_workers, final, 'the last decision logged is the target in force');
    assert.equal(decisions.total, 51);
    const c = await waitFor(async () => {
      const c = (await sys.call('GET', `/api/clusters/${id}`)).body;
      return c.status === 'active' && c.current_workers === final ? c : undefined;
    }, 30000, 'convergence');
    const r = await rows(sys.db.url, id);
    assert.equal(liveWorkers(r).length, final);
    assert.equal(c.current_workers, final);
    assert.equal(new Set(live(r).map((a) => a.spawn_key)).size, live(r).length, 'no duplicate agents');
  });
  // the worker killed in the middle of a 200-worker scale-up: test/reliability/crashes.reliability-spec.ts

});
