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
    assert.deepEqual([safety.mutable, safety.ethics_critical], [false, true]);
    assert.equal((await http('GET', '/api/genesis/templates/no_such_template')).status, 404);
    assert.equal((await http('GET', '/api/genesis/traits/ethical.nothing')).status, 404);
    assert.equal((await http('GET', '/api/genesis/traits?category=magic')).status, 400);
  });

  it('has the earlier system\'s catalogue: 25+ traits in six categories, each saying whether it is mutable and ethics-critical', async () => {
    const traits = (await http('GET', '/api/genesis/traits', undefined, null)).body.traits as { id: string; category: string; mutable: unknown; ethics_critical: unknown; aliases: string[] }[];
    assert.ok(traits.length >= 25, `${traits.length} traits`);
    assert.deepEqual([...new Set(traits.map((t) => t.category))].sort(), ['behavioral', 'cognitive', 'ethical', 'performance', 'social', 'technical']);
    for (const t of traits) assert.deepEqual([typeof t.mutable, typeof t.ethics_critical], ['boolean', 'boolean'], t.id);
    const byId = new Map(traits.map((t) => [t.id, t]));
    for (const id of ['cognitive.reasoning_depth', 'performance.accuracy_target', 'behavioral.risk_tolerance', 'social.coordination_skill', 'technical.data_analysis']) assert.ok(byId.has(id), id);
    assert.equal(byId.get('ethical.harm_avoidance')?.mutable, false);
    assert.equal(byId.get('behavioral.risk_tolerance')?.ethics_critical, true);
    assert.deepEqual(byId.get('behavioral.risk_tolerance')?.aliases, ['cognitive.risk_tolerance']);
    // an older id still finds its trait
    assert.equal((await http('GET', '/api/genesis/traits/cognitive.risk_tolerance')).body.id, 'behavioral.risk_tolerance');
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

  const badInput: [string, Record<string, unknown>, string][] = [
    ['safety priority off the 0..1 scale', { template_id: 'research_analyst', trait_overrides: { 'ethical.safety_priority': -0.1 } }, 'out_of_bounds'],
    ['accuracy target below its floor (not ethics-critical)', { template_id: 'research_analyst', trait_overrides: { 'performance.accuracy_target': 0.3 } }, 'out_of_bounds'],
    ['lowered harm avoidance', { template_id: 'research_analyst', trait_overrides: { 'ethical.harm_avoidance': 0.8 } }, 'cannot_lower'],
  ];
  for (const [what, body, rule] of badInput) {
    it(`refuses ${what} as bad input (400) and stores nothing`, async () => {
      const before = (await http('GET', '/api/genesis/agents')).body.total;
      const res = await http('POST', '/api/genesis/spawn', body);
      assert.equal(res.status, 400);
      assert.equal(res.body.details.problems[0].rule, rule);
      assert.match(res.body.details.problems[0].path, /^trait_overrides\./);
      assert.equal((await http('GET', '/api/genesis/agents')).body.total, before);
    });
  }

  // Past an ethics-critical floor or ceiling is a foundation-rule violation, not bad input: spawn
  // answers 403 naming the rule and stores nothing; validate answers 200 with allowed: false.
  const ethicsBlocked: [string, Record<string, number>, string][] = [
    ['safety priority below 0.7', { 'ethical.safety_priority': 0.69 }, 'min_safety_priority'],
    ['harm avoidance below 0.8', { 'ethical.harm_avoidance': 0.5 }, 'min_harm_avoidance'],
    ['risk tolerance above 0.5', { 'behavioral.risk_tolerance': 0.51 }, 'max_risk_tolerance'],
    ['risk tolerance above 0.5 under its older id', { 'cognitive.risk_tolerance': 0.51 }, 'max_risk_tolerance'],
  ];
  for (const [what, overrides, rule] of ethicsBlocked) {
    it(`blocks ${what} with 403 ETHICS_BLOCKED naming ${rule}, and validate says allowed: false`, async () => {
      const body = { template_id: 'research_analyst', trait_overrides: overrides };
      const before = (await http('GET', '/api/genesis/agents')).body.total;
      const res = await http('POST', '/api/genesis/spawn', body);
      assert.equal(res.status, 403, JSON.stringify(res.body));
      assert.equal(res.body.code, 'ETHICS_BLOCKED');
      assert.deepEqual(res.body.details.violations.map((v: { rule: string }) => v.rule), [rule]);
      assert.equal(res.body.details.violations[0].path, `trait_overrides.${Object.keys(overrides)[0]}`);
      assert.equal((await http('GET', '/api/genesis/agents')).body.total, before);

      const v = await http('POST', '/api/genesis/validate', body, null);
      assert.equal(v.status, 200);
      assert.equal(v.body.allowed, false);
      assert.deepEqual(v.body.violations.map((x: { rule: string }) => x.rule), [rule]);
      assert.deepEqual(v.body.problems, []);
    });
  }

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
    assert.deepEqual(res.body.problems.map((p: { path: string; rule: string }) => [p.path, p.rule]), [['agents[0].config.traits.ethical.safety_priority', 'min_safety_priority']]);
    const unknownTemplate = yaml.replace(/genesis_template: \S+/, 'genesis_template: wizard_of_oz');
    const r2 = await http('POST', '/api/blueprints/validate', { blueprint_yaml: unknownTemplate });
    assert.equal(r2.body.problems[0].rule, 'unknown_template');
  });
});
