import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { EXPORTED_METRICS } from '../../apps/api/src/metrics/metrics.registry';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { dropPrefix, testPrefix } from '../harness/redis';
import { PrivateRedis, startPrivateRedis } from '../harness/redis-server';

const ADMIN = 'prom-admin-key-0123456789';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The sample lines of a text exposition (label values here contain no escaped quotes). */
function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

describe('GET /metrics', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let sql: Client;
  const prefix = testPrefix('prom');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });

  const scrape = async () => {
    const res = await fetch(`${api.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    return { res, text, samples: parseExposition(text) };
  };
  const find = (samples: Sample[], name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  const one = (samples: Sample[], name: string, labels: Record<string, string> = {}) => {
    const found = find(samples, name, labels);
    assert.equal(found.length, 1, `one ${name} ${JSON.stringify(labels)}, found ${JSON.stringify(found)}`);
    return found[0].value;
  };

  before(async () => {
    db = await createTestDatabase('prom');
    api = await startApi(testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, WORKER_HEARTBEAT_SECONDS: '10', LOG_LEVEL: 'error' }));
    sql = new Client({ connectionString: db.url });
    await sql.connect();
  });
  after(async () => {
    await sql.end();
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('answers without a token, in the registry content type, with every exported family declared', async () => {
    const { res, text } = await scrape();
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    for (const m of Object.values(EXPORTED_METRICS)) assert.match(text, new RegExp(`^# TYPE ${m.name} ${m.type}$`, 'm'), `${m.name} is declared`);
    assert.match(text, /^brain_api_process_cpu_user_seconds_total /m, 'default process metrics, prefixed');
    // no clusters and no samples yet: the per-cluster families are declared and empty
    assert.doesNotMatch(text, /^brain_cluster_/m);
  });

  it('exports clusters with their latest sample, tasks, decisions, queues, worker processes and HTTP routes', async () => {
    const created = await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Prom Cluster', target_workers: 4 });
    assert.equal(created.status, 201);
    const id: string = created.body.id;
    assert.equal((await http('GET', `/api/clusters/${id}`)).status, 200);
    const other = await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'No Samples', target_workers: 3 });
    const otherId: string = other.body.id;

    // live workers are counted from cluster_agents: spawning, idle and busy workers only
    const agent = (role: string, status: string, key: string) =>
      sql.query(`INSERT INTO cluster_agents (cluster_id, name, role, status, spawn_key) VALUES ($1, $2, $3, $4, $5)`, [id, key, role, status, key]);
    await agent('supervisor', 'idle', 'def:sup:0');
    await agent('worker', 'idle', 'worker:w:0');
    await agent('worker', 'busy', 'worker:w:1');
    await agent('worker', 'spawning', 'worker:w:2');
    await agent('worker', 'stopped', 'worker:w:old');
    await agent('worker', 'draining', 'worker:w:3');

    const sample = (ageSeconds: number, queueLength: number, waitMs: number | null, load: number) =>
      sql.query(
        `INSERT INTO metric_samples (cluster_id, sampled_at, queue_length, queue_wait_ms, running_tasks, tasks_per_minute, avg_response_ms,
                                     error_rate, live_workers, busy_workers, load_percentage, cpu_usage, memory_usage)
         VALUES ($1, now() - make_interval(secs => $2), $3, $4, 2, 12.5, 1500, 0.25, 3, 1, $5, 41.5, 63)`,
        [id, ageSeconds, queueLength, waitMs, load],
      );
    await sample(120, 99, 99_000, 99); // older: must not be the one exported
    await sample(30, 7, 45_000, 33.3);

    for (const status of ['queued', 'queued', 'running', 'succeeded'])
      await sql.query(`INSERT INTO tasks (cluster_id, status, input) VALUES ($1, $2, 'x')`, [id, status]);
    // an hour and more ago: pruned from the "last hour" gauge
    await sql.query(
      `INSERT INTO scaling_decisions (cluster_id, source, reason_code, from_workers, to_workers, applied, created_at) VALUES ($1, 'autoscaler', 'ScaledUp', 3, 4, true, now() - interval '2 hours')`,
      [id],
    );

    const live = randomUUID();
    const beat = (wid: string, pid: number, secondsAgo: number) =>
      sql.query(
        `INSERT INTO worker_processes (id, hostname, pid, version, queue_backend, started_at, last_seen_at, rss_bytes, cpu_seconds, cpu_percent)
         VALUES ($1, 'host-a', $2, '0.1.0', 'redis', now() - interval '1 hour', now() - make_interval(secs => $3), 123456789, 42.5, 17.5)`,
        [wid, pid, secondsAgo],
      );
    await beat(live, 4242, 2);
    await beat(randomUUID(), 4343, 600); // silent for longer than three periods: not live

    const { samples } = await scrape();
    const labels = { cluster_id: id, cluster_name: 'Prom Cluster', blueprint_id: 'marketing-v1' };

    assert.equal(one(samples, 'brain_cluster_status', labels), 1);
    assert.equal(find(samples, 'brain_cluster_status', labels)[0].labels.status, 'spawning');
    assert.equal(one(samples, 'brain_cluster_target_workers', labels), 4);
    assert.equal(one(samples, 'brain_cluster_live_workers', labels), 3);
    assert.equal(one(samples, 'brain_cluster_queue_length', labels), 7);
    assert.equal(one(samples, 'brain_cluster_oldest_wait_seconds', labels), 45);
    assert.equal(one(samples, 'brain_cluster_running_tasks', labels), 2);
    assert.equal(one(samples, 'brain_cluster_tasks_per_minute', labels), 12.5);
    assert.equal(one(samples, 'brain_cluster_avg_response_seconds', labels), 1.5);
    assert.equal(one(samples, 'brain_cluster_error_rate', labels), 0.25);
    assert.equal(one(samples, 'brain_cluster_load_percentage', labels), 33.3);
    assert.equal(one(samples, 'brain_cluster_cpu_usage', labels), 41.5);
    assert.equal(one(samples, 'brain_cluster_memory_usage', labels), 63);
    const age = one(samples, 'brain_cluster_sample_age_seconds', labels);
    assert.ok(age >= 29 && age < 60, `sample age ${age}`);

    // a cluster without samples has its row families, not the sample ones
    assert.equal(one(samples, 'brain_cluster_target_workers', { cluster_id: otherId }), 3);
    assert.equal(one(samples, 'brain_cluster_live_workers', { cluster_id: otherId }), 0);
    assert.deepEqual(find(samples, 'brain_cluster_queue_length', { cluster_id: otherId }), []);

    assert.equal(one(samples, 'brain_tasks', { status: 'queued' }), 2);
    assert.equal(one(samples, 'brain_tasks', { status: 'running' }), 1);
    assert.equal(one(samples, 'brain_tasks', { status: 'succeeded' }), 1);
    assert.equal(one(samples, 'brain_tasks', { status: 'failed' }), 0);

    assert.equal(one(samples, 'brain_scaling_decisions_last_hour', { source: 'manual', reason_code: 'Created' }), 2);
    assert.deepEqual(find(samples, 'brain_scaling_decisions_last_hour', { reason_code: 'ScaledUp' }), []);

    // creating the clusters enqueued their spawn jobs (no worker runs here)
    assert.equal(one(samples, 'brain_queue_jobs', { queue: 'spawn', state: 'waiting' }), 2);
    assert.equal(find(samples, 'brain_queue_jobs', { state: 'prioritized' }).length, 6, 'every queue');

    assert.equal(one(samples, 'brain_worker_processes'), 1);
    const w = { worker_id: live, hostname: 'host-a', pid: '4242' };
    assert.equal(one(samples, 'brain_worker_rss_bytes', w), 123456789);
    assert.equal(one(samples, 'brain_worker_cpu_percent', w), 17.5);
    assert.equal(one(samples, 'brain_worker_cpu_seconds', w), 42.5);
    const beatAge = one(samples, 'brain_worker_heartbeat_age_seconds', w);
    assert.ok(beatAge >= 1.5 && beatAge < 30, `heartbeat age ${beatAge}`);
    assert.equal(find(samples, 'brain_worker_rss_bytes').length, 1, 'only live processes');

    // route patterns, never raw ids
    assert.equal(one(samples, 'brain_http_requests_total', { method: 'GET', route: '/api/clusters/:id', status: '200' }), 1);
    assert.equal(one(samples, 'brain_http_requests_total', { method: 'POST', route: '/api/clusters', status: '201' }), 2);
    assert.equal(one(samples, 'brain_http_request_duration_seconds_count', { method: 'GET', route: '/api/clusters/:id', status: '200' }), 1);
    assert.ok(samples.every((s) => !Object.values(s.labels).some((v) => v.includes(`/api/clusters/${id}`))), 'no raw path in any label');
  });

  it('labels requests no route matched as one series, and drops clusters once destroyed', async () => {
    await call(api.url, 'GET', `/api/no-such-thing/${randomUUID()}`);
    await call(api.url, 'GET', `/api/no-such-thing/${randomUUID()}`);
    const { rows } = await sql.query<{ id: string }>(`SELECT id FROM clusters WHERE name = 'No Samples'`);
    await sql.query(`UPDATE clusters SET status = 'destroyed' WHERE id = $1`, [rows[0].id]);

    const { samples } = await scrape();
    assert.equal(one(samples, 'brain_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 2);
    assert.deepEqual(find(samples, 'brain_cluster_target_workers', { cluster_id: rows[0].id }), []);
    assert.equal(find(samples, 'brain_cluster_target_workers').length, 1);
    // the scrape request of the test before was counted too
    assert.ok(one(samples, 'brain_http_requests_total', { method: 'GET', route: '/metrics', status: '200' }) >= 2);
    assert.deepEqual(find(samples, 'brain_scrape_errors_total'), [], 'no source failed');
  });
});

