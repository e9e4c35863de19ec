import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settings that belong to the whole system rather than to one process, decided by the first process
 * that starts and read by every later one: the queue backend (`queue_backend`: redis | postgres) and
 * the queue key prefix (`queue_prefix`). Rows are only ever inserted with ON CONFLICT DO NOTHING, so
 * the first writer wins; `source` says which process wrote the row and why.
 */
export class SystemSettings1764000000000 implements MigrationInterface {
  name = 'SystemSettings1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "system_settings" ("key" text NOT NULL, "value" text NOT NULL, "source" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_system_settings" PRIMARY KEY ("key"))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "system_settings"`);
  }
}
