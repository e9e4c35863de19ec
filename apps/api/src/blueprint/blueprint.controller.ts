import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { UserRole } from '#db';
import { AsRead, Principal, RequireRole } from '../auth/auth.decorators';
import {
  BlueprintDto,
  BlueprintIdParams,
  BlueprintListDto,
  CreateBlueprintDto,
  GetBlueprintQuery,
  ListBlueprintsQuery,
  UpdateBlueprintDto,
  ValidateBlueprintDto,
  ValidationResultDto,
} from './blueprint.dto';
import { BlueprintService } from './blueprint.service';

type AuthedRequest = Request & { principal?: Principal };

@ApiTags('blueprints')
@ApiBearerAuth()
@Controller('api/blueprints')
export class BlueprintController {
  constructor(private readonly blueprints: BlueprintService) {}

  /** Uploads a validated blueprint (admin). A duplicate id is a 409. */
  @Post()
  @RequireRole(UserRole.Admin)
  createBlueprint(@Body() dto: CreateBlueprintDto, @Req() req: AuthedRequest): Promise<BlueprintDto> {
    return this.blueprints.create(dto, req.principal?.keyId ?? null);
  }

  /** Checks a blueprint without saving it: every problem found, each with its path and rule. */
  @Post('validate')
  @AsRead()
  @HttpCode(200)
  validateBlueprint(@Body() dto: ValidateBlueprintDto): ValidationResultDto {
    return this.blueprints.validate(dto.blueprint_yaml);
  }

  /** Active blueprints by default, paged. */
  @Get()
  listBlueprints(@Query() q: ListBlueprintsQuery): Promise<BlueprintListDto> {
    return this.blueprints.list(q);
  }

  @Get(':id')
  getBlueprint(@Param() p: BlueprintIdParams, @Query() q: GetBlueprintQuery): Promise<BlueprintDto> {
    return this.blueprints.get(p.id, q);
  }

  /** Adds a new version (stored versions never change) and/or updates name, description, tags, is_active. */
  @Put(':id')
  @RequireRole(UserRole.Admin)
  updateBlueprint(@Param() p: BlueprintIdParams, @Body() dto: UpdateBlueprintDto, @Req() req: AuthedRequest): Promise<BlueprintDto> {
    return this.blueprints.update(p.id, dto, req.principal?.keyId ?? null);
  }
}
