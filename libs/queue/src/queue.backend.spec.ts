import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '#config';
import { chooseQueue, defaultQueuePrefix, QueueBackendError, QueueSettingsStore, safeUrl } from './queue.backend';

const PREFIX_RULE = /^[a-z][a-z0-9_]{0,40}$/; // QUEUE_PREFIX's own rule (it also names a PostgreSQL schema)

describe('defaultQueuePrefix', () => {
  it('belongs to the database: host, port and name', () => {
    const a = defaultQueuePrefix('postgres://brain:pw@db.internal:5432/brain');
    assert.match(a, /^brain_[0-9a-f]{10}$/);
    assert.match(a, PREFIX_RULE);
    assert.equal(defaultQueuePrefix('postgres://other:secret@db.internal:5432/brain'), a, 'user and password do not matter');
    assert.equal(defaultQueuePrefix('postgresql://db.internal/brain'), a, 'the default port is 5432');
    assert.notEqual(defaultQueuePrefix('postgres://brain@db.internal:5432/brain2'), a, 'another database');
    assert.notEqual(defaultQueuePrefix('postgres://brain@db.internal:5433/brain'), a, 'another server on the same host');
    assert.notEqual(defaultQueuePrefix('postgres://brain@db2.internal:5432/brain'), a, 'another host');
  });

  it('treats the loopback spellings as one host and a missing database name as the user name', () => {
    const local = defaultQueuePrefix('postgres://u@127.0.0.1:54329/brain');
    assert.equal(defaultQueuePrefix('postgres://u@localhost:54329/brain'), local);
    assert.equal(defaultQueuePrefix('postgres://u@[::1]:54329/brain'), local);
    assert.equal(defaultQueuePrefix('postgres://brain@localhost:54329'), local);
  });

  it('is what a process gets with no QUEUE_PREFIX set, unlike an explicit one', () => {
    assert.equal(loadConfig({}).queue.prefix, undefined);
    assert.equal(loadConfig({ QUEUE_PREFIX: 'mine' }).queue.prefix, 'mine');
  });
});

describe('safeUrl', () => {
  it('hides the password', () => {
    assert.equal(safeUrl('redis://:hunter2@cache:6379/1'), 'redis://:***@cache:6379/1');
    assert.equal(safeUrl('redis://127.0.0.1:6379'), 'redis://127.0.0.1:6379');
  });
});

/** system_settings in memory, first writer wins, as the table does. */
class MemorySettings implements QueueSettingsStore {
  readonly rows = new Map<string, string>();
  async get(key: string) {
    return this.rows.get(key);
  }
  async claim(key: string, value: string) {
    if (!this.rows.has(key)) this.rows.set(key, value);
    return this.rows.get(key)!;
  }
}

const DB = 'postgres://u@127.0.0.1:5432/sys';
function queueCfg(env: Record<string, string> = {}) {
  return loadConfig({ REDIS_URL: 'redis://127.0.0.1:6390', ...env }).queue;
}
function collect() {
  const lines: { msg: string; level: string }[] = [];
  return { lines, log: (msg: string, level: 'info' | 'warn' = 'info') => void lines.push({ msg, level }) };
}
const up = async () => true;
const down = async () => false;

describe('chooseQueue: one decision for the whole system', () => {
  it('records the first auto resolution and gives it to every later auto process', async () => {
    const settings = new MemorySettings();
    const { log } = collect();
    const first = await chooseQueue(queueCfg(), DB, settings, log, down);
    assert.deepEqual(first, { backend: 'postgres', prefix: defaultQueuePrefix(DB) });
    // Redis answers now, but the system is on PostgreSQL: the later process joins it
    const later = await chooseQueue(queueCfg(), DB, settings, log, up);
    assert.deepEqual(later, first);
  });

  it('fails clearly instead of falling back to PostgreSQL when the recorded Redis is down', async () => {
    const settings = new MemorySettings();
    const { log } = collect();
    assert.equal((await chooseQueue(queueCfg(), DB, settings, log, up)).backend, 'redis');
    await assert.rejects(chooseQueue(queueCfg(), DB, settings, log, down), (e: unknown) => {
      assert.ok(e instanceof QueueBackendError);
      assert.match(e.message, /queues are on Redis .* not reachable/);
      assert.match(e.message, /redis:\/\/127\.0\.0\.1:6390/);
      return true;
    });
    assert.equal(settings.rows.get('queue_backend'), 'redis', 'the record is unchanged');
  });

  it('uses an explicit backend as given, records it when nothing is recorded, and warns on a mismatch', async () => {
    const settings = new MemorySettings();
    const a = collect();
    assert.equal((await chooseQueue(queueCfg({ QUEUE_BACKEND: 'postgres' }), DB, settings, a.log, up)).backend, 'postgres');
    assert.equal(settings.rows.get('queue_backend'), 'postgres');
    assert.deepEqual(a.lines.filter((l) => l.level === 'warn'), []);
    assert.equal((await chooseQueue(queueCfg(), DB, settings, a.log, up)).backend, 'postgres', 'auto follows the record');

    const b = collect();
    assert.equal((await chooseQueue(queueCfg({ QUEUE_BACKEND: 'redis' }), DB, settings, b.log, up)).backend, 'redis');
    const warnings = b.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].msg, /QUEUE_BACKEND=redis differs from this system's recorded queue backend "postgres"/);
    assert.equal(settings.rows.get('queue_backend'), 'postgres', 'an explicit setting does not overwrite the record');
  });

  it('records the prefix once: later processes agree however they spell the database URL', async () => {
    const settings = new MemorySettings();
    const { log } = collect();
    const a = await chooseQueue(queueCfg(), 'postgres://u@db.internal:5432/sys', settings, log, up);
    const b = await chooseQueue(queueCfg(), 'postgres://u@10.0.0.7:5432/sys', settings, log, up);
    assert.equal(b.prefix, a.prefix);
    assert.equal(a.prefix, defaultQueuePrefix('postgres://u@db.internal:5432/sys'));
  });

  it('uses an explicit prefix as given and warns when the system recorded another', async () => {
    const settings = new MemorySettings();
    const first = collect();
    assert.equal((await chooseQueue(queueCfg({ QUEUE_PREFIX: 'team_a' }), DB, settings, first.log, up)).prefix, 'team_a');
    assert.equal((await chooseQueue(queueCfg(), DB, settings, first.log, up)).prefix, 'team_a', 'a process without QUEUE_PREFIX joins the recorded one');
    const other = collect();
    assert.equal((await chooseQueue(queueCfg({ QUEUE_PREFIX: 'team_b' }), DB, settings, other.log, up)).prefix, 'team_b');
    assert.match(other.lines.find((l) => l.level === 'warn')?.msg ?? '', /QUEUE_PREFIX=team_b differs .* "team_a"/);
  });
});
