import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UnknownTemplateError } from './genesis.errors';
import { chooseTemplate, normalizeCapability } from './template.inference';

describe('chooseTemplate', () => {
  it('takes an explicit template whatever the capabilities say', () => {
    const c = chooseTemplate({ role: 'worker', capabilities: ['coding'], explicitTemplateId: 'content_writer' });
    assert.deepEqual(c, { templateId: 'content_writer', choice: 'explicit', reason: 'explicit: content_writer requested' });
  });

  it('notes an explicit template that does not suit the role', () => {
    const c = chooseTemplate({ role: 'supervisor', explicitTemplateId: 'qa_tester' });
    assert.equal(c.choice, 'explicit');
    assert.match(c.reason, /role supervisor is not among its suited roles: worker, specialist/);
  });

  it('throws a typed 404 for an unknown explicit template', () => {
    assert.throws(
      () => chooseTemplate({ role: 'worker', explicitTemplateId: 'time_traveller' }),
      (e: unknown) => e instanceof UnknownTemplateError && e.code === 'NOT_FOUND' && /time_traveller/.test(e.message),
    );
  });

  const inferred: { name: string; role: string; capabilities: string[]; templateId: string; reason?: string }[] = [
    {
      name: 'content worker',
      role: 'worker',
      capabilities: ['content_writing', 'copywriting', 'video_creation'],
      templateId: 'content_writer',
      reason: 'inferred: 2 of 3 capabilities match content_writer (content_writing, copywriting), role worker suited',
    },
    { name: 'image generator', role: 'worker', capabilities: ['image_generation'], templateId: 'media_producer' },
    { name: 'spelling variants', role: 'worker', capabilities: ['Video Creation', 'image-generation'], templateId: 'media_producer' },
    { name: 'facebook publisher via alias', role: 'worker', capabilities: ['facebook_publishing'], templateId: 'social_publisher' },
    { name: 'market analyst', role: 'specialist', capabilities: ['market_analysis', 'competitor_research'], templateId: 'research_analyst' },
    { name: 'einkauf', role: 'specialist', capabilities: ['supplier_research', 'price_comparison'], templateId: 'procurement_specialist' },
    { name: 'engineer', role: 'specialist', capabilities: ['coding', 'code_review'], templateId: 'software_engineer' },
    { name: 'tester', role: 'worker', capabilities: ['testing', 'bug_reporting'], templateId: 'qa_tester' },
    { name: 'operator', role: 'specialist', capabilities: ['deployment', 'monitoring'], templateId: 'devops_operator' },
    {
      name: 'supervisor with coordination capabilities',
      role: 'supervisor',
      capabilities: ['team_management', 'strategy', 'market_analysis'],
      templateId: 'supervisor_coordinator',
      reason: 'inferred: 2 of 3 capabilities match supervisor_coordinator (team_management, strategy), role supervisor suited',
    },
    {
      name: 'supervisor never gets a specialist template',
      role: 'supervisor',
      capabilities: ['coding'],
      templateId: 'supervisor_coordinator',
      reason: 'inferred: no template matches capabilities (coding); fallback supervisor_coordinator for role supervisor',
    },
    {
      name: 'worker with nothing that matches',
      role: 'worker',
      capabilities: ['juggling'],
      templateId: 'generalist_worker',
      reason: 'inferred: no template matches capabilities (juggling); fallback generalist_worker for role worker',
    },
    {
      name: 'worker without capabilities',
      role: 'worker',
      capabilities: [],
      templateId: 'generalist_worker',
      reason: 'inferred: no capabilities given; fallback generalist_worker for role worker',
    },
    // reporting is in both supervisor_coordinator and research_analyst; a specialist suits only the analyst
    { name: 'tie broken by role', role: 'specialist', capabilities: ['reporting'], templateId: 'research_analyst' },
    // both suit a lead and match once: catalog order decides, the same way every time
    { name: 'tie broken by catalog order', role: 'lead', capabilities: ['reporting'], templateId: 'supervisor_coordinator' },
  ];
  for (const row of inferred) {
    it(`infers: ${row.name}`, () => {
      const c = chooseTemplate({ role: row.role, capabilities: row.capabilities });
      assert.equal(c.choice, 'inferred');
      assert.equal(c.templateId, row.templateId, c.reason);
      if (row.reason) assert.equal(c.reason, row.reason);
    });
  }

  it('does not depend on the order of capabilities beyond the reason text', () => {
    const a = chooseTemplate({ role: 'worker', capabilities: ['testing', 'coding', 'debugging'] });
    const b = chooseTemplate({ role: 'worker', capabilities: ['debugging', 'coding', 'testing'] });
    assert.equal(a.templateId, b.templateId);
    assert.equal(a.templateId, 'software_engineer');
  });

  it('normalises capability spelling', () => {
    assert.equal(normalizeCapability('  Market Analysis '), 'market_analysis');
    assert.equal(normalizeCapability('image-generation'), 'image_generation');
  });
});
