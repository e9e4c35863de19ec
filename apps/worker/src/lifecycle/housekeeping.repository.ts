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

  /**
   * Stopped and refused agents older than the retention age, with their Genesis agents (their DNA
   * goes by cascade). Only Genesis agents a pruned cluster agent pointed at are removed: agents
   * spawned through the Genesis API stand on their own. In batches, so no lock is held for long.
   */
  async deleteStoppedAgentsOlderThan(days: number, batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const [row] = (await this.ds.query(
        `WITH gone AS (
           DELETE FROM cluster_agents WHERE id IN (
             SELECT id FROM cluster_agents WHERE status IN ('stopped', 'spawn_failed')
                AND coalesce(stopped_at, updated_at) < now() - make_interval(days => $1) LIMIT $2)
           RETURNING genesis_agent_id)
         , genesis AS (DELETE FROM genesis_agents WHERE id IN (SELECT genesis_agent_id FROM gone WHERE genesis_agent_id IS NOT NULL) RETURNING id)
         SELECT (SELECT count(*) FROM gone)::int AS n`,
        [days, batch],
      )) as { n: number }[];
      total += row.n;
      if (row.n < batch) return total;
    }
  }

  async deleteDecisionsOlderThan(days: number): Promise<number> {
    const [, count] = await this.ds.query(`DELETE FROM scaling_decisions WHERE created_at < now() - make_interval(days => $1)`, [days]);
    return Number(count ?? 0);
  }
}
