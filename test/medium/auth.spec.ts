import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthService } from '../../apps/api/src/auth/auth.service';
import { startApi, RunningApi } from '../harness/api';
import { call as http } from '../harness/http';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { dropPrefix, testPrefix } from '../harness/redis';

const ADMIN = 'test-admin-key-0123456789';

describe('auth: API keys and roles', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('auth');
  const call = (method: string, path: string, token?: string, body?: unknown) => http(api.url, method, path, { token, body });

  before(async () => {
    db = await createTestDatabase('auth');
    api = await startApi(testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN }));
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('accepts ADMIN_API_KEY as an admin key and creates keys that work', async () => {
    const res = await call('POST', '/api/auth/keys', ADMIN, { name: 'ops team', role: 'operator' });
    assert.equal(res.status, 201);
    const key = res.body;
    assert.equal(key.role, 'operator');
    assert.match(key.token, /^brn_/);
    const stored = await api.app.get(AuthService).authenticate(key.token);
    assert.equal(stored?.role, 'operator');
    const rows = await fetchRows(`SELECT key_hash FROM api_keys WHERE id = '${key.id}'`);
    assert.notEqual(rows[0].key_hash, key.token, 'only a hash is stored');
    assert.equal(rows[0].key_hash.length, 64);
  });

  it('answers 401 without a token and with a bad one, 403 with too small a role', async () => {
    assert.equal((await call('GET', '/api/auth/keys')).status, 401);
    const bad = await call('GET', '/api/auth/keys', 'brn_nope');
    assert.equal(bad.status, 401);
    const body = bad.body;
    assert.match(body.message, /invalid or revoked/);
    assert.ok(body.correlation_id);

    const viewer = (await call('POST', '/api/auth/keys', ADMIN, { name: 'dashboards', role: 'viewer' })).body;
    const forbidden = await call('GET', '/api/auth/keys', viewer.token);
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.body.message, /needs the admin role; your key has viewer/);
  });

  it('names the field and the rule in a validation 400 and writes nothing', async () => {
    const before = (await fetchRows('SELECT count(*)::int AS n FROM api_keys'))[0].n;
    const res = await call('POST', '/api/auth/keys', ADMIN, { name: 'x', role: 'superuser', extra: 1 });
    assert.equal(res.status, 400);
    const body = res.body;
    assert.match(body.message, /name must be longer than or equal to 3 characters/);
    assert.match(body.message, /role must be one of admin, operator, viewer/);
    assert.match(body.message, /property extra should not exist/);
    assert.deepEqual(
      body.details.problems.map((p: { path: string }) => p.path).sort(),
      ['extra', 'name', 'role'],
    );
    assert.equal((await fetchRows('SELECT count(*)::int AS n FROM api_keys'))[0].n, before);
  });

  it('revokes keys: 401 from then on; a malformed id is a 400, an unknown one a 404', async () => {
    const k = (await call('POST', '/api/auth/keys', ADMIN, { name: 'temporary', role: 'admin' })).body;
    assert.equal((await call('GET', '/api/auth/keys', k.token)).status, 200);
    assert.equal((await call('DELETE', `/api/auth/keys/${k.id}`, ADMIN)).status, 204);
    assert.equal((await call('GET', '/api/auth/keys', k.token)).status, 401);
    assert.equal((await call('DELETE', `/api/auth/keys/${k.id}`, ADMIN)).status, 404);
    const malformed = await call('DELETE', '/api/auth/keys/not-a-uuid', ADMIN);
    assert.equal(malformed.status, 400);
    assert.match(malformed.body.message, /id must be a UUID/);
  });

  it('creates the first admin key exactly once, even when asked concurrently', async () => {
    const db2 = await createTestDatabase('authfirst');
    const api2 = await startApi(testEnv(db2.url, prefix));
    try {
      const auth = api2.app.get(AuthService);
      const tokens = (await Promise.all([auth.ensureFirstAdminKey(), auth.ensureFirstAdminKey(), auth.ensureFirstAdminKey()])).filter(Boolean);
      assert.equal(tokens.length, 1);
      assert.equal((await auth.authenticate(tokens[0]!))?.role, 'admin');
      assert.equal(await auth.ensureFirstAdminKey(), null);
    } finally {
      await api2.close();
      await db2.drop();
    }
  });

  async function fetchRows(sql: string) {
    const { DataSource } = await import('typeorm');
    return api.app.get(DataSource).query(sql);
  }
});
