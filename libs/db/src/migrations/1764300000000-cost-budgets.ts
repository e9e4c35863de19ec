import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost and budgets: a task's reserved (estimated) cost while it runs, when a cluster's time cost was
 * last accrued (advanced atomically, so each interval is accrued once), the role a cost entry is for,
 * and what an alert is about (`kind`: budget or monitoring, and its message).
 */
export class CostBudgets1764300000000 implements MigrationInterface {
  name = 'CostBudgets1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "tasks" ADD "reserved_cost" numeric(14,6) NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE "clusters" ADD "cost_accrued_at" TIMESTAMP WITH TIME ZONE`);
    await q.query(`ALTER TABLE "cost_entries" ADD "role" text`);
    await q.query(`ALTER TABLE "budget_alerts" ADD "kind" text NOT NULL DEFAULT 'budget'`);
    await q.query(`ALTER TABLE "budget_alerts" ADD "message" text NOT NULL DEFAULT ''`);
    await q.query(`CREATE INDEX "IDX_budget_alerts_created" ON "budget_alerts" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "IDX_budget_alerts_created"`);
    await q.query(`ALTER TABLE "budget_alerts" DROP COLUMN "message"`);
    await q.query(`ALTER TABLE "budget_alerts" DROP COLUMN "kind"`);
    await q.query(`ALTER TABLE "cost_entries" DROP COLUMN "role"`);
    await q.query(`ALTER TABLE "clusters" DROP COLUMN "cost_accrued_at"`);
    await q.query(`ALTER TABLE "tasks" DROP COLUMN "reserved_cost"`);
  }
}
