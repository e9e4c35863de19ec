import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { ADMIN, Fleet } from './fleet';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RANK = { anonymous: 0, viewer: 1, operator: 2, admin: 3 } as const;
type Caller = keyof typeof RANK;
const CALLERS: Caller[] = ['anonymous', 'viewer', 'operator', 'admin'];

interface Route {
  method: string;
  path: string;
  /** the README's role column as written */
  role: string;
}

/**
 * Every route of README's API tables (`| method | path | role | what |`): the README is what is
 * tested, so a route documented with the wrong role, or a new row, is checked without editing this.
 */
export function readmeRoutes(readme: string): Route[] {
  const routes: Route[] = [];
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    if (cells.length < 5 || !/^(GET|POST|PUT|PATCH|DELETE)(\s*,\s*(GET|POST|PUT|PATCH|DELETE))*$/.test(cells[1])) continue;
    const paths = [...cells[2].matchAll(/`([^`]+)`/g)].map((m) => m[1].split('?')[0]);
    for (const method of cells[1].split(',').map((m) => m.trim())) for (const p of paths) routes.push({ method, path: p, role: cells[3].replace(/\*+$/, '').trim() });
  }
  return routes;
}

/** The lowest caller the README's role allows, with anonymous reads on (the default) and off. */
function minimum(role: string, anonymousReads: boolean): Caller {
  switch (role) {
    case 'none':
      return 'anonymous';
    case 'read':
      return anonymousReads ? 'anonymous' : 'viewer';
    case 'viewer':
    case 'operator':
    case 'admin':
      return role;
    default:
      throw new Error(`README role "${role}" is not one of none, read, viewer, operator, admin`);
  }
}

describe('reliability: access, the README role matrix on two api processes', () => {
  // the second api with anonymous reads off: "read" then means viewer; debug logs every request
  const fleet = new Fleet('access', { env: { LOG_LEVEL: 'debug' } });
  const tokens: Record<Exclude<Caller, 'anonymous'>, string> = { viewer: '', operator: '', admin: ADMIN };
  let closedBase = '';
  const ids: Record<string, string> = {};

  before(async () => {
    await fleet.start();
    closedBase = await fleet.addApi({ AUTH_ANONYMOUS_READS: 'false' });
    for (const role of ['viewer', 'operator'] as const) {
      const r = await fleet.call('POST', '/api/auth/keys', { body: { name: `${role} key`, role } });
      assert.equal(r.status, 201);
      tokens[role] = r.body.token;
    }
    const admin = await fleet.call('POST', '/api/auth/keys', { body: { name: 'admin key', role: 'admin' } });
    tokens.admin = admin.body.token; // a stored admin key, not only ADMIN_API_KEY
    ids.cluster = await fleet.cluster('Access matrix', 3);
    const task = await fleet.call('POST', `/api/clusters/${ids.cluster}/tasks`, { body: { input: 'fixture' } });
    ids.task = task.body.id;
    ids.genesis = (await fleet.call('GET', '/api/genesis/agents?page_size=1')).body.agents[0].id;
    await waitFor(async () => (await fleet.call('GET', `/api/clusters/${ids.cluster}/manifests`)).status === 200, 30000, 'manifests');
  });
  after(() => fleet.stop());

  /** A concrete path for a route: each `:param` replaced by a real id of the right kind. */
  async function concrete(r: Route): Promise<string> {
    let p = r.path;
    if (/^\/api\/auth\/keys\/:id/.test(p)) {
      // a key of its own for every revocation, so no caller's key is revoked by the matrix
      const k = await fleet.call('POST', '/api/auth/keys', { body: { name: 'spare key', role: 'viewer' } });
      p = p.replace(':id', k.body.id);
    }
    if (/^\/api\/tasks\/:id/.test(p)) p = p.replace(':id', ids.task);
    if (/^\/api\/genesis\/agents\/:id/.test(p)) p = p.replace(':id', ids.genesis);
    if (/^\/api\/genesis\/templates\/:id/.test(p)) p = p.replace(':id', 'content_writer');
    if (/^\/api\/genesis\/traits\/:id/.test(p)) p = p.replace(':id', 'ethical.safety_priority');
    if (/^\/api\/blueprints\/:id/.test(p)) p = p.replace(':id', 'marketing-v1');
    return p.replace(':name', 'README.md').replace(/:[a-z_]+/g, ids.cluster);
  }

  it('gives each caller what README says: allowed roles never 401/403, lower ones 401 without a token and 403 with one', async () => {
    const routes = readmeRoutes(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    assert.ok(routes.length >= 50, `${routes.length} routes parsed from README`);
    // writes that destroy or put to sleep go last, so the other routes see an awake cluster
    const order = (r: Route) => (r.method === 'DELETE' ? 2 : /hibernate/.test(r.path) ? 1 : 0);
    routes.sort((a, b) => order(a) - order(b));
    const failures: string[] = [];
    const tally = { allowed: 0, refused401: 0, refused403: 0 };
    for (const route of routes) {
      const calls = [
        [fleet.base, true],
        [closedBase, false],
      ].flatMap(([base, anonymousReads]) => CALLERS.map((caller) => ({ base: base as string, anonymousReads: anonymousReads as boolean, caller })));
      // the eight calls of one route at once; routes one after another (the destructive ones last)
      await Promise.all(
        calls.map(async ({ base, anonymousReads, caller }) => {
          const min = minimum(route.role, anonymousReads);
          const token = caller === 'anonymous' ? undefined : tokens[caller];
          const p = await concrete(route);
          const body = ['POST', 'PUT', 'PATCH'].includes(route.method) ? {} : undefined;
          const r = await call(base, route.method, p, { token, body });
          const allowed = RANK[caller] >= RANK[min];
          const what = `${route.method} ${route.path} (README: ${route.role}) as ${caller}${anonymousReads ? '' : ' with anonymous reads off'} -> ${r.status}`;
          if (r.status >= 500) failures.push(`5xx: ${what} ${JSON.stringify(r.body).slice(0, 200)}`);
          else if (allowed && (r.status === 401 || r.status === 403)) failures.push(`refused though allowed: ${what}`);
          else if (!allowed && r.status !== (caller === 'anonymous' ? 401 : 403)) failures.push(`not refused as it should be: ${what}`);
          if (allowed) tally.allowed++;
          else if (r.status === 401) tally.refused401++;
          else if (r.status === 403) tally.refused403++;
        }),
      );
    }
    console.log(
      `tried: ${routes.length} README routes x 4 callers (anonymous, viewer, operator, admin) on 2 api processes (anonymous reads on and off); ` +
        `checked: ${tally.allowed} allowed calls never 401/403, ${tally.refused401} refused with 401 and ${tally.refused403} with 403, no 5xx`,
    );
    assert.deepEqual(failures, []);
  });

  it('refuses a revoked key at once on every api process', async () => {
    const k = await fleet.call('POST', '/api/auth/keys', { body: { name: 'to revoke', role: 'operator' } });
    const bases = [fleet.base, closedBase];
    for (const b of bases) assert.equal((await call(b, 'GET', `/api/clusters/${ids.cluster}`, { token: k.body.token })).status, 200);
    assert.equal((await fleet.call('DELETE', `/api/auth/keys/${k.body.id}`, {}, closedBase)).status, 204);
    const after = await Promise.all(bases.map((b) => call(b, 'GET', `/api/clusters/${ids.cluster}`, { token: k.body.token })));
    assert.deepEqual(
      after.map((r) => r.status),
      [401, 401],
    );
    assert.match(after[0].body.message, /revoked/);
    console.log(`tried: an operator key used on 2 api processes, revoked on the second; checked: the very next request on each is ${after.map((r) => r.status).join(' and ')} (${after[0].body.message})`);
  });

  it('never writes a token into any process log', async () => {
    const out = fleet.allOutput();
    assert.ok(out.length > 10_000, 'the processes logged (debug: every request)');
    const secrets = [ADMIN, tokens.viewer, tokens.operator, tokens.admin];
    const leaked = secrets.filter((t) => out.includes(t) || out.includes(t.slice(4, 24)));
    console.log(`tried: every request above logged at debug by 2 api processes and a worker (${(out.length / 1024).toFixed(0)} KB); checked: none of ${secrets.length} tokens (nor a 20-character piece of one) appears`);
    assert.deepEqual(leaked, []);
  });
});

describe('reliability: access, rate limits counted across api processes', () => {
  const fleet = new Fleet('ratelimit', { apis: 2, workers: 0, env: { RATE_LIMIT_MAX: '20', RATE_LIMIT_WINDOW_SECONDS: '30' } });
  before(() => fleet.start());
  after(() => fleet.stop());

  it('answers 429 with Retry-After once the requests to both processes together pass the limit', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    let message = '';
    for (let i = 0; i < 30; i++) {
      const r = await call(fleet.bases[i % 2], 'GET', '/api/clusters');
      statuses.push(r.status);
      if (r.status === 429 && !retryAfter) {
        retryAfter = r.headers.get('retry-after');
        message = r.body.message;
      }
    }
    const ok = statuses.filter((s) => s === 200).length;
    const limited = statuses.filter((s) => s === 429).length;
    console.log(`tried: 30 GET /api/clusters alternating over 2 api processes with RATE_LIMIT_MAX=20 per 30 s; checked: ${ok} x 200 then ${limited} x 429, Retry-After ${retryAfter}, "${message}"`);
    assert.equal(ok, 20, 'the limit is counted over both processes together');
    assert.equal(limited, 10);
    assert.deepEqual(statuses.slice(20), Array(10).fill(429));
    assert.ok(retryAfter && Number(retryAfter) > 0 && Number(retryAfter) <= 30, `Retry-After ${retryAfter}`);
    assert.match(message, /rate limit/);
  });
});
