import { TEST_REDIS_URL } from './redis';

/** Environment for a process or in-process app under test: its own database and queue prefix. */
export function testEnv(databaseUrl: string, prefix: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: prefix,
    MIGRATE_ON_START: 'false',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    ...extra,
  };
}
