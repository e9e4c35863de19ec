/**
 * Test support: a small valid blueprint document (snake_case, as in a YAML file) and helpers that
 * change one field by path, so each broken-blueprint case states only what it breaks.
 */
export type Doc = Record<string, unknown>;

const BASE: Doc = {
  metadata: {
    id: 'test-team-v1',
    name: 'Test Team',
    version: '1.0.0',
    author: 'tests',
    description: 'A small team used by the unit tests.',
    tags: ['test', 'unit'],
  },
  cluster: {
    type: 'team',
    min_workers: 2,
    max_workers: 10,
    default_workers: 3,
    scaling: { metric: 'task_queue_length', scale_up_threshold: 10, scale_down_threshold: 2, cooldown_period: 300 },
  },
  agents: [
    {
      role: 'supervisor',
      name: 'Chief',
      count: 1,
      genesis_template: 'supervisor_coordinator',
      capabilities: ['coordination'],
      skills: ['leadership'],
      config: { llm_model: 'local', temperature: 0.3, max_tokens: 2048, traits: { 'ethical.safety_priority': 0.9 } },
    },
    { role: 'specialist', name: 'Analyst', count: 1, reports_to: 'supervisor', capabilities: ['market_research'], skills: ['analysis'] },
    { role: 'specialist', name: 'Writer', reports_to: 'Chief', capabilities: ['content_writing'] },
    { role: 'lead', name: 'Writer Lead', count: 1, reports_to: 'Writer' },
    { role: 'worker', name: 'Drafter', count: '0-5', reports_to: 'Writer Lead', capabilities: ['content_writing'], config: { llm_model: 'local', custom_knob: 7 } },
    { role: 'worker', name: 'Researcher', count: 2, reports_to: 'Analyst', capabilities: ['market_research'] },
  ],
  resources: { tools: ['web_search'] },
  lifecycle: {
    hibernate_conditions: [{ idle_time: '1 hour' }, { task_queue_empty: true }, { load_below: '10%' }],
    destroy_conditions: [{ hibernated_duration: '7 days' }, { manual_trigger: true }],
    reactivate_triggers: ['new_task_received', 'manual_trigger'],
  },
  monitoring: { metrics: ['task_queue_length', 'error_rate'], alerts: [{ condition: 'error_rate > 10%', action: 'notify_admin' }] },
  budget: { currency: 'EUR', period: 'month', soft_limit: 400, hard_limit: 500 },
  x_custom: { keep: 'me' },
};

export function baseDocument(): Doc {
  return structuredClone(BASE);
}

/** `agents[3].count`, `cluster.max_workers`, `agents[0].config.traits["ethical.safety_priority"]`. */
function segments(path: string): (string | number)[] {
  const out: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]*)"\]/g;
  for (let m = re.exec(path); m !== null; m = re.exec(path)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(m[3]);
  }
  return out;
}

type Container = Record<string | number, unknown>;

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}

export function getAt(doc: Doc, path: string): unknown {
  let cur: unknown = doc;
  for (const s of segments(path)) {
    if (!isContainer(cur)) return undefined;
    cur = cur[s];
  }
  return cur;
}

/** Sets the value at `path`; `undefined` deletes the key (or list item). */
export function setAt(doc: Doc, path: string, value: unknown): void {
  const segs = segments(path);
  const last = segs.pop();
  if (last === undefined) throw new Error(`empty path ${path}`);
  let cur: unknown = doc;
  for (const s of segs) {
    if (!isContainer(cur)) throw new Error(`no container at ${path}`);
    cur = cur[s];
  }
  if (!isContainer(cur)) throw new Error(`no container at ${path}`);
  if (value !== undefined) cur[last] = value;
  else if (Array.isArray(cur) && typeof last === 'number') cur.splice(last, 1);
  else delete cur[last];
}

export function mutate(fn: (d: Doc) => void): Doc {
  const d = baseDocument();
  fn(d);
  return d;
}
