import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manifests remember which state of their cluster they were generated from (the cluster row's
 * `updated_at`), so the reconcile tick can find the ones that are missing or behind in one query.
 * A separate column rather than `generated_at`: a regeneration whose content did not change does
 * not rewrite the manifest, but it does record that it is current. Existing rows get NULL: behind.
 * The (cluster_id, name) primary key already makes the upsert per cluster and name.
 */
export class ManifestFreshness1764200000000 implements MigrationInterface {
  name = 'ManifestFreshness1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "manifests" ADD "cluster_updated_at" TIMESTAMP WITH TIME ZONE`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "manifests" DROP COLUMN "cluster_updated_at"`);
  }
}
