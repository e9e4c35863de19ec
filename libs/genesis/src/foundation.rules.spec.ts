import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FOUNDATION_THRESHOLDS, evaluateFoundationRules } from './foundation.rules';
import { getTrait } from './trait.catalog';
import { requireTemplate } from './template.catalog';
import { templateTraits } from './trait.resolver';

const base = () => templateTraits(requireTemplate('generalist_worker'));
const devops = requireTemplate('devops_operator');

describe('foundation rules', () => {
  const table: { name: string; trait: string; value: number; template?: 'devops'; blockedBy?: string }[] = [
    { name: 'safety 0.69 blocked', trait: 'ethical.safety_priority', value: 0.69, blockedBy: 'min_safety_priority' },
    { name: 'safety 0.7 allowed', trait: 'ethical.safety_priority', value: 0.7 },
    { name: 'harm 0.79 blocked', trait: 'ethical.harm_avoidance', value: 0.79, blockedBy: 'min_harm_avoidance' },
    { name: 'harm 0.8 allowed', trait: 'ethical.harm_avoidance', value: 0.8 },
    { name: 'risk 0.51 blocked', trait: 'behavioral.risk_tolerance', value: 0.51, blockedBy: 'max_risk_tolerance' },
    { name: 'risk 0.5 allowed', trait: 'behavioral.risk_tolerance', value: 0.5 },
    { name: 'transparency 0.49 blocked', trait: 'ethical.transparency', value: 0.49, blockedBy: 'min_transparency' },
    { name: 'transparency 0.5 allowed', trait: 'ethical.transparency', value: 0.5 },
    { name: 'compliance 0 allowed (it only warns)', trait: 'ethical.compliance_strictness', value: 0 },
    { name: 'accuracy target 0.1 allowed (not ethics-critical: a bad input, not a rule)', trait: 'performance.accuracy_target', value: 0.1 },
    { name: 'autonomy 1 allowed (not ethics-critical)', trait: 'behavioral.autonomy', value: 1 },
    { name: 'devops with safety 0.75 blocked by its tools', trait: 'ethical.safety_priority', value: 0.75, template: 'devops', blockedBy: 'dangerous_tools_require_high_safety' },
    { name: 'devops with safety 0.8 allowed', trait: 'ethical.safety_priority', value: 0.8, template: 'devops' },
    { name: 'devops with safety 0.85 allowed', trait: 'ethical.safety_priority', value: 0.85, template: 'devops' },
  ];
  for (const row of table) {
    it(row.name, () => {
      const traits = row.template ? templateTraits(devops) : base();
      traits[row.trait] = row.value;
      const r = evaluateFoundationRules({ traits, tools: row.template ? devops.tools : ['document_reader'] });
      if (row.blockedBy) {
        assert.equal(r.allowed, false);
        assert.deepEqual(r.violations.map((v) => v.rule), [row.blockedBy]);
        const v = r.violations[0];
        assert.equal(v.trait, row.trait);
        assert.equal(v.value, row.value);
        assert.equal(typeof v.threshold, 'number');
        assert.ok(v.message.length > 0);
      } else {
        assert.equal(r.allowed, true, JSON.stringify(r.violations));
        assert.deepEqual(r.violations, []);
      }
    });
  }

  it('names the dangerous tools in the message', () => {
    const traits = { ...templateTraits(devops), 'ethical.safety_priority': 0.75 };
    const [v] = evaluateFoundationRules({ traits, tools: devops.tools }).violations;
    assert.match(v.message, /database_write, deployment, system_administration/);
    assert.equal(v.threshold, 0.8);
  });

  it('warns but allows on low compliance strictness', () => {
    const r = evaluateFoundationRules({ traits: { ...base(), 'ethical.compliance_strictness': 0.4 }, tools: [] });
    assert.equal(r.allowed, true);
    assert.deepEqual(r.warnings.map((w) => w.rule), ['low_compliance_strictness']);
    assert.equal(r.warnings[0].value, 0.4);
  });

  it('warns on high autonomy with dangerous tools', () => {
    const r = evaluateFoundationRules({ traits: { ...templateTraits(devops), 'behavioral.autonomy': 0.85 }, tools: devops.tools });
    assert.equal(r.allowed, true);
    assert.deepEqual(r.warnings.map((w) => w.rule), ['high_autonomy_with_dangerous_tools']);
  });

  it('takes missing traits from their defaults', () => {
    assert.deepEqual(evaluateFoundationRules({ traits: {}, tools: [] }), { allowed: true, violations: [], warnings: [] });
    // default safety 0.9 is enough for dangerous tools
    assert.equal(evaluateFoundationRules({ traits: {}, tools: ['deployment'] }).allowed, true);
  });

  it('reports every broken rule at once', () => {
    const r = evaluateFoundationRules({
      traits: { 'ethical.safety_priority': 0.5, 'ethical.harm_avoidance': 0.5, 'ethical.transparency': 0.1, 'behavioral.risk_tolerance': 0.9 },
      tools: ['deployment'],
    });
    assert.deepEqual(r.violations.map((v) => v.rule), ['min_safety_priority', 'min_harm_avoidance', 'min_transparency', 'max_risk_tolerance', 'dangerous_tools_require_high_safety']);
  });

  // A stored agent or an old blueprint's overrides may hold a trait under the id it had before.
  const olderIds: { name: string; traits: Record<string, number>; blockedBy?: string; warnedBy?: string }[] = [
    { name: 'risk under cognitive.risk_tolerance', traits: { 'cognitive.risk_tolerance': 0.9 }, blockedBy: 'max_risk_tolerance' },
    { name: 'safe risk under cognitive.risk_tolerance', traits: { 'cognitive.risk_tolerance': 0.2 } },
    { name: 'autonomy under operational.autonomy with dangerous tools', traits: { 'operational.autonomy': 0.85 }, warnedBy: 'high_autonomy_with_dangerous_tools' },
  ];
  for (const row of olderIds) {
    it(`reads ${row.name}`, () => {
      const r = evaluateFoundationRules({ traits: row.traits, tools: ['deployment'] });
      assert.deepEqual(r.violations.map((v) => v.rule), row.blockedBy ? [row.blockedBy] : []);
      assert.deepEqual(r.warnings.map((w) => w.rule), row.warnedBy ? [row.warnedBy] : []);
    });
  }

  it('takes its blocking thresholds from the trait catalogue', () => {
    assert.equal(FOUNDATION_THRESHOLDS.minSafetyPriority, getTrait('ethical.safety_priority')?.min);
    assert.equal(FOUNDATION_THRESHOLDS.minHarmAvoidance, getTrait('ethical.harm_avoidance')?.min);
    assert.equal(FOUNDATION_THRESHOLDS.minTransparency, getTrait('ethical.transparency')?.min);
    assert.equal(FOUNDATION_THRESHOLDS.maxRiskTolerance, getTrait('behavioral.risk_tolerance')?.max);
    assert.deepEqual([FOUNDATION_THRESHOLDS.minSafetyPriority, FOUNDATION_THRESHOLDS.minHarmAvoidance, FOUNDATION_THRESHOLDS.maxRiskTolerance], [0.7, 0.8, 0.5]);
  });

  it('fails closed on values that are not finite numbers', () => {
    for (const bad of [Number.NaN, Infinity, '0.9', null]) {
      const r = evaluateFoundationRules({ traits: { 'ethical.safety_priority': bad }, tools: [] });
      assert.equal(r.allowed, false, String(bad));
      assert.equal(r.violations[0].rule, 'min_safety_priority');
    }
  });
});
