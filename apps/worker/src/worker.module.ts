import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DatabaseModule } from '#db';
import { JobName, JobProducer, QueueModule } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { BlueprintCoreModule } from '../../api/src/blueprint/blueprint.module';
import { ClusterRepository } from '../../api/src/cluster/cluster.repository';
import { GenesisCoreModule } from '../../api/src/genesis/genesis.module';
import { LlmModule } from '../../api/src/llm/llm.module';
import { TaskRepository } from '../../api/src/task/task.repository';
import { JOB_HANDLERS, JobHandler, QueueConsumers } from './consumers';
import { HousekeepingRepository } from './lifecycle/housekeeping.repository';
import { LifecycleHandler } from './lifecycle/lifecycle.handler';
import { ClusterReconciler } from './spawn/cluster.reconciler';
import { SpawnHandler } from './spawn/spawn.handler';
import { TaskHandler } from './tasks/task.handler';

@Global()
@Module({})
class WorkerRuntimeModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return { module: WorkerRuntimeModule, providers: [{ provide: RUNTIME, useValue: runtime }], exports: [RUNTIME] };
  }
}

/** Registers the system-wide repeating jobs. upsertJobScheduler is idempotent across processes. */
@Module({})
class SchedulesModule implements OnApplicationBootstrap {
  constructor(
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const c = this.runtime.config;
    await this.jobs.schedule(JobName.Housekeeping, c.housekeeping.intervalSeconds * 1000, {});
    await this.jobs.schedule(JobName.ReconcileTick, c.worker.reconcileIntervalSeconds * 1000, {});
  }
}

const HANDLERS = [LifecycleHandler, SpawnHandler, TaskHandler];

/** The worker process: BullMQ consumers only, no HTTP server. */
@Module({})
export class WorkerModule {
  static forRoot(runtime: Runtime): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        WorkerRuntimeModule.forRoot(runtime),
        LoggerModule.forRoot({ pinoHttp: { level: runtime.config.log.level } }),
        DatabaseModule.forRoot(runtime.databaseUrl, 'brain-worker'),
        QueueModule.forRoot(runtime.queue),
        BlueprintCoreModule,
        GenesisCoreModule,
        LlmModule,
        SchedulesModule,
      ],
      providers: [
        HousekeepingRepository,
        ClusterRepository,
        TaskRepository,
        ClusterReconciler,
        ...HANDLERS,
        { provide: JOB_HANDLERS, useFactory: (...handlers: JobHandler[]) => handlers, inject: HANDLERS },
        QueueConsumers,
      ],
    };
  }
}
