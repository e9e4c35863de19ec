import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '#config';
import { createDataSource, runMigrations, startEmbeddedPostgres } from '#db';
import { createLogger } from '#runtime';

/**
 * `npm start`: one api and one worker process on embedded defaults. Starts the embedded
 * PostgreSQL when no DATABASE_URL is set, runs migrations once, then supervises both children and
 * stops them (by pid) and the database on Ctrl-C.
 */
async function main() {
  const log = createLogger('launcher');
  const config = loadConfig();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, (m) => log.info(m));
  const databaseUrl = config.database.url ?? embedded!.url;

  const ds = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'brain-launcher' });
  await ds.initialize();
  const ran = await runMigrations(ds);
  await ds.destroy();
  if (ran.length) log.info(`applied migrations: ${ran.join(', ')}`);

  const env = { ...process.env, DATABASE_URL: databaseUrl, MIGRATE_ON_START: 'false' };
  const children = new Map<string, ChildProcess>();
  let stopping = false;

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    if (embedded?.owned) await embedded.stop();
    process.exit(code);
  };

  for (const name of ['api', 'worker'] as const) {
    const child = fork(path.join(__dirname, name, 'src', 'main.js'), [], { env, stdio: 'inherit' });
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ process: name, code, signal }, `${name} exited unexpectedly: stopping`);
      void stopAll(code ?? 1);
    });
  }
  log.info({ api: `http://localhost:${config.api.port}`, docs: `http://localhost:${config.api.port}/api/docs` }, 'BRAiN starting: api + worker');
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
