export * from './runtime';
export * from './logger';
export * from './banner';
export * from './handoff';
