import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole data model of SPEC.md: blueprints (and their immutable versions), clusters, cluster
 * agents, Genesis agents and DNA snapshots, tasks, metric samples, scaling decisions, cost entries,
 * budgets and alerts, manifests, API keys and idempotency keys. Column SQL was produced from the
 * entities by TypeORM's schema builder and reviewed; foreign keys and the extra indexes are hand-written
 * (the entities keep plain id columns, so the repositories decide what to join).
 */
export class InitialSchema1763942400000 implements MigrationInterface {
  name = 'InitialSchema1763942400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "role" text NOT NULL, "key_prefix" text NOT NULL, "key_hash" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_used_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "UQ_57384430aa1959f4578046c9b81" UNIQUE ("key_hash"), CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "blueprints" ("id" text NOT NULL, "name" text NOT NULL, "current_version" text NOT NULL, "description" text, "author" text, "tags" text array NOT NULL DEFAULT '{}', "is_active" boolean NOT NULL DEFAULT true, "source" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_066be3e934e709891367360aec3" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "blueprint_versions" ("blueprint_id" text NOT NULL, "version" text NOT NULL, "yaml" text NOT NULL, "definition" jsonb NOT NULL, "checksum" text NOT NULL, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_0c8b9be6c539910397f19ad80d7" PRIMARY KEY ("blueprint_id", "version"))`);
    await q.query(`CREATE TABLE "clusters" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "description" text, "type" text NOT NULL, "status" text NOT NULL, "status_reason" text, "blueprint_id" text NOT NULL, "blueprint_version" text NOT NULL, "min_workers" integer NOT NULL, "max_workers" integer NOT NULL, "target_workers" integer NOT NULL, "config" jsonb NOT NULL DEFAULT '{}', "tags" text array NOT NULL DEFAULT '{}', "scaling" jsonb, "autoscaling_enabled" boolean NOT NULL DEFAULT true, "last_scaled_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "hibernated_at" TIMESTAMP WITH TIME ZONE, "destroyed_at" TIMESTAMP WITH TIME ZONE, "last_active_at" TIMESTAMP WITH TIME ZONE, "tasks_completed" integer NOT NULL DEFAULT '0', "tasks_failed" integer NOT NULL DEFAULT '0', "avg_task_duration_ms" double precision NOT NULL DEFAULT '0', "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_56c8e201f375e1e961dcdd6831c" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_8a70f264721b694d59ccb503d2" ON "clusters"  ("status")`);
    await q.query(`CREATE TABLE "cluster_agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cluster_id" uuid NOT NULL, "genesis_agent_id" uuid, "definition_name" text, "name" text NOT NULL, "role" text NOT NULL, "status" text NOT NULL, "reports_to_id" uuid, "capabilities" text array NOT NULL DEFAULT '{}', "skills" text array NOT NULL DEFAULT '{}', "config" jsonb NOT NULL DEFAULT '{}', "error" text, "spawn_key" text NOT NULL, "current_task_id" uuid, "tasks_completed" integer NOT NULL DEFAULT '0', "tasks_failed" integer NOT NULL DEFAULT '0', "avg_task_duration_ms" double precision NOT NULL DEFAULT '0', "last_active_at" TIMESTAMP WITH TIME ZONE, "started_at" TIMESTAMP WITH TIME ZONE, "stopped_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_f2ff0b5d916e6397f5cb3331d33" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_c4d0cdb86ce8118c50cf10dbb3" ON "cluster_agents"  ("cluster_id", "spawn_key")`);
    await q.query(`CREATE INDEX "IDX_da71ccaaff827d969d4d3f454b" ON "cluster_agents"  ("cluster_id", "role", "status")`);
    await q.query(`CREATE TABLE "cost_entries" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "kind" text NOT NULL, "amount" numeric(14,6) NOT NULL, "currency" text NOT NULL, "quantity" double precision NOT NULL, "model" text, "task_id" uuid, "agent_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f6bc78f0721ef21e37905a1b156" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_6f416652547ca66ef7e2c6878c" ON "cost_entries"  ("cluster_id", "occurred_at")`);
    await q.query(`CREATE TABLE "budgets" ("cluster_id" uuid NOT NULL, "currency" text NOT NULL, "period" text NOT NULL, "soft_limit" numeric(14,2) NOT NULL, "hard_limit" numeric(14,2) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2a03a04ae3d70ee74db3728faa6" PRIMARY KEY ("cluster_id"))`);
    await q.query(`CREATE TABLE "budget_alerts" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cluster_id" uuid NOT NULL, "level" text NOT NULL, "period_start" TIMESTAMP WITH TIME ZONE NOT NULL, "spend" numeric(14,6) NOT NULL, "limit_amount" numeric(14,2) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_d8d537f43c8f669b9768235b9a6" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_6d6d9b7192f7122ad32371e2af" ON "budget_alerts"  ("cluster_id", "level", "period_start")`);
    await q.query(`CREATE TABLE "genesis_agents" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "template_id" text NOT NULL, "template_choice" text NOT NULL, "template_reason" text NOT NULL, "role" text, "traits" jsonb NOT NULL, "config" jsonb NOT NULL, "system_prompt" text NOT NULL, "capabilities" text array NOT NULL DEFAULT '{}', "tools" text array NOT NULL DEFAULT '{}', "warnings" jsonb NOT NULL DEFAULT '[]', "status" text NOT NULL DEFAULT 'active', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c424ab02f74023a50f318fb3abc" PRIMARY KEY ("id"))`);
    await q.query(`CREATE TABLE "genesis_dna_snapshots" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "agent_id" uuid NOT NULL, "version" integer NOT NULL, "dna" jsonb NOT NULL, "checksum" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a08ba8a6cdb1774b1f2e08e35be" PRIMARY KEY ("id"))`);
    await q.query(`CREATE UNIQUE INDEX "IDX_0da8f70e90b4a66b5d19520f66" ON "genesis_dna_snapshots"  ("agent_id", "version")`);
    await q.query(`CREATE TABLE "idempotency_keys" ("scope" text NOT NULL, "key" text NOT NULL, "request_hash" text NOT NULL, "status_code" integer NOT NULL, "response_body" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key"))`);
    await q.query(`CREATE TABLE "manifests" ("cluster_id" uuid NOT NULL, "name" text NOT NULL, "content" text NOT NULL, "checksum" text NOT NULL, "version" integer NOT NULL DEFAULT '1', "generated_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_f6ad7318202ee416114c325725a" PRIMARY KEY ("cluster_id", "name"))`);
    await q.query(`CREATE TABLE "metric_samples" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "sampled_at" TIMESTAMP WITH TIME ZONE NOT NULL, "queue_length" integer NOT NULL, "queue_wait_ms" double precision, "running_tasks" integer NOT NULL, "tasks_per_minute" double precision NOT NULL, "avg_response_ms" double precision, "error_rate" double precision NOT NULL, "live_workers" integer NOT NULL, "busy_workers" integer NOT NULL, "load_percentage" double precision NOT NULL, "cpu_usage" double precision, "memory_usage" double precision, "agents_by_status" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "PK_21aecc6180afbd6e0f6fcd82b62" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_52b2ed0179e898eacfca94d666" ON "metric_samples"  ("cluster_id", "sampled_at")`);
    await q.query(`CREATE TABLE "scaling_decisions" ("id" BIGSERIAL NOT NULL, "cluster_id" uuid NOT NULL, "source" text NOT NULL, "requested_by" text, "reason" text, "reason_code" text NOT NULL, "rule" text, "from_workers" integer NOT NULL, "to_workers" integer NOT NULL, "applied" boolean NOT NULL, "inputs" jsonb NOT NULL DEFAULT '{}', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_521239f93bf0103658211636fe8" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_5ace80932946f7d814006fce7c" ON "scaling_decisions"  ("cluster_id", "created_at")`);
    await q.query(`CREATE TABLE "tasks" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "cluster_id" uuid NOT NULL, "status" text NOT NULL, "input" text NOT NULL, "capability" text, "priority" integer NOT NULL DEFAULT '0', "metadata" jsonb NOT NULL DEFAULT '{}', "output" text, "error" text, "agent_id" uuid, "attempts" integer NOT NULL DEFAULT '0', "max_attempts" integer NOT NULL DEFAULT '3', "model" text, "prompt_tokens" integer, "completion_tokens" integer, "cost" numeric(14,6), "duration_ms" integer, "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_8d12ff38fcc62aaba2cab748772" PRIMARY KEY ("id"))`);
    await q.query(`CREATE INDEX "IDX_e3d41afda0983bee6fcecd28b3" ON "tasks"  ("cluster_id", "status", "priority", "created_at") `);
    await q.query(`ALTER TABLE "blueprint_versions" ADD CONSTRAINT "FK_blueprint_versions_blueprint" FOREIGN KEY ("blueprint_id") REFERENCES "blueprints"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "clusters" ADD CONSTRAINT "FK_clusters_blueprint_version" FOREIGN KEY ("blueprint_id", "blueprint_version") REFERENCES "blueprint_versions"("blueprint_id", "version")`);
    await q.query(`ALTER TABLE "cluster_agents" ADD CONSTRAINT "FK_cluster_agents_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "cluster_agents" ADD CONSTRAINT "FK_cluster_agents_genesis_agent" FOREIGN KEY ("genesis_agent_id") REFERENCES "genesis_agents"("id") ON DELETE SET NULL`);
    await q.query(`ALTER TABLE "cluster_agents" ADD CONSTRAINT "FK_cluster_agents_reports_to" FOREIGN KEY ("reports_to_id") REFERENCES "cluster_agents"("id") ON DELETE SET NULL`);
    await q.query(`ALTER TABLE "genesis_dna_snapshots" ADD CONSTRAINT "FK_dna_snapshots_agent" FOREIGN KEY ("agent_id") REFERENCES "genesis_agents"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "tasks" ADD CONSTRAINT "FK_tasks_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "tasks" ADD CONSTRAINT "FK_tasks_agent" FOREIGN KEY ("agent_id") REFERENCES "cluster_agents"("id") ON DELETE SET NULL`);
    await q.query(`ALTER TABLE "metric_samples" ADD CONSTRAINT "FK_metric_samples_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "scaling_decisions" ADD CONSTRAINT "FK_scaling_decisions_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "cost_entries" ADD CONSTRAINT "FK_cost_entries_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "budgets" ADD CONSTRAINT "FK_budgets_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "budget_alerts" ADD CONSTRAINT "FK_budget_alerts_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`ALTER TABLE "manifests" ADD CONSTRAINT "FK_manifests_cluster" FOREIGN KEY ("cluster_id") REFERENCES "clusters"("id") ON DELETE CASCADE`);
    await q.query(`CREATE INDEX "IDX_tasks_agent" ON "tasks" ("agent_id")`);
    await q.query(`CREATE INDEX "IDX_cluster_agents_reports_to" ON "cluster_agents" ("reports_to_id")`);
    await q.query(`CREATE INDEX "IDX_dna_snapshots_agent" ON "genesis_dna_snapshots" ("agent_id")`);
    await q.query(`CREATE INDEX "IDX_idempotency_keys_created" ON "idempotency_keys" ("created_at")`);
    // Rate-limit counters for when Redis is not available; losing them in a crash is harmless.
    await q.query(`CREATE UNLOGGED TABLE "rate_limit_hits" ("key" text PRIMARY KEY, "hits" integer NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "blocked_until" TIMESTAMP WITH TIME ZONE)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE IF EXISTS "rate_limit_hits"`);
    await q.query(`DROP TABLE IF EXISTS "tasks" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "scaling_decisions" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "metric_samples" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "manifests" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "idempotency_keys" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "genesis_dna_snapshots" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "genesis_agents" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "budget_alerts" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "budgets" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "cost_entries" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "cluster_agents" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "clusters" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "blueprint_versions" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "blueprints" CASCADE`);
    await q.query(`DROP TABLE IF EXISTS "api_keys" CASCADE`);
  }
}
