import { ChildProcess, fork } from 'node:child_process';
import * as path from 'node:path';
import type { EmbeddedPostgresHandle } from '#db/embedded-postgres';
import { LauncherHandoff } from '#runtime/handoff';
import { processLogFormat } from '#runtime/log-format';

/**
 * `npm start`: one api and one worker process on embedded defaults. Starts the embedded
 * PostgreSQL when no DATABASE_URL is set, runs migrations once, decides the queue backend and prefix
 * once for both children (they get QUEUE_BACKEND and QUEUE_PREFIX explicitly), then supervises both
 * and stops them (by pid) and the database on Ctrl-C.
 *
 * The children are forked first, so that they load their code (most of their start-up) while the
 * launcher validates the configuration, starts the database, runs the migrations and chooses the
 * queue backend. Each waits for its handoff (libs/runtime/src/handoff.ts) with DATABASE_URL,
 * QUEUE_BACKEND and QUEUE_PREFIX before it reads its configuration, so neither uses the database
 * before the migrations ran nor the queues before the backend was chosen; if the launcher fails
 * first, it stops them and they never start. For the same reason the launcher imports only what it
 * needs to fork before forking, and then the modules it uses, not the libraries' index files (those
 * also export the Nest modules, which only the api and the worker need).
 *
 * On a terminal the children log JSON into a pipe and the launcher prints their lines readably, so
 * the console reads the same whichever process wrote a line; with LOG_FORMAT=json (or no terminal)
 * the children write to the launcher's stdout directly.
 */
async function main() {
  const format = processLogFormat();
  const handoff = new LauncherHandoff();
  const env = { ...process.env, MIGRATE_ON_START: 'false', LOG_FORMAT: 'json', ...handoff.childEnv };
  const children = new Map<string, ChildProcess>();
  // set while the embedded PostgreSQL starts: stopping waits for it, to stop it too
  let embedded: Promise<EmbeddedPostgresHandle | undefined> | undefined;
  let stopping = false;

  const stopChildren = () =>
    Promise.all(
      [...children.values()].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );

  // the children, then the embedded PostgreSQL if this launcher started it
  const shutdown = async () => {
    await stopChildren();
    const pg = await embedded?.catch(() => undefined);
    if (pg?.owned) await pg.stop().catch(() => undefined);
  };

  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await shutdown();
    process.exit(code);
  };

  for (const name of ['api', 'worker'] as const) {
    const child = fork(path.join(__dirname, name, 'src', 'main.js'), [], {
      env,
      stdio: format === 'pretty' ? ['inherit', 'pipe', 'inherit', 'ipc'] : 'inherit',
    });
    children.set(name, child);
    handoff.attach(child);
  }
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  let databaseUrl: string;
  let queue;
  try {
    const [{ loadConfig }, { createLogger, prettifyLines }] = await Promise.all([import('#config'), import('#runtime/logger')]);
    const log = createLogger('launcher', undefined, format);
    for (const [name, child] of children) {
      if (child.stdout) prettifyLines(child.stdout, process.stdout, name);
      const exited = (code: number | null, signal: NodeJS.Signals | null) => {
        if (stopping) return;
        log.error({ process: name, code, signal }, `${name} exited unexpectedly: stopping`);
        void stopAll(code ?? 1);
      };
      if (child.exitCode !== null || child.signalCode !== null) exited(child.exitCode, child.signalCode);
      else child.on('exit', exited);
    }
    const config = loadConfig();

    // The database and queue code is loaded only now, while the children load theirs.
    const [{ startEmbeddedPostgres }, { migrationsPending }, { withSystemSettings }, { chooseQueue }] = await Promise.all([
      import('#db/embedded-postgres'),
      import('#db/migration-status'),
      import('#db/system-settings'),
      import('#queue/queue.choice'),
    ]);
    embedded = config.database.url ? undefined : startEmbeddedPostgres(config.database.embedded.dir, config.database.embedded.port, (m) => log.info(m));
    const url = config.database.url ?? (await embedded)!.url;
    // TypeORM (a sizeable load) only when there is something to migrate: on the first start, or after an upgrade
    if (await migrationsPending(url, 'brain-launcher')) {
      const { createDataSource, runMigrations } = await import('#db/data-source');
      const ds = createDataSource({ url, poolSize: 2, applicationName: 'brain-launcher' });
      await ds.initialize();
      const ran = await runMigrations(ds);
      await ds.destroy();
      if (ran.length) log.info(`applied migrations: ${ran.join(', ')}`);
    }
    queue = await withSystemSettings(url, (settings) => chooseQueue(config.queue, url, settings, (m, level = 'info') => log[level](m)), 'brain-launcher');
    databaseUrl = url;
    if (stopping) return;
    log.info({ queue_backend: queue.backend, queue_prefix: queue.prefix }, 'BRAiN starting: api + worker (the api prints its URLs when it is ready)');
  } catch (e) {
    // already stopping (Ctrl-C, or a child exited): stopAll ends the process
    if (stopping) return;
    stopping = true;
    await shutdown();
    throw e;
  }
  handoff.release({ DATABASE_URL: databaseUrl, QUEUE_BACKEND: queue.backend, QUEUE_PREFIX: queue.prefix });
}

main().catch(async (e: unknown) => {
  const [{ ConfigError }, { QueueBackendError }] = await Promise.all([import('#config'), import('#queue/queue.choice')]);
  if (e instanceof ConfigError || e instanceof QueueBackendError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
