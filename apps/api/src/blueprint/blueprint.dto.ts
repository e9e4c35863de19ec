import { IsBoolean, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { DescriptionField, NameField, TagsField } from '../common/fields';
import { Problem } from '#common';
import { Blueprint as BlueprintDefinition } from '#blueprint';
import { Blueprint, BlueprintVersion } from '#db';
import { PageQueryDto } from '../common/paging.dto';
import { ToBoolean } from '../common/transforms';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

export class BlueprintIdParams {
  /** blueprint id: a slug of lowercase letters, digits and dashes */
  @Matches(SLUG, { message: 'id must be a slug (lowercase letters, digits and single dashes)' })
  @MaxLength(100)
  id!: string;
}

export class CreateBlueprintDto {
  /** must equal `metadata.id` in the YAML */
  @Matches(SLUG, { message: 'id must be a slug (lowercase letters, digits and single dashes)' })
  @MaxLength(100)
  id!: string;

  @NameField()
  name!: string;

  /** must equal `metadata.version` in the YAML */
  @IsString() @IsNotEmpty() @MaxLength(50)
  version!: string;

  /** the blueprint document (YAML, up to 256 KB) */
  @IsString() @IsNotEmpty()
  blueprint_yaml!: string;

  @DescriptionField()
  description?: string;

  @TagsField()
  tags?: string[];
}

export class UpdateBlueprintDto {
  /** a new version of the document; its `metadata.version` must be new (stored versions never change) */
  @IsOptional() @IsString() @IsNotEmpty()
  blueprint_yaml?: string;

  @IsOptional() @NameField()
  name?: string;

  @DescriptionField()
  description?: string;

  @TagsField()
  tags?: string[];

  /** inactive blueprints are hidden from the list and cannot be used for new clusters */
  @IsOptional() @IsBoolean()
  is_active?: boolean;
}

export class ValidateBlueprintDto {
  @IsString() @IsNotEmpty()
  blueprint_yaml!: string;
}

export class ListBlueprintsQuery extends PageQueryDto {
  /** include inactive blueprints */
  @IsOptional() @ToBoolean() @IsBoolean()
  include_inactive: boolean = false;

  @IsOptional() @IsString() @MaxLength(50)
  tag?: string;
}

export class GetBlueprintQuery {
  /** include the YAML document in the answer */
  @IsOptional() @ToBoolean() @IsBoolean()
  include_yaml: boolean = false;

  /** a specific stored version (default: the current one) */
  @IsOptional() @IsString() @MaxLength(50)
  version?: string;
}

export class BlueprintAgentSummaryDto {
  name!: string;
  role!: string;
  count!: { min: number; max: number };
  reports_to!: string | null;
  capabilities!: string[];
  genesis_template!: string | null;
}

export class BlueprintDto {
  id!: string;
  name!: string;
  version!: string;
  description!: string | null;
  author!: string | null;
  tags!: string[];
  is_active!: boolean;
  /** `file` (shipped in blueprints/) or `upload` */
  source!: string;
  cluster_type!: string;
  min_workers!: number;
  max_workers!: number;
  default_workers!: number;
  scaling!: Record<string, unknown> | null;
  agents!: BlueprintAgentSummaryDto[];
  versions?: string[];
  blueprint_yaml?: string;
  created_at!: string;
  updated_at!: string;
}

export class BlueprintListDto {
  blueprints!: BlueprintDto[];
  total!: number;
  page!: number;
  page_size!: number;
}

export class ValidationResultDto {
  valid!: boolean;
  problems!: Problem[];
  /** what the blueprint describes, when it is valid */
  summary?: { id: string; name: string; version: string; agents: number; min_workers: number; max_workers: number } | null;
}

export function mapBlueprint(b: Blueprint, v: BlueprintVersion, def: BlueprintDefinition, extra: { yaml?: boolean; versions?: string[] } = {}): BlueprintDto {
  return {
    id: b.id,
    name: b.name,
    version: v.version,
    description: b.description,
    author: b.author,
    tags: b.tags,
    is_active: b.isActive,
    source: b.source,
    cluster_type: def.cluster.type,
    min_workers: def.cluster.minWorkers,
    max_workers: def.cluster.maxWorkers,
    default_workers: def.cluster.defaultWorkers,
    scaling: def.cluster.scaling
      ? {
          metric: def.cluster.scaling.metric,
          scale_up_threshold: def.cluster.scaling.scaleUpThreshold,
          scale_down_threshold: def.cluster.scaling.scaleDownThreshold,
          cooldown_period: def.cluster.scaling.cooldownSeconds,
          mode: def.cluster.scaling.mode ?? 'threshold',
          ...(def.cluster.scaling.targetPerWorker !== undefined ? { target_per_worker: def.cluster.scaling.targetPerWorker } : {}),
          ...(def.cluster.scaling.targetWaitSeconds !== undefined ? { target_wait_seconds: def.cluster.scaling.targetWaitSeconds } : {}),
          ...(def.cluster.scaling.stabilizationWindowSeconds !== undefined ? { stabilization_window: def.cluster.scaling.stabilizationWindowSeconds } : {}),
        }
      : null,
    agents: def.agents.map((a) => ({
      name: a.name,
      role: a.role,
      count: a.count,
      reports_to: a.reportsTo,
      capabilities: a.capabilities,
      genesis_template: a.genesisTemplate ?? null,
    })),
    ...(extra.versions ? { versions: extra.versions } : {}),
    ...(extra.yaml ? { blueprint_yaml: v.yaml } : {}),
    created_at: b.createdAt.toISOString(),
    updated_at: b.updatedAt.toISOString(),
  };
}
