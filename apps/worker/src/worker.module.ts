import { DynamicModule, Global, Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { DatabaseModule } from '#db';
import { JobName, JobProducer, QueueModule } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { HousekeepingRepository } from './lifecycle/housekeeping.repository';
import { LifecycleProcessor } from './lifecycle/lifecycle.processor';

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
    await this.jobs.schedule(JobName.Housekeeping, this.runtime.config.housekeeping.intervalSeconds * 1000, {});
  }
}

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
        SchedulesModule,
      ],
      providers: [HousekeepingRepository, LifecycleProcessor],
    };
  }
}
