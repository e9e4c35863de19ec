import { IsIn, IsObject, IsOptional, Matches, MaxLength, Validate, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { NameField } from '../common/fields';
import { Problem } from '#common';
import { AgentTemplate, RuleResult, TRAIT_CATEGORIES, TraitDefinition } from '#genesis';
import { DnaSnapshot, GenesisAgent } from '#db';
import { PageQueryDto } from '../common/paging.dto';

@ValidatorConstraint({ name: 'seed' })
class SeedConstraint implements ValidatorConstraintInterface {
  validate(v: unknown) {
    return (typeof v === 'string' && v.length >= 1 && v.length <= 200) || (typeof v === 'number' && Number.isSafeInteger(v));
  }
  defaultMessage() {
    return 'seed must be a string of 1..200 characters or an integer';
  }
}

/** The body of `POST /api/genesis/spawn` and `POST /api/genesis/validate`. */
export class SpawnRequestDto {
  /** template id (snake_case), e.g. `content_writer` */
  @Matches(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, { message: 'template_id must be a snake_case slug, e.g. content_writer' })
  @MaxLength(100)
  template_id!: string;

  @IsOptional() @NameField()
  name?: string;

  /**
   * trait id (`category.name`) to value on the 0..1 scale. A value past an ethics-critical trait's
   * bounds is a foundation-rule violation (403 on spawn, a violation on validate); past any other
   * trait's bounds it is a 400. Traits that are not `mutable` can only be raised.
   */
  @IsOptional() @IsObject()
  trait_overrides?: Record<string, number>;

  /** makes the generated name and DNA reproducible */
  @IsOptional() @Validate(SeedConstraint)
  seed?: string | number;
}

export class TraitQueryDto {
  @IsOptional() @IsIn(TRAIT_CATEGORIES, { message: `category must be one of ${TRAIT_CATEGORIES.join(', ')}` })
  category?: string;
}

export class TemplateIdParams {
  @Matches(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, { message: 'id must be a snake_case template id' })
  id!: string;
}

export class TraitIdParams {
  @Matches(/^[a-z]+\.[a-z_]+$/, { message: 'id must be a trait id category.name, e.g. ethical.safety_priority' })
  id!: string;
}

export class AgentListQuery extends PageQueryDto {
  @IsOptional() @Matches(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/, { message: 'template_id must be a snake_case template id' })
  template_id?: string;
}

export class ValidationOutcomeDto {
  allowed!: boolean;
  violations!: RuleResult[];
  warnings!: RuleResult[];
  /** input problems (e.g. an override out of bounds), each with its path */
  problems!: Problem[];
}

export class GenesisAgentDto {
  id!: string;
  name!: string;
  template_id!: string;
  template_choice!: string;
  template_reason!: string;
  role!: string | null;
  traits!: Record<string, number>;
  config!: Record<string, unknown>;
  system_prompt!: string;
  capabilities!: string[];
  tools!: string[];
  warnings!: unknown[];
  status!: string;
  dna?: { version: number; checksum: string; dna: Record<string, unknown>; created_at: string };
  created_at!: string;
}

export class GenesisAgentListDto {
  agents!: GenesisAgentDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

export function mapAgent(a: GenesisAgent, dna?: DnaSnapshot | null): GenesisAgentDto {
  return {
    id: a.id,
    name: a.name,
    template_id: a.templateId,
    template_choice: a.templateChoice,
    template_reason: a.templateReason,
    role: a.role,
    traits: a.traits,
    config: a.config,
    system_prompt: a.systemPrompt,
    capabilities: a.capabilities,
    tools: a.tools,
    warnings: a.warnings,
    status: a.status,
    ...(dna ? { dna: { version: dna.version, checksum: dna.checksum, dna: dna.dna, created_at: dna.createdAt.toISOString() } } : {}),
    created_at: a.createdAt.toISOString(),
  };
}

export const mapTemplate = (t: AgentTemplate) => ({
  id: t.id,
  name: t.name,
  description: t.description,
  suited_roles: [...t.suited_roles],
  base_config: t.base_config as unknown as Record<string, unknown>,
  trait_profile: { ...t.trait_profile },
  capabilities: [...t.capabilities],
  tools: [...t.tools],
});

export class TraitDto {
  /** `category.name`, e.g. `ethical.safety_priority` */
  id!: string;
  category!: string;
  name!: string;
  description!: string;
  min!: number;
  max!: number;
  default!: number;
  /** false: an override may raise the template's value but never lower it */
  mutable!: boolean;
  /** judged by the foundation rules: a value past its bounds blocks the agent (403 ETHICS_BLOCKED), not a 400 */
  ethics_critical!: boolean;
  /** older ids of this trait, still accepted in overrides and blueprints */
  aliases!: string[];
}

export const mapTrait = (t: TraitDefinition): TraitDto => ({
  id: t.id,
  category: t.category,
  name: t.name,
  description: t.description,
  min: t.min,
  max: t.max,
  default: t.default,
  mutable: t.mutable,
  ethics_critical: t.ethics_critical,
  aliases: [...t.aliases],
});

// Response shapes of the catalog routes, so the OpenAPI document describes them.

export class TemplateDto {
  /** snake_case template id */
  id!: string;
  name!: string;
  description!: string;
  /** the first is the role an agent gets when none is asked for */
  suited_roles!: string[];
  /** llm_model, temperature, max_tokens and the system prompt's parts */
  base_config!: Record<string, unknown>;
  /** trait id -> value; traits not listed keep their default */
  trait_profile!: Record<string, number>;
  capabilities!: string[];
  tools!: string[];
}

export class TemplateListDto {
  templates!: TemplateDto[];
}

export class TraitListDto {
  traits!: TraitDto[];
}

export class FoundationRulesDto {
  /** the thresholds that block a spawn, e.g. minSafetyPriority, maxRiskTolerance */
  blocking!: Record<string, number>;
  /** tools an agent may only get with the matching safety traits */
  dangerous_tools!: string[];
  /** traits a request may never lower below the template's value */
  never_lowered!: string[];
}

export class GenesisInfoDto {
  /** number of templates in the catalog */
  templates!: number;
  /** number of trait definitions */
  traits!: number;
  /** template id -> agents made from it */
  agents_by_template!: Record<string, number>;
  foundation_rules!: FoundationRulesDto;
}
