/**
 * Template choice: an explicit `genesis_template` always wins; otherwise the template is inferred
 * from the agent's role and capabilities. The reason is stored with the agent, so it must say
 * enough for an operator to see why an agent got the prompt and tools it has.
 */
import { UnknownTemplateError } from './genesis.errors';
import {
  AgentTemplate,
  DEFAULT_FALLBACK_TEMPLATE,
  SUPERVISOR_FALLBACK_TEMPLATE,
  TEMPLATES,
  getTemplate,
  isAgentRole,
} from './template.catalog';

export type TemplateChoiceKind = 'explicit' | 'inferred';

export interface TemplateChoiceInput {
  role: string;
  capabilities?: readonly string[];
  /** `genesis_template` from a blueprint or `template_id` from a request; null/undefined = infer */
  explicitTemplateId?: string | null;
}

export interface TemplateChoice {
  templateId: string;
  choice: TemplateChoiceKind;
  reason: string;
}

/** Blueprints write `Market Analysis`, `market-analysis` or `market_analysis`; all mean the same. */
export function normalizeCapability(capability: string): string {
  return capability
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

interface Candidate {
  template: AgentTemplate;
  index: number;
  matched: string[];
  suited: boolean;
  score: number;
}

function suited(template: AgentTemplate, role: string): boolean {
  return isAgentRole(role) && template.suited_roles.includes(role);
}

export function chooseTemplate(input: TemplateChoiceInput): TemplateChoice {
  const { role } = input;
  if (input.explicitTemplateId !== undefined && input.explicitTemplateId !== null) {
    const template = getTemplate(input.explicitTemplateId);
    if (!template) throw new UnknownTemplateError(input.explicitTemplateId);
    const note = suited(template, role) ? '' : ` (role ${role} is not among its suited roles: ${template.suited_roles.join(', ')})`;
    return { templateId: template.id, choice: 'explicit', reason: `explicit: ${template.id} requested${note}` };
  }

  const requested = [...new Set((input.capabilities ?? []).filter((c) => typeof c === 'string').map(normalizeCapability))].filter(
    (c) => c.length > 0,
  );
  const candidates: Candidate[] = [];
  TEMPLATES.forEach((template, index) => {
    // A cluster's supervisor coordinates everyone else; a specialist prompt would leave it unable
    // to delegate, so for that role only templates suited to supervising compete.
    if (role === 'supervisor' && !suited(template, role)) return;
    const known = new Set([...template.capabilities, ...template.inference_aliases].map(normalizeCapability));
    const matched = requested.filter((c) => known.has(c));
    if (matched.length === 0) return;
    const isSuited = suited(template, role);
    candidates.push({ template, index, matched, suited: isSuited, score: matched.length + (isSuited ? 1 : 0) });
  });

  // Deterministic: score, then raw overlap, then suitability, then catalog order.
  candidates.sort(
    (a, b) =>
      b.score - a.score || b.matched.length - a.matched.length || Number(b.suited) - Number(a.suited) || a.index - b.index,
  );
  const best = candidates[0];
  if (best) {
    const roleNote = best.suited ? `role ${role} suited` : `role ${role} not among its suited roles`;
    return {
      templateId: best.template.id,
      choice: 'inferred',
      reason: `inferred: ${best.matched.length} of ${requested.length} capabilities match ${best.template.id} (${best.matched.join(', ')}), ${roleNote}`,
    };
  }

  const fallback = role === 'supervisor' ? SUPERVISOR_FALLBACK_TEMPLATE : DEFAULT_FALLBACK_TEMPLATE;
  const why = requested.length === 0 ? 'no capabilities given' : `no template matches capabilities (${requested.join(', ')})`;
  return { templateId: fallback, choice: 'inferred', reason: `inferred: ${why}; fallback ${fallback} for role ${role}` };
}
