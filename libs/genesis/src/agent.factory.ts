/**
 * Building an agent: template + overrides -> a complete spec with its DNA, checked against the
 * foundation rules. Pure: the caller stores the spec and DNA, and refuses to when `allowed` is
 * false (problems are a 400, violations an ethics block, an unknown template a 404).
 */
import { randomBytes } from 'node:crypto';
import type { Problem } from '#common';
import { AgentConfig, AgentDna, DNA_SCHEMA_VERSION, DnaCreatedFrom, sha256Hex, templateHash } from './agent.dna';
import { FoundationEvaluation, RuleResult, evaluateFoundationRules } from './foundation.rules';
import { AgentRole, AgentTemplate, isAgentRole, requireTemplate, AGENT_ROLES } from './template.catalog';
import type { TemplateChoice } from './template.inference';
import { isPlainObject, resolveTraits } from './trait.resolver';

export const NAME_LIMITS = Object.freeze({ min: 3, max: 200 });
export const TEMPERATURE_LIMITS = Object.freeze({ min: 0, max: 2 });
export const MAX_TOKENS_LIMITS = Object.freeze({ min: 1, max: 32000 });
const SEED_MAX_LENGTH = 200;
const MODEL_MAX_LENGTH = 200;

/** Values may come straight from YAML or JSON, so every field is checked at runtime. */
export interface ConfigOverrides {
  llm_model?: unknown;
  temperature?: unknown;
  max_tokens?: unknown;
}

export interface BuildAgentInput {
  templateId: string;
  name?: string | null;
  role?: string | null;
  traitOverrides?: unknown;
  seed?: string | number | null;
  configOverrides?: ConfigOverrides | null;
  capabilities?: readonly unknown[] | null;
  skills?: readonly unknown[] | null;
  /** recorded in the DNA: `api`, `cluster:<id>`, ... */
  source?: string;
  /** how the template was chosen, recorded in the DNA; explicit when absent */
  choice?: TemplateChoice;
}

export interface AgentSpec {
  name: string;
  templateId: string;
  role: AgentRole;
  traits: Record<string, number>;
  config: AgentConfig;
  systemPrompt: string;
  capabilities: string[];
  skills: string[];
  tools: string[];
  dna: AgentDna;
}

export interface BuildAgentResult {
  /** built from the valid parts of the input even when there are problems, so it can be shown */
  spec: AgentSpec;
  evaluation: FoundationEvaluation;
  problems: Problem[];
  /** no problems and no foundation-rule violations: only then may the agent be stored */
  allowed: boolean;
}

// Control characters would corrupt logs, prompts and generated manifests.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const present = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

function checkName(name: unknown, problems: Problem[]): string | undefined {
  if (typeof name !== 'string') {
    problems.push({ path: 'name', rule: 'type', message: 'name must be a string' });
    return undefined;
  }
  const trimmed = name.trim();
  if (trimmed.length < NAME_LIMITS.min || trimmed.length > NAME_LIMITS.max) {
    problems.push({ path: 'name', rule: 'length', message: `name must be ${NAME_LIMITS.min}..${NAME_LIMITS.max} characters, got ${trimmed.length}` });
    return undefined;
  }
  if (CONTROL_CHARS.test(trimmed)) {
    problems.push({ path: 'name', rule: 'printable', message: 'name must not contain control characters' });
    return undefined;
  }
  return trimmed;
}

function checkSeed(seed: unknown, problems: Problem[]): string | undefined {
  if (typeof seed === 'number' && Number.isFinite(seed)) return String(seed);
  if (typeof seed === 'string' && seed.length > 0 && seed.length <= SEED_MAX_LENGTH && !CONTROL_CHARS.test(seed)) return seed;
  problems.push({ path: 'seed', rule: 'type', message: `seed must be a finite number or a string of 1..${SEED_MAX_LENGTH} printable characters` });
  return undefined;
}

function checkStrings(values: readonly unknown[] | null | undefined, path: string, problems: Problem[]): string[] {
  if (!present(values)) return [];
  if (!Array.isArray(values)) {
    problems.push({ path, rule: 'type', message: `${path} must be a list of strings` });
    return [];
  }
  const out: string[] = [];
  values.forEach((v: unknown, i: number) => {
    if (typeof v !== 'string' || v.trim().length === 0) {
      problems.push({ path: `${path}[${i}]`, rule: 'type', message: `${path}[${i}] must be a non-empty string` });
      return;
    }
    out.push(v.trim());
  });
  return out;
}

