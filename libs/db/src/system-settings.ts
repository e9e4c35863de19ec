import { Client } from 'pg';

/**
 * The `system_settings` table: values that belong to the whole system (every api and worker process
 * on one database), decided once by the first process that needs them.
 */
export interface SystemSettingsStore {
  /** The recorded value, or undefined when none is recorded yet. */
  get(key: string): Promise<string | undefined>;
  /**
   * Records `value` unless a value is recorded already (INSERT ... ON CONFLICT DO NOTHING) and
   * returns what is recorded now: the first writer's value, whoever that was.
   */
  claim(key: string, value: string, source: string): Promise<string>;
}

const MISSING_TABLE = '42P01';

function explain(e: unknown): Error {
  if ((e as { code?: string }).code === MISSING_TABLE) {
    return new Error('the table system_settings is missing: apply the migrations first (`npm run migrate`, or start with MIGRATE_ON_START=true)');
  }
  return e instanceof Error ? e : new Error(String(e));
}

export class PgSystemSettings implements SystemSettingsStore {
  constructor(private readonly client: Pick<Client, 'query'>) {}

  async get(key: string): Promise<string | undefined> {
    try {
      const r = await this.client.query<{ value: string }>('SELECT value FROM system_settings WHERE key = $1', [key]);
      return r.rows[0]?.value;
    } catch (e) {
      throw explain(e);
    }
  }

  async claim(key: string, value: string, source: string): Promise<string> {
    try {
      await this.client.query('INSERT INTO system_settings (key, value, source) VALUES ($1, $2, $3) ON CONFLICT (key) DO NOTHING', [key, value, source]);
      const r = await this.client.query<{ value: string }>('SELECT value FROM system_settings WHERE key = $1', [key]);
      return r.rows[0]?.value ?? value;
    } catch (e) {
      throw explain(e);
    }
  }
}

/** Runs fn with the system settings of the database at url, on a connection of its own. */
export async function withSystemSettings<T>(url: string, fn: (settings: SystemSettingsStore) => Promise<T>, applicationName = 'brain-settings'): Promise<T> {
  const client = new Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 5000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(new PgSystemSettings(client));
  } finally {
    await client.end().catch(() => undefined);
  }
}
