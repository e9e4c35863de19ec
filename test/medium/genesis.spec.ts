import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { dropPrefix, testPrefix } from '../harness/redis';

const ADMIN = 'genesis-admin-key-0123456789';

describe('Genesis API', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const prefix = testPrefix('genesis');
  const http = (method: string, p: string, body?: unknown, token: string | null = ADMIN) => call(api.url, method, p, { body, token: token ?? undefined });

  before(async () => {
    db = await createTestDatabase('genesis');
    api = await startApi(testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN }));
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('lists templates and traits, filters traits by category, and 404s unknown ones', async () => {
    const templates = (await http('GET', '/api/genesis/templates', undefined, null)).body.templates;
    assert.ok(templates.length >= 10);
    const writer = (await http('GET', '/api/genesis/templates/content_writer', undefined, null)).body;
    assert.equal(writer.base_config.model, 'local');
    assert.match(writer.base_config.system_prompt, /\{\{name\}\}|content/i);
    const ethical = (await http('GET', '/api/genesis/traits?category=ethical')).body.traits;
    assert.ok(ethical.length >= 3);
    assert.ok(ethical.every((t: { category: string }) => t.category === 'ethical'));
    const safety = (await http('GET', '/api/genesis/traits/ethical.safety_priority')).body;
    assert.deepEqual([safety.min, safety.max], [0.7, 1]);
    assert.equal((await http('GET', '/api/genesis/templates/no_such_template')).status, 404);
    assert.equal((await http('GET', '/api/genesis/traits/ethical.nothing')).status, 404);
    assert.equal((await http('GET', '/api/genesis/traits?category=magic')).status, 400);
  });

  it('spawns an agent with its DNA and lists it', async () => {
    const res = await http('POST', '/api/genesis/spawn', { template_id: 'content_writer', name: 'Copy Writer One', trait_overrides: { 'cognitive.creativity': 0.9 }, seed: 'abc' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const a = res.body;
    assert.equal(a.template_id, 'content_writer');
    assert.equal(a.template_choice, 'explicit');
    assert.equal(a.traits['cognitive.creativity'], 0.9);
    assert.match(a.system_prompt, /Copy Writer One/);
    assert.equal(a.dna.version, 1);
    assert.match(a.dna.checksum, /^[0-9a-f]{64}$/);
    const got = (await http('GET', `/api/genesis/agents/${a.id}`)).body;
    assert.equal(got.dna.checksum, a.dna.checksum);
    const list = (await http('GET', '/api/genesis/agents?template_id=content_writer')).body;
    assert.equal(list.total, 1);
    const info = (await http('GET', '/api/genesis/info')).body;
    assert.equal(info.agents_by_template.content_writer, 1);
  });

  const blocked: [string, Record<string, unknown>, string][] = [
    ['safety priority below 0.7 (out of bounds)', { template_id: 'research_analyst', trait_overrides: { 'ethical.safety_priority': 0.69 } }, 'out_of_bounds'],
    ['lowered harm avoidance', { template_id: 'research_analyst', trait_overrides: { 'ethical.harm_avoidance': 0.8 } }, 'cannot_lower'],
  ];
  for (const [what, body, rule] of blocked) {
    it(`refuses ${what} as bad input (400) and stores nothing`, async () => {
      const before = (await http('GET', '/api/genesis/agents')).body.total;
      const res = await http('POST', '/api/genesis/spawn', body);
      assert.equal(res.status, 400);
      assert.equal(res.body.details.problems[0].rule, rule);
      assert.match(res.body.details.problems[0].path, /^trait_overrides\./);
      assert.equal((await http('GET', '/api/genesis/agents')).body.total, before);
    });
  }

  it('blocks risk tolerance above 0.5 with 403 naming the rule', async () => {
    const res = await http('POST', '/api/genesis/spawn', { template_id: 'research_analyst', trait_overrides: { 'cognitive.risk_tolerance': 0.51 } });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'ETHICS_BLOCKED');
    assert.deepEqual(res.body.details.violations.map((v: { rule: string }) => v.rule), ['max_risk_tolerance']);
  });

  it('allows the dangerous-tool template as shipped (its safety priority is high) and warns on low compliance', async () => {
    const low = await http('POST', '/api/genesis/validate', { template_id: 'devops_operator', trait_overrides: {} }, null);
    const tpl = (await http('GET', '/api/genesis/templates/devops_operator')).body;
    assert.ok(tpl.trait_profile['ethical.safety_priority'] >= 0.8, 'the shipped template is safe');
    assert.equal(low.body.allowed, true);
    const res = await http('POST', '/api/genesis/validate', { template_id: 'generalist_worker', trait_overrides: { 'ethical.compliance_strictness': 0.4 } }, null);
    assert.equal(res.status, 200);
    assert.equal(res.body.allowed, true);
    assert.deepEqual(res.body.warnings.map((w: { rule: string }) => w.rule), ['low_compliance_strictness']);
  });

  it('validates without storing: allowed, violations, warnings', async () => {
    const res = await http('POST', '/api/genesis/validate', { template_id: 'research_analyst', trait_overrides: { 'cognitive.risk_tolerance': 0.9 } }, null);
    assert.equal(res.status, 200);
    assert.equal(res.body.allowed, false);
    assert.equal(res.body.violations[0].rule, 'max_risk_tolerance');
    assert.equal((await http('POST', '/api/genesis/validate', { template_id: 'nope_template' })).status, 404);
    assert.equal((await http('POST', '/api/genesis/spawn', { template_id: 'nope_template' })).status, 404);
    const bad = await http('POST', '/api/genesis/spawn', { template_id: 'Bad-Id' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /template_id must be a snake_case slug/);
  });

  it('needs an operator to spawn; reads are anonymous', async () => {
    assert.equal((await http('POST', '/api/genesis/spawn', { template_id: 'content_writer' }, null)).status, 401);
    assert.equal((await http('GET', '/api/genesis/agents', undefined, null)).status, 200);
  });

  it('refuses a blueprint whose agents Genesis would block, naming the agent path', async () => {
    const yaml = (await http('GET', '/api/blueprints/marketing-v1?include_yaml=true')).body.blueprint_yaml as string;
    const unsafe = yaml.replace('ethical.safety_priority: 0.95', 'ethical.safety_priority: 0.5');
    const res = await http('POST', '/api/blueprints/validate', { blueprint_yaml: unsafe });
    assert.equal(res.body.valid, false);
    assert.deepEqual(res.body.problems.map((p: { path: string; rule: string }) => [p.path, p.rule]), [['agents[0].config.traits.ethical.safety_priority', 'out_of_bounds']]);
    const unknownTemplate = yaml.replace(/genesis_template: \S+/, 'genesis_template: wizard_of_oz');
    const r2 = await http('POST', '/api/blueprints/validate', { blueprint_yaml: unknownTemplate });
    assert.equal(r2.body.problems[0].rule, 'unknown_template');
  });
});
