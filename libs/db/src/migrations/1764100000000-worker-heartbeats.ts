import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Worker heartbeats (health reports how many worker processes are alive), and a deliberate default
 * for autoscaling: a cluster is opted in by its blueprint's `scaling` section, not by a column default.
 */
export class WorkerHeartbeats1764100000000 implements MigrationInterface {
  name = 'WorkerHeartbeats1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "worker_processes" ("id" uuid NOT NULL, "hostname" text NOT NULL, "pid" integer NOT NULL, "version" text NOT NULL, "queue_backend" text NOT NULL,
        "started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, "rss_bytes" bigint NOT NULL, "cpu_seconds" double precision NOT NULL, "cpu_percent" double precision NOT NULL,
        CONSTRAINT "PK_worker_processes" PRIMARY KEY ("id"))`,
    );
    await q.query(`ALTER TABLE "clusters" ALTER COLUMN "autoscaling_enabled" SET DEFAULT false`);
    // existing clusters: opted in only when they carry a scaling rule
    await q.query(`UPDATE "clusters" SET "autoscaling_enabled" = ("scaling" IS NOT NULL)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "clusters" ALTER COLUMN "autoscaling_enabled" SET DEFAULT true`);
    await q.query(`DROP TABLE "worker_processes"`);
  }
}
