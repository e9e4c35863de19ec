import type { IncomingMessage, ServerResponse } from 'node:http';
import * as readline from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import pino, { DestinationStream, Level, LogFn, Logger, LoggerOptions } from 'pino';
import pretty, { prettyFactory, PrettyOptions } from 'pino-pretty';
import { LogFormat, processLogFormat } from './log-format';

export * from './log-format';

function prettyOptions(): PrettyOptions {
  return {
    colorize: process.stdout.isTTY === true && pretty.isColorSupported,
    translateTime: 'SYS:HH:MM:ss.l',
    // pid and host say little on one console; the process name stays in brackets. Request lines
    // carry method, path, status and time in their message (requestLogMessages); the JSON format
    // keeps the full req and res objects.
    ignore: 'pid,hostname,app,context,req,res,responseTime',
    messageFormat: '{if context}[{context}] {end}{msg}',
  };
}

/**
 * Where a pino logger writes in this format: for `pretty`, pino-pretty in this thread writing
 * synchronously to stdout (so log lines and the start-up banner, written straight to stdout, keep
 * their order); for `json`, undefined (pino's own stdout destination).
 */
export function logDestination(format: LogFormat): DestinationStream | undefined {
  return format === 'pretty' ? pretty({ ...prettyOptions(), sync: true, destination: 1 }) : undefined;
}

/**
 * pino-http / nestjs-pino options in the given format: `[options, stream]` when readable, the
 * options alone for JSON (nestjs-pino's `pinoHttp` takes either).
 */
export function withLogDestination<T extends object>(options: T, format: LogFormat): T | [T, DestinationStream] {
  const dest = logDestination(format);
  return dest ? [options, dest] : options;
}

/**
 * The level of a request log line: server errors `error`, client errors `warn`, everything else
 * `debug` (so a normal request adds nothing to the console at LOG_LEVEL=info).
 */
export function requestLogLevel(_req: IncomingMessage, res: ServerResponse, err?: Error): Level {
  if (err || res.statusCode >= 500) return 'error';
  if (res.statusCode >= 400) return 'warn';
  return 'debug';
}

const LEVEL_RANK: Record<string, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60, silent: Infinity };

/**
 * requestLogLevel for a logger at `threshold`: 'silent' where the line would not be written
 * anyway, so pino-http returns before it builds the line's object, message and child logger (the
 * same lines come out; a request logged at debug under LOG_LEVEL=info no longer costs their building).
 */
export function requestLogLevelAt(threshold: string): (req: IncomingMessage, res: ServerResponse, err?: Error) => Level | 'silent' {
  const min = LEVEL_RANK[threshold] ?? LEVEL_RANK.info;
  return (req, res, err) => {
    const level = requestLogLevel(req, res, err);
    return LEVEL_RANK[level] >= min ? level : 'silent';
  };
}

/** pino-http messages that say what happened: `GET /api/clusters 200 12 ms`. */
export const requestLogMessages = {
  customSuccessMessage: (req: IncomingMessage, res: ServerResponse, responseTime: number) => `${req.method} ${req.url} ${res.statusCode} ${Math.round(responseTime)} ms`,
  customErrorMessage: (req: IncomingMessage, res: ServerResponse, err: Error) => `${req.method} ${req.url} ${res.statusCode}: ${err.message}`,
};

// Nest's start-up chatter: a line per module and per route, useful when debugging, noise otherwise.
const FRAMEWORK_STARTUP_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/**
 * pino hooks for a Nest app's logger: Nest's per-module and per-route start-up lines go to debug
 * instead of info, so the console at LOG_LEVEL=info shows what matters.
 */
export const quietFrameworkStartup: NonNullable<LoggerOptions['hooks']> = {
  logMethod(this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) {
    const first = args[0] as { context?: unknown } | undefined;
    if (level === 30 && typeof first === 'object' && first !== null && FRAMEWORK_STARTUP_CONTEXTS.has(String(first.context))) {
      return this.debug(...(args as [object, string]));
    }
    return method.apply(this, args);
  },
};

/** Logs for code that runs outside Nest's logger (launcher, CLIs, bootstrap): same format rules. */
export function createLogger(name: string, level?: string, format: LogFormat = processLogFormat()): Logger {
  const options = { name, level: level ?? process.env.LOG_LEVEL ?? 'info', base: { pid: process.pid, app: name } };
  const dest = logDestination(format);
  return dest ? pino(options, dest) : pino(options);
}

/**
 * Copies a child process's output line by line, making its JSON log lines readable; anything else
 * (the start-up banner, stack traces) passes unchanged. Used by the launcher when its console is
 * readable, so children that log JSON (every child, whoever wrote its logger set-up) read the same.
 */
export function prettifyLines(source: Readable, out: Writable = process.stdout, name?: string): void {
  const format = prettyFactory(prettyOptions());
  const lines = readline.createInterface({ input: source, crlfDelay: Infinity });
  lines.on('line', (line) => {
    let entry: Record<string, unknown> | undefined;
    if (line.startsWith('{')) {
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        entry = undefined;
      }
    }
    if (!entry || typeof entry.level !== 'number') return void out.write(`${line}\n`);
    // name the process on lines whose logger did not (e.g. Nest's own lines)
    if (name && entry.name === undefined) entry.name = name;
    out.write(format(entry));
  });
}
