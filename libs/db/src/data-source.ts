import { DataSource } from 'typeorm';
import { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { ENTITIES } from './entities';
import { MIGRATIONS, MIGRATIONS_TABLE } from './migrations';
import { SnakeNamingStrategy } from './naming.strategy';

export interface DataSourceOptions {
  url: string;
  poolSize?: number;
  applicationName?: string;
}

/** The one set of connection options: entities, reviewed migrations, never `synchronize`. */
export function dataSourceOptions(opts: DataSourceOptions): PostgresDataSourceOptions {
  return {
    type: 'postgres',
    url: opts.url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    migrationsTableName: MIGRATIONS_TABLE,
    uuidExtension: 'pgcrypto',
    applicationName: opts.applicationName ?? 'brain',
    extra: { max: opts.poolSize ?? 10, connectionTimeoutMillis: 5000 },
  };
}

export function createDataSource(opts: DataSourceOptions): DataSource {
  return new DataSource(dataSourceOptions(opts));
}

// Any fixed 64-bit number works; this one is only ours.
const MIGRATION_LOCK = 727_001;

/**
 * Runs pending migrations under a session advisory lock, so api and worker processes starting at
 * the same moment run them exactly once and the others wait and then find nothing to do.
 */
export async function runMigrations(ds: DataSource): Promise<string[]> {
  // the lock holds one pooled connection and the migrations use another: the pool needs two
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const done = await ds.runMigrations({ transaction: 'all' });
    return done.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
