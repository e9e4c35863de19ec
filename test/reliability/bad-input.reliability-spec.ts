import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { ADMIN, dbQuery, Fleet } from './fleet';

/** One bad request and what its answer's message must name (the field, header or rule at fault). */
interface Case {
  kind: string;
  method: string;
  path: string;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
  names: RegExp;
}

/** Row counts and a checksum of every table: what "the database is unchanged" is compared on. */
async function snapshot(url: string): Promise<Record<string, string>> {
  const tables = await dbQuery<{ t: string }>(url, `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  const out: Record<string, string> = {};
  for (const { t } of tables) {
    const [r] = await dbQuery<{ n: number; sum: string | null }>(url, `SELECT count(*)::int AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS sum FROM "${t}" x`);
    out[t] = `${r.n} rows, ${r.sum ?? 'empty'}`;
  }
  return out;
}

const nest = (depth: number): unknown => (depth <= 1 ? { leaf: 1 } : { a: nest(depth - 1) });
const BOMB = `a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;
const SQL = `x'; DROP TABLE clusters; --`;

/** Every write endpoint with a valid body, and the fields that body must have. */
function writes(ids: Ids): Array<{ method: string; path: string; valid: Record<string, unknown>; required: string[] }> {
  return [
    { method: 'POST', path: '/api/clusters', valid: { blueprint_id: 'marketing-v1', name: 'Valid name' }, required: ['blueprint_id', 'name'] },
    { method: 'PUT', path: `/api/clusters/${ids.cluster}`, valid: { name: 'Renamed' }, required: [] },
    { method: 'POST', path: `/api/clusters/${ids.cluster}/scale`, valid: { target_workers: 4 }, required: ['target_workers'] },
    { method: 'POST', path: `/api/clusters/${ids.cluster}/agents`, valid: { name: 'Extra', role: 'worker' }, required: ['name', 'role'] },
    { method: 'POST', path: `/api/clusters/${ids.cluster}/tasks`, valid: { input: 'hello' }, required: ['input'] },
    { method: 'POST', path: `/api/clusters/${ids.cluster}/scaling/evaluate`, valid: {}, required: [] },
    { method: 'PUT', path: `/api/clusters/${ids.cluster}/budget`, valid: { currency: 'USD', period: 'month', soft_limit: 1, hard_limit: 2 }, required: ['currency', 'period', 'soft_limit', 'hard_limit'] },
    { method: 'POST', path: '/api/blueprints', valid: { id: 'x-bp', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 'metadata: {}' }, required: ['id', 'name', 'version', 'blueprint_yaml'] },
    { method: 'POST', path: '/api/blueprints/validate', valid: { blueprint_yaml: 'metadata: {}' }, required: ['blueprint_yaml'] },
    { method: 'PUT', path: '/api/blueprints/marketing-v1', valid: { name: 'Marketing' }, required: [] },
    { method: 'POST', path: '/api/genesis/validate', valid: { template_id: 'content_writer' }, required: ['template_id'] },
    { method: 'POST', path: '/api/genesis/spawn', valid: { template_id: 'content_writer' }, required: ['template_id'] },
    { method: 'POST', path: '/api/scaling/simulate', valid: { blueprint_id: 'marketing-v1', initial_workers: 3, trace: [{ t: 0 }] }, required: ['initial_workers', 'trace'] },
    { method: 'POST', path: '/api/auth/keys', valid: { name: 'ci key', role: 'viewer' }, required: ['name', 'role'] },
    { method: 'POST', path: '/api/chat', valid: { messages: [{ role: 'user', content: 'hi' }] }, required: ['messages'] },
    { method: 'POST', path: '/v1/chat/completions', valid: { model: 'local', messages: [{ role: 'user', content: 'hi' }] }, required: ['model', 'messages'] },
    { method: 'POST', path: '/api/axe/chat', valid: { messages: [{ role: 'user', content: 'hi' }] }, required: ['messages'] },
  ];
}

interface Ids {
  cluster: string;
  task: string;
  agent: string;
  genesis: string;
  key: string;
}

function corpus(ids: Ids): Case[] {
  const cases: Case[] = [];
  const add = (kind: string, method: string, path: string, names: RegExp, rest: Partial<Case> = {}) => cases.push({ kind, method, path, names, ...rest });

  for (const w of writes(ids)) {
    // the same malformations on every write endpoint
    for (const raw of ['{', '{"a":}', '[1,2', 'nul', '{"a":1,}', "{'a':1}", '{"a":1}}'])
      add('malformed JSON', w.method, w.path, /malformed JSON/, { raw });
    add('deeply nested JSON', w.method, w.path, /nested deeper than 32/, { body: { ...w.valid, deep: nest(40) } });
    add('deeply nested JSON', w.method, w.path, /nested deeper than 32/, { raw: '['.repeat(5000) + ']'.repeat(5000) });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml'])
      add('wrong content type', w.method, w.path, /Content-Type/, { raw: JSON.stringify(w.valid), headers: { 'content-type': type } });
    add('extra field', w.method, w.path, /surplus_field/, { body: { ...w.valid, surplus_field: 1 } });
    add('body an array', w.method, w.path, /JSON object/, { body: [w.valid] });
    if (w.required.length) {
      add('missing fields', w.method, w.path, new RegExp(w.required.join('.*')), { body: {} });
      for (const f of w.required) {
        const rest = { ...w.valid };
        delete rest[f];
        add('missing field', w.method, w.path, new RegExp(f), { body: rest });
      }
    }
    add('huge body', w.method, w.path, /too large/, { body: { ...w.valid, pad: 'x'.repeat(1_100_000) } });
  }

  const c = `/api/clusters/${ids.cluster}`;
  // wrong types, limits, enums and characters, field by field
  const create = { blueprint_id: 'marketing-v1', name: 'Valid name' };
  const fields: Array<[string, string, Record<string, unknown>, RegExp]> = [
    ['POST', '/api/clusters', { ...create, name: 123 }, /name/],
    ['POST', '/api/clusters', { ...create, name: 'x'.repeat(10_000) }, /name/],
    ['POST', '/api/clusters', { ...create, name: 'ab' }, /name/],
    ['POST', '/api/clusters', { ...create, name: 'null\u0000byte' }, /name/],
    ['POST', '/api/clusters', { ...create, name: 'bell\u0007name' }, /name/],
    ['POST', '/api/clusters', { ...create, name: '\u001b[31mred\u001b[0m' }, /name/],
    ['POST', '/api/clusters', { ...create, name: 'next\u0085line' }, /name/],
    ['POST', '/api/clusters', { ...create, name: ['a', 'b', 'c'] }, /name/],
    ['POST', '/api/clusters', { ...create, blueprint_id: SQL }, /blueprint_id/],
    ['POST', '/api/clusters', { ...create, blueprint_id: '../../etc/passwd' }, /blueprint_id/],
    ['POST', '/api/clusters', { ...create, blueprint_id: 42 }, /blueprint_id/],
    ['POST', '/api/clusters', { ...create, type: 'galaxy' }, /type/],
    ['POST', '/api/clusters', { ...create, type: 'DEPARTMENT' }, /type/],
    ['POST', '/api/clusters', { ...create, target_workers: -1 }, /target_workers/],
    ['POST', '/api/clusters', { ...create, target_workers: 1e9 }, /target_workers/],
    ['POST', '/api/clusters', { ...create, target_workers: 2.5 }, /target_workers/],
    ['POST', '/api/clusters', { ...create, target_workers: '5' }, /target_workers/],
    ['POST', '/api/clusters', { ...create, min_workers: -5 }, /min_workers/],
    ['POST', '/api/clusters', { ...create, max_workers: 0 }, /max_workers/],
    ['POST', '/api/clusters', { ...create, min_workers: 5, max_workers: 2 }, /min_workers|max_workers/],
    ['POST', '/api/clusters', { ...create, description: 'x'.repeat(5000) }, /description/],
    ['POST', '/api/clusters', { ...create, tags: Array.from({ length: 1000 }, (_, i) => `t${i}`) }, /tags/],
    ['POST', '/api/clusters', { ...create, tags: [123] }, /tags/],
    ['POST', '/api/clusters', { ...create, tags: ['x'.repeat(100)] }, /tags/],
    ['POST', '/api/clusters', { ...create, tags: 'one,two' }, /tags/],
    ['POST', '/api/clusters', { ...create, config: 'yes' }, /config/],
    ['POST', '/api/clusters', { ...create, config: nest(12) }, /config/],
    ['POST', '/api/clusters', { ...create, config: { big: 'x'.repeat(20_000) } }, /config/],
    ['PUT', c, { min_workers: 'three' }, /min_workers/],
    ['PUT', c, { autoscaling_enabled: 'yes' }, /autoscaling_enabled/],
    ['PUT', c, { name: '\u0000' }, /name/],
    ['PUT', c, { min_workers: 999 }, /min_workers|target/],
    ['PUT', c, { max_workers: -3 }, /max_workers/],
    ['POST', `${c}/scale`, { target_workers: -1 }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: 1001 }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: 'ten' }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: null }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: 2.5 }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: 1e308 }, /target_workers/],
    ['POST', `${c}/scale`, { target_workers: 500 }, /max_workers/],
    ['POST', `${c}/scale`, { target_workers: 4, reason: 'x'.repeat(1000) }, /reason/],
    ['POST', `${c}/scale`, { target_workers: 4, reason: 5 }, /reason/],
    ['POST', `${c}/agents`, { name: 'Extra', role: 'supervisor' }, /role/],
    ['POST', `${c}/agents`, { name: 'Extra', role: 'overlord' }, /role/],
    ['POST', `${c}/agents`, { name: 'Extra', role: 'worker', reports_to_id: 'not-a-uuid' }, /reports_to_id/],
    ['POST', `${c}/agents`, { name: 'Extra', role: 'worker', capabilities: Array(100).fill('c') }, /capabilities/],
    ['POST', `${c}/agents`, { name: 'Extra', role: 'worker', genesis_template: '../../etc' }, /genesis_template/],
    ['POST', `${c}/tasks`, { input: '' }, /input/],
    ['POST', `${c}/tasks`, { input: 'x'.repeat(70_000) }, /input/],
    ['POST', `${c}/tasks`, { input: 123 }, /input/],
    ['POST', `${c}/tasks`, { input: { nested: true } }, /input/],
    ['POST', `${c}/tasks`, { input: 'hi', priority: 101 }, /priority/],
    ['POST', `${c}/tasks`, { input: 'hi', priority: -101 }, /priority/],
    ['POST', `${c}/tasks`, { input: 'hi', priority: 'high' }, /priority/],
    ['POST', `${c}/tasks`, { input: 'hi', capability: 'time-travel' }, /capability/],
    ['POST', `${c}/tasks`, { input: 'hi', metadata: 'tag' }, /metadata/],
    ['POST', `${c}/tasks`, { input: 'hi', metadata: nest(12) }, /metadata/],
    ['POST', `${c}/tasks`, { input: 'hi', metadata: { big: 'x'.repeat(20_000) } }, /metadata/],
    ['POST', `${c}/scaling/evaluate`, { current_workers: 'x' }, /current_workers/],
    ['POST', `${c}/scaling/evaluate`, { current_workers: -4 }, /current_workers/],
    ['POST', `${c}/scaling/evaluate`, { last_scaled_at: 'yesterday' }, /last_scaled_at/],
    ['POST', `${c}/scaling/evaluate`, { metrics: { queue_length: -1 } }, /queue_length/],
    ['POST', `${c}/scaling/evaluate`, { metrics: 'lots' }, /metrics/],
    ['PUT', `${c}/budget`, { currency: 'DOLLARS', period: 'month', soft_limit: 1, hard_limit: 2 }, /currency/],
    ['PUT', `${c}/budget`, { currency: 'USD', period: 'year', soft_limit: 1, hard_limit: 2 }, /period/],
    ['PUT', `${c}/budget`, { currency: 'USD', period: 'month', soft_limit: -1, hard_limit: 2 }, /soft_limit/],
    ['PUT', `${c}/budget`, { currency: 'USD', period: 'month', soft_limit: 1, hard_limit: 'lots' }, /hard_limit/],
    ['PUT', `${c}/budget`, { currency: 'USD', period: 'month', soft_limit: 5, hard_limit: 2 }, /soft_le_hard|soft_limit/],
    ['PUT', `${c}/budget`, { currency: 'USD', period: 'month', soft_limit: 1, hard_limit: 1e20 }, /hard_limit/],
    ['PUT', `${c}/budget`, { currency: SQL, period: 'month', soft_limit: 1, hard_limit: 2 }, /currency/],
    ['POST', '/api/blueprints', { id: 'Upper Case', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 'metadata: {}' }, /id/],
    ['POST', '/api/blueprints', { id: '../../etc', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 'metadata: {}' }, /id/],
    ['POST', '/api/blueprints', { id: SQL, name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 'metadata: {}' }, /id/],
    ['POST', '/api/blueprints', { id: 'bomb', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: BOMB }, /blueprint_yaml|alias|YAML/i],
    ['POST', '/api/blueprints', { id: 'fn', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 'metadata: !!js/function "function(){ return 1 }"' }, /blueprint_yaml|YAML|tag/i],
    ['POST', '/api/blueprints', { id: 'py', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: "metadata: !!python/object/apply:os.system ['id']" }, /blueprint_yaml|YAML|tag/i],
    ['POST', '/api/blueprints', { id: 'big', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: `# ${'x'.repeat(300_000)}` }, /blueprint_yaml|blueprint YAML/],
    ['POST', '/api/blueprints', { id: 'notyaml', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: ':::\n\t- ]][[' }, /blueprint_yaml|YAML/i],
    ['POST', '/api/blueprints', { id: 'num', name: 'Valid Blueprint', version: '1.0.0', blueprint_yaml: 123 }, /blueprint_yaml/],
    ['POST', '/api/blueprints', { id: 'ver', name: 'Valid Blueprint', version: 'not-semver', blueprint_yaml: 'metadata: {}' }, /version/],
    ['PUT', '/api/blueprints/marketing-v1', { blueprint_yaml: BOMB }, /blueprint_yaml|alias|YAML/i],
    ['PUT', '/api/blueprints/marketing-v1', { is_active: 'no' }, /is_active/],
    ['PUT', '/api/blueprints/marketing-v1', { tags: [{}] }, /tags/],
    ['POST', '/api/blueprints/validate', { blueprint_yaml: ['metadata'] }, /blueprint_yaml/],
    ['POST', '/api/genesis/spawn', { template_id: '../../etc/passwd' }, /template_id/],
    ['POST', '/api/genesis/spawn', { template_id: SQL }, /template_id/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', seed: { n: 1 } }, /seed/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', seed: 'x'.repeat(300) }, /seed/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', seed: 1.5 }, /seed/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', trait_overrides: 'all' }, /trait_overrides/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', trait_overrides: { 'cognitive.creativity': 'high' } }, /creativity|trait_overrides/],
    ['POST', '/api/genesis/spawn', { template_id: 'content_writer', name: '\u0000\u0001\u0002' }, /name/],
    ['POST', '/api/genesis/validate', { template_id: 42 }, /template_id/],
    ['POST', '/api/scaling/simulate', { blueprint_id: 'marketing-v1', initial_workers: -1, trace: [{ t: 0 }] }, /initial_workers/],
    ['POST', '/api/scaling/simulate', { blueprint_id: 'marketing-v1', initial_workers: 3, trace: 'x' }, /trace/],
    ['POST', '/api/scaling/simulate', { blueprint_id: 'marketing-v1', initial_workers: 3, trace: Array.from({ length: 10_001 }, (_, t) => ({ t })) }, /trace/],
    ['POST', '/api/scaling/simulate', { initial_workers: 3, trace: [{ t: 0 }] }, /blueprint_id and scaling/],
    ['POST', '/api/scaling/simulate', { blueprint_id: 'marketing-v1', initial_workers: 3, trace: [{ t: -5, queue_length: 'many' }] }, /trace|queue_length|t/],
    ['POST', '/api/auth/keys', { name: 'k', role: 'superuser' }, /role/],
    ['POST', '/api/auth/keys', { name: '', role: 'viewer' }, /name/],
    ['POST', '/api/auth/keys', { name: 'x'.repeat(300), role: 'viewer' }, /name/],
    ['POST', '/api/auth/keys', { name: 'ok key', role: ['admin'] }, /role/],
    ['POST', '/api/chat', { messages: [] }, /messages/],
    ['POST', '/api/chat', { messages: 'hi' }, /messages/],
    ['POST', '/api/chat', { messages: [{ role: 'wizard', content: 'hi' }] }, /role/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: '' }] }, /content/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 }, /max_tokens/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'hi' }], max_tokens: 40_000 }, /max_tokens/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, /temperature/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'hi' }], temperature: -1 }, /temperature/],
    ['POST', '/api/chat', { messages: Array(101).fill({ role: 'user', content: 'hi' }) }, /messages/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'x'.repeat(210_000) }] }, /content|messages|200/],
    ['POST', '/api/chat', { messages: [{ role: 'user', content: 'hi' }], cluster_id: SQL }, /cluster_id/],
    ['POST', '/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' }, /temperature/],
    ['POST', '/v1/chat/completions', { model: 'x'.repeat(300), messages: [{ role: 'user', content: 'hi' }] }, /model/],
    ['POST', '/v1/chat/completions', { model: 'local', messages: [{ role: 'tool', content: 'hi' }] }, /role/],
    ['POST', '/v1/chat/completions', { model: 'local', messages: ['hi'] }, /messages/],
    ['POST', '/v1/chat/completions', { model: 'local', messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, /stream/],
    ['POST', '/api/axe/chat', { messages: [{ role: 'user', content: 5 }] }, /content/],
  ];
  for (const [method, path, body, names] of fields) add('field', method, path, names, { body });

  // query strings: paging, enums, injections
  const lists = ['/api/clusters', `${c}/agents`, `${c}/tasks`, `${c}/scaling-decisions`, '/api/blueprints', '/api/genesis/agents', '/api/alerts'];
  for (const l of lists) {
    for (const q of ['page=0', 'page=-1', 'page=abc', 'page_size=0', 'page_size=101', 'page_size=1e9', `page=${encodeURIComponent(SQL)}`])
      add('paging', 'GET', `${l}?${q}`, /page/);
  }
  const enums: Array<[string, RegExp]> = [
    [`/api/clusters?status=${encodeURIComponent(SQL)}`, /status/],
    ['/api/clusters?status=exploding', /status/],
    ['/api/clusters?type=galaxy', /type/],
    [`/api/clusters?blueprint_id=${encodeURIComponent('../../etc')}`, /blueprint_id/],
    [`${c}/agents?role=overlord`, /role/],
    [`${c}/agents?status=zombie`, /status/],
    [`${c}/tasks?status=${encodeURIComponent("queued' OR '1'='1")}`, /status/],
    [`${c}/scaling-decisions?source=oracle`, /source/],
    [`${c}/metrics?from=yesterday`, /from/],
    [`${c}/metrics?to=${encodeURIComponent('2024-13-45T99:99:99Z')}`, /to/],
    [`${c}/metrics?limit=0`, /limit/],
    [`${c}/metrics?limit=100000`, /limit/],
    [`/api/alerts?cluster_id=${encodeURIComponent(SQL)}`, /cluster_id/],
    ['/api/blueprints?include_inactive=maybe', /include_inactive/],
    ['/api/blueprints/marketing-v1?include_yaml=perhaps', /include_yaml/],
  ];
  for (const [path, names] of enums) add('query', 'GET', path, names);

  // ids in paths: not UUIDs, traversal, injection, control characters
  const badIds = ['not-a-uuid', '..%2F..%2Fetc%2Fpasswd', '%2E%2E%2F%2E%2E%2Fetc', encodeURIComponent("1' OR '1'='1"), '%00', encodeURIComponent('5a6b7c8d-1111-4222-8333-94445555666g'), '1e400', 'x'.repeat(300)];
  for (const id of badIds) {
    for (const p of [`/api/clusters/${id}`, `/api/clusters/${id}/agents`, `/api/clusters/${id}/costs`, `/api/tasks/${id}`]) add('path id', 'GET', p, /id/);
    add('path id', 'POST', `/api/clusters/${id}/scale`, /id/, { body: { target_workers: 3 } });
    add('path id', 'POST', `/api/tasks/${id}/cancel`, /id/);
    add('path id', 'DELETE', `/api/clusters/${id}`, /id/);
    add('path id', 'DELETE', `/api/auth/keys/${id}`, /id/);
    add('path id', 'GET', `/api/genesis/agents/${id}`, /id/);
  }
  for (const slug of ['..%2F..%2Fetc%2Fpasswd', encodeURIComponent(SQL), 'UPPER', '%00', 'a'.repeat(300)]) {
    add('path slug', 'GET', `/api/blueprints/${slug}`, /id/);
    add('path slug', 'PUT', `/api/blueprints/${slug}`, /id/, { body: { name: 'Valid Name' } });
    // template ids are looked up, not parsed: a well-formed unknown one is a 404 naming the template
    add('path slug', 'GET', `/api/genesis/templates/${slug}`, /id|template/);
  }
  for (const name of ['..%2F..%2Fetc%2Fpasswd', '..%2F.env', '%00README.md', encodeURIComponent('README.md; rm -rf /')])
    add('path name', 'GET', `${c}/manifests/${name}`, /name/);
  add('path id', 'GET', `/api/genesis/traits/${encodeURIComponent('ethical.safety_priority; DROP')}`, /id|trait/);

  // writes without a body of the wrong type on body-less actions
  for (const p of [`${c}/hibernate`, `${c}/reactivate`, `/api/tasks/${ids.task}/cancel`])
    add('wrong content type', 'POST', p, /Content-Type/, { raw: 'target=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });

  // authorization header malformed (the problem is the header)
  for (const h of ['Basic YWRtaW46YWRtaW4=', 'Bearer', 'Bearer a b', `Bearer ${SQL}`, 'Bearer \u00ff\u00fe'])
    add('bad auth header', 'POST', `${c}/scale`, /Authorization|API key|Bearer/, { body: { target_workers: 4 }, headers: { authorization: h } });
  return cases;
}

describe('reliability: a corpus of bad requests over every endpoint', () => {
  const fleet = new Fleet('badinput');
  const ids = {} as Ids;
  before(async () => {
    await fleet.start();
    ids.cluster = await fleet.cluster('Bad input target', 3);
    const task = await fleet.call('POST', `/api/clusters/${ids.cluster}/tasks`, { body: { input: 'a real task' } });
    ids.task = task.body.id;
    await waitFor(async () => (await fleet.call('GET', `/api/tasks/${ids.task}`)).body.status === 'succeeded', 30000, 'the fixture task');
    ids.agent = (await fleet.call('GET', `/api/clusters/${ids.cluster}/agents?role=worker`)).body.agents[0].id;
    ids.genesis = (await fleet.call('GET', '/api/genesis/agents?page_size=1')).body.agents[0].id;
    ids.key = (await fleet.call('POST', '/api/auth/keys', { body: { name: 'fixture key', role: 'viewer' } })).body.id;
    // the worker writes heartbeats, samples and time costs: stop it, so only requests could change the database
    await fleet.terminate(fleet.workers[0]);
  });
  after(() => fleet.stop());

  it('answers every bad request with a 4xx naming the problem, and changes nothing', async () => {
    const cases = corpus(ids);
    assert.ok(cases.length >= 250, `${cases.length} cases`);
    const before = await snapshot(fleet.dbUrl);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    const kinds = new Map<string, number>();
    for (const k of cases) {
      const r = await call(fleet.base, k.method, k.path, { token: ADMIN, body: k.body, raw: k.raw, headers: k.headers });
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      kinds.set(k.kind, (kinds.get(k.kind) ?? 0) + 1);
      const message = typeof r.body === 'object' && r.body ? String(r.body.message ?? '') : String(r.body);
      const show = `${k.kind}: ${k.method} ${k.path.slice(0, 80)} ${JSON.stringify(k.body ?? k.raw ?? '').slice(0, 80)} -> ${r.status} ${message.slice(0, 160)}`;
      if (r.status < 400 || r.status >= 500) failures.push(`not a 4xx: ${show}`);
      else if (!k.names.test(message)) failures.push(`message does not name ${k.names}: ${show}`);
    }
    const afterSnap = await snapshot(fleet.dbUrl);
    const changed = Object.keys(before).filter((t) => before[t] !== afterSnap[t]);
    console.log(
      `tried: ${cases.length} bad requests (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); ` +
        `checked: answers ${[...statuses].sort().map(([s, n]) => `${n} x ${s}`).join(', ')}, each message naming the problem, ` +
        `${Object.keys(before).length} tables (row counts and md5 of every row) ${changed.length ? `CHANGED: ${changed.join(', ')}` : 'unchanged'}`,
    );
    assert.deepEqual(failures, []);
    assert.deepEqual(changed, [], 'the database is unchanged');
  });

  it('answers YAML bombs and tags to the dry-run validator quickly, as invalid blueprints', async () => {
    // the validator's contract: 200 {valid: false, problems} for any YAML it can read as a request
    for (const yaml of [BOMB, 'metadata: !!js/function "function(){}"', '&a [*a]', `# ${'x'.repeat(300_000)}`]) {
      const started = Date.now();
      const r = await fleet.call('POST', '/api/blueprints/validate', { body: { blueprint_yaml: yaml } });
      const ms = Date.now() - started;
      assert.ok(r.status === 200 || r.status === 400, `${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      if (r.status === 200) {
        assert.equal(r.body.valid, false);
        assert.ok(r.body.problems.length > 0);
      }
      assert.ok(ms < 5000, `answered in ${ms} ms`);
      console.log(`tried: validate ${JSON.stringify(yaml.slice(0, 30))}...; checked: ${r.status} ${r.status === 200 ? `valid=false, ${r.body.problems[0]?.message}` : r.body.message} in ${ms} ms`);
    }
  });
});
