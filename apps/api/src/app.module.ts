import type { IncomingMessage } from 'node:http';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { DatabaseModule } from '#db';
import { QueueModule } from '#queue';
import { quietFrameworkStartup, requestLogLevelAt, requestLogMessages, resolveLogFormat, RUNTIME, Runtime, withLogDestination } from '#runtime';
import { ClusterCoreModule } from '#cluster';
import { AuthModule } from './auth/auth.module';
import { BlueprintModule } from './blueprint/blueprint.module';
import { ChatModule } from './chat/chat.module';
import { ClusterModule } from './cluster/cluster.module';
import { CostModule } from './cost/cost.module';
import { GenesisModule } from './genesis/genesis.module';
import { MetricsModule } from './metrics/metrics.module';
import { TaskModule } from './task/task.module';
import { GlobalExceptionFilter } from './common/error.filter';
import { requestId } from './common/request-id';
import { createValidationPipe } from './common/validation';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { ThrottleModule } from './throttle/throttle.module';

@Global()
@Module({})
class RuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: RuntimeModule, providers: [{ provide: RUNTIME, useValue: runtime }], exports: [RUNTIME] };
  }
}

/** The api process: HTTP only; background work is enqueued for the worker process. */
@Module({})
export class AppModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: AppModule,
      imports: [
        RuntimeModule.forRoot(runtime),
        LoggerModule.forRoot({
          // JSON lines, or readable lines on a terminal (LOG_FORMAT); one request log line per
          // request at debug, 4xx at warn, 5xx at error; Nest's per-route start-up lines at debug
          pinoHttp: withLogDestination(
            {
              name: 'api',
              level: runtime.config.log.level,
              genReqId: requestId,
              customProps: (req: IncomingMessage) => ({ correlation_id: (req as { id?: unknown }).id }),
              customLogLevel: requestLogLevelAt(runtime.config.log.level),
              ...requestLogMessages,
              hooks: quietFrameworkStartup,
              autoLogging: { ignore: (req: IncomingMessage) => req.url === '/health' || req.url === '/api/health' || req.url === '/metrics' },
              // the queue dashboard's login cookie holds an API key, like the Authorization header
              redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
            },
            resolveLogFormat(runtime.config.log.format, process.stdout.isTTY === true),
          ),
        }),
        DatabaseModule.forRoot(runtime.databaseUrl, 'brain-api'),
        QueueModule.forRoot(runtime.queue),
        ClusterCoreModule,
        // guards run in registration order: rate limits first, so unauthenticated floods are limited too
        ThrottleModule,
        AuthModule,
        BlueprintModule,
        GenesisModule,
        ClusterModule,
        CostModule,
        TaskModule,
        ChatModule,
        MetricsModule,
      ],
      controllers: [HealthController],
      providers: [
        HealthService,
        { provide: APP_PIPE, useFactory: createValidationPipe },
        { provide: APP_FILTER, useClass: GlobalExceptionFilter },
      ],
    };
  }
}
