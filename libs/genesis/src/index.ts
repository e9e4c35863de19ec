// Genesis, the agent factory, as plain functions and data: no Nest, TypeORM or BullMQ here.
export * from './trait.catalog';
export * from './template.catalog';
export * from './foundation.rules';
export * from './trait.resolver';
export * from './template.inference';
export * from './agent.dna';
export * from './agent.factory';
export * from './genesis.errors';
