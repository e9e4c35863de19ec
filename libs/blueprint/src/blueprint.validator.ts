import { Problem } from '#common';
import {
  AGENT_ROLES,
  AgentConfig,
  AgentDefinition,
  AgentRole,
  BUDGET_PERIODS,
  Blueprint,
  BlueprintBudget,
  BlueprintCluster,
  BlueprintLifecycle,
  BlueprintMetadata,
  BlueprintMonitoring,
  CLUSTER_TYPES,
  CountRange,
  DESTROY_CONDITIONS,
  DestroyConditions,
  HIBERNATE_CONDITIONS,
  HibernateConditions,
  MAX_WORKERS_LIMIT,
  SCALING_METRICS,
  SCALING_MODES,
  ScalingConfig,
} from './blueprint.types';
import { parseCountDetailed } from './count.util';
import { parseDuration } from './duration.util';
import { parsePercentage } from './percentage.util';

export interface BlueprintValidation {
  /** Null whenever there is at least one problem: a half-valid blueprint is never handed out. */
  blueprint: Blueprint | null;
  /** Every problem found, in document order, not just the first. */
  problems: Problem[];
}

type Obj = Record<string, unknown>;

export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** `1`, `1.0`, `1.0.0`, with optional `-pre.release` and `+build` parts as in semver. */
export const VERSION_PATTERN = /^\d+(\.\d+){0,2}(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/;
/** Genesis template ids are snake_case slugs. */
export const TEMPLATE_ID_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// multi-line text may keep tabs and newlines, nothing else invisible
const CONTROL_CHARS_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export const BLUEPRINT_LIMITS = {
  idMax: 100,
  nameMin: 3,
  nameMax: 200,
  versionMax: 64,
  descriptionMax: 2000,
  tagsMax: 50,
  tagLengthMax: 50,
  agentsMax: 200,
  listItemsMax: 100,
  listItemLengthMax: 100,
  temperatureMax: 2,
  maxTokensMax: 32000,
  defaultCooldownSeconds: 300,
} as const;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Own property only: YAML maps are plain objects and `__proto__`/`constructor` keys must not leak in. */
function field(o: Obj, key: string): unknown {
  return Object.hasOwn(o, key) ? o[key] : undefined;
}

/** YAML `key:` with nothing after it is null; for optional fields that means "not given". */
function absent(v: unknown): v is null | undefined {
  return v === undefined || v === null;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}...` : v}"`;
  return `${typeof v} ${String(v)}`;
}

function keyPath(base: string, key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}

class Collector {
  readonly problems: Problem[] = [];

  add(path: string, rule: string, message: string): void {
    this.problems.push({ path, rule, message });
  }

  mapping(v: unknown, path: string, what = path): Obj | undefined {
    if (isObj(v)) return v;
    this.add(path, 'type', `${what} must be a mapping, got ${describe(v)}`);
    return undefined;
  }

  list(v: unknown, path: string): unknown[] | undefined {
    if (Array.isArray(v)) return v;
    this.add(path, 'type', `${path} must be a list, got ${describe(v)}`);
    return undefined;
  }

  /** A text field: `opts.required` makes absence and the empty string an error. */
  text(
    v: unknown,
    path: string,
    opts: { required?: boolean; min?: number; max: number; multiline?: boolean },
  ): string | undefined {
    if (absent(v)) {
      if (opts.required) this.add(path, 'required', `${path} is required`);
      return undefined;
    }
    if (typeof v !== 'string') {
      this.add(path, 'type', `${path} must be a string, got ${describe(v)}`);
      return undefined;
    }
    const s = v.trim();
    if (s.length === 0) {
      if (opts.required) this.add(path, 'required', `${path} must not be empty`);
      return opts.required ? undefined : s;
    }
    let ok = true;
    if (opts.min !== undefined && s.length < opts.min) {
      this.add(path, 'min', `${path} must be at least ${opts.min} characters long`);
      ok = false;
    }
    if (s.length > opts.max) {
      this.add(path, 'max', `${path} must be at most ${opts.max} characters long`);
      ok = false;
    }
    if ((opts.multiline ? CONTROL_CHARS_TEXT : CONTROL_CHARS).test(s)) {
      this.add(path, 'printable', `${path} must not contain control characters`);
      ok = false;
    }
    return ok ? s : undefined;
  }

