// The operator web surfaces of the api over HTTP: the OpenAPI document (every operation tagged, with
// a response schema and, for bodies, a request schema and example; the bearer scheme is an API key),
// the console's static files and vendored libraries, and the queue dashboard's admin check (bearer
// key or the login form's /admin-only cookie; a revoked key stops at once).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LOGIN_ATTEMPTS_PER_MINUTE } from '../../apps/api/src/admin/queue-dashboard';
import { API_TAGS, REQUEST_EXAMPLES } from '../../apps/api/src/docs/openapi';
import { startApi, RunningApi } from '../harness/api';
import { call as http, Json } from '../harness/http';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { dropPrefix, testPrefix } from '../harness/redis';
import { QueueName } from '#queue';

const ADMIN = 'web-admin-key-0123456789abcdef';
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

describe('operator web: OpenAPI document, console files, queue dashboard', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('opweb');
  const call = (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => http(api.url, method, path, opts);

  before(async () => {
    db = await createTestDatabase('opweb');
    api = await startApi(testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN }));
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  describe('OpenAPI document at /api/docs-json', () => {
    let doc: Json;
    before(async () => {
      const res = await call('GET', '/api/docs-json');
      assert.equal(res.status, 200);
      doc = res.body;
    });

    /** Every operation as [label, operation]. */
    const operations = (): [string, Json][] =>
      Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) => METHODS.filter((m) => item[m]).map((m): [string, Json] => [`${m.toUpperCase()} ${path}`, item[m]]));

    it('describes the bearer scheme as an API key (not a JWT) and says how to get one', () => {
      const scheme = doc.components.securitySchemes.bearer;
      assert.equal(scheme.type, 'http');
      assert.equal(scheme.scheme, 'bearer');
      assert.equal(scheme.bearerFormat, 'API key');
      assert.match(scheme.description, /npm run keys -- create/);
    });

    it('gives every operation a known tag and a 2xx response with a schema', () => {
      const known = new Set(API_TAGS.map((t) => t.name));
      assert.deepEqual(new Set((doc.tags as { name: string }[]).map((t) => t.name)), known);
      const problems: string[] = [];
      for (const [label, op] of operations()) {
        if (!op.tags?.length || !op.tags.every((t: string) => known.has(t))) problems.push(`${label}: tags ${JSON.stringify(op.tags)}`);
        const ok = Object.entries(op.responses as Record<string, Json>).filter(([code]) => code.startsWith('2'));
        if (!ok.length) problems.push(`${label}: no 2xx response`);
        for (const [code, r] of ok) {
          if (code === '204') continue;
          const schemas = Object.values((r.content ?? {}) as Record<string, Json>).map((c) => c.schema);
          // a bare {type: object} says nothing about the answer
          if (!schemas.length || schemas.some((s) => !s || (s.type === 'object' && !s.properties && !s.$ref))) problems.push(`${label}: ${code} has no response schema`);
        }
      }
      assert.deepEqual(problems, []);
      assert.ok(operations().length >= 45, `only ${operations().length} operations`);
    });

    it('gives every request body a schema and an example', () => {
      const problems: string[] = [];
      let bodies = 0;
      for (const [label, op] of operations()) {
        if (!op.requestBody) continue;
        bodies++;
        const json = op.requestBody.content?.['application/json'];
        if (!json?.schema?.$ref) problems.push(`${label}: no request schema`);
        if (json?.example === undefined) problems.push(`${label}: no example`);
      }
      assert.deepEqual(problems, []);
      assert.equal(bodies, Object.keys(REQUEST_EXAMPLES).length, 'an example for an operation that does not exist');
    });

    it('shows the document in Swagger UI at /api/docs', async () => {
      const res = await fetch(`${api.url}/api/docs`);
      assert.equal(res.status, 200);
      assert.match(await res.text(), /swagger-ui/);
    });
  });

  describe('console at /console', () => {
    it('serves its page, its modules and its libraries from node_modules', async () => {
      const page = await fetch(`${api.url}/console/`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      const html = await page.text();
      assert.doesNotMatch(html, /https?:\/\//, 'nothing is loaded from another origin');
      for (const src of [...html.matchAll(/(?:src|href)="([^"#]+)"/g)].map((m) => m[1]).filter((s) => !/^(\/|#|data:)/.test(s))) {
        const res = await fetch(`${api.url}/console/${src}`);
        assert.equal(res.status, 200, src);
        assert.ok((await res.arrayBuffer()).byteLength > 100, `${src} is not empty`);
      }
      for (const mod of ['app.js', 'api.js', 'dom.js']) assert.equal((await fetch(`${api.url}/console/${mod}`)).status, 200, mod);
    });

    it('serves only the listed vendor files, nothing else from node_modules', async () => {
      assert.equal((await fetch(`${api.url}/console/vendor/uplot/package.json`)).status, 404);
      assert.equal((await fetch(`${api.url}/console/vendor/uplot/..%2F..%2Fpackage.json`)).status, 404);
      assert.equal((await fetch(`${api.url}/console/vendor/unknown/x.js`)).status, 404);
    });
  });

  describe('queue dashboard at /admin/queues', () => {
    it('answers 401 without credentials, 403 for a key below admin, 200 for a bearer admin key', async () => {
      const none = await call('GET', '/admin/queues/api/queues');
      assert.equal(none.status, 401);
      assert.match(none.body.message, /authentication required/);
      const operator = (await call('POST', '/api/auth/keys', { token: ADMIN, body: { name: 'ops', role: 'operator' } })).body.token;
      const forbidden = await call('GET', '/admin/queues/api/queues', { token: operator });
      assert.equal(forbidden.status, 403);
      assert.match(forbidden.body.message, /needs the admin role; your key has operator/);
      assert.equal((await call('GET', '/admin/queues/api/queues', { token: 'brn_nope' })).status, 401);

      const ok = await call('GET', '/admin/queues/api/queues', { token: ADMIN });
      assert.equal(ok.status, 200);
      assert.deepEqual((ok.body.queues as { name: string }[]).map((q) => q.name).sort(), Object.values(QueueName).sort());
    });

    it('shows a browser the login form (401) and refuses a non-admin key there (403)', async () => {
      const page = await fetch(`${api.url}/admin/queues`, { headers: { accept: 'text/html' } });
      assert.equal(page.status, 401);
      assert.match(await page.text(), /<form method="post" action="\/admin\/login">/);
      const viewer = (await call('POST', '/api/auth/keys', { token: ADMIN, body: { name: 'watcher', role: 'viewer' } })).body.token;
      const res = await fetch(`${api.url}/admin/login`, { method: 'POST', body: new URLSearchParams({ key: viewer }), redirect: 'manual' });
      assert.equal(res.status, 403);
      assert.equal(res.headers.get('set-cookie'), null);
    });

    it('logs in through the form: an HttpOnly SameSite=Strict cookie for /admin only, dropped at once when the key is revoked', async () => {
      const made = (await call('POST', '/api/auth/keys', { token: ADMIN, body: { name: 'queue admin', role: 'admin' } })).body;
      const login = await fetch(`${api.url}/admin/login`, { method: 'POST', body: new URLSearchParams({ key: made.token }), redirect: 'manual' });
      assert.equal(login.status, 303);
      assert.equal(login.headers.get('location'), '/admin/queues');
      const setCookie = login.headers.get('set-cookie') ?? '';
      assert.match(setCookie, /^brain_admin=/);
      assert.match(setCookie, /HttpOnly/);
      assert.match(setCookie, /SameSite=Strict/);
      assert.match(setCookie, /Path=\/admin(;|$)/);
      const cookie = setCookie.split(';')[0];

      const dash = await fetch(`${api.url}/admin/queues`, { headers: { cookie, accept: 'text/html' } });
      assert.equal(dash.status, 200);
      assert.match(await dash.text(), /BRAiN queues|bull/i);
      assert.equal((await call('GET', '/admin/queues/api/queues', { headers: { cookie } })).status, 200);
      // the cookie is no credential for the api (its path is /admin, and the api never reads it)
      assert.equal((await call('GET', '/api/auth/keys', { headers: { cookie } })).status, 401);

      assert.equal((await call('DELETE', `/api/auth/keys/${made.id}`, { token: ADMIN })).status, 204);
      const revoked = await call('GET', '/admin/queues/api/queues', { headers: { cookie } });
      assert.equal(revoked.status, 401);
      assert.match(revoked.body.message, /invalid or revoked/);
    });

    it('limits login attempts per client (the form is outside the api guards)', async () => {
      // earlier tests of this file used a few attempts of this minute already
      let limited: Response | undefined;
      for (let i = 0; i <= LOGIN_ATTEMPTS_PER_MINUTE && !limited; i++) {
        const res = await fetch(`${api.url}/admin/login`, { method: 'POST', body: new URLSearchParams({ key: `brn_guess_${i}` }), redirect: 'manual' });
        if (res.status === 429) limited = res;
        else assert.equal(res.status, 401);
      }
      assert.ok(limited, `no 429 within ${LOGIN_ATTEMPTS_PER_MINUTE + 1} attempts`);
      assert.ok(Number(limited.headers.get('retry-after')) > 0);
      assert.match(await limited.text(), /too many login attempts/);
    });

    it('logs out by clearing the cookie', async () => {
      const res = await fetch(`${api.url}/admin/logout`, { method: 'POST', redirect: 'manual' });
      assert.equal(res.status, 303);
      assert.match(res.headers.get('set-cookie') ?? '', /^brain_admin=;.*Expires=Thu, 01 Jan 1970/);
    });
  });
});
