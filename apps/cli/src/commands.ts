// The commands: one api call (or a polling loop) each, printed as a table for people or as the
// api's JSON with --json.
import * as fs from 'node:fs';
import { CORE_SCHEMA, load } from 'js-yaml';
import { intOption, Parsed, timeoutSeconds } from './args';
import { ApiClient, Json } from './client';
import { ExitCode, UsageError } from './errors';
import { num, renderKeyValues, renderTable, shortTime } from './table';
import { renderTree } from './tree';
import { Io, pollUntil, sleep } from './wait';

type Run = Extract<Parsed, { kind: 'run' }>;

export interface Context {
  run: Run;
  api: ApiClient;
  io: Io;
}

const enc = encodeURIComponent;
const json = (io: Io, value: unknown) => io.stdout(`${JSON.stringify(value, null, 2)}\n`);
const TASK_ENDED = ['succeeded', 'failed', 'cancelled'];

// ------------------------------------------------------------------------------------ keys

async function keysCreate({ run, api, io }: Context): Promise<number> {
  const key = await api.post('/api/auth/keys', { name: run.options.name, role: run.options.role });
  if (run.config.json) return (json(io, key), ExitCode.Ok);
  io.stdout(renderKeyValues([['id', key.id], ['name', key.name], ['role', key.role], ['token', key.token]]));
  io.stderr('The token is shown only this once: store it now.\n');
  return ExitCode.Ok;
}

async function keysList({ run, api, io }: Context): Promise<number> {
  const keys: Json[] = await api.get('/api/auth/keys');
  if (run.config.json) return (json(io, keys), ExitCode.Ok);
  io.stdout(
    renderTable(
      [{ header: 'ID' }, { header: 'NAME', max: 40 }, { header: 'ROLE' }, { header: 'PREFIX' }, { header: 'CREATED' }, { header: 'LAST USED' }, { header: 'REVOKED' }],
      keys.map((k) => [k.id, k.name, k.role, k.key_prefix, shortTime(k.created_at), shortTime(k.last_used_at), shortTime(k.revoked_at)]),
    ),
  );
  return ExitCode.Ok;
}

async function keysRevoke({ run, api, io }: Context): Promise<number> {
  await api.delete(`/api/auth/keys/${enc(run.args.ID)}`);
  if (run.config.json) return (json(io, { id: run.args.ID, revoked: true }), ExitCode.Ok);
  io.stdout(`revoked key ${run.args.ID}\n`);
  return ExitCode.Ok;
}

// ------------------------------------------------------------------------------ blueprints

