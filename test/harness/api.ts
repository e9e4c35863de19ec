import { INestApplication } from '@nestjs/common';
import { prepareRuntime } from '#runtime';
import { createApiApp } from '../../apps/api/src/api.bootstrap';

export interface RunningApi {
  app: INestApplication;
  url: string;
  close(): Promise<void>;
}

/** The api in this process, on a free loopback port. */
export async function startApi(env: NodeJS.ProcessEnv): Promise<RunningApi> {
  const runtime = await prepareRuntime(() => undefined, env);
  const app = await createApiApp(runtime);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
