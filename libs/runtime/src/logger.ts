import pino, { Logger } from 'pino';

/** Structured JSON logs for code that runs outside Nest's logger (launcher, CLIs, bootstrap). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid, app: name } });
}