// SIGSTOP on a Redis of the test's own: connections stay open and nothing answers. The scrape must
// still answer, within the queue timeout, with the database families.
describe('GET /metrics with Redis frozen', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let redis: PrivateRedis;
  const prefix = testPrefix('promfrozen');

  before(async () => {
    redis = await startPrivateRedis();
    db = await createTestDatabase('promfrozen');
    api = await startApi(testEnv(db.url, prefix, { REDIS_URL: redis.url, QUEUE_BACKEND: 'redis', LOG_LEVEL: 'fatal' }));
  });
  after(async () => {
    redis?.thaw();
    await api?.close();
    await redis?.stop();
    await db?.drop();
  });

  it('answers without the queue families, counts the failure, and has them back after the thaw', async () => {
    const timedScrape = async () => {
      const start = performance.now();
      const res = await fetch(`${api.url}/metrics`);
      return { status: res.status, samples: parseExposition(await res.text()), ms: performance.now() - start };
    };
    const warm = await timedScrape();
    assert.equal(warm.samples.filter((s) => s.name === 'brain_queue_jobs').length, 36);

    redis.freeze();
    for (let i = 0; i < 2; i++) {
      const frozen = await timedScrape();
      assert.equal(frozen.status, 200);
      assert.ok(frozen.ms < 1500, `scrape ${i + 1} took ${Math.round(frozen.ms)} ms with Redis frozen`);
      assert.deepEqual(frozen.samples.filter((s) => s.name === 'brain_queue_jobs'), [], 'queue families left out, not stale');
      assert.ok(frozen.samples.some((s) => s.name === 'brain_tasks'), 'database families still answered');
      assert.deepEqual(
        frozen.samples.filter((s) => s.name === 'brain_scrape_errors_total').map((s) => [s.labels.source, s.value]),
        [['queue', i + 1]],
      );
    }

    redis.thaw();
    // the calls sent while frozen settle first; then the queues are asked again
    let back = await timedScrape();
    for (let i = 0; i < 20 && !back.samples.some((s) => s.name === 'brain_queue_jobs'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      back = await timedScrape();
    }
    assert.equal(back.samples.filter((s) => s.name === 'brain_queue_jobs').length, 36);
  });
});
