export * from './config';
export * from './dotenv';
export * from './env.schema';
