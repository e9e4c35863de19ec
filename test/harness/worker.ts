import { INestApplicationContext } from '@nestjs/common';
import { prepareRuntime } from '#runtime';
import { createWorkerApp } from '../../apps/worker/src/worker.bootstrap';

/** The worker in this process (its queue consumers run until close()). */
export async function startWorker(env: NodeJS.ProcessEnv): Promise<INestApplicationContext> {
  const runtime = await prepareRuntime(() => undefined, env);
  const app = await createWorkerApp(runtime);
  await app.init();
  return app;
}
