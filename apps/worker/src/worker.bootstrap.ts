import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { Runtime } from '#runtime';
import { WorkerModule } from './worker.module';

export async function createWorkerApp(runtime: Runtime): Promise<INestApplicationContext> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(runtime), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  return app;
}
