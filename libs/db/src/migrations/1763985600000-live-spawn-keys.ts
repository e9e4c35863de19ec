import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A spawn key names a slot in a cluster (`worker:Image Generator:3`). It must be unique among the
 * cluster's live agents only: once an agent is stopped its slot can be filled again by a new agent
 * on a later scale-up, while a retried or duplicated spawn job still cannot fill a slot twice.
 */
export class LiveSpawnKeys1763985600000 implements MigrationInterface {
  name = 'LiveSpawnKeys1763985600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_c4d0cdb86ce8118c50cf10dbb3"`);
    await q.query(
      `CREATE UNIQUE INDEX "IDX_cluster_agents_live_spawn_key" ON "cluster_agents" ("cluster_id", "spawn_key") WHERE status NOT IN ('stopped', 'spawn_failed')`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "public"."IDX_cluster_agents_live_spawn_key"`);
    await q.query(`CREATE UNIQUE INDEX "IDX_c4d0cdb86ce8118c50cf10dbb3" ON "cluster_agents" ("cluster_id", "spawn_key")`);
  }
}
