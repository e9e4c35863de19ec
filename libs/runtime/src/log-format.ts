// Apart from logger.ts (pino, pino-pretty) so that the launcher can decide its children's stdio
// before it loads anything else.
import { loadDotEnv } from '#config/dotenv';

/** How log lines are written: JSON lines for machines, or readable lines for a person at a terminal. */
export type LogFormat = 'json' | 'pretty';

/**
 * LOG_FORMAT `json` and `pretty` are taken as given; `auto` (the default) is readable when stdout
 * is a terminal and JSON otherwise (pipes, files, containers, test harnesses).
 */
export function resolveLogFormat(setting: string | undefined, stdoutIsTty: boolean): LogFormat {
  if (setting === 'json' || setting === 'pretty') return setting;
  return stdoutIsTty ? 'pretty' : 'json';
}

/** This process's log format, from LOG_FORMAT (environment or ./.env) and whether stdout is a terminal. */
export function processLogFormat(env: NodeJS.ProcessEnv = process.env): LogFormat {
  if (env === process.env) loadDotEnv();
  return resolveLogFormat(env.LOG_FORMAT, process.stdout.isTTY === true);
}