  int(v: unknown, path: string, opts: { min?: number; max?: number } = {}): number | undefined {
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      this.add(path, 'type', `${path} must be an integer, got ${describe(v)}`);
      return undefined;
    }
    return this.bounds(v, path, opts);
  }

  num(v: unknown, path: string, opts: { min?: number; max?: number } = {}): number | undefined {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      this.add(path, 'type', `${path} must be a number, got ${describe(v)}`);
      return undefined;
    }
    return this.bounds(v, path, opts);
  }

  bool(v: unknown, path: string): boolean | undefined {
    if (typeof v === 'boolean') return v;
    this.add(path, 'type', `${path} must be true or false, got ${describe(v)}`);
    return undefined;
  }

  oneOf<T extends string>(v: unknown, allowed: readonly T[], path: string): T | undefined {
    if (absent(v)) {
      this.add(path, 'required', `${path} is required (one of ${allowed.join(', ')})`);
      return undefined;
    }
    if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
    this.add(path, 'enum', `${path} must be one of ${allowed.join(', ')}, got ${describe(v)}`);
    return undefined;
  }

  /** A list of non-empty strings; absent means empty. */
  strings(v: unknown, path: string, maxItems: number, maxLength: number): string[] | undefined {
    if (absent(v)) return [];
    const items = this.list(v, path);
    if (items === undefined) return undefined;
    let ok = true;
    if (items.length > maxItems) {
      this.add(path, 'max', `${path} may hold at most ${maxItems} entries, got ${items.length}`);
      ok = false;
    }
    const out: string[] = [];
    items.forEach((item, i) => {
      const s = this.text(item, `${path}[${i}]`, { required: true, max: maxLength });
      if (s === undefined) ok = false;
      else out.push(s);
    });
    return ok ? out : undefined;
  }

  private bounds(v: number, path: string, opts: { min?: number; max?: number }): number | undefined {
    if (opts.min !== undefined && v < opts.min) {
      this.add(path, 'min', `${path} must be at least ${opts.min}, got ${v}`);
      return undefined;
    }
    if (opts.max !== undefined && v > opts.max) {
      this.add(path, 'max', `${path} must be at most ${opts.max}, got ${v}`);
      return undefined;
    }
    return v;
  }
}

function validateMetadata(c: Collector, v: unknown): BlueprintMetadata | undefined {
  if (absent(v)) {
    c.add('metadata', 'required', 'metadata is required');
    return undefined;
  }
  const m = c.mapping(v, 'metadata');
  if (m === undefined) return undefined;
  const before = c.problems.length;

  const id = c.text(field(m, 'id'), 'metadata.id', { required: true, max: BLUEPRINT_LIMITS.idMax });
  if (id !== undefined && !SLUG_PATTERN.test(id)) {
    c.add('metadata.id', 'slug', `metadata.id must be a slug (lowercase letters and digits separated by single dashes), got ${describe(id)}`);
  }
  const name = c.text(field(m, 'name'), 'metadata.name', { required: true, min: BLUEPRINT_LIMITS.nameMin, max: BLUEPRINT_LIMITS.nameMax });

  // A YAML number is refused rather than coerced: `1.10` would load as 1.1 and `1.0` as 1.
  const rawVersion = field(m, 'version');
  let version: string | undefined;
  if (typeof rawVersion === 'number') {
    c.add('metadata.version', 'type', `metadata.version must be a string; quote it (version: "${String(rawVersion)}") so YAML does not read it as a number`);
  } else {
    version = c.text(rawVersion, 'metadata.version', { required: true, max: BLUEPRINT_LIMITS.versionMax });
    if (version !== undefined && !VERSION_PATTERN.test(version)) {
      c.add('metadata.version', 'semver', `metadata.version must look like 1, 1.0, 1.0.0 or 1.0.0-beta.1, got ${describe(version)}`);
      version = undefined;
    }
  }

  const author = c.text(field(m, 'author'), 'metadata.author', { max: BLUEPRINT_LIMITS.nameMax });
  const description = c.text(field(m, 'description'), 'metadata.description', { max: BLUEPRINT_LIMITS.descriptionMax, multiline: true });
  const tags = c.strings(field(m, 'tags'), 'metadata.tags', BLUEPRINT_LIMITS.tagsMax, BLUEPRINT_LIMITS.tagLengthMax);

  if (c.problems.length !== before || id === undefined || name === undefined || version === undefined || tags === undefined) {
    return undefined;
  }
  const out: BlueprintMetadata = { id, name, version, tags };
  if (author) out.author = author;
  if (description) out.description = description;
  return out;
}

