import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter, NestExpressApplication } from '@nestjs/platform-express';
import { ThrottlerStorage } from '@nestjs/throttler';
import { Logger } from 'nestjs-pino';
import { JobProducer } from '#queue';
import { Runtime } from '#runtime';
import { mountQueueDashboard } from './admin/queue-dashboard';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { bodyDepthLimit, requireJsonContentType, requireObjectBody } from './common/body-limits';
import { mountConsole } from './console/console.static';
import { setupSwagger } from './docs/openapi';

/** Builds the api application (used by main.ts and by tests that need the app in-process). */
export async function createApiApp(runtime: Runtime): Promise<INestApplication> {
  // The adapter Nest would make itself, passed in: @nestjs/platform-express then loads with the rest of
  // the api (require) instead of through Nest's dynamic import(), which takes twice as long.
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), new ExpressAdapter(), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // CORS first, so that browsers can read the body parsers' errors too
  app.enableCors({ origin: runtime.config.api.corsOrigins, credentials: false });
  // Bodies are JSON only: other types are refused with a 415 naming the header (no /api route reads a
  // form), then parsed within the size limit (413), then refused when nested too deep (400) before
  // class-transformer recurses into them, or when they are not an object (400).
  app.use(['/api', '/v1'], requireJsonContentType);
  app.useBodyParser('json', { limit: runtime.config.api.bodyLimitBytes });
  app.use(bodyDepthLimit());
  app.use(requireObjectBody);
  app.set('query parser', 'extended');
  // Plain express routes beside Nest's: the console's static files, and the queue dashboard with
  // its own admin check (the key is checked through the AuthService on every request).
  const express = app.getHttpAdapter().getInstance();
  mountConsole(express);
  mountQueueDashboard(express, app.get(AuthService), app.get(JobProducer).allQueues(), app.get<ThrottlerStorage>(ThrottlerStorage));

  setupSwagger(app);
  return app;
}

/**
 * On the first start of a new system, makes the first admin key and returns its token, to be shown
 * once in the start-up banner (only its hash is stored); null on every later start.
 */
export function firstAdminKey(app: INestApplication): Promise<string | null> {
  return app.get(AuthService).ensureFirstAdminKey();
}
