import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AsRead } from '../auth/auth.decorators';
import { UuidParam } from '../common/uuid-param';
import {
  AgentListQuery,
  GenesisAgentDto,
  GenesisAgentListDto,
  GenesisInfoDto,
  SpawnRequestDto,
  TemplateDto,
  TemplateIdParams,
  TemplateListDto,
  TraitDto,
  TraitIdParams,
  TraitListDto,
  TraitQueryDto,
  ValidationOutcomeDto,
} from './genesis.dto';
import { GenesisService } from './genesis.service';

@ApiTags('genesis')
@ApiBearerAuth()
@Controller('api/genesis')
export class GenesisController {
  constructor(private readonly genesis: GenesisService) {}

  /** Agent templates (archetypes): base config, system prompt, trait profile, capabilities, tools. */
  @Get('templates')
  listTemplates(): TemplateListDto {
    return { templates: this.genesis.listTemplates() };
  }

  @Get('templates/:id')
  getTemplate(@Param() p: TemplateIdParams): TemplateDto {
    return this.genesis.getTemplate(p.id);
  }

  /** Trait definitions with categories and bounds; `category` filters. */
  @Get('traits')
  listTraits(@Query() q: TraitQueryDto): TraitListDto {
    return { traits: this.genesis.listTraits(q.category) };
  }

  @Get('traits/:id')
  getTrait(@Param() p: TraitIdParams): TraitDto {
    return this.genesis.getTrait(p.id);
  }

  /** Would Genesis make this agent? The foundation rules' verdict, without storing anything. */
  @Post('validate')
  @AsRead()
  @HttpCode(200)
  validateSpawn(@Body() dto: SpawnRequestDto): ValidationOutcomeDto {
    return this.genesis.validate(dto);
  }

  /** Makes and stores an agent and its DNA; 403 with the violated rules when the foundation rules block it. */
  @Post('spawn')
  spawnAgent(@Body() dto: SpawnRequestDto): Promise<GenesisAgentDto> {
    return this.genesis.spawnFromRequest(dto);
  }

  @Get('agents')
  listGenesisAgents(@Query() q: AgentListQuery): Promise<GenesisAgentListDto> {
    return this.genesis.listAgents(q);
  }

  @Get('agents/:id')
  getGenesisAgent(@UuidParam() id: string): Promise<GenesisAgentDto> {
    return this.genesis.getAgent(id);
  }

  /** Catalog sizes, agents made per template and the foundation rules in force. */
  @Get('info')
  genesisInfo(): Promise<GenesisInfoDto> {
    return this.genesis.info();
  }
}
