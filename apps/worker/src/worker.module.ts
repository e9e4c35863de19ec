import { DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DatabaseModule } from '#db';
import { QueueModule } from '#queue';
import { quietFrameworkStartup, resolveLogFormat, RUNTIME, Runtime, withLogDestination } from '#runtime';
import { ClusterCoreModule } from '#cluster';
import { AutoscaleHandler } from './autoscale/autoscale.handler';
import { ClusterHandler } from './cluster/cluster.handler';
import { MetricsHandler } from './metrics/metrics.handler';
import { ClusterReconciler } from './cluster/cluster.reconciler';
import { JOB_HANDLERS, JobHandler, QueueConsumers } from './consumers';
import { HeartbeatService } from './heartbeat/heartbeat.service';
import { ScheduleKeeper } from './schedule.keeper';
import { TaskRecovery } from './tasks/task.recovery';
import { HousekeepingRepository } from './lifecycle/housekeeping.repository';
import { LifecycleHandler } from './lifecycle/lifecycle.handler';
import { ManifestRequests } from './manifests/manifest.requests';
import { ManifestsHandler } from './manifests/manifests.handler';
import { TaskHandler } from './tasks/task.handler';

@Global()
@Module({})
class WorkerRuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerRuntimeModule, providers: [{ provide: RUNTIME, useValue: runtime }], exports: [RUNTIME] };
  }
}

const HANDLERS = [AutoscaleHandler, ClusterHandler, LifecycleHandler, ManifestsHandler, MetricsHandler, TaskHandler];

/** The worker process: BullMQ consumers only, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        WorkerRuntimeModule.forRoot(runtime),
        // JSON lines, or readable lines on a terminal (LOG_FORMAT); Nest's start-up chatter at debug
        LoggerModule.forRoot({
          pinoHttp: withLogDestination(
            { name: 'worker', level: runtime.config.log.level, hooks: quietFrameworkStartup },
            resolveLogFormat(runtime.config.log.format, process.stdout.isTTY === true),
          ),
        }),
        DatabaseModule.forRoot(runtime.databaseUrl, 'brain-worker'),
        QueueModule.forRoot(runtime.queue),
        ClusterCoreModule,
      ],
      providers: [
        HousekeepingRepository,
        HeartbeatService,
        ScheduleKeeper,
        TaskRecovery,
        ClusterReconciler,
        ManifestRequests,
        ...HANDLERS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: JobHandler[]) => handlers, inject: HANDLERS },
        QueueConsumers,
      ],
    };
  }
}
