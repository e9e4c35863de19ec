// Scaling as plain functions: no Nest, TypeORM or BullMQ imports.
export * from './worker-plan';
export * from './cluster-status';
export * from './cluster-transition';
export * from './lifecycle-policy';
export * from './autoscale-policy';
export * from './autoscale-simulate';
export * from './budget';
export * from './alert-condition';
