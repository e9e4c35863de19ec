import 'reflect-metadata';
import type { Server } from 'node:http';
import { ConfigError } from '#config';
import { QueueBackendError } from '#queue';
import { awaitLauncherHandoff, createLogger, prepareRuntime, startBanner } from '#runtime';
import { createApiApp, firstAdminKey } from './api.bootstrap';

async function main() {
  // under `npm start`: the launcher's DATABASE_URL, QUEUE_BACKEND and QUEUE_PREFIX, once it has
  // run the migrations and chosen the queue backend (this process loaded its code meanwhile)
  await awaitLauncherHandoff();
  const log = createLogger('api');
  const runtime = await prepareRuntime((m, level = 'info') => log[level](m));
  const app = await createApiApp(runtime);
  await app.listen(runtime.config.api.port, runtime.config.api.host);
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://${runtime.config.api.host === '0.0.0.0' ? 'localhost' : runtime.config.api.host}:${address.port}`;
  log.info({ url: base, docs: `${base}/api/docs`, queue_backend: runtime.queue.kind, queue_prefix: runtime.queue.prefix }, 'api listening');
  // A framed plain-text block, in every log format: the URLs and, on the first start, the admin key.
  const token = await firstAdminKey(app);
  process.stdout.write(startBanner({ baseUrl: base, queueBackend: `${runtime.queue.kind} (prefix ${runtime.queue.prefix})`, firstAdminKey: token }));
  // Stop the embedded database (if this process started it) after Nest has closed its connections.
  const stop = async () => {
    log.info('api shutting down');
    // With Redis gone, closing the queue clients can wait on reconnects: bound the shutdown.
    setTimeout(() => process.exit(1), runtime.config.shutdownGraceSeconds * 1000).unref();
    // close() waits for every open connection to end, and a client on a keep-alive connection
    // keeps sending requests on it: under steady load the process would serve on until the grace
    // ran out. Requests already on an open connection are answered with `Connection: close`, so
    // clients reconnect (to another api process) and the connections end with their last answer.
    (app.getHttpServer() as Server).prependListener('request', (_req, res) => res.setHeader('Connection', 'close'));
    await app.close();
    await runtime.embedded?.stop();
    log.info('api stopped');
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof QueueBackendError) process.stderr.write(`${e.message}\n`);
  else process.stderr.write(`api failed to start: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
