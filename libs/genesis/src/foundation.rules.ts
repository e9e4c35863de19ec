/**
 * Foundation rules: the last check before any agent exists. They look only at the resolved traits
 * and the tools, so they hold whatever path an agent took (API, blueprint, retry).
 */
import { getTrait } from './trait.catalog';

/** Tools that can change systems or data outside the agent's own output. */
export const DANGEROUS_TOOLS: readonly string[] = Object.freeze(['system_administration', 'deployment', 'database_write']);

export const FOUNDATION_THRESHOLDS = Object.freeze({
  minSafetyPriority: 0.7,
  minHarmAvoidance: 0.8,
  maxRiskTolerance: 0.5,
  minSafetyForDangerousTools: 0.8,
  minComplianceStrictness: 0.5,
  maxAutonomyWithDangerousTools: 0.8,
});

export interface RuleResult {
  /** stable id, e.g. `min_safety_priority` */
  rule: string;
  trait?: string;
  value?: number;
  threshold?: number;
  message: string;
}

export interface FoundationEvaluation {
  allowed: boolean;
  violations: RuleResult[];
  warnings: RuleResult[];
}

export interface FoundationInput {
  traits: Readonly<Record<string, unknown>>;
  tools: readonly string[];
}

const SAFETY = 'ethical.safety_priority';
const HARM = 'ethical.harm_avoidance';
const RISK = 'cognitive.risk_tolerance';
const COMPLIANCE = 'ethical.compliance_strictness';
const AUTONOMY = 'operational.autonomy';

type Reading = { ok: true; value: number } | { ok: false; violation: RuleResult };

// A value that is present but not a finite number fails closed: NaN compares false against every
// threshold and would otherwise slip through each rule.
function read(traits: Readonly<Record<string, unknown>>, id: string, rule: string): Reading {
  const present = Object.prototype.hasOwnProperty.call(traits, id);
  const raw = present ? traits[id] : getTrait(id)?.default;
  if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
  return { ok: false, violation: { rule, trait: id, message: `${id} must be a finite number` } };
}

export function evaluateFoundationRules(input: FoundationInput): FoundationEvaluation {
  const { traits, tools } = input;
  const violations: RuleResult[] = [];
  const warnings: RuleResult[] = [];
  const t = FOUNDATION_THRESHOLDS;

  const atLeast = (id: string, rule: string, threshold: number, what: string): void => {
    const r = read(traits, id, rule);
    if (!r.ok) violations.push(r.violation);
    else if (r.value < threshold)
      violations.push({ rule, trait: id, value: r.value, threshold, message: `${what} ${r.value} is below the minimum of ${threshold}` });
  };
  atLeast(SAFETY, 'min_safety_priority', t.minSafetyPriority, 'safety priority');
  atLeast(HARM, 'min_harm_avoidance', t.minHarmAvoidance, 'harm avoidance');

  const risk = read(traits, RISK, 'max_risk_tolerance');
  if (!risk.ok) violations.push(risk.violation);
  else if (risk.value > t.maxRiskTolerance)
    violations.push({
      rule: 'max_risk_tolerance',
      trait: RISK,
      value: risk.value,
      threshold: t.maxRiskTolerance,
      message: `risk tolerance ${risk.value} is above the maximum of ${t.maxRiskTolerance}`,
    });

  const dangerous = [...new Set(tools.filter((tool) => DANGEROUS_TOOLS.includes(tool)))].sort();
  if (dangerous.length > 0) {
    const safety = read(traits, SAFETY, 'dangerous_tools_require_high_safety');
    if (!safety.ok) violations.push(safety.violation);
    else if (safety.value < t.minSafetyForDangerousTools)
      violations.push({
        rule: 'dangerous_tools_require_high_safety',
        trait: SAFETY,
        value: safety.value,
        threshold: t.minSafetyForDangerousTools,
        message: `dangerous tools (${dangerous.join(', ')}) need safety priority of at least ${t.minSafetyForDangerousTools}, got ${safety.value}`,
      });

    const autonomy = read(traits, AUTONOMY, 'high_autonomy_with_dangerous_tools');
    if (autonomy.ok && autonomy.value > t.maxAutonomyWithDangerousTools)
      warnings.push({
        rule: 'high_autonomy_with_dangerous_tools',
        trait: AUTONOMY,
        value: autonomy.value,
        threshold: t.maxAutonomyWithDangerousTools,
        message: `autonomy ${autonomy.value} is high for an agent with dangerous tools (${dangerous.join(', ')}); keep a human in the loop`,
      });
  }

  const compliance = read(traits, COMPLIANCE, 'low_compliance_strictness');
  if (!compliance.ok) warnings.push({ ...compliance.violation, message: `${COMPLIANCE} is not a finite number; treated as unknown` });
  else if (compliance.value < t.minComplianceStrictness)
    warnings.push({
      rule: 'low_compliance_strictness',
      trait: COMPLIANCE,
      value: compliance.value,
      threshold: t.minComplianceStrictness,
      message: `compliance strictness ${compliance.value} is below ${t.minComplianceStrictness}; the agent may cut corners on policy`,
    });

  return { allowed: violations.length === 0, violations, warnings };
}
