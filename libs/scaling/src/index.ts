// Scaling as plain functions: no Nest, TypeORM or BullMQ imports.
export * from './worker-plan';
