import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { ApiKey, UserRole } from '#db';

@Injectable()
export class ApiKeyRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findActiveByHash(keyHash: string): Promise<ApiKey | null> {
    return this.ds.getRepository(ApiKey).findOne({ where: { keyHash, revokedAt: IsNull() } });
  }

  /** Records use at most once a minute per key, so reads do not turn into a write each. */
  async touch(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '60 seconds')`,
      [id],
    );
  }

  create(fields: { name: string; role: UserRole; keyPrefix: string; keyHash: string }): Promise<ApiKey> {
    const repo = this.ds.getRepository(ApiKey);
    return repo.save(repo.create(fields));
  }

  list(): Promise<ApiKey[]> {
    return this.ds.getRepository(ApiKey).find({ order: { createdAt: 'ASC' } });
  }

  /** Revokes an active key; false when there is no such active key. */
  async revoke(id: string): Promise<boolean> {
    const res = await this.ds.getRepository(ApiKey).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
    return (res.affected ?? 0) > 0;
  }

  /** Creates the first admin key unless any key exists; serialised across processes. */
  createIfNone(make: () => { name: string; role: UserRole; keyPrefix: string; keyHash: string }): Promise<ApiKey | null> {
    return this.ds.transaction(async (m: EntityManager) => {
      await m.query('SELECT pg_advisory_xact_lock(727002)');
      const count = await m.getRepository(ApiKey).count();
      if (count > 0) return null;
      return m.getRepository(ApiKey).save(m.getRepository(ApiKey).create(make()));
    });
  }
}
