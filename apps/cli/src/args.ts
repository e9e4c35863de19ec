// Command-line parsing for the `brain` CLI: pure functions over argv and the environment, so that
// every rule (commands, options, positional arguments, help, config) is unit-tested without a server.
import { parseArgs } from 'node:util';
import { UsageError } from './errors';

export const DEFAULT_URL = 'http://localhost:3000';
export const DEFAULT_TIMEOUT_SECONDS = 300;

type OptionType = 'string' | 'boolean';

interface OptionSpec {
  type: OptionType;
  short?: string;
  /** placeholder in the usage text, for string options */
  value?: string;
  help: string;
}

export interface CommandSpec {
  group: string;
  name: string;
  /** positional arguments, in order; a trailing `?` marks an optional one */
  args: string[];
  /** options of this command (the global ones are always accepted) */
  options: string[];
  /** options that must be given */
  required?: string[];
  summary: string;
}

/** Every option the CLI knows; a command accepts the global ones plus those it lists. */
export const OPTIONS: Record<string, OptionSpec> = {
  url: { type: 'string', value: 'URL', help: `api base URL (env BRAIN_URL, default ${DEFAULT_URL})` },
  token: { type: 'string', value: 'TOKEN', help: 'API key sent as a bearer token (env BRAIN_TOKEN)' },
  json: { type: 'boolean', help: "print the api's JSON answer as is (for scripts)" },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  name: { type: 'string', value: 'NAME', help: 'name' },
  role: { type: 'string', value: 'ROLE', help: 'admin, operator or viewer' },
  blueprint: { type: 'string', value: 'ID', help: 'blueprint id (e.g. marketing-v1)' },
  type: { type: 'string', value: 'TYPE', help: 'cluster type (default: the blueprint\'s)' },
  workers: { type: 'string', value: 'N', help: 'target workers (default: the blueprint\'s)' },
  status: { type: 'string', value: 'STATUS', help: 'only clusters with this status' },
  page: { type: 'string', value: 'N', help: 'page of the list (100 per page, default 1)' },
  limit: { type: 'string', value: 'N', help: 'how many rows (1..100, default 20)' },
  wait: { type: 'boolean', help: 'wait until the cluster has converged, showing progress' },
  timeout: { type: 'string', value: 'SECONDS', help: `how long --wait / follow waits (default ${DEFAULT_TIMEOUT_SECONDS})` },
  follow: { type: 'boolean', help: 'keep polling and print new decisions as they are recorded (Ctrl-C ends)' },
  capability: { type: 'string', value: 'C', help: 'only an agent with this capability runs the task' },
  priority: { type: 'string', value: 'N', help: 'task priority (-100..100, default 0)' },
};

export const GLOBAL_OPTIONS = ['url', 'token', 'json', 'help'];

export const COMMANDS: CommandSpec[] = [
  { group: 'keys', name: 'create', args: [], options: ['name', 'role'], required: ['name', 'role'], summary: 'create an API key (the token is shown once)' },
  { group: 'keys', name: 'list', args: [], options: [], summary: 'list API keys (no secrets)' },
  { group: 'keys', name: 'revoke', args: ['ID'], options: [], summary: 'revoke an API key' },
  { group: 'blueprints', name: 'list', args: [], options: ['page'], summary: 'list active blueprints' },
  { group: 'blueprints', name: 'validate', args: ['FILE'], options: [], summary: 'check a blueprint YAML file without saving it (exit 1 when invalid)' },
  { group: 'blueprints', name: 'upload', args: ['FILE'], options: [], summary: 'upload a blueprint YAML file (id, name, version from its metadata)' },
  { group: 'clusters', name: 'list', args: [], options: ['status', 'blueprint', 'page'], summary: 'list clusters, newest first' },
  { group: 'clusters', name: 'create', args: [], options: ['blueprint', 'name', 'type', 'workers', 'wait', 'timeout'], required: ['blueprint', 'name'], summary: 'create a cluster from a blueprint' },
  { group: 'clusters', name: 'get', args: ['ID'], options: [], summary: 'show one cluster' },
  { group: 'clusters', name: 'scale', args: ['ID', 'N'], options: ['wait', 'timeout'], summary: 'set the target number of workers' },
  { group: 'clusters', name: 'hibernate', args: ['ID'], options: [], summary: 'stop the worker pool and specialists, keep the supervisor' },
  { group: 'clusters', name: 'reactivate', args: ['ID'], options: [], summary: 'wake a hibernated cluster' },
  { group: 'clusters', name: 'destroy', args: ['ID'], options: ['wait', 'timeout'], summary: 'destroy a cluster (admin)' },
  { group: 'clusters', name: 'tree', args: ['ID'], options: [], summary: 'the hierarchy as an indented tree with roles and statuses' },
  { group: 'clusters', name: 'decisions', args: ['ID'], options: ['follow', 'limit'], summary: 'scaling decisions, oldest of the shown first (--follow: tail)' },
  { group: 'clusters', name: 'metrics', args: ['ID'], options: ['limit'], summary: 'recent metric samples, newest first' },
  { group: 'tasks', name: 'submit', args: ['CLUSTER_ID', 'INPUT'], options: ['capability', 'priority', 'wait', 'timeout'], summary: 'submit a task (INPUT "-" reads stdin)' },
  { group: 'tasks', name: 'get', args: ['ID'], options: [], summary: 'show one task with its output' },
  { group: 'tasks', name: 'follow', args: ['ID'], options: ['timeout'], summary: 'poll a task until it ends, then print its output' },
];

