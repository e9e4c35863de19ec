export * from './enums';
export * from './entities';
export * from './data-source';
export * from './migration-status';
export * from './embedded-postgres';
export * from './naming.strategy';
export * from './database.module';
export * from './system-settings';
export { MIGRATIONS, MIGRATIONS_FINGERPRINT } from './migrations';
