export * from './queue.enum';
export * from './queue.types';
export * from './job.policy';
export * from './job.producer';
export * from './queue.backend';
export * from './queue.module';
