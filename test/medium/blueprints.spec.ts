import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlueprintStore } from '#cluster';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { dropPrefix, testPrefix } from '../harness/redis';

const ADMIN = 'bp-admin-key-0123456789abcdef';
const shipped = fs.readdirSync(blueprintsDir()).filter((f) => f.endsWith('.yaml'));
const read = (f: string) => fs.readFileSync(path.join(blueprintsDir(), f), 'utf8');

describe('blueprints API', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('bp');
  // token null: no Authorization header
  const http = (method: string, p: string, body?: unknown, token: string | null = ADMIN) => call(api.url, method, p, { body, token: token ?? undefined });

  before(async () => {
    db = await createTestDatabase('blueprints');
    api = await startApi(testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN }));
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('syncs every shipped file at start-up and lists them with a real total', async () => {
    assert.ok(shipped.length >= 4);
    const res = await http('GET', '/api/blueprints?page_size=100', undefined, null);
    assert.equal(res.status, 200);
    assert.equal(res.body.total, shipped.length);
    const ids = res.body.blueprints.map((b: { id: string }) => b.id);
    assert.ok(ids.includes('marketing-v1'));
    const page = await http('GET', '/api/blueprints?page=2&page_size=2');
    assert.equal(page.body.blueprints.length, Math.min(2, shipped.length - 2));
    assert.equal(page.body.total, shipped.length);
  });

  it('serves marketing-v1 as SPEC.md describes it', async () => {
    const res = await http('GET', '/api/blueprints/marketing-v1?include_yaml=true', undefined, null);
    assert.equal(res.status, 200);
    const b = res.body;
    assert.equal(b.cluster_type, 'department');
    assert.deepEqual([b.min_workers, b.max_workers, b.default_workers], [3, 20, 5]);
    assert.deepEqual(b.scaling, { metric: 'task_queue_length', scale_up_threshold: 10, scale_down_threshold: 2, cooldown_period: 300, mode: 'threshold' });
    const byName = Object.fromEntries(b.agents.map((a: { name: string }) => [a.name, a]));
    assert.equal(byName['Marketing Supervisor'].role, 'supervisor');
    assert.equal(byName['Content Creator'].reports_to, 'Marketing Supervisor');
    assert.deepEqual(byName['Image Generator'].count, { min: 0, max: 5 });
    assert.equal(byName['LinkedIn Publisher'].reports_to, 'Publishing Coordinator');
    assert.equal(b.blueprint_yaml, read('marketing-v1.yaml'));
    assert.deepEqual(b.versions, [b.version]);
  });

  for (const file of shipped) {
    it(`round-trips ${file} through validate, upload and get`, async () => {
      const yaml = read(file);
      const v = await http('POST', '/api/blueprints/validate', { blueprint_yaml: yaml }, null);
      assert.equal(v.status, 200);
      assert.deepEqual(v.body.problems, []);
      const id = `${v.body.summary.id}-copy`;
      const copy = yaml.replace(/^(\s*id:\s*)(\S+)/m, `$1${id}`);
      const created = await http('POST', '/api/blueprints', { id, name: `${v.body.summary.name} copy`, version: v.body.summary.version, blueprint_yaml: copy });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const original = await http('GET', `/api/blueprints/${v.body.summary.id}`);
      const got = await http('GET', `/api/blueprints/${id}?include_yaml=1`);
      assert.deepEqual(got.body.agents, original.body.agents);
      assert.equal(got.body.blueprint_yaml, copy);
      assert.equal(got.body.source, 'upload');
    });
  }

  it('needs an admin to upload: 401 without a token, 403 for an operator', async () => {
    const yaml = read('marketing-v1.yaml').replace('id: marketing-v1', 'id: marketing-x');
    const body = { id: 'marketing-x', name: 'Marketing X', version: '1.0.0', blueprint_yaml: yaml };
    assert.equal((await http('POST', '/api/blueprints', body, null)).status, 401);
    const op = await http('POST', '/api/auth/keys', { name: 'operator', role: 'operator' });
    assert.equal((await http('POST', '/api/blueprints', body, op.body.token)).status, 403);
  });

  it('refuses a duplicate id (409) and an id or version that differs from the YAML (400)', async () => {
    const yaml = read('marketing-v1.yaml');
    const dup = await http('POST', '/api/blueprints', { id: 'marketing-v1', name: 'Again', version: '1.0.0', blueprint_yaml: yaml });
    assert.equal(dup.status, 409);
    const other = await http('POST', '/api/blueprints', { id: 'marketing-v9', name: 'Other', version: '2.0.0', blueprint_yaml: yaml });
    assert.equal(other.status, 400);
    assert.deepEqual(other.body.details.problems.map((p: { path: string }) => p.path), ['id', 'version']);
    assert.equal((await http('GET', '/api/blueprints/marketing-v9')).status, 404);
  });

  it('returns every problem of a broken blueprint, each with its path and rule', async () => {
    const broken = read('marketing-v1.yaml').replace('max_workers: 20', 'max_workers: 2000').replace('count: "0-5"', 'count: "5-0"');
    const res = await http('POST', '/api/blueprints/validate', { blueprint_yaml: broken });
    assert.equal(res.status, 200);
    assert.equal(res.body.valid, false);
    const paths = res.body.problems.map((p: { path: string }) => p.path);
    assert.ok(paths.includes('cluster.max_workers'), paths.join());
    assert.ok(paths.some((p: string) => /^agents\[\d+\]\.count$/.test(p)), paths.join());
    const upload = await http('POST', '/api/blueprints', { id: 'broken-one', name: 'Broken', version: '1.0.0', blueprint_yaml: broken.replace('marketing-v1', 'broken-one') });
    assert.equal(upload.status, 400);
    assert.match(upload.body.message, /cluster\.max_workers/);
  });

  it('refuses an alias bomb and an oversized upload quickly', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    let start = Date.now();
    const bomb = await http('POST', '/api/blueprints/validate', { blueprint_yaml: lines.join('\n') });
    assert.ok(Date.now() - start < 1000);
    assert.equal(bomb.body.valid, false);
    assert.equal(bomb.body.problems[0].rule, 'alias_limit');

    start = Date.now();
    const huge = await http('POST', '/api/blueprints', { id: 'huge', name: 'Huge', version: '1', blueprint_yaml: 'x'.repeat(10 * 1024 * 1024) });
    assert.equal(huge.status, 413);
    assert.ok(Date.now() - start < 2000);
    const big = await http('POST', '/api/blueprints', { id: 'big', name: 'Big', version: '1', blueprint_yaml: `# ${'x'.repeat(300 * 1024)}` });
    assert.equal(big.status, 413);
    assert.match(big.body.message, /blueprint|256|size/i);
  });

  it('adds versions with PUT, never changing a stored one', async () => {
    const v1 = read('campaign-sprint-v1.yaml');
    const id = 'campaign-sprint-v1';
    const current = (await http('GET', `/api/blueprints/${id}`)).body.version;
    const bumped = v1.replace(/^(\s*version:\s*)["']?[^"'\n]+["']?/m, `$1"9.0.0"`);
    const put = await http('PUT', `/api/blueprints/${id}`, { blueprint_yaml: bumped, tags: ['campaign', 'edited'] });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    assert.equal(put.body.version, '9.0.0');
    assert.deepEqual(put.body.tags, ['campaign', 'edited']);
    const edited = bumped.replace('campaign', 'kampagne');
    const refused = await http('PUT', `/api/blueprints/${id}`, { blueprint_yaml: edited });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /never change/);
    const same = await http('PUT', `/api/blueprints/${id}`, { blueprint_yaml: bumped });
    assert.equal(same.status, 200);
    const old = await http('GET', `/api/blueprints/${id}?version=${current}&include_yaml=true`);
    assert.equal(old.body.blueprint_yaml, v1);
    assert.deepEqual(old.body.versions, [current, '9.0.0']);
  });

  it('refuses an edited shipped file for a stored version, and adds a bumped one', async () => {
    const svc = api.app.get(BlueprintStore);
    const yaml = read('einkauf-v1.yaml');
    assert.equal(await svc.syncFile(yaml, 'einkauf-v1.yaml'), 'unchanged');
    assert.equal(await svc.syncFile(`${yaml}\n# edited\n`, 'einkauf-v1.yaml'), 'refused_edit');
    const stored = await http('GET', '/api/blueprints/einkauf-v1?include_yaml=true');
    assert.equal(stored.body.blueprint_yaml, yaml);
  });

  it('answers 400 for a malformed id or paging, 404 for an unknown id', async () => {
    const bad = await http('GET', '/api/blueprints/Not_A_Slug');
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /id must be a slug/);
    assert.equal((await http('GET', '/api/blueprints/no-such-blueprint')).status, 404);
    const paging = await http('GET', '/api/blueprints?page=0&page_size=101');
    assert.equal(paging.status, 400);
    assert.deepEqual(paging.body.details.problems.map((p: { path: string }) => p.path).sort(), ['page', 'page_size']);
  });
});