function validateCooldown(c: Collector, v: unknown, path: string): number | undefined {
  if (absent(v)) return BLUEPRINT_LIMITS.defaultCooldownSeconds;
  if (typeof v === 'number') return c.int(v, path, { min: 0 });
  const seconds = parseDuration(v);
  if (seconds === null) {
    c.add(path, 'duration', `${path} must be whole seconds or a duration like "5 minutes", got ${describe(v)}`);
    return undefined;
  }
  return seconds;
}

function validateScaling(c: Collector, v: unknown): ScalingConfig | null | undefined {
  if (absent(v)) return null;
  const s = c.mapping(v, 'cluster.scaling');
  if (s === undefined) return undefined;
  const before = c.problems.length;
  const metric = c.oneOf(field(s, 'metric'), SCALING_METRICS, 'cluster.scaling.metric');
  const threshold = (key: string): number | undefined => {
    const path = `cluster.scaling.${key}`;
    const t = field(s, key);
    if (absent(t)) {
      c.add(path, 'required', `${path} is required when scaling is configured`);
      return undefined;
    }
    return c.num(t, path, { min: 0 });
  };
  const up = threshold('scale_up_threshold');
  const down = threshold('scale_down_threshold');
  if (up !== undefined && down !== undefined && !(down < up)) {
    c.add('cluster.scaling.scale_down_threshold', 'range', `cluster.scaling.scale_down_threshold (${down}) must be below scale_up_threshold (${up})`);
  }
  const cooldown = validateCooldown(c, field(s, 'cooldown_period'), 'cluster.scaling.cooldown_period');

  // optional target-tracking and wait-time settings: set only when the file has them
  const rawMode = field(s, 'mode');
  const mode = absent(rawMode) ? undefined : c.oneOf(rawMode, SCALING_MODES, 'cluster.scaling.mode');
  const positive = (key: string, seconds: boolean): number | undefined => {
    const path = `cluster.scaling.${key}`;
    const v = field(s, key);
    if (absent(v)) return undefined;
    const n = seconds && typeof v !== 'number' ? validateCooldown(c, v, path) : c.num(v, path);
    if (n !== undefined && !(n > 0)) c.add(path, 'min', `${path} must be greater than 0, got ${n}`);
    return n;
  };
  const targetPerWorker = positive('target_per_worker', false);
  const targetWaitSeconds = positive('target_wait_seconds', true);
  if (mode === 'target_tracking' && absent(field(s, 'target_per_worker'))) {
    c.add('cluster.scaling.target_per_worker', 'required', 'cluster.scaling.target_per_worker is required when mode is target_tracking');
  }
  const rawWindow = field(s, 'stabilization_window');
  const stabilizationWindowSeconds = absent(rawWindow) ? undefined : validateCooldown(c, rawWindow, 'cluster.scaling.stabilization_window');

  if (c.problems.length !== before || metric === undefined || up === undefined || down === undefined || cooldown === undefined) {
    return undefined;
  }
  const out: ScalingConfig = { metric, scaleUpThreshold: up, scaleDownThreshold: down, cooldownSeconds: cooldown };
  if (mode !== undefined) out.mode = mode;
  if (targetPerWorker !== undefined) out.targetPerWorker = targetPerWorker;
  if (targetWaitSeconds !== undefined) out.targetWaitSeconds = targetWaitSeconds;
  if (stabilizationWindowSeconds !== undefined) out.stabilizationWindowSeconds = stabilizationWindowSeconds;
  return out;
}

