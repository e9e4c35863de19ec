import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, notFound } from '#common';
import {
  BuildAgentInput,
  buildAgentSpec,
  DANGEROUS_TOOLS,
  FOUNDATION_THRESHOLDS,
  getTemplate,
  getTrait,
  listTemplates,
  listTraits,
  NON_LOWERABLE_TRAITS,
  requireTemplate,
  TraitCategory,
} from '#genesis';
import { GenesisRepository } from '#cluster';
import { pageWindow } from '../common/paging.dto';
import { AgentListQuery, GenesisAgentDto, GenesisAgentListDto, mapAgent, mapTemplate, mapTrait, SpawnRequestDto, ValidationOutcomeDto } from './genesis.dto';

/** The agent factory's HTTP face; cluster spawning uses GenesisSpawner (#cluster) on the same rules. */
@Injectable()
export class GenesisService {
  constructor(private readonly repo: GenesisRepository) {}

  private fromRequest(dto: SpawnRequestDto): BuildAgentInput {
    requireTemplate(dto.template_id); // 404 for an unknown template
    return { templateId: dto.template_id, name: dto.name, traitOverrides: dto.trait_overrides, seed: dto.seed, source: 'api' };
  }

  validate(dto: SpawnRequestDto): ValidationOutcomeDto {
    const r = buildAgentSpec(this.fromRequest(dto));
    return { allowed: r.allowed, violations: r.evaluation.violations, warnings: r.evaluation.warnings, problems: r.problems };
  }

  async spawnFromRequest(dto: SpawnRequestDto): Promise<GenesisAgentDto> {
    const input = this.fromRequest(dto);
    const r = buildAgentSpec(input);
    if (r.problems.length) {
      throw new DomainError(ErrorCode.ValidationFailed, r.problems.map((p) => `${p.path}: ${p.message}`).join('; '), { problems: r.problems });
    }
    if (!r.evaluation.allowed) {
      throw new DomainError(ErrorCode.EthicsBlocked, `Genesis refused the agent: ${r.evaluation.violations.map((v) => v.message).join('; ')}`, {
        violations: r.evaluation.violations,
        warnings: r.evaluation.warnings,
      });
    }
    const choice = { templateId: input.templateId, choice: 'explicit' as const, reason: 'explicit: template_id in the request' };
    const { agent, dna } = await this.repo.store(r.spec, choice, r.evaluation);
    return mapAgent(agent, dna);
  }

  listTemplates() {
    return listTemplates().map(mapTemplate);
  }

  getTemplate(id: string) {
    const t = getTemplate(id);
    if (!t) throw notFound('template', id);
    return mapTemplate(t);
  }

  listTraits(category?: string) {
    return listTraits(category as TraitCategory | undefined).map(mapTrait);
  }

  getTrait(id: string) {
    const t = getTrait(id);
    if (!t) throw notFound('trait', id);
    return mapTrait(t);
  }

  async listAgents(q: AgentListQuery): Promise<GenesisAgentListDto> {
    const [rows, total] = await this.repo.list({ templateId: q.template_id, ...pageWindow(q) });
    return { agents: rows.map((a) => mapAgent(a)), total, page: q.page, page_size: q.page_size };
  }

  async getAgent(id: string): Promise<GenesisAgentDto> {
    const a = await this.repo.find(id);
    if (!a) throw notFound('agent', id);
    return mapAgent(a, await this.repo.latestDna(id));
  }

  async info() {
    return {
      templates: listTemplates().length,
      traits: listTraits().length,
      agents_by_template: await this.repo.countsByTemplate(),
      foundation_rules: {
        blocking: FOUNDATION_THRESHOLDS,
        dangerous_tools: [...DANGEROUS_TOOLS],
        never_lowered: [...NON_LOWERABLE_TRAITS],
      },
    };
  }
}
