import { AppConfig, loadConfig } from '#config';
import { createDataSource, EmbeddedPostgresHandle, runMigrations, startEmbeddedPostgres, withSystemSettings } from '#db';
import { QueueBackend, QueueLog, resolveQueueBackend } from '#queue';

/** What a process needs to know before Nest starts: config, the database URL and the queue backend. */
export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  queue: QueueBackend;
  /** set when this process started the embedded PostgreSQL and must stop it */
  embedded?: EmbeddedPostgresHandle;
}

export const RUNTIME = Symbol('RUNTIME');

/**
 * Resolves the embedded defaults: with no DATABASE_URL, an embedded PostgreSQL; pending migrations
 * when MIGRATE_ON_START; then the queue backend and prefix the whole system uses (recorded in the
 * database by its first process; see chooseQueue in libs/queue). `log` gets a level for warnings.
 */
export async function prepareRuntime(log: QueueLog, env: NodeJS.ProcessEnv = process.env): Promise<Runtime> {
  const config = loadConfig(env);
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, log);
  const databaseUrl = config.database.url ?? embedded!.url;
  try {
    if (config.database.migrateOnStart) {
      const ds = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'brain-migrate' });
      try {
        await ds.initialize();
        const ran = await runMigrations(ds);
        if (ran.length) log(`applied migrations: ${ran.join(', ')}`);
      } finally {
        if (ds.isInitialized) await ds.destroy();
      }
    }
    const queue = await withSystemSettings(databaseUrl, (settings) => resolveQueueBackend(config.queue, databaseUrl, settings, log));
    return { config, databaseUrl, queue, embedded: embedded?.owned ? embedded : undefined };
  } catch (e) {
    // a process that cannot start must not leave the embedded database it started running
    if (embedded?.owned) await embedded.stop().catch(() => undefined);
    throw e;
  }
}