function validateCluster(c: Collector, v: unknown): BlueprintCluster | undefined {
  if (absent(v)) {
    c.add('cluster', 'required', 'cluster is required');
    return undefined;
  }
  const m = c.mapping(v, 'cluster');
  if (m === undefined) return undefined;
  const before = c.problems.length;

  const type = c.oneOf(field(m, 'type'), CLUSTER_TYPES, 'cluster.type');
  const count = (key: string, min: number): number | undefined => {
    const path = `cluster.${key}`;
    const raw = field(m, key);
    if (absent(raw)) {
      c.add(path, 'required', `${path} is required`);
      return undefined;
    }
    return c.int(raw, path, { min, max: MAX_WORKERS_LIMIT });
  };
  const minWorkers = count('min_workers', 0);
  const maxWorkers = count('max_workers', 1);
  if (minWorkers !== undefined && maxWorkers !== undefined && maxWorkers < minWorkers) {
    c.add('cluster.max_workers', 'min_le_max', `cluster.max_workers (${maxWorkers}) must be at least cluster.min_workers (${minWorkers})`);
  }

  let defaultWorkers = minWorkers;
  const rawDefault = field(m, 'default_workers');
  if (!absent(rawDefault)) {
    defaultWorkers = c.int(rawDefault, 'cluster.default_workers');
    const rangeOk = minWorkers !== undefined && maxWorkers !== undefined && minWorkers <= maxWorkers;
    if (defaultWorkers !== undefined && rangeOk && (defaultWorkers < minWorkers || defaultWorkers > maxWorkers)) {
      c.add('cluster.default_workers', 'default_in_range', `cluster.default_workers (${defaultWorkers}) must lie within min_workers..max_workers (${minWorkers}..${maxWorkers})`);
    }
  }
  const scaling = validateScaling(c, field(m, 'scaling'));

  if (c.problems.length !== before || type === undefined || minWorkers === undefined || maxWorkers === undefined || defaultWorkers === undefined || scaling === undefined) {
    return undefined;
  }
  return { type, minWorkers, maxWorkers, defaultWorkers, scaling };
}

function validateConfig(c: Collector, v: unknown, path: string): AgentConfig | undefined {
  if (absent(v)) return {};
  const m = c.mapping(v, path);
  if (m === undefined) return undefined;
  const before = c.problems.length;
  // unknown config keys are passed through to Genesis untouched
  const out: AgentConfig = { ...m };

  const model = field(m, 'llm_model');
  if (!absent(model)) {
    const s = c.text(model, `${path}.llm_model`, { required: true, max: BLUEPRINT_LIMITS.listItemLengthMax });
    if (s !== undefined) out.llm_model = s;
  }
  const temperature = field(m, 'temperature');
  if (!absent(temperature)) c.num(temperature, `${path}.temperature`, { min: 0, max: BLUEPRINT_LIMITS.temperatureMax });
  const maxTokens = field(m, 'max_tokens');
  if (!absent(maxTokens)) c.int(maxTokens, `${path}.max_tokens`, { min: 1, max: BLUEPRINT_LIMITS.maxTokensMax });

  const traits = field(m, 'traits');
  if (!absent(traits)) {
    const t = c.mapping(traits, `${path}.traits`);
    if (t !== undefined) {
      const clean: [string, number][] = [];
      for (const [key, value] of Object.entries(t)) {
        const got = c.num(value, keyPath(`${path}.traits`, key), { min: 0, max: 1 });
        if (got !== undefined) clean.push([key, got]);
      }
      // fromEntries defines properties, so even a "__proto__" trait id stays a plain key
      out.traits = Object.fromEntries(clean);
    }
  }
  return c.problems.length === before ? out : undefined;
}

interface AgentDraft {
  index: number;
  role?: AgentRole;
  name?: string;
  count?: CountRange;
  /** The reports_to value exactly as written, validated to be a non-empty string. */
  reportsToRaw?: string;
  def?: Omit<AgentDefinition, 'reportsTo'>;
}

