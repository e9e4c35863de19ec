import 'reflect-metadata';
import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import { ConfigError, loadConfig } from '#config';
import { createDataSource, runMigrations, startEmbeddedPostgres, withSystemSettings } from '#db';
import { chooseQueue, QueueBackendError } from '#queue';
import { createLogger, prettifyLines, processLogFormat } from '#runtime';

/**
 * `npm start`: one api and one worker process on embedded defaults. Starts the embedded
 * PostgreSQL when no DATABASE_URL is set, runs migrations once, decides the queue backend and prefix
 * once for both children (they get QUEUE_BACKEND and QUEUE_PREFIX explicitly), then supervises both
 * and stops them (by pid) and the database on Ctrl-C.
 *
 * On a terminal the children log JSON into a pipe and the launcher prints their lines readably, so
 * the console reads the same whichever process wrote a line; with LOG_FORMAT=json (or no terminal)
 * the children write to the launcher's stdout directly.
 */
async function main() {
  const format = processLogFormat();
  const log = createLogger('launcher', undefined, format);
  const config = loadConfig();
  const embedded = config.database.url
    ? undefined
    : await startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, (m) => log.info(m));
  const databaseUrl = config.database.url ?? embedded!.url;

  let queue;
  try {
    const ds = createDataSource({ url: databaseUrl, poolSize: 2, applicationName: 'brain-launcher' });
    await ds.initialize();
    const ran = await runMigrations(ds);
    await ds.destroy();
    if (ran.length) log.info(`applied migrations: ${ran.join(', ')}`);
    queue = await withSystemSettings(databaseUrl, (settings) => chooseQueue(config.queue, databaseUrl, settings, (m, level = 'info') => log[level](m)), 'brain-launcher');
  } catch (e) {
    if (embedded?.owned) await embedded.stop().catch(() => undefined);
    throw e;
  }

  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    MIGRATE_ON_START: 'false',
    QUEUE_BACKEND: queue.backend,
    QUEUE_PREFIX: queue.prefix,
    LOG_FORMAT: 'json',
  };
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
    const child = fork(path.join(__dirname, name, 'src', 'main.js'), [], {
      env,
      stdio: format === 'pretty' ? ['inherit', 'pipe', 'inherit', 'ipc'] : 'inherit',
    });
    if (child.stdout) prettifyLines(child.stdout, process.stdout, name);
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ process: name, code, signal }, `${name} exited unexpectedly: stopping`);
      void stopAll(code ?? 1);
    });
  }
  log.info({ queue_backend: queue.backend, queue_prefix: queue.prefix }, 'BRAiN starting: api + worker (the api prints its URLs when it is ready)');
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof QueueBackendError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