export const GROUPS: Record<string, string> = {
  keys: 'API keys (admin)',
  blueprints: 'blueprints: list, validate, upload',
  clusters: 'clusters: create, scale, hibernate, destroy, inspect',
  tasks: 'tasks: submit and follow',
};

/** Settings shared by every command. */
export interface Config {
  url: string;
  token?: string;
  json: boolean;
}

export type Parsed =
  | { kind: 'help'; text: string }
  | {
      kind: 'run';
      command: CommandSpec;
      /** positional arguments by name (`ID`, `N`, `FILE`, ...) */
      args: Record<string, string>;
      options: Record<string, string | boolean | undefined>;
      config: Config;
    };

// ---------------------------------------------------------------------------------- help texts

function optionLine(name: string): string {
  const o = OPTIONS[name];
  const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value}` : ''}`;
  return `  ${flag.padEnd(24)}${o.help}`;
}

export function commandUsage(c: CommandSpec): string {
  const req = new Set(c.required ?? []);
  const opts = c.options.map((n) => {
    const o = OPTIONS[n];
    const flag = `--${n}${o.type === 'string' ? ` ${o.value}` : ''}`;
    return req.has(n) ? flag : `[${flag}]`;
  });
  return ['brain', c.group, c.name, ...c.args, ...opts].join(' ');
}

export function commandHelp(c: CommandSpec): string {
  return [
    `Usage: ${commandUsage(c)}`,
    '',
    c.summary,
    '',
    'Options:',
    ...c.options.map(optionLine),
    ...GLOBAL_OPTIONS.map(optionLine),
    '',
  ].join('\n');
}

export function groupHelp(group: string): string {
  const cmds = COMMANDS.filter((c) => c.group === group);
  const width = Math.max(...cmds.map((c) => c.name.length));
  return [
    `Usage: brain ${group} <command> [options]`,
    '',
    GROUPS[group],
    '',
    'Commands:',
    ...cmds.map((c) => `  ${c.name.padEnd(width + 2)}${c.summary}`),
    '',
    `Run "brain ${group} <command> --help" for a command's options.`,
    '',
  ].join('\n');
}

