import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createDataSource, MIGRATIONS, migrationsPending, runMigrations } from '#db';
import { createEmptyDatabase, TestDatabase } from '../harness/database';

describe('migrations', () => {
  let db: TestDatabase;
  before(async () => {
    db = await createEmptyDatabase('migrations');
  });
  after(async () => {
    await db.drop();
  });

  it('build the whole schema on an empty database, and the entities match it', async () => {
    const ds = createDataSource({ url: db.url, poolSize: 2 });
    await ds.initialize();
    try {
      assert.equal(await migrationsPending(db.url), true, 'no migrations table yet: pending');
      const ran = await runMigrations(ds);
      assert.deepEqual(ran, MIGRATIONS.map((m) => m.name));
      assert.equal(await migrationsPending(db.url), false, 'all applied: nothing pending');
      const tables = (await ds.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1`)).map(
        (r: { table_name: string }) => r.table_name,
      );
      for (const t of ['api_keys', 'blueprints', 'blueprint_versions', 'clusters', 'cluster_agents', 'genesis_agents', 'genesis_dna_snapshots', 'tasks', 'metric_samples', 'scaling_decisions', 'cost_entries', 'budgets', 'budget_alerts', 'manifests', 'idempotency_keys', 'worker_processes', 'system_settings']) {
        assert.ok(tables.includes(t), `table ${t} exists`);
      }
      // What TypeORM would change to make the schema match the entities. Foreign keys are hand-written
      // in the migration (the entities keep plain id columns), so their drops are expected; anything
      // else means an entity and the migrations disagree.
      const pending = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
      const drift = pending.filter((q) => !/DROP CONSTRAINT "FK_|DROP INDEX "public"\."IDX_(tasks_agent|cluster_agents_reports_to|dna_snapshots_agent|idempotency_keys_created)"/.test(q));
      assert.deepEqual(drift, []);
      assert.ok(!ds.options.synchronize);
    } finally {
      await ds.destroy();
    }
  });

  it('run once when several processes start together, and can be rolled back', async () => {
    const sources = [0, 1, 2].map(() => createDataSource({ url: db.url, poolSize: 2 }));
    await Promise.all(sources.map((s) => s.initialize()));
    try {
      const results = await Promise.all(sources.map((s) => runMigrations(s)));
      assert.deepEqual(results, [[], [], []]);
      await sources[0].undoLastMigration();
      assert.equal(await migrationsPending(db.url), true, 'the last migration undone: pending again');
      for (let i = 1; i < MIGRATIONS.length; i++) await sources[0].undoLastMigration();
      const left = await sources[0].query(`SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations'`);
      assert.equal(left[0].n, 0);
      const again = await Promise.all(sources.map((s) => runMigrations(s)));
      assert.equal(again.flat().length, MIGRATIONS.length, 'exactly one process applies each migration');
      assert.equal(await migrationsPending(db.url), false);
    } finally {
      await Promise.all(sources.map((s) => s.destroy()));
    }
  });
});
