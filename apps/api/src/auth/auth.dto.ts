import { IsIn } from 'class-validator';
import { NameField } from '../common/fields';
import { ApiKey, UserRole } from '#db';

export class CreateApiKeyDto {
  /** what the key is for, e.g. "ci pipeline" */
  @NameField()
  name!: string;

  @IsIn(Object.values(UserRole), { message: `role must be one of ${Object.values(UserRole).join(', ')}` })
  role!: UserRole;
}

export class ApiKeyDto {
  id!: string;
  name!: string;
  role!: UserRole;
  /** the first characters of the token, to recognise it */
  key_prefix!: string;
  created_at!: string;
  last_used_at!: string | null;
  revoked_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /** the secret token: shown only in this answer */
  token!: string;
}

export function mapApiKey(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    name: k.name,
    role: k.role,
    key_prefix: k.keyPrefix,
    created_at: k.createdAt.toISOString(),
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    revoked_at: k.revokedAt?.toISOString() ?? null,
  };
}