export function mainHelp(): string {
  const lines = COMMANDS.map((c) => `  ${commandUsage(c)}`);
  return [
    'brain: operator CLI of the BRAiN cluster api (an HTTP client)',
    '',
    'Usage: brain <group> <command> [arguments] [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Global options:',
    ...GLOBAL_OPTIONS.map(optionLine),
    '',
    'Exit codes: 0 ok; 1 the api refused (4xx) or the blueprint is invalid; 2 usage error;',
    '3 api unreachable or 5xx; 4 --wait/follow timed out; 5 the task or cluster waited for failed.',
    '',
    'Run "brain <group> --help" or "brain <group> <command> --help" for more.',
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------- parsing

function findCommand(group: string, name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.group === group && c.name === name);
}

/** Parses argv (without node and the script) and the environment into a command to run or a help text. */
export function parseCommandLine(argv: string[], env: Record<string, string | undefined> = {}): Parsed {
  const options = Object.fromEntries(
    Object.entries(OPTIONS).map(([name, o]) => [name, o.short ? { type: o.type, short: o.short } : { type: o.type }]),
  ) as Record<string, { type: OptionType; short?: string }>;
  let values: Record<string, string | boolean | undefined>;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({ args: argv, options, allowPositionals: true, strict: true }));
  } catch (e) {
    throw new UsageError(cleanParseError((e as Error).message));
  }

  // `brain help [group [command]]` is the same as `brain [group [command]] --help`.
  let help = values.help === true;
  if (positionals[0] === 'help') {
    help = true;
    positionals = positionals.slice(1);
  } else if (positionals.length >= 1 && positionals[1] === 'help') {
    help = true;
    positionals = [positionals[0], ...positionals.slice(2)];
  }

  const [group, name, ...rest] = positionals;
  if (group === undefined) {
    if (help) return { kind: 'help', text: mainHelp() };
    throw new UsageError('no command given', mainHelp());
  }
  if (!GROUPS[group]) throw new UsageError(`unknown command "${group}" (one of: ${Object.keys(GROUPS).join(', ')})`, mainHelp());
  if (name === undefined) {
    if (help) return { kind: 'help', text: groupHelp(group) };
    throw new UsageError(`"${group}" needs a command`, groupHelp(group));
  }
  const command = findCommand(group, name);
  if (!command) {
    const names = COMMANDS.filter((c) => c.group === group).map((c) => c.name);
    throw new UsageError(`unknown command "${group} ${name}" (one of: ${names.join(', ')})`, groupHelp(group));
  }
  if (help) return { kind: 'help', text: commandHelp(command) };

  const usage = commandHelp(command);
  const allowed = new Set([...GLOBAL_OPTIONS, ...command.options]);
  for (const key of Object.keys(values)) {
    if (values[key] !== undefined && !allowed.has(key)) throw new UsageError(`"${group} ${name}" has no option --${key}`, usage);
  }
  for (const key of command.required ?? []) {
    if (values[key] === undefined || values[key] === '') throw new UsageError(`"${group} ${name}" needs --${key}`, usage);
  }
  if (rest.length < command.args.length) {
    throw new UsageError(`"${group} ${name}" needs ${command.args.slice(rest.length).join(' ')}`, usage);
  }
  if (rest.length > command.args.length) {
    throw new UsageError(`"${group} ${name}" takes ${command.args.length || 'no'} argument(s), got also: ${rest.slice(command.args.length).join(' ')}`, usage);
  }
  const args = Object.fromEntries(command.args.map((a, i) => [a, rest[i]]));

  // Values with a shape the CLI can check before asking the api.
  if (values.workers !== undefined) intOption('--workers', values.workers as string, 0, 1000, usage);
  if (args.N !== undefined) intOption('N', args.N, 0, 1000, usage);
  if (values.page !== undefined) intOption('--page', values.page as string, 1, 1_000_000, usage);
  if (values.limit !== undefined) intOption('--limit', values.limit as string, 1, 100, usage);
  if (values.priority !== undefined) intOption('--priority', values.priority as string, -100, 100, usage);
  if (values.timeout !== undefined) timeoutSeconds(values.timeout as string, usage);

  return { kind: 'run', command, args, options: values, config: resolveConfig(values, env, usage) };
}

/** `--url` / `BRAIN_URL` (default http://localhost:3000, trailing slashes dropped), `--token` / `BRAIN_TOKEN`. */
export function resolveConfig(values: Record<string, string | boolean | undefined>, env: Record<string, string | undefined>, usage?: string): Config {
  const raw = (values.url as string | undefined) ?? (env.BRAIN_URL || undefined) ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`not a URL: "${raw}"`, usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`the api URL must be http or https: "${raw}"`, usage);
  const token = (values.token as string | undefined) ?? (env.BRAIN_TOKEN || undefined);
  return { url: raw.replace(/\/+$/, ''), token, json: values.json === true };
}

/** An integer argument within [min, max], or a usage error naming it. */
export function intOption(label: string, raw: string, min: number, max: number, usage?: string): number {
  if (!/^-?\d+$/.test(raw)) throw new UsageError(`${label} must be a whole number, got "${raw}"`, usage);
  const n = Number(raw);
  if (n < min || n > max) throw new UsageError(`${label} must be within ${min}..${max}, got ${n}`, usage);
  return n;
}

/** `--timeout` in seconds: a positive number (fractions allowed). */
export function timeoutSeconds(raw: string | undefined, usage?: string): number {
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n) || n <= 0) throw new UsageError(`--timeout must be a positive number of seconds, got "${raw}"`, usage);
  return n;
}

/** node's parseArgs messages mention its own API ("To specify a positional argument ..."); keep the first sentence. */
function cleanParseError(message: string): string {
  return message.split('. ')[0].replace(/\.$/, '');
}
