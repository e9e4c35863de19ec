// The Nest-bound cluster core shared by the api and the worker (neither app imports the other).
export * from './autoscaler';
export * from './blueprint-agent';
export * from './blueprint.repository';
export * from './blueprint.store';
export * from './budget.service';
export * from './cluster-core.module';
export * from './cluster.lifecycle';
export * from './cluster.repository';
export * from './cluster.transitions';
export * from './genesis.repository';
export * from './genesis.spawner';
export * from './llm.module';
export * from './manifest.repository';
export * from './metrics.repository';
export * from './task.repository';
export * from './worker-process.repository';