function validateCount(c: Collector, v: unknown, path: string): CountRange | undefined {
  // a definition without a count is a single agent, as for the supervisor
  if (absent(v)) return { min: 1, max: 1 };
  const r = parseCountDetailed(v);
  if (!r.ok) {
    if (r.reason === 'negative') c.add(path, 'min', `${path} must not be negative, got ${describe(v)}`);
    else if (r.reason === 'reversed') c.add(path, 'min_le_max', `${path} range ${describe(v)} must have its minimum <= its maximum`);
    else c.add(path, 'count', `${path} must be a non-negative integer or a "min-max" range such as "0-5", got ${describe(v)}`);
    return undefined;
  }
  if (r.range.max > MAX_WORKERS_LIMIT) {
    c.add(path, 'max', `${path} must not exceed ${MAX_WORKERS_LIMIT}, got ${describe(v)}`);
    return undefined;
  }
  return r.range;
}

function validateAgent(c: Collector, v: unknown, index: number): AgentDraft {
  const path = `agents[${index}]`;
  const draft: AgentDraft = { index };
  const m = c.mapping(v, path);
  if (m === undefined) return draft;
  const before = c.problems.length;

  draft.role = c.oneOf(field(m, 'role'), AGENT_ROLES, `${path}.role`);
  draft.name = c.text(field(m, 'name'), `${path}.name`, { required: true, max: BLUEPRINT_LIMITS.nameMax });
  draft.count = validateCount(c, field(m, 'count'), `${path}.count`);

  const reportsTo = field(m, 'reports_to');
  if (!absent(reportsTo)) {
    // supervisors are checked later with their own rule; here only the type matters
    const s = c.text(reportsTo, `${path}.reports_to`, { required: true, max: BLUEPRINT_LIMITS.nameMax });
    if (s !== undefined) draft.reportsToRaw = s;
  }

  const capabilities = c.strings(field(m, 'capabilities'), `${path}.capabilities`, BLUEPRINT_LIMITS.listItemsMax, BLUEPRINT_LIMITS.listItemLengthMax);
  const skills = c.strings(field(m, 'skills'), `${path}.skills`, BLUEPRINT_LIMITS.listItemsMax, BLUEPRINT_LIMITS.listItemLengthMax);
  const config = validateConfig(c, field(m, 'config'), `${path}.config`);

  let genesisTemplate: string | undefined;
  const template = field(m, 'genesis_template');
  if (!absent(template)) {
    genesisTemplate = c.text(template, `${path}.genesis_template`, { required: true, max: BLUEPRINT_LIMITS.idMax });
    if (genesisTemplate !== undefined && !TEMPLATE_ID_PATTERN.test(genesisTemplate)) {
      c.add(`${path}.genesis_template`, 'slug', `${path}.genesis_template must be a snake_case template id, got ${describe(genesisTemplate)}`);
      genesisTemplate = undefined;
    }
  }

  if (c.problems.length === before && draft.role && draft.name && draft.count && capabilities && skills && config) {
    draft.def = { role: draft.role, name: draft.name, count: draft.count, capabilities, skills, config, raw: m };
    if (genesisTemplate !== undefined) draft.def.genesisTemplate = genesisTemplate;
  }
  return draft;
}

/** Follows reports_to links from each agent and reports every cycle once, at its first member. */
function findCycles(parents: Map<number, number>, drafts: AgentDraft[], c: Collector): void {
  const state = new Map<number, 'visiting' | 'done'>();
  for (const start of parents.keys()) {
    const trail: number[] = [];
    let node: number | undefined = start;
    while (node !== undefined && state.get(node) === undefined) {
      state.set(node, 'visiting');
      trail.push(node);
      node = parents.get(node);
    }
    if (node !== undefined && state.get(node) === 'visiting') {
      const members = trail.slice(trail.indexOf(node));
      const first = Math.min(...members);
      const rotated = [...members.slice(members.indexOf(first)), ...members.slice(0, members.indexOf(first))];
      const names = rotated.map((i) => drafts[i].name ?? `agents[${i}]`);
      c.add(`agents[${first}].reports_to`, 'cycle', `agents[${first}].reports_to forms a cycle: ${[...names, names[0]].join(' -> ')}`);
    }
    for (const n of trail) state.set(n, 'done');
  }
}

