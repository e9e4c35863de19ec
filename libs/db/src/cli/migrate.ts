import { loadConfig } from '#config';
import { createDataSource, runMigrations } from '../data-source';
import { startEmbeddedPostgres } from '../embedded-postgres';

/** `npm run migrate`: applies pending migrations to DATABASE_URL (or the embedded database). */
async function main() {
  const config = loadConfig();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, (m) => console.log(m));
  const ds = createDataSource({ url: config.database.url ?? embedded!.url, poolSize: 2, applicationName: 'brain-migrate' });
  try {
    await ds.initialize();
    const ran = await runMigrations(ds);
    console.log(ran.length ? `applied: ${ran.join(', ')}` : 'database is up to date');
  } finally {
    await ds.destroy().catch(() => undefined);
    await embedded?.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