function readFile(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

async function blueprintsList({ run, api, io }: Context): Promise<number> {
  const page = run.options.page ?? '1';
  const res = await api.get(`/api/blueprints?page=${enc(String(page))}&page_size=100`);
  if (run.config.json) return (json(io, res), ExitCode.Ok);
  io.stdout(
    renderTable(
      [{ header: 'ID' }, { header: 'NAME', max: 40 }, { header: 'VERSION' }, { header: 'TYPE' }, { header: 'WORKERS' }, { header: 'DEFAULT', align: 'right' }, { header: 'SCALES ON' }, { header: 'SOURCE' }],
      res.blueprints.map((b: Json) => [b.id, b.name, b.version, b.cluster_type, `${b.min_workers}..${b.max_workers}`, b.default_workers, b.scaling?.metric, b.source]),
    ),
  );
  pageFooter(io, res, 'blueprints');
  return ExitCode.Ok;
}

async function blueprintsValidate({ run, api, io }: Context): Promise<number> {
  const yaml = readFile(run.args.FILE);
  const res = await api.post('/api/blueprints/validate', { blueprint_yaml: yaml });
  if (run.config.json) {
    json(io, res);
  } else if (res.valid) {
    const s = res.summary;
    io.stdout(s ? `${run.args.FILE}: valid: ${s.id} "${s.name}" version ${s.version}, ${s.agents} agent definitions, workers ${s.min_workers}..${s.max_workers}\n` : `${run.args.FILE}: valid\n`);
  } else {
    io.stdout(`${run.args.FILE}: invalid, ${res.problems.length} problem${res.problems.length === 1 ? '' : 's'}:\n`);
    for (const p of res.problems) io.stdout(`  ${p.path || '(document)'}: ${p.message}${p.rule ? ` (${p.rule})` : ''}\n`);
  }
  return res.valid ? ExitCode.Ok : ExitCode.Refused;
}

/** metadata.id/name/version of a blueprint file, read with js-yaml's safe core schema. */
export function blueprintMetadata(file: string, yaml: string): { id: string; name: string; version: string } {
  let doc: unknown;
  try {
    doc = load(yaml, { schema: CORE_SCHEMA, filename: file });
  } catch (e) {
    throw new UsageError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const meta = (doc as { metadata?: Record<string, unknown> } | null)?.metadata;
  const field = (k: string) => {
    const v = meta?.[k];
    if (typeof v !== 'string' && typeof v !== 'number') throw new UsageError(`${file}: metadata.${k} is missing (run "brain blueprints validate ${file}" for every problem)`);
    return String(v);
  };
  return { id: field('id'), name: field('name'), version: field('version') };
}

async function blueprintsUpload({ run, api, io }: Context): Promise<number> {
  const yaml = readFile(run.args.FILE);
  const meta = blueprintMetadata(run.args.FILE, yaml);
  const res = await api.post('/api/blueprints', { ...meta, blueprint_yaml: yaml });
  if (run.config.json) return (json(io, res), ExitCode.Ok);
  io.stdout(`uploaded blueprint ${res.id} "${res.name}" version ${res.version}\n`);
  return ExitCode.Ok;
}

// ------------------------------------------------------------------------------- clusters

const clusterPath = (id: string) => `/api/clusters/${enc(id)}`;
const workers = (c: Json) => `${c.current_workers}/${c.target_workers}`;

function clusterTable(io: Io, clusters: Json[]): void {
  io.stdout(
    renderTable(
      [{ header: 'ID' }, { header: 'NAME', max: 40 }, { header: 'BLUEPRINT' }, { header: 'TYPE' }, { header: 'STATUS' }, { header: 'WORKERS', align: 'right' }, { header: 'MIN..MAX' }, { header: 'AGENTS', align: 'right' }, { header: 'CREATED' }],
      clusters.map((c) => [c.id, c.name, c.blueprint_id, c.type, c.status, workers(c), `${c.min_workers}..${c.max_workers}`, c.agents_count, shortTime(c.created_at)]),
    ),
  );
}

function pageFooter(io: Io, res: Json, what: string): void {
  const shown = (res.page - 1) * res.page_size;
  if (res.total > shown + res.page_size) io.stderr(`${what} ${shown + 1}..${shown + res.page_size} of ${res.total}: --page ${res.page + 1} for more\n`);
}

async function clustersList({ run, api, io }: Context): Promise<number> {
  const q = new URLSearchParams({ page: String(run.options.page ?? '1'), page_size: '100' });
  if (run.options.status) q.set('status', String(run.options.status));
  if (run.options.blueprint) q.set('blueprint_id', String(run.options.blueprint));
  const res = await api.get(`/api/clusters?${q}`);
  if (run.config.json) return (json(io, res), ExitCode.Ok);
  if (!res.clusters.length) io.stderr('no clusters\n');
  else clusterTable(io, res.clusters);
  pageFooter(io, res, 'clusters');
  return ExitCode.Ok;
}

function printCluster(io: Io, c: Json): void {
  io.stdout(
    renderKeyValues([
      ['id', c.id],
      ['name', c.name],
      ['status', c.status],
      ['status reason', c.status_reason ?? undefined],
      ['type', c.type],
      ['blueprint', `${c.blueprint_id} ${c.blueprint_version}`],
      ['workers', `${c.current_workers} live, target ${c.target_workers} (min ${c.min_workers}, max ${c.max_workers})`],
      ['agents', c.agents_count],
      ['autoscaling', c.autoscaling_enabled ? `on${c.scaling?.metric ? ` (${c.scaling.metric})` : ''}` : 'off'],
      ['tasks', `${c.tasks_completed} completed, ${c.tasks_failed} failed`],
      ['description', c.description ?? undefined],
      ['tags', c.tags?.length ? c.tags.join(', ') : undefined],
      ['created', shortTime(c.created_at)],
      ['started', shortTime(c.started_at)],
      ['last scaled', shortTime(c.last_scaled_at)],
      ['last active', shortTime(c.last_active_at)],
      ['hibernated', c.hibernated_at ? shortTime(c.hibernated_at) : undefined],
      ['destroyed', c.destroyed_at ? shortTime(c.destroyed_at) : undefined],
    ]),
  );
}

/** Polls the cluster until it is `active` with every worker live (or `destroyed`), showing progress. */
async function waitForCluster(ctx: Context, id: string, goal: 'active' | 'destroyed'): Promise<Json> {
  const timeout = timeoutSeconds(ctx.run.options.timeout as string | undefined);
  return pollUntil({
    io: ctx.io,
    timeoutSeconds: timeout,
    what: goal === 'active' ? `cluster ${id} to be active` : `cluster ${id} to be destroyed`,
    poll: () => ctx.api.get(clusterPath(id)),
    describe: (c) => `${c.status}  workers ${workers(c)}${c.status_reason ? `  (${c.status_reason})` : ''}`,
    check: (c) => {
      if (goal === 'destroyed') return c.status === 'destroyed';
      if (c.status === 'active' && c.current_workers === c.target_workers) return true;
      if (['failed', 'destroying', 'destroyed', 'hibernated'].includes(c.status)) {
        return `cluster ${id} is ${c.status}${c.status_reason ? `: ${c.status_reason}` : ''}`;
      }
      return false;
    },
  });
}

async function clustersCreate(ctx: Context): Promise<number> {
  const { run, api, io } = ctx;
  const body: Record<string, unknown> = { blueprint_id: run.options.blueprint, name: run.options.name };
  if (run.options.type !== undefined) body.type = run.options.type;
  if (run.options.workers !== undefined) body.target_workers = intOption('--workers', String(run.options.workers), 0, 1000);
  let c = await api.post('/api/clusters', body);
  if (!run.config.json) io.stdout(`created cluster ${c.id} "${c.name}" (${c.status}, target ${c.target_workers} workers)\n`);
  if (run.options.wait) {
    c = await waitForCluster(ctx, c.id, 'active');
    if (!run.config.json) io.stdout(`cluster ${c.id} is active with ${c.current_workers} workers\n`);
  }
  if (run.config.json) json(io, c);
  return ExitCode.Ok;
}

async function clustersGet({ run, api, io }: Context): Promise<number> {
  const c = await api.get(clusterPath(run.args.ID));
  if (run.config.json) json(io, c);
  else printCluster(io, c);
  return ExitCode.Ok;
}

async function clustersScale(ctx: Context): Promise<number> {
  const { run, api, io } = ctx;
  const n = intOption('N', run.args.N, 0, 1000);
  let c = await api.post(`${clusterPath(run.args.ID)}/scale`, { target_workers: n });
  if (!run.config.json) io.stdout(`cluster ${c.id}: target ${c.target_workers} workers (${c.status}, ${c.current_workers} live)\n`);
  if (run.options.wait) {
    c = await waitForCluster(ctx, c.id, 'active');
    if (!run.config.json) io.stdout(`cluster ${c.id} is active with ${c.current_workers} workers\n`);
  }
  if (run.config.json) json(io, c);
  return ExitCode.Ok;
}

async function clustersTransition({ run, api, io }: Context, action: 'hibernate' | 'reactivate'): Promise<number> {
  const c = await api.post(`${clusterPath(run.args.ID)}/${action}`);
  if (run.config.json) json(io, c);
  else io.stdout(`cluster ${c.id}: ${action} accepted (${c.status}, target ${c.target_workers} workers)\n`);
  return ExitCode.Ok;
}

async function clustersDestroy(ctx: Context): Promise<number> {
  const { run, api, io } = ctx;
  let c = await api.delete(clusterPath(run.args.ID));
  if (!run.config.json) io.stdout(`cluster ${c.id}: destroy accepted (${c.status})\n`);
  if (run.options.wait) {
    c = await waitForCluster(ctx, c.id, 'destroyed');
    if (!run.config.json) io.stdout(`cluster ${c.id} is destroyed\n`);
  }
  if (run.config.json) json(io, c);
  return ExitCode.Ok;
}

async function clustersTree({ run, api, io }: Context): Promise<number> {
  const h = await api.get(`${clusterPath(run.args.ID)}/hierarchy`);
  if (run.config.json) json(io, h);
  else io.stdout(renderTree(h));
  return ExitCode.Ok;
}

export function decisionRow(d: Json): unknown[] {
  return [shortTime(d.created_at), d.source, d.reason_code, `${d.from_workers}→${d.to_workers}`, d.applied ? 'yes' : 'no', d.reason];
}

const DECISION_COLUMNS = [{ header: 'TIME' }, { header: 'SOURCE' }, { header: 'CODE' }, { header: 'WORKERS' }, { header: 'APPLIED' }, { header: 'REASON', max: 120 }];

async function clustersDecisions({ run, api, io }: Context): Promise<number> {
  const path = `${clusterPath(run.args.ID)}/scaling-decisions`;
  const limit = Number(run.options.limit ?? 20);
  const first = await api.get(`${path}?page=1&page_size=${limit}`);
  if (!run.options.follow) {
    if (run.config.json) json(io, first);
    else if (!first.decisions.length) io.stderr('no decisions recorded yet\n');
    else io.stdout(renderTable(DECISION_COLUMNS, [...first.decisions].reverse().map(decisionRow)));
    return ExitCode.Ok;
  }

  // --follow: the newest `limit` first, oldest at the top, then each new one as it is recorded.
  // With --json, one decision per line (JSON Lines).
  const seen = new Set<string>();
  const print = (list: Json[]) => {
    const fresh = list.filter((d) => !seen.has(d.id)).reverse();
    for (const d of fresh) {
      seen.add(d.id);
      if (run.config.json) io.stdout(`${JSON.stringify(d)}\n`);
      else io.stdout(renderTable(DECISION_COLUMNS, [decisionRow(d)]).split('\n')[1] + '\n');
    }
  };
  if (!run.config.json) io.stdout(renderTable(DECISION_COLUMNS, []));
  print(first.decisions);
  let stop = false;
  void io.interrupted.then(() => (stop = true));
  while (!stop) {
    await Promise.race([sleep(2000), io.interrupted]);
    if (stop) break;
    const next = await api.get(`${path}?page=1&page_size=100`);
    print(next.decisions);
  }
  return ExitCode.Ok;
}

async function clustersMetrics({ run, api, io }: Context): Promise<number> {
  const limit = Number(run.options.limit ?? 20);
  const res = await api.get(`${clusterPath(run.args.ID)}/metrics?limit=${limit}`);
  if (run.config.json) return (json(io, res), ExitCode.Ok);
  if (!res.samples.length) {
    io.stderr('no metric samples yet (one is taken every METRICS_INTERVAL_SECONDS)\n');
    return ExitCode.Ok;
  }
  const r = { align: 'right' as const };
  io.stdout(
    renderTable(
      [{ header: 'SAMPLED' }, { header: 'QUEUE', ...r }, { header: 'WAIT S', ...r }, { header: 'RUNNING', ...r }, { header: 'TASKS/MIN', ...r }, { header: 'AVG MS', ...r }, { header: 'ERR %', ...r }, { header: 'LIVE', ...r }, { header: 'BUSY', ...r }, { header: 'LOAD %', ...r }, { header: 'CPU %', ...r }, { header: 'MEM MB', ...r }],
      res.samples.map((s: Json) => [
        shortTime(s.sampled_at),
        s.queue_length,
        num(s.oldest_wait_seconds, 1),
        s.running_tasks,
        num(s.tasks_per_minute),
        num(s.avg_response_ms, 0),
        num(s.error_rate === null || s.error_rate === undefined ? null : s.error_rate * 100, 1),
        s.live_workers,
        s.busy_workers,
        num(s.load_percentage, 1),
        num(s.cpu_usage, 1),
        num(s.memory_usage, 1),
      ]),
    ),
  );
  return ExitCode.Ok;
}

// ---------------------------------------------------------------------------------- tasks

function printTask(io: Io, t: Json): void {
  io.stdout(
    renderKeyValues([
      ['id', t.id],
      ['cluster', t.cluster_id],
      ['status', t.status],
      ['capability', t.capability ?? undefined],
      ['priority', t.priority],
      ['agent', t.agent_id],
      ['attempts', `${t.attempts}/${t.max_attempts}`],
      ['model', t.model],
      ['tokens', t.prompt_tokens === null ? null : `${t.prompt_tokens} prompt, ${t.completion_tokens} completion`],
      ['cost', t.cost],
      ['duration', t.duration_ms === null ? null : `${t.duration_ms} ms`],
      ['created', shortTime(t.created_at)],
      ['finished', shortTime(t.finished_at)],
      ['input', t.input.length > 200 ? `${t.input.slice(0, 199)}…` : t.input],
    ]),
  );
  if (t.error) io.stdout(`\nerror:\n${t.error}\n`);
  if (t.output !== null && t.output !== undefined) io.stdout(`\noutput:\n${t.output}\n`);
}

/** Polls a task until it ends; prints its output (or error). Exit 5 when it failed or was cancelled. */
async function followTask(ctx: Context, id: string): Promise<number> {
  const { run, api, io } = ctx;
  const t = await pollUntil({
    io,
    timeoutSeconds: timeoutSeconds(run.options.timeout as string | undefined),
    what: `task ${id} to end`,
    poll: () => api.get(`/api/tasks/${enc(id)}`),
    describe: (t: Json) => `task ${t.status}${t.attempts ? `, attempt ${t.attempts}/${t.max_attempts}` : ''}`,
    check: (t: Json) => TASK_ENDED.includes(t.status),
    intervalMs: 500,
  });
  if (run.config.json) json(io, t);
  else if (t.status === 'succeeded') io.stdout(`${t.output ?? ''}\n`);
  else io.stderr(`task ${t.id} ${t.status}${t.error ? `: ${t.error}` : ''}\n`);
  return t.status === 'succeeded' ? ExitCode.Ok : ExitCode.Failed;
}

async function tasksSubmit(ctx: Context): Promise<number> {
  const { run, api, io } = ctx;
  const input = run.args.INPUT === '-' ? await io.readStdin() : run.args.INPUT;
  const body: Record<string, unknown> = { input };
  if (run.options.capability !== undefined) body.capability = run.options.capability;
  if (run.options.priority !== undefined) body.priority = Number(run.options.priority);
  const t = await api.post(`${clusterPath(run.args.CLUSTER_ID)}/tasks`, body);
  if (!run.options.wait) {
    if (run.config.json) json(io, t);
    else io.stdout(`submitted task ${t.id} (${t.status})\n`);
    return ExitCode.Ok;
  }
  if (!run.config.json) io.stderr(`submitted task ${t.id} (${t.status})\n`);
  return followTask(ctx, t.id);
}

async function tasksGet({ run, api, io }: Context): Promise<number> {
  const t = await api.get(`/api/tasks/${enc(run.args.ID)}`);
  if (run.config.json) json(io, t);
  else printTask(io, t);
  return ExitCode.Ok;
}

export const HANDLERS: Record<string, (ctx: Context) => Promise<number>> = {
  'keys create': keysCreate,
  'keys list': keysList,
  'keys revoke': keysRevoke,
  'blueprints list': blueprintsList,
  'blueprints validate': blueprintsValidate,
  'blueprints upload': blueprintsUpload,
  'clusters list': clustersList,
  'clusters create': clustersCreate,
  'clusters get': clustersGet,
  'clusters scale': clustersScale,
  'clusters hibernate': (ctx) => clustersTransition(ctx, 'hibernate'),
  'clusters reactivate': (ctx) => clustersTransition(ctx, 'reactivate'),
  'clusters destroy': clustersDestroy,
  'clusters tree': clustersTree,
  'clusters decisions': clustersDecisions,
  'clusters metrics': clustersMetrics,
  'tasks submit': tasksSubmit,
  'tasks get': tasksGet,
  'tasks follow': (ctx) => followTask(ctx, ctx.run.args.ID),
};

