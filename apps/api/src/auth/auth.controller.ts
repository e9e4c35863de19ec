import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { UserRole } from '#db';
import { UuidParam } from '../common/uuid-param';
import { RequireRole } from './auth.decorators';
import { ApiKeyDto, CreateApiKeyDto, CreatedApiKeyDto } from './auth.dto';
import { AuthService } from './auth.service';

@ApiTags('auth')
@ApiBearerAuth()
@RequireRole(UserRole.Admin)
@Controller('api/auth/keys')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Creates an API key; the token is in this answer only. */
  @Post()
  createKey(@Body() dto: CreateApiKeyDto): Promise<CreatedApiKeyDto> {
    return this.auth.createKey(dto.name, dto.role);
  }

  @Get()
  listKeys(): Promise<ApiKeyDto[]> {
    return this.auth.listKeys();
  }

  /** Revokes a key; requests with it get 401 from then on. */
  @Delete(':id')
  @HttpCode(204)
  revokeKey(@UuidParam() id: string): Promise<void> {
    return this.auth.revokeKey(id);
  }
}
