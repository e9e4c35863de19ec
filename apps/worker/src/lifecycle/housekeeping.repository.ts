import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Retention: rows that have served their purpose. */
@Injectable()
export class HousekeepingRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async deleteIdempotencyKeysOlderThan(hours: number): Promise<number> {
    const [, count] = await this.ds.query(`DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`, [hours]);
    return Number(count ?? 0);
  }

  async deleteMetricSamplesOlderThan(hours: number): Promise<number> {
    const [, count] = await this.ds.query(`DELETE FROM metric_samples WHERE sampled_at < now() - make_interval(hours => $1)`, [hours]);
    return Number(count ?? 0);
  }

  async deleteExpiredRateLimits(): Promise<number> {
    const [, count] = await this.ds.query(`DELETE FROM rate_limit_hits WHERE expires_at < now() AND (blocked_until IS NULL OR blocked_until < now())`);
    return Number(count ?? 0);
  }
}
