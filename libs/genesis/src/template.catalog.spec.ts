import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateFoundationRules } from './foundation.rules';
import { UnknownTemplateError } from './genesis.errors';
import { AGENT_ROLES, TEMPLATES, getTemplate, listTemplates, requireTemplate } from './template.catalog';
import { getTrait } from './trait.catalog';
import { templateTraits } from './trait.resolver';

const REQUIRED = [
  'supervisor_coordinator',
  'research_analyst',
  'content_writer',
  'media_producer',
  'social_publisher',
  'procurement_specialist',
  'software_engineer',
  'qa_tester',
  'devops_operator',
  'generalist_worker',
];

describe('template catalog', () => {
  it('ships the required archetypes under snake_case ids', () => {
    for (const id of REQUIRED) assert.ok(getTemplate(id), id);
    for (const t of listTemplates()) assert.match(t.id, /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
    assert.equal(new Set(TEMPLATES.map((t) => t.id)).size, TEMPLATES.length);
  });

  for (const t of TEMPLATES) {
    describe(t.id, () => {
      it('passes the foundation rules as shipped, without warnings', () => {
        const result = evaluateFoundationRules({ traits: templateTraits(t), tools: t.tools });
        assert.equal(result.allowed, true, JSON.stringify(result.violations));
        assert.deepEqual(result.warnings, []);
      });

      it('profiles only known traits, by their ids (not older aliases), within their bounds', () => {
        for (const [id, value] of Object.entries(t.trait_profile)) {
          const def = getTrait(id);
          assert.ok(def, `${t.id}: unknown trait ${id}`);
          assert.equal(def.id, id, `${t.id}: ${id} is an alias of ${def.id}`);
          assert.ok(def.min <= value && value <= def.max, `${t.id}: ${id}=${value}`);
        }
      });

      it('has a usable base config and a prompt with both placeholders', () => {
        assert.equal(t.base_config.model, 'local');
        assert.ok(t.base_config.temperature >= 0 && t.base_config.temperature <= 2);
        assert.ok(Number.isInteger(t.base_config.max_tokens) && t.base_config.max_tokens >= 1 && t.base_config.max_tokens <= 32000);
        assert.ok(t.base_config.system_prompt.includes('{{name}}'));
        assert.ok(t.base_config.system_prompt.includes('{{role}}'));
        assert.ok(t.base_config.system_prompt.length > 300);
        assert.ok(t.suited_roles.length > 0 && t.suited_roles.every((r) => AGENT_ROLES.includes(r)));
        assert.ok(t.capabilities.length > 0 && t.tools.length > 0);
      });
    });
  }

  it('gives dangerous tools only to devops_operator, with high safety', () => {
    const devops = requireTemplate('devops_operator');
    for (const tool of ['system_administration', 'deployment', 'database_write']) assert.ok(devops.tools.includes(tool));
    assert.ok(devops.trait_profile['ethical.safety_priority'] >= 0.8);
  });

  // Where a template has a clear strength in a trait the earlier system added, it says so.
  const strengths: [templateId: string, trait: string, atLeast: number][] = [
    ['supervisor_coordinator', 'social.coordination_skill', 0.9],
    ['research_analyst', 'technical.data_analysis', 0.85],
    ['software_engineer', 'technical.code_generation', 0.85],
    ['devops_operator', 'technical.system_administration', 0.9],
    ['qa_tester', 'performance.accuracy_target', 0.9],
  ];
  for (const [templateId, trait, atLeast] of strengths) {
    it(`${templateId} has ${trait} of at least ${atLeast}`, () => {
      assert.ok(templateTraits(requireTemplate(templateId))[trait] >= atLeast);
    });
  }

  it('rejects unknown ids with a typed not-found error', () => {
    assert.equal(getTemplate('nope'), undefined);
    assert.throws(() => requireTemplate('nope'), (e: unknown) => e instanceof UnknownTemplateError && e.code === 'NOT_FOUND' && e.templateId === 'nope');
  });
});