function resolveConfig(
  template: AgentTemplate,
  overrides: ConfigOverrides | null | undefined,
  problems: Problem[],
): { config: AgentConfig; accepted: DnaCreatedFrom['config_overrides'] } {
  const config: AgentConfig = {
    model: template.base_config.model,
    temperature: template.base_config.temperature,
    max_tokens: template.base_config.max_tokens,
  };
  const accepted: DnaCreatedFrom['config_overrides'] = {};
  if (!present(overrides)) return { config, accepted };
  if (!isPlainObject(overrides)) {
    problems.push({ path: 'config', rule: 'type', message: 'config must be an object' });
    return { config, accepted };
  }

  const { llm_model, temperature, max_tokens } = overrides;
  if (present(llm_model)) {
    if (typeof llm_model === 'string' && llm_model.trim().length > 0 && llm_model.length <= MODEL_MAX_LENGTH && !CONTROL_CHARS.test(llm_model)) {
      config.model = accepted.llm_model = llm_model.trim();
    } else {
      problems.push({ path: 'config.llm_model', rule: 'type', message: `llm_model must be a non-empty string of at most ${MODEL_MAX_LENGTH} characters` });
    }
  }
  if (present(temperature)) {
    const { min, max } = TEMPERATURE_LIMITS;
    if (typeof temperature !== 'number' || !Number.isFinite(temperature)) {
      problems.push({ path: 'config.temperature', rule: 'type', message: `temperature must be a number between ${min} and ${max}` });
    } else if (temperature < min || temperature > max) {
      problems.push({ path: 'config.temperature', rule: 'out_of_bounds', message: `temperature must be between ${min} and ${max}, got ${temperature}` });
    } else {
      config.temperature = accepted.temperature = temperature;
    }
  }
  if (present(max_tokens)) {
    const { min, max } = MAX_TOKENS_LIMITS;
    if (typeof max_tokens !== 'number' || !Number.isInteger(max_tokens)) {
      problems.push({ path: 'config.max_tokens', rule: 'type', message: `max_tokens must be an integer between ${min} and ${max}` });
    } else if (max_tokens < min || max_tokens > max) {
      problems.push({ path: 'config.max_tokens', rule: 'out_of_bounds', message: `max_tokens must be between ${min} and ${max}, got ${max_tokens}` });
    } else {
      config.max_tokens = accepted.max_tokens = max_tokens;
    }
  }
  return { config, accepted };
}

/** `content_writer-3fa2c1`: the same template and seed always give the same name. */
export function generateAgentName(templateId: string, seed: string): string {
  return `${templateId}-${sha256Hex(`${templateId}\n${seed}`).slice(0, 6)}`;
}

export function renderSystemPrompt(template: AgentTemplate, name: string, role: string, capabilities: readonly string[], skills: readonly string[]): string {
  // One pass, so a name that itself contains `{{role}}` is not expanded again.
  const body = template.base_config.system_prompt.replace(/\{\{(name|role)\}\}/g, (_m, key: string) => (key === 'name' ? name : role));
  const lines = [body, ''];
  if (capabilities.length > 0) lines.push(`Your capabilities: ${capabilities.join(', ')}.`);
  if (skills.length > 0) lines.push(`Your skills: ${skills.join(', ')}.`);
  return lines.join('\n').trimEnd();
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])];
}

/** Throws UnknownTemplateError for an unknown template id; every other bad input is a problem. */
export function buildAgentSpec(input: BuildAgentInput): BuildAgentResult {
  const template = requireTemplate(input.templateId);
  const problems: Problem[] = [];

  let role: AgentRole = template.suited_roles[0];
  if (present(input.role)) {
    if (isAgentRole(input.role)) role = input.role;
    else problems.push({ path: 'role', rule: 'enum', message: `role must be one of ${AGENT_ROLES.join(', ')}` });
  }

  const resolution = resolveTraits(template, input.traitOverrides);
  problems.push(...resolution.problems);
  const { config, accepted: acceptedConfig } = resolveConfig(template, input.configOverrides, problems);

  const givenSeed = present(input.seed) ? checkSeed(input.seed, problems) : undefined;
  // Without a seed the agent still gets one, recorded in its DNA, so it can be made again.
  const seed = givenSeed ?? randomBytes(8).toString('hex');
  const givenName = present(input.name) ? checkName(input.name, problems) : undefined;
  const name = givenName ?? generateAgentName(template.id, seed);

  const requestedCapabilities = checkStrings(input.capabilities, 'capabilities', problems);
  const skills = [...new Set(checkStrings(input.skills, 'skills', problems))];
  const capabilities = union(template.capabilities, requestedCapabilities);
  const tools = [...template.tools];

  // A finding about an overridden trait names that override, under the key the caller used (which
  // may be an older alias of the trait), as input problems do.
  const withPath = (r: RuleResult): RuleResult => {
    const key = r.trait === undefined ? undefined : resolution.overrideKeys[r.trait];
    return key === undefined ? r : { ...r, path: `trait_overrides.${key}` };
  };
  const found = evaluateFoundationRules({ traits: resolution.traits, tools });
  const evaluation: FoundationEvaluation = { ...found, violations: found.violations.map(withPath), warnings: found.warnings.map(withPath) };
  const systemPrompt = renderSystemPrompt(template, name, role, capabilities, skills);

  const createdFrom: DnaCreatedFrom = {
    source: input.source ?? 'genesis',
    template_choice: input.choice?.choice ?? 'explicit',
    ...(input.choice ? { template_reason: input.choice.reason } : {}),
    name: givenName === undefined ? 'generated' : 'given',
    trait_overrides: resolution.accepted,
    config_overrides: acceptedConfig,
    requested_capabilities: requestedCapabilities,
  };
  const dna: AgentDna = {
    schema_version: DNA_SCHEMA_VERSION,
    template: { id: template.id, hash: templateHash(template) },
    name,
    role,
    traits: { ...resolution.traits },
    config: { ...config },
    tools: [...tools],
    capabilities: [...capabilities],
    skills: [...skills],
    seed,
    created_from: createdFrom,
  };

  const spec: AgentSpec = { name, templateId: template.id, role, traits: resolution.traits, config, systemPrompt, capabilities, skills, tools, dna };
  return { spec, evaluation, problems, allowed: problems.length === 0 && evaluation.allowed };
}
