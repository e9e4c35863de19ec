import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dnaChecksum } from './agent.dna';
import { buildAgentSpec, generateAgentName } from './agent.factory';
import { evaluateFoundationRules } from './foundation.rules';
import { UnknownTemplateError } from './genesis.errors';
import { chooseTemplate } from './template.inference';
import { requireTemplate } from './template.catalog';

describe('buildAgentSpec', () => {
  it('builds a complete agent from a template', () => {
    const { spec, evaluation, problems, allowed } = buildAgentSpec({
      templateId: 'content_writer',
      name: 'Content Creator',
      role: 'specialist',
      capabilities: ['content_writing', 'blog_posts'],
      skills: ['German', 'SEO'],
      seed: 7,
    });
    assert.deepEqual(problems, []);
    assert.equal(allowed, true);
    assert.equal(evaluation.allowed, true);
    assert.equal(spec.name, 'Content Creator');
    assert.equal(spec.templateId, 'content_writer');
    assert.equal(spec.role, 'specialist');
    assert.deepEqual(spec.config, { model: 'local', temperature: 0.8, max_tokens: 3072 });
    assert.ok(spec.systemPrompt.startsWith('You are Content Creator, a content writer working as a specialist'));
    assert.ok(!spec.systemPrompt.includes('{{'));
    assert.match(spec.systemPrompt, /Your capabilities: .*blog_posts\./);
    assert.match(spec.systemPrompt, /Your skills: German, SEO\./);
    assert.deepEqual(spec.capabilities, [...requireTemplate('content_writer').capabilities, 'blog_posts']);
    assert.deepEqual(spec.tools, [...requireTemplate('content_writer').tools]);
    assert.equal(spec.dna.template.id, 'content_writer');
    assert.match(spec.dna.template.hash, /^[0-9a-f]{64}$/);
    assert.equal(spec.dna.seed, '7');
    assert.equal(spec.dna.created_from.name, 'given');
    assert.deepEqual(JSON.parse(JSON.stringify(spec.dna)), spec.dna, 'DNA is plain JSON');
  });

  it('defaults the role to the template\'s first suited role', () => {
    assert.equal(buildAgentSpec({ templateId: 'supervisor_coordinator' }).spec.role, 'supervisor');
    assert.equal(buildAgentSpec({ templateId: 'media_producer' }).spec.role, 'worker');
  });

  it('is deterministic with a seed: same name and same DNA checksum', () => {
    const a = buildAgentSpec({ templateId: 'content_writer', seed: 'campaign-42', traitOverrides: { 'cognitive.creativity': 0.7 } });
    const b = buildAgentSpec({ templateId: 'content_writer', seed: 'campaign-42', traitOverrides: { 'cognitive.creativity': 0.7 } });
    assert.match(a.spec.name, /^content_writer-[0-9a-f]{6}$/);
    assert.equal(a.spec.name, b.spec.name);
    assert.equal(a.spec.name, generateAgentName('content_writer', 'campaign-42'));
    assert.equal(dnaChecksum(a.spec.dna), dnaChecksum(b.spec.dna));
    const c = buildAgentSpec({ templateId: 'content_writer', seed: 'campaign-43' });
    assert.notEqual(c.spec.name, a.spec.name);
    assert.notEqual(dnaChecksum(c.spec.dna), dnaChecksum(a.spec.dna));
  });

  it('makes up a seed when none is given and records it', () => {
    const a = buildAgentSpec({ templateId: 'qa_tester' });
    const b = buildAgentSpec({ templateId: 'qa_tester' });
    assert.notEqual(a.spec.dna.seed, b.spec.dna.seed);
    assert.equal(a.spec.name, generateAgentName('qa_tester', a.spec.dna.seed));
    const again = buildAgentSpec({ templateId: 'qa_tester', seed: a.spec.dna.seed });
    assert.equal(dnaChecksum(again.spec.dna), dnaChecksum(a.spec.dna));
  });

  it('records how the template was chosen', () => {
    const choice = chooseTemplate({ role: 'worker', capabilities: ['image_generation'] });
    const { spec } = buildAgentSpec({ templateId: choice.templateId, role: 'worker', choice, source: 'cluster:abc', seed: 1 });
    assert.equal(spec.dna.created_from.template_choice, 'inferred');
    assert.equal(spec.dna.created_from.template_reason, choice.reason);
    assert.equal(spec.dna.created_from.source, 'cluster:abc');
  });

  it('applies config overrides and records them', () => {
    const { spec, problems } = buildAgentSpec({
      templateId: 'software_engineer',
      seed: 1,
      configOverrides: { llm_model: 'llama3.1:8b', temperature: 0, max_tokens: 32000 },
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(spec.config, { model: 'llama3.1:8b', temperature: 0, max_tokens: 32000 });
    assert.deepEqual(spec.dna.created_from.config_overrides, { llm_model: 'llama3.1:8b', temperature: 0, max_tokens: 32000 });
  });

  const badInput: { name: string; input: Parameters<typeof buildAgentSpec>[0]; path: string; rule: string }[] = [
    { name: 'temperature above 2', input: { templateId: 'qa_tester', configOverrides: { temperature: 2.5 } }, path: 'config.temperature', rule: 'out_of_bounds' },
    { name: 'temperature below 0', input: { templateId: 'qa_tester', configOverrides: { temperature: -0.1 } }, path: 'config.temperature', rule: 'out_of_bounds' },
    { name: 'temperature as text', input: { templateId: 'qa_tester', configOverrides: { temperature: 'hot' } }, path: 'config.temperature', rule: 'type' },
    { name: 'max_tokens 0', input: { templateId: 'qa_tester', configOverrides: { max_tokens: 0 } }, path: 'config.max_tokens', rule: 'out_of_bounds' },
    { name: 'max_tokens 32001', input: { templateId: 'qa_tester', configOverrides: { max_tokens: 32001 } }, path: 'config.max_tokens', rule: 'out_of_bounds' },
    { name: 'max_tokens fractional', input: { templateId: 'qa_tester', configOverrides: { max_tokens: 10.5 } }, path: 'config.max_tokens', rule: 'type' },
    { name: 'empty model', input: { templateId: 'qa_tester', configOverrides: { llm_model: ' ' } }, path: 'config.llm_model', rule: 'type' },
    { name: 'unknown role', input: { templateId: 'qa_tester', role: 'boss' }, path: 'role', rule: 'enum' },
    { name: 'short name', input: { templateId: 'qa_tester', name: 'ab' }, path: 'name', rule: 'length' },
    { name: 'name with control characters', input: { templateId: 'qa_tester', name: 'bad\u0007name' }, path: 'name', rule: 'printable' },
    { name: 'empty seed', input: { templateId: 'qa_tester', seed: '' }, path: 'seed', rule: 'type' },
    { name: 'non-string capability', input: { templateId: 'qa_tester', capabilities: ['testing', 3] }, path: 'capabilities[1]', rule: 'type' },
    { name: 'lowered safety', input: { templateId: 'qa_tester', traitOverrides: { 'ethical.safety_priority': 0.75 } }, path: 'trait_overrides.ethical.safety_priority', rule: 'cannot_lower' },
  ];
  for (const row of badInput) {
    it(`refuses ${row.name}`, () => {
      const r = buildAgentSpec(row.input);
      assert.deepEqual(r.problems.map((p) => `${p.path}:${p.rule}`), [`${row.path}:${row.rule}`]);
      assert.equal(r.allowed, false);
    });
  }

  it('fills placeholders once, so a name cannot inject another placeholder', () => {
    const { spec } = buildAgentSpec({ templateId: 'qa_tester', name: 'Eve {{role}}', role: 'worker', seed: 1 });
    assert.ok(spec.systemPrompt.startsWith('You are Eve {{role}}, a QA tester working as a worker'));
  });

  it('throws a typed error for an unknown template', () => {
    assert.throws(() => buildAgentSpec({ templateId: 'nope' }), UnknownTemplateError);
  });
});

describe('buildAgentSpec verdicts', () => {
  const verdict = (templateId: string, traitOverrides: Record<string, unknown>, seed?: unknown) => {
    const r = buildAgentSpec({ templateId, traitOverrides, seed: seed as string });
    return { allowed: r.allowed, violations: r.evaluation.violations, warnings: r.evaluation.warnings, problems: r.problems };
  };

  it('allows raising safety and warns on low compliance', () => {
    const r = verdict('devops_operator', { 'ethical.safety_priority': 1, 'ethical.compliance_strictness': 0.4 });
    assert.equal(r.allowed, true);
    assert.deepEqual(r.warnings.map((w) => w.rule), ['low_compliance_strictness']);
  });

  // Past an ethics-critical bound is a foundation-rule violation (an ethics block), named by its rule
  // and by the override that caused it, under the key the caller used; it is not an input problem.
  const blocked: { name: string; templateId: string; overrides: Record<string, unknown>; rule: string; path: string }[] = [
    { name: 'risk above 0.5', templateId: 'generalist_worker', overrides: { 'behavioral.risk_tolerance': 0.8 }, rule: 'max_risk_tolerance', path: 'trait_overrides.behavioral.risk_tolerance' },
    { name: 'risk above 0.5 under its older id', templateId: 'generalist_worker', overrides: { 'cognitive.risk_tolerance': 0.8 }, rule: 'max_risk_tolerance', path: 'trait_overrides.cognitive.risk_tolerance' },
    { name: 'safety below 0.7', templateId: 'research_analyst', overrides: { 'ethical.safety_priority': 0.69 }, rule: 'min_safety_priority', path: 'trait_overrides.ethical.safety_priority' },
    { name: 'harm avoidance below 0.8', templateId: 'research_analyst', overrides: { 'ethical.harm_avoidance': 0.5 }, rule: 'min_harm_avoidance', path: 'trait_overrides.ethical.harm_avoidance' },
    { name: 'transparency below 0.5', templateId: 'content_writer', overrides: { 'ethical.transparency': 0.2 }, rule: 'min_transparency', path: 'trait_overrides.ethical.transparency' },
  ];
  for (const row of blocked) {
    it(`blocks ${row.name} as a violation of ${row.rule}, not an input problem`, () => {
      const r = verdict(row.templateId, row.overrides);
      assert.equal(r.allowed, false);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.violations.map((v) => [v.rule, v.path]), [[row.rule, row.path]]);
    });
  }

  const badValues: { name: string; overrides: Record<string, unknown>; rule: string }[] = [
    { name: 'accuracy target below its floor', overrides: { 'performance.accuracy_target': 0.3 }, rule: 'out_of_bounds' },
    { name: 'safety off the 0..1 scale', overrides: { 'ethical.safety_priority': -1 }, rule: 'out_of_bounds' },
    { name: 'safety lowered but above its floor', overrides: { 'ethical.safety_priority': 0.75 }, rule: 'cannot_lower' },
  ];
  for (const row of badValues) {
    it(`refuses ${row.name} as an input problem (${row.rule})`, () => {
      const r = verdict('research_analyst', row.overrides);
      assert.equal(r.allowed, false);
      assert.deepEqual(r.problems.map((p) => p.rule), [row.rule]);
      assert.deepEqual(r.violations, []);
    });
  }

  it('names the override behind a warning too; the rules alone give no path', () => {
    const r = verdict('devops_operator', { 'ethical.compliance_strictness': 0.4 });
    assert.deepEqual(r.warnings.map((w) => [w.rule, w.path]), [['low_compliance_strictness', 'trait_overrides.ethical.compliance_strictness']]);
    const shipped = buildAgentSpec({ templateId: 'devops_operator', traitOverrides: { 'behavioral.autonomy': 0.85 } });
    assert.deepEqual(shipped.evaluation.warnings.map((w) => [w.rule, w.path]), [['high_autonomy_with_dangerous_tools', 'trait_overrides.behavioral.autonomy']]);
    const plain = evaluateFoundationRules({ traits: { ...shipped.spec.traits, 'ethical.safety_priority': 0.75 }, tools: shipped.spec.tools });
    assert.equal(plain.violations[0].path, undefined);
  });

  it('reports input problems', () => {
    const r = verdict('generalist_worker', { 'ethical.harm_avoidance': 0.85, 'x.y': 1 }, {});
    assert.equal(r.allowed, false);
    assert.deepEqual(r.problems.map((p) => `${p.path}:${p.rule}`).sort(), ['seed:type', 'trait_overrides.ethical.harm_avoidance:cannot_lower', 'trait_overrides.x.y:unknown_trait']);
  });
});
