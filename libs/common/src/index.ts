export * from './errors';
export * from './enums';
export * from './keyed-serial';
