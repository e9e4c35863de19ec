/**
 * Foundation rules: the last check before any agent exists. They look only at the resolved traits
 * and the tools, so they hold whatever path an agent took (API, blueprint, retry).
 *
 * The bounds of every ethics-critical trait are rules here (`min_<name>`, `max_<name>`), taken from
 * the trait catalogue so that the two cannot drift apart; the rest are about combinations.
 */
import { TRAITS, TRAIT_SCALE, TraitDefinition, getTrait, traitKeyIn } from './trait.catalog';

/** Tools that can change systems or data outside the agent's own output. */
export const DANGEROUS_TOOLS: readonly string[] = Object.freeze(['system_administration', 'deployment', 'database_write']);

const SAFETY = 'ethical.safety_priority';
const HARM = 'ethical.harm_avoidance';
const TRANSPARENCY = 'ethical.transparency';
const RISK = 'behavioral.risk_tolerance';
const COMPLIANCE = 'ethical.compliance_strictness';
const AUTONOMY = 'behavioral.autonomy';

function trait(id: string): TraitDefinition {
  const def = getTrait(id);
  if (!def) throw new Error(`foundation rules name trait ${id}, which is not in the catalogue`);
  return def;
}

/** Ethics-critical traits whose bounds are tighter than the scale: each bound is a blocking rule. */
const BOUNDED_CRITICAL: readonly TraitDefinition[] = TRAITS.filter((t) => t.ethics_critical && (t.min > TRAIT_SCALE.min || t.max < TRAIT_SCALE.max));

export const FOUNDATION_THRESHOLDS = Object.freeze({
  minSafetyPriority: trait(SAFETY).min,
  minHarmAvoidance: trait(HARM).min,
  minTransparency: trait(TRANSPARENCY).min,
  maxRiskTolerance: trait(RISK).max,
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
  /** the override that set the trait, e.g. `trait_overrides.behavioral.risk_tolerance`, when one did */
  path?: string;
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

type Reading = { ok: true; value: number } | { ok: false; violation: RuleResult };

// A value that is present but not a finite number fails closed: NaN compares false against every
// threshold and would otherwise slip through each rule. A trait may sit under an alias in a record
// made before the catalogue took the earlier system's ids.
function read(traits: Readonly<Record<string, unknown>>, id: string, rule: string): Reading {
  const def = trait(id);
  const key = traitKeyIn(traits, def);
  const raw = key === undefined ? def.default : traits[key];
  if (typeof raw === 'number' && Number.isFinite(raw)) return { ok: true, value: raw };
  return { ok: false, violation: { rule, trait: id, message: `${id} must be a finite number` } };
}

const spoken = (def: TraitDefinition) => def.name.replace(/_/g, ' ');

export function evaluateFoundationRules(input: FoundationInput): FoundationEvaluation {
  const { traits, tools } = input;
  const violations: RuleResult[] = [];
  const warnings: RuleResult[] = [];
  const t = FOUNDATION_THRESHOLDS;

  for (const def of BOUNDED_CRITICAL) {
    const hasFloor = def.min > TRAIT_SCALE.min;
    const r = read(traits, def.id, hasFloor ? `min_${def.name}` : `max_${def.name}`);
    if (!r.ok) violations.push(r.violation);
    else if (r.value < def.min)
      violations.push({
        rule: `min_${def.name}`,
        trait: def.id,
        value: r.value,
        threshold: def.min,
        message: `${spoken(def)} ${r.value} is below the minimum of ${def.min}`,
      });
    else if (r.value > def.max)
      violations.push({
        rule: `max_${def.name}`,
        trait: def.id,
        value: r.value,
        threshold: def.max,
        message: `${spoken(def)} ${r.value} is above the maximum of ${def.max}`,
      });
  }

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