function validateAgents(c: Collector, v: unknown): AgentDefinition[] | undefined {
  if (absent(v)) {
    c.add('agents', 'required', 'agents is required');
    return undefined;
  }
  const items = c.list(v, 'agents');
  if (items === undefined) return undefined;
  if (items.length === 0) {
    c.add('agents', 'min', 'agents must list at least one agent (the supervisor)');
    return undefined;
  }
  if (items.length > BLUEPRINT_LIMITS.agentsMax) {
    c.add('agents', 'max', `agents may list at most ${BLUEPRINT_LIMITS.agentsMax} definitions, got ${items.length}`);
    return undefined;
  }
  const before = c.problems.length;
  const drafts = items.map((item, i) => validateAgent(c, item, i));

  const byName = new Map<string, number>();
  for (const d of drafts) {
    if (d.name === undefined) continue;
    const first = byName.get(d.name);
    if (first !== undefined) {
      c.add(`agents[${d.index}].name`, 'unique', `agents[${d.index}].name "${d.name}" is already used by agents[${first}]`);
    } else {
      byName.set(d.name, d.index);
    }
  }

  const supervisors = drafts.filter((d) => d.role === 'supervisor');
  if (supervisors.length === 0 && drafts.every((d) => d.role !== undefined)) {
    c.add('agents', 'exactly_one_supervisor', 'agents must contain exactly one supervisor, found none');
  }
  for (const extra of supervisors.slice(1)) {
    c.add(`agents[${extra.index}].role`, 'exactly_one_supervisor', `agents must contain exactly one supervisor; agents[${extra.index}] is another one (first is agents[${supervisors[0].index}])`);
  }
  const supervisor = supervisors.length === 1 ? supervisors[0] : undefined;
  for (const s of supervisors) {
    if (s.count !== undefined && (s.count.min !== 1 || s.count.max !== 1)) {
      c.add(`agents[${s.index}].count`, 'exactly_one_supervisor', `agents[${s.index}].count must be 1 for the supervisor`);
    }
    if (s.reportsToRaw !== undefined) {
      c.add(`agents[${s.index}].reports_to`, 'supervisor_reports_to', `agents[${s.index}].reports_to must be absent: the supervisor reports to no one`);
    }
  }

  // resolve reports_to to agent indexes; an exact name wins over the "supervisor" shorthand
  const parents = new Map<number, number>();
  for (const d of drafts) {
    if (d.role === undefined || d.role === 'supervisor') continue;
    const path = `agents[${d.index}].reports_to`;
    if (d.reportsToRaw === undefined) {
      const raw = isObj(items[d.index]) ? field(items[d.index] as Obj, 'reports_to') : undefined;
      if (absent(raw)) c.add(path, 'required', `${path} is required for a ${d.role}: name the agent it reports to, or "supervisor"`);
      continue;
    }
    let target = byName.get(d.reportsToRaw);
    if (target === undefined && d.reportsToRaw === 'supervisor' && supervisor !== undefined) target = supervisor.index;
    if (target === undefined) {
      c.add(path, 'unknown_reference', `${path} names "${d.reportsToRaw}", which is not an agent of this blueprint`);
      continue;
    }
    parents.set(d.index, target);
  }
  findCycles(parents, drafts, c);

  if (c.problems.length !== before || drafts.some((d) => d.def === undefined)) return undefined;
  return drafts.map((d) => {
    const def = d.def as Omit<AgentDefinition, 'reportsTo'>;
    const parent = parents.get(d.index);
    return { ...def, reportsTo: parent === undefined ? null : (drafts[parent].name as string) };
  });
}

/**
 * Conditions are written as a list of single-key maps (`- idle_time: "1 hour"`); a plain mapping is
 * accepted too. Unknown condition names are refused: silently ignoring a misspelt condition would
 * make a cluster hibernate or be destroyed earlier than its author meant.
 */
