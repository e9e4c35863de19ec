import 'reflect-metadata';
import { ConfigError } from '#config';
import { QueueBackendError } from '#queue';
import { awaitLauncherHandoff, createLogger, prepareRuntime } from '#runtime';
import { createWorkerApp } from './worker.bootstrap';

async function main() {
  // under `npm start`: the launcher's DATABASE_URL, QUEUE_BACKEND and QUEUE_PREFIX, once it has
  // run the migrations and chosen the queue backend (this process loaded its code meanwhile)
  await awaitLauncherHandoff();
  const log = createLogger('worker');
  const runtime = await prepareRuntime((m, level = 'info') => log[level](m));
  const app = await createWorkerApp(runtime);
  await app.init();
  log.info({ queue_backend: runtime.queue.kind, concurrency: runtime.config.worker.concurrency }, 'worker started');

  // SIGTERM: stop taking jobs and let in-flight ones finish (closing a BullMQ worker waits for them).
  // Past the grace period we exit anyway; BullMQ then sees those jobs as stalled and another worker
  // retries them, so nothing is lost.
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'worker shutting down');
    const grace = setTimeout(() => {
      log.warn('grace period over: exiting with jobs in flight (they will be retried)');
      process.exit(1);
    }, runtime.config.shutdownGraceSeconds * 1000);
    grace.unref();
    await app.close();
    await runtime.embedded?.stop();
    log.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof QueueBackendError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`worker failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
