import { Inject, Injectable } from '@nestjs/common';
import { RUNTIME, Runtime } from '#runtime';
import { notFound } from '#common';
import { UserRole } from '#db';
import { ApiKeyDto, CreatedApiKeyDto, mapApiKey } from './auth.dto';
import { ApiKeyRepository } from './api-key.repository';
import { hashToken, newApiToken, safeEqual } from './api-key.util';
import { Principal } from './auth.decorators';

@Injectable()
export class AuthService {
  constructor(
    private readonly keys: ApiKeyRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** The principal a bearer token stands for, or null when it is not a valid key. */
  async authenticate(token: string): Promise<Principal | null> {
    const admin = this.runtime.config.auth.adminApiKey;
    if (admin && safeEqual(token, admin)) return { keyId: null, name: 'ADMIN_API_KEY', role: UserRole.Admin };
    const key = await this.keys.findActiveByHash(hashToken(token));
    if (!key) return null;
    void this.keys.touch(key.id).catch(() => undefined);
    return { keyId: key.id, name: key.name, role: key.role };
  }

  async createKey(name: string, role: UserRole): Promise<CreatedApiKeyDto> {
    const t = newApiToken();
    const key = await this.keys.create({ name, role, keyPrefix: t.prefix, keyHash: t.hash });
    return { ...mapApiKey(key), token: t.token };
  }

  async listKeys(): Promise<ApiKeyDto[]> {
    return (await this.keys.list()).map(mapApiKey);
  }

  async revokeKey(id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw notFound('active API key', id);
  }

  /**
   * On a system's first start there is no key: make an admin key and return its token once, to be
   * printed. Not when ADMIN_API_KEY is set (that one is the admin key then).
   */
  async ensureFirstAdminKey(): Promise<string | null> {
    if (this.runtime.config.auth.adminApiKey) return null;
    let token: string | null = null;
    await this.keys.createIfNone(() => {
      const t = newApiToken();
      token = t.token;
      return { name: 'first-admin', role: UserRole.Admin, keyPrefix: t.prefix, keyHash: t.hash };
    });
    return token;
  }
}