function conditionEntries(c: Collector, v: unknown, path: string, known: readonly string[]): [string, unknown, string][] | undefined {
  const entries: [string, unknown, string][] = [];
  let ok = true;
  if (isObj(v)) {
    for (const [k, val] of Object.entries(v)) entries.push([k, val, keyPath(path, k)]);
  } else {
    const items = c.list(v, path);
    if (items === undefined) return undefined;
    items.forEach((item, i) => {
      const itemPath = `${path}[${i}]`;
      if (!isObj(item) || Object.keys(item).length !== 1) {
        c.add(itemPath, 'type', `${itemPath} must be a mapping with exactly one condition, such as {idle_time: "1 hour"}`);
        ok = false;
        return;
      }
      const [k, val] = Object.entries(item)[0];
      entries.push([k, val, keyPath(itemPath, k)]);
    });
  }
  const seen = new Set<string>();
  for (const [k, , p] of entries) {
    if (!known.includes(k)) {
      c.add(p, 'enum', `${p}: unknown condition "${k}" (known: ${known.join(', ')})`);
      ok = false;
    } else if (seen.has(k)) {
      c.add(p, 'unique', `${p}: condition "${k}" is given twice`);
      ok = false;
    }
    seen.add(k);
  }
  return ok ? entries : undefined;
}

function durationValue(c: Collector, v: unknown, path: string): number | undefined {
  const s = parseDuration(v);
  if (s === null) c.add(path, 'duration', `${path} must be a duration such as "1 hour", "30 minutes", "7 days" or "90s", got ${describe(v)}`);
  return s ?? undefined;
}

function validateLifecycle(c: Collector, v: unknown): BlueprintLifecycle | undefined {
  const empty: BlueprintLifecycle = { hibernate: null, destroy: null, reactivateTriggers: [] };
  if (absent(v)) return empty;
  const m = c.mapping(v, 'lifecycle');
  if (m === undefined) return undefined;
  const before = c.problems.length;

  let hibernate: HibernateConditions | null = null;
  const rawHibernate = field(m, 'hibernate_conditions');
  if (!absent(rawHibernate)) {
    const entries = conditionEntries(c, rawHibernate, 'lifecycle.hibernate_conditions', HIBERNATE_CONDITIONS);
    if (entries !== undefined && entries.length > 0) {
      const h: HibernateConditions = {};
      for (const [k, val, p] of entries) {
        if (k === 'idle_time') h.idleSeconds = durationValue(c, val, p);
        else if (k === 'task_queue_empty') h.taskQueueEmpty = c.bool(val, p);
        else {
          const fraction = parsePercentage(val);
          if (fraction === null) c.add(p, 'percentage', `${p} must be a percentage between 0% and 100% such as "10%", got ${describe(val)}`);
          else h.loadBelow = fraction;
        }
      }
      hibernate = h;
    }
  }

  let destroy: DestroyConditions | null = null;
  const rawDestroy = field(m, 'destroy_conditions');
  if (!absent(rawDestroy)) {
    const entries = conditionEntries(c, rawDestroy, 'lifecycle.destroy_conditions', DESTROY_CONDITIONS);
    if (entries !== undefined && entries.length > 0) {
      const d: DestroyConditions = {};
      for (const [k, val, p] of entries) {
        if (k === 'hibernated_duration') d.hibernatedSeconds = durationValue(c, val, p);
        else d.manualTrigger = c.bool(val, p);
      }
      destroy = d;
    }
  }

  const triggers = c.strings(field(m, 'reactivate_triggers'), 'lifecycle.reactivate_triggers', BLUEPRINT_LIMITS.listItemsMax, BLUEPRINT_LIMITS.listItemLengthMax);
  if (c.problems.length !== before || triggers === undefined) return undefined;
  return { hibernate, destroy, reactivateTriggers: triggers };
}

