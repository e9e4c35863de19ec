import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { JobProducer } from './job.producer';
import { bullConnection, QueueBackend } from './queue.backend';
import { QueueName } from './queue.enum';

export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');

/** Registers every queue on the chosen backend and provides the JobProducer. */
@Module({})
export class QueueModule {
  static forRoot(backend: QueueBackend): DynamicModule {
    return {
      module: QueueModule,
      global: true,
      imports: [
        BullModule.forRoot({
          connection: bullConnection(backend),
          ...(backend.kind === 'redis' ? { prefix: backend.prefix } : {}),
        }),
        BullModule.registerQueue(...Object.values(QueueName).map((name) => ({ name }))),
      ],
      providers: [JobProducer, { provide: QUEUE_BACKEND, useValue: backend }],
      exports: [JobProducer, QUEUE_BACKEND, BullModule],
    };
  }
}
