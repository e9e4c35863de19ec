import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { APP_VERSION } from '#config';
import { Runtime } from '#runtime';
import { AppModule } from './app.module';
import { AuthService } from './auth/auth.service';
import { bodyDepthLimit, requireJsonContentType, requireObjectBody } from './common/body-limits';

/** Builds the api application (used by main.ts and by tests that need the app in-process). */
export async function createApiApp(runtime: Runtime): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(runtime), { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // CORS first, so that browsers can read the body parsers' errors too
  app.enableCors({ origin: runtime.config.api.corsOrigins, credentials: false });
  // Bodies are JSON only: other types are refused with a 415 naming the header (no route reads a
  // form), then parsed within the size limit (413), then refused when nested too deep (400) before
  // class-transformer recurses into them, or when they are not an object (400).
  app.use(['/api', '/v1'], requireJsonContentType);
  app.useBodyParser('json', { limit: runtime.config.api.bodyLimitBytes });
  app.use(bodyDepthLimit());
  app.use(requireObjectBody);
  app.set('query parser', 'extended');

  const doc = new DocumentBuilder()
    .setTitle('BRAiN cluster backend')
    .setDescription(
      'Clusters of AI agents from YAML blueprints: Genesis spawns the agents, tasks run through an LLM, metrics are sampled and an explainable autoscaler sizes each worker pool (every decision recorded; dry run and trace replay), lifecycle rules hibernate idle clusters, wake them on new tasks and destroy long-hibernated ones, operators scale, hibernate, reactivate and destroy clusters, and chat with an LLM. Task tokens and agent time are costed against per-cluster budgets (a soft limit alerts, a hard limit holds back and refuses work) with alerts listed and sent to a webhook.',
    )
    .setVersion(APP_VERSION)
    .addBearerAuth()
    .build();
  const document = SwaggerModule.createDocument(app, doc, { operationIdFactory: (_controller, method) => method });
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
  return app;
}

/**
 * On the first start of a new system, makes the first admin key and returns its token, to be shown
 * once in the start-up banner (only its hash is stored); null on every later start.
 */
export function firstAdminKey(app: INestApplication): Promise<string | null> {
  return app.get(AuthService).ensureFirstAdminKey();
}