function validateBudget(c: Collector, v: unknown): BlueprintBudget | null | undefined {
  if (absent(v)) return null;
  const m = c.mapping(v, 'budget');
  if (m === undefined) return undefined;
  const before = c.problems.length;

  const rawCurrency = field(m, 'currency');
  let currency: string | undefined;
  if (absent(rawCurrency)) c.add('budget.currency', 'required', 'budget.currency is required (a three-letter code such as EUR)');
  else if (typeof rawCurrency !== 'string' || !/^[A-Za-z]{3}$/.test(rawCurrency)) {
    c.add('budget.currency', 'currency', `budget.currency must be a three-letter currency code such as EUR, got ${describe(rawCurrency)}`);
  } else currency = rawCurrency.toUpperCase();

  const period = c.oneOf(field(m, 'period'), BUDGET_PERIODS, 'budget.period');
  const limit = (key: string): number | undefined => {
    const path = `budget.${key}`;
    const raw = field(m, key);
    if (absent(raw)) {
      c.add(path, 'required', `${path} is required`);
      return undefined;
    }
    return c.num(raw, path, { min: 0 });
  };
  const softLimit = limit('soft_limit');
  const hardLimit = limit('hard_limit');
  if (softLimit !== undefined && hardLimit !== undefined && softLimit > hardLimit) {
    c.add('budget.soft_limit', 'soft_le_hard', `budget.soft_limit (${softLimit}) must not exceed budget.hard_limit (${hardLimit})`);
  }
  if (c.problems.length !== before || currency === undefined || period === undefined || softLimit === undefined || hardLimit === undefined) {
    return undefined;
  }
  return { currency, period, softLimit, hardLimit };
}

function validateMonitoring(c: Collector, v: unknown): BlueprintMonitoring | null | undefined {
  if (absent(v)) return null;
  const m = c.mapping(v, 'monitoring');
  if (m === undefined) return undefined;
  const before = c.problems.length;
  const metrics = c.strings(field(m, 'metrics'), 'monitoring.metrics', BLUEPRINT_LIMITS.listItemsMax, BLUEPRINT_LIMITS.listItemLengthMax);
  const alerts: { condition: string; action: string }[] = [];
  const rawAlerts = field(m, 'alerts');
  if (!absent(rawAlerts)) {
    const items = c.list(rawAlerts, 'monitoring.alerts');
    items?.forEach((item, i) => {
      const path = `monitoring.alerts[${i}]`;
      const a = c.mapping(item, path);
      if (a === undefined) return;
      const condition = c.text(field(a, 'condition'), `${path}.condition`, { required: true, max: BLUEPRINT_LIMITS.nameMax });
      const action = c.text(field(a, 'action'), `${path}.action`, { required: true, max: BLUEPRINT_LIMITS.nameMax });
      if (condition !== undefined && action !== undefined) alerts.push({ condition, action });
    });
  }
  if (c.problems.length !== before || metrics === undefined) return undefined;
  return { metrics, alerts };
}

/**
 * Validates an already-parsed blueprint document (for example from `loadYamlSafely`, or JSON from
 * the database) and returns the normalised blueprint, or every problem found.
 */
export function validateBlueprintDocument(doc: unknown): BlueprintValidation {
  const c = new Collector();
  const root = c.mapping(doc, 'document', 'a blueprint');
  if (root === undefined) return { blueprint: null, problems: c.problems };

  const metadata = validateMetadata(c, field(root, 'metadata'));
  const cluster = validateCluster(c, field(root, 'cluster'));
  const agents = validateAgents(c, field(root, 'agents'));

  if (cluster !== undefined && agents !== undefined) {
    // the worker pool can never grow beyond the sum of its definitions' ranges
    const capacity = agents.filter((a) => a.role === 'worker').reduce((sum, a) => sum + a.count.max, 0);
    if (capacity < cluster.minWorkers) {
      c.add('cluster.min_workers', 'min_workers_reachable', `cluster.min_workers (${cluster.minWorkers}) can never be met: the worker definitions allow at most ${capacity} workers in total`);
    }
  }

  const lifecycle = validateLifecycle(c, field(root, 'lifecycle'));
  const budget = validateBudget(c, field(root, 'budget'));
  const monitoring = validateMonitoring(c, field(root, 'monitoring'));
  let resources: Record<string, unknown> | null = null;
  const rawResources = field(root, 'resources');
  if (!absent(rawResources)) resources = c.mapping(rawResources, 'resources') ?? null;

  if (
    c.problems.length > 0 ||
    metadata === undefined ||
    cluster === undefined ||
    agents === undefined ||
    lifecycle === undefined ||
    budget === undefined ||
    monitoring === undefined
  ) {
    return { blueprint: null, problems: c.problems };
  }
  return { blueprint: { metadata, cluster, agents, lifecycle, budget, monitoring, resources, raw: root }, problems: [] };
}
