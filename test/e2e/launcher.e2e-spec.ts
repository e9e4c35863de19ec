import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { Client } from 'pg';
import { MIGRATIONS } from '#db';
import { createEmptyDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface Launched {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` without its prestart: dist/apps/launcher.js, stopped only through its own pid. */
function launch(env: NodeJS.ProcessEnv): Launched {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'apps', 'launcher.js')], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** The pids of the api and worker processes, from their JSON log lines. */
function childPids(out: string): number[] {
  const pids = new Set<number>();
  for (const m of out.matchAll(/"pid":(\d+),"app":"(api|worker)"/g)) pids.add(Number(m[1]));
  return [...pids];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function stop(l: Launched): Promise<number | null> {
  if (l.child.exitCode !== null) return l.child.exitCode;
  l.child.kill('SIGTERM');
  const timer = setTimeout(() => l.child.kill('SIGKILL'), 30_000);
  const code = await l.exited;
  clearTimeout(timer);
  return code;
}

describe('launcher e2e: npm start on a new database', () => {
  let db: TestDatabase;
  const prefix = testPrefix('launch');
  const env = () => testEnv(db.url, prefix, { LOG_LEVEL: 'info', LOG_FORMAT: 'json', QUEUE_BACKEND: 'auto', ADMIN_API_KEY: 'e2e-launcher-admin-key-0123456789' });

  before(async () => {
    db = await createEmptyDatabase('launch');
  });
  after(async () => {
    await db.drop();
    await dropPrefix(prefix);
  });

  it('migrates once and chooses the queue once, then both children serve; SIGTERM stops them all', async () => {
    const l = launch(env());
    try {
      const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(l.output())?.[1], 90_000, `the api to listen: ${l.output().slice(-2000)}`);
      const health = await call(`http://127.0.0.1:${port}`, 'GET', '/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.dependencies_up, true);
      assert.equal(health.body.queue_backend, 'redis');
      await waitFor(async () => l.output().includes('"msg":"worker started"') || undefined, 60_000, 'the worker to start');

      const out = l.output();
      assert.equal(out.match(/applied migrations: /g)?.length, 1, 'only the launcher migrates');
      assert.ok(out.indexOf('BRAiN starting') < out.indexOf('"msg":"api listening"'), 'the launcher is done before the api starts');
      const c = new Client({ connectionString: db.url });
      await c.connect();
      try {
        const ran = await c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id');
        assert.deepEqual(
          ran.rows.map((r) => r.name),
          MIGRATIONS.map((m) => m.name),
        );
        const settings = await c.query<{ key: string; value: string; source: string }>('SELECT key, value, source FROM system_settings ORDER BY key');
        assert.deepEqual(
          settings.rows.map((r) => [r.key, r.value]),
          [
            ['queue_backend', 'redis'],
            ['queue_prefix', prefix],
          ],
        );
        for (const r of settings.rows) assert.match(r.source, /^launcher pid /, 'recorded by the launcher, not by a child');
      } finally {
        await c.end();
      }

      const pids = childPids(out);
      assert.equal(pids.length, 2, `api and worker pids in ${out.slice(-1500)}`);
      assert.equal(await stop(l), 0);
      for (const pid of pids) assert.equal(alive(pid), false, `child ${pid} stopped with the launcher`);
    } finally {
      await stop(l);
    }
  });

  it('starts again on the migrated database without migrating', async () => {
    const l = launch(env());
    try {
      const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(l.output())?.[1], 90_000, `the api to listen: ${l.output().slice(-2000)}`);
      assert.equal((await call(`http://127.0.0.1:${port}`, 'GET', '/health')).status, 200);
      assert.doesNotMatch(l.output(), /applied migrations/);
      assert.equal(await stop(l), 0);
    } finally {
      await stop(l);
    }
  });

  it('stops with the configuration error alone when the configuration is invalid', async () => {
    const l = launch({ ...env(), PORT: 'not-a-port' });
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([l.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 60_000)))]);
    clearTimeout(timer);
    await stop(l);
    assert.equal(code, 1);
    assert.match(l.output(), /invalid configuration:\n {2}- PORT="not-a-port"/);
    assert.equal(childPids(l.output()).length, 0, 'no child started its work');
  });
});
