import { Client } from 'pg';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations';

const UNDEFINED_TABLE = '42P01';

/** The names TypeORM records migrations under: the instance's `name`, else the class name. */
function migrationNames(): string[] {
  return MIGRATIONS.map((M) => new M().name ?? M.name);
}

/**
 * Whether any migration of this build is not yet recorded as applied (true on a database without
 * the migrations table). This is the test runMigrations makes before it runs anything, made with
 * one plain connection, so that a process that finds nothing to do (every start but the first)
 * need not load TypeORM for it. Recorded migrations stay recorded: when this says false,
 * runMigrations would have run nothing; when it says true, run runMigrations (under its lock).
 */
export async function migrationsPending(url: string, applicationName = 'brain-migrate'): Promise<boolean> {
  const client = new Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(`SELECT name FROM "${MIGRATIONS_TABLE}"`);
    const applied = new Set(rows.map((r) => r.name));
    return migrationNames().some((name) => !applied.has(name));
  } catch (e) {
    if ((e as { code?: string }).code === UNDEFINED_TABLE) return true;
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}
