export * from './runtime';
export * from './logger';
