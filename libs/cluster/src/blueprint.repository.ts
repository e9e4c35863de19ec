import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Blueprint, BlueprintVersion } from '#db';

export interface BlueprintListFilter {
  includeInactive: boolean;
  tag?: string;
  skip: number;
  take: number;
}

@Injectable()
export class BlueprintRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Runs fn in a transaction holding a per-blueprint advisory lock (concurrent uploads of one id). */
  withLock<T>(id: string, fn: (m: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(async (m) => {
      await m.query(`SELECT pg_advisory_xact_lock(hashtext('blueprint:' || $1))`, [id]);
      return fn(m);
    });
  }

  find(id: string, m: EntityManager = this.ds.manager): Promise<Blueprint | null> {
    return m.getRepository(Blueprint).findOne({ where: { id } });
  }

  findVersion(id: string, version: string, m: EntityManager = this.ds.manager): Promise<BlueprintVersion | null> {
    return m.getRepository(BlueprintVersion).findOne({ where: { blueprintId: id, version } });
  }

  listVersions(id: string): Promise<Pick<BlueprintVersion, 'version' | 'checksum' | 'createdAt'>[]> {
    return this.ds.getRepository(BlueprintVersion).find({ where: { blueprintId: id }, select: { version: true, checksum: true, createdAt: true }, order: { createdAt: 'ASC' } });
  }

  /** The current version of each blueprint, in one query. */
  async currentVersions(blueprints: Blueprint[]): Promise<Map<string, BlueprintVersion>> {
    if (!blueprints.length) return new Map();
    const rows = await this.ds
      .getRepository(BlueprintVersion)
      .createQueryBuilder('v')
      .innerJoin(Blueprint, 'b', 'b.id = v.blueprint_id AND b.current_version = v.version')
      .where('v.blueprint_id IN (:...ids)', { ids: blueprints.map((b) => b.id) })
      .getMany();
    return new Map(rows.map((v) => [v.blueprintId, v]));
  }

  async list(f: BlueprintListFilter): Promise<[Blueprint[], number]> {
    const qb = this.ds.getRepository(Blueprint).createQueryBuilder('b').orderBy('b.id', 'ASC').skip(f.skip).take(f.take);
    if (!f.includeInactive) qb.andWhere('b.is_active = true');
    if (f.tag) qb.andWhere(':tag = ANY(b.tags)', { tag: f.tag });
    return qb.getManyAndCount();
  }

  async insertVersion(m: EntityManager, v: Omit<BlueprintVersion, 'createdAt'>): Promise<void> {
    const repo = m.getRepository(BlueprintVersion);
    await repo.save(repo.create(v));
  }

  async save(m: EntityManager, b: Partial<Blueprint> & { id: string }): Promise<Blueprint> {
    return m.getRepository(Blueprint).save(b);
  }
}
