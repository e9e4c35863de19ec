import { Injectable } from '@nestjs/common';
import { BlueprintStore } from '#cluster';
import { pageWindow } from '../common/paging.dto';
import {
  BlueprintDto,
  BlueprintListDto,
  CreateBlueprintDto,
  GetBlueprintQuery,
  ListBlueprintsQuery,
  mapBlueprint,
  UpdateBlueprintDto,
  ValidationResultDto,
} from './blueprint.dto';

/** The HTTP face of the blueprint store: request DTOs in, response DTOs out. */
@Injectable()
export class BlueprintService {
  constructor(private readonly store: BlueprintStore) {}

  validate(yaml: string): ValidationResultDto {
    const { blueprint, problems } = this.store.check(yaml);
    return {
      valid: problems.length === 0,
      problems,
      summary: blueprint
        ? {
            id: blueprint.metadata.id,
            name: blueprint.metadata.name,
            version: blueprint.metadata.version,
            agents: blueprint.agents.length,
            min_workers: blueprint.cluster.minWorkers,
            max_workers: blueprint.cluster.maxWorkers,
          }
        : null,
    };
  }

  async create(dto: CreateBlueprintDto, createdBy: string | null): Promise<BlueprintDto> {
    const r = await this.store.create({ id: dto.id, name: dto.name, version: dto.version, yaml: dto.blueprint_yaml, description: dto.description, tags: dto.tags }, createdBy);
    return mapBlueprint(r.blueprint, r.version, r.definition);
  }

  async update(id: string, dto: UpdateBlueprintDto, createdBy: string | null): Promise<BlueprintDto> {
    const change = { yaml: dto.blueprint_yaml, name: dto.name, description: dto.description, tags: dto.tags, isActive: dto.is_active };
    const r = await this.store.update(id, change, createdBy);
    return mapBlueprint(r.blueprint, r.version, r.definition);
  }

  async get(id: string, q: GetBlueprintQuery): Promise<BlueprintDto> {
    const r = await this.store.resolve(id, q.version, { allowInactive: true });
    return mapBlueprint(r.blueprint, r.version, r.definition, { yaml: q.include_yaml, versions: await this.store.versions(id) });
  }

  async list(q: ListBlueprintsQuery): Promise<BlueprintListDto> {
    const [rows, total] = await this.store.list({ includeInactive: q.include_inactive, tag: q.tag, ...pageWindow(q) });
    return { blueprints: rows.map((r) => mapBlueprint(r.blueprint, r.version, r.definition)), total, page: q.page, page_size: q.page_size };
  }
}
