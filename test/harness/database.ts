import { createHash, randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createDataSource, MIGRATIONS_FINGERPRINT, runMigrations } from '#db';

/** Superuser connection to the machine's PostgreSQL, used only to create and drop test databases. */
export const ADMIN_URL = process.env.TEST_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function urlFor(database: string): string {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${database}`;
  return u.toString();
}

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: ADMIN_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

// Template databases are made once per set of migrations and cloned for each test file; cloning a
// migrated template takes milliseconds where migrating takes far longer.
const TEMPLATE = `brain_tpl_${createHash('sha256').update(MIGRATIONS_FINGERPRINT).digest('hex').slice(0, 12)}`;
const LOCK = 727_100;

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of this test file's own; drop() removes it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `brain_t_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(async (c) => {
    // Serialised: the template is built by the first file that needs it, and PostgreSQL refuses to
    // copy a template while another session is connected to it.
    await c.query('SELECT pg_advisory_lock($1)', [LOCK]);
    try {
      const exists = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
      if (!exists.rowCount) {
        await c.query(`CREATE DATABASE "${TEMPLATE}_build"`).catch(async () => {
          await c.query(`DROP DATABASE IF EXISTS "${TEMPLATE}_build"`);
          await c.query(`CREATE DATABASE "${TEMPLATE}_build"`);
        });
        const ds = createDataSource({ url: urlFor(`${TEMPLATE}_build`), poolSize: 2 });
        await ds.initialize();
        await runMigrations(ds);
        await ds.destroy();
        await c.query(`ALTER DATABASE "${TEMPLATE}_build" RENAME TO "${TEMPLATE}"`);
      }
      await c.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"`);
    } finally {
      await c.query('SELECT pg_advisory_unlock($1)', [LOCK]);
    }
  });
  return {
    url: urlFor(name),
    name,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** An empty database (no migrations), for tests of the migrations themselves. */
export async function createEmptyDatabase(label: string): Promise<TestDatabase> {
  const name = `brain_e_${label.replace(/[^a-z0-9]/gi, '').toLowerCase().slice(0, 20)}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE "${name}"`));
  return {
    url: urlFor(name),
    name,
    drop: () => withAdmin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}
