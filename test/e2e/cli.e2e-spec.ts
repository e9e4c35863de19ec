// The `brain` CLI as a child process against a real api + worker: the seed's whole scenario, then
// its exit codes for a refused request, a bad command line and an api that is not there.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { waitFor } from '../harness/process';
import { SYSTEM_ADMIN, TestSystem } from '../harness/system';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const MAIN = path.join(ROOT, 'dist', 'apps', 'cli', 'src', 'main.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A port nothing listens on: bound once by us, then closed. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('cli e2e: the seed scenario through `brain`', () => {
  const sys = new TestSystem('cli');
  let env: NodeJS.ProcessEnv;
  let id: string;
  let taskId: string;

  /** Runs the CLI to its end (60 s at most), with BRAIN_URL and BRAIN_TOKEN pointing at the system. */
  function brain(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Result> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => child.kill('SIGKILL'), 60000);
      child.once('error', reject);
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });
  }

  const ok = (r: Result) => assert.equal(r.code, 0, `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);

  before(async () => {
    await sys.start();
    env = { PATH: process.env.PATH, BRAIN_URL: sys.base, BRAIN_TOKEN: SYSTEM_ADMIN };
  });
  after(async () => {
    await sys.stop();
  });

  it('prints help on every level (exit 0)', async () => {
    for (const args of [['help'], ['--help'], ['clusters', '--help'], ['tasks', 'submit', '--help']]) {
      const r = await brain(args);
      ok(r);
      assert.match(r.stdout, /Usage: brain/);
    }
  });

  it('lists the blueprints as a table, and as the api JSON with --json', async () => {
    const r = await brain(['blueprints', 'list']);
    ok(r);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^ID\s+NAME\s+VERSION\s+TYPE\s+WORKERS/);
    assert.ok(lines.some((l) => /^marketing-v1\s+Marketing Department\s+\S+\s+department\s+3\.\.20\s+5\s+task_queue_length/.test(l)), r.stdout);
    const j = await brain(['blueprints', 'list', '--json']);
    ok(j);
    const body = JSON.parse(j.stdout);
    assert.ok(body.total >= 4);
    assert.ok(body.blueprints.some((b: { id: string }) => b.id === 'marketing-v1'));
  });

  it('validates a blueprint file: exit 0 when valid, 1 with every problem and its path when not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'brain-cli-'));
    try {
      const good = path.join(ROOT, 'blueprints', fs.readdirSync(path.join(ROOT, 'blueprints')).find((f) => f.startsWith('marketing'))!);
      const v = await brain(['blueprints', 'validate', good]);
      ok(v);
      assert.match(v.stdout, /valid: marketing-v1/);
      const bad = path.join(dir, 'bad.yaml');
      fs.writeFileSync(bad, 'metadata:\n  id: Bad Id\n  name: x\n  version: "1.0.0"\ncluster:\n  type: department\n  min_workers: 5\n  max_workers: 2\nagents: []\n');
      const b = await brain(['blueprints', 'validate', bad]);
      assert.equal(b.code, 1, b.stderr);
      assert.match(b.stdout, /invalid, \d+ problems?/);
      assert.match(b.stdout, /^ {2}metadata\.id: /m);
      assert.match(b.stdout, /^ {2}cluster\.\S+: /m);
      // upload reads id, name and version from the file's metadata
      const copy = path.join(dir, 'copy.yaml');
      fs.writeFileSync(copy, fs.readFileSync(good, 'utf8').replace(/^  id: marketing-v1$/m, '  id: cli-upload-v1'));
      const up = await brain(['blueprints', 'upload', copy]);
      ok(up);
      assert.match(up.stdout, /uploaded blueprint cli-upload-v1 "Marketing Department" version \S+/);
      const again = await brain(['blueprints', 'upload', copy]);
      assert.equal(again.code, 1, 'an existing id is a 409');
      assert.match(again.stderr, /^brain: 409 /);
      const missing = await brain(['blueprints', 'validate', path.join(dir, 'nope.yaml')]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('creates "Test Marketing Cluster" from marketing-v1 with 3 workers and waits until it is active', async () => {
    const r = await brain(['clusters', 'create', '--blueprint', 'marketing-v1', '--name', 'Test Marketing Cluster', '--type', 'department', '--workers', '3', '--wait', '--json']);
    ok(r);
    const c = JSON.parse(r.stdout);
    id = c.id;
    assert.equal(c.status, 'active');
    assert.equal(c.current_workers, 3);
    assert.equal(c.target_workers, 3);
    // progress goes to stderr, one line per change when it is not a terminal, ending at 3/3 active
    const progress = r.stderr.trim().split('\n');
    assert.match(progress[progress.length - 1], /active\s+workers 3\/3/);
    assert.doesNotMatch(r.stderr, /\r/);

    const list = await brain(['clusters', 'list']);
    ok(list);
    assert.match(list.stdout, new RegExp(`^${id}\\s+Test Marketing Cluster\\s+marketing-v1\\s+department\\s+active\\s+3/3`, 'm'));
    const get = await brain(['clusters', 'get', id]);
    ok(get);
    assert.match(get.stdout, /^status:\s+active$/m);
    assert.match(get.stdout, /^workers:\s+3 live, target 3/m);
  });

  it('draws the hierarchy as a tree with roles and statuses', async () => {
    const r = await brain(['clusters', 'tree', id]);
    ok(r);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^Test Marketing Cluster \(7 agents\)$/);
    assert.equal(lines[1], 'Marketing Supervisor  [supervisor, idle]');
    for (const name of ['Market Analyst', 'Content Creator', 'Publishing Coordinator']) {
      assert.ok(lines.some((l) => new RegExp(`^[├└]── ${name}  \\[specialist, idle\\]$`).test(l)), `${name} under the supervisor:\n${r.stdout}`);
    }
    assert.equal(lines.filter((l) => /^[│ ] {3}[├└]── .*\[worker, (idle|busy)\]$/.test(l)).length, 3, r.stdout);
  });

  it('scales to 10 and waits until 10 workers are live', async () => {
    const r = await brain(['clusters', 'scale', id, '10', '--wait']);
    ok(r);
    assert.match(r.stdout, /target 10 workers/);
    assert.match(r.stdout, /is active with 10 workers/);
    assert.match(r.stderr, /active\s+workers 10\/10/);
    const c = JSON.parse((await brain(['clusters', 'get', id, '--json'])).stdout);
    assert.equal(c.current_workers, 10);
    assert.equal(c.status, 'active');
  });

  it('submits a task and follows it to its output', async () => {
    const s = await brain(['tasks', 'submit', id, 'Draft a LinkedIn post about our autumn campaign', '--capability', 'linkedin_publishing', '--json']);
    ok(s);
    const t = JSON.parse(s.stdout);
    taskId = t.id;
    assert.equal(t.status, 'queued');
    const f = await brain(['tasks', 'follow', taskId]);
    ok(f);
    assert.ok(f.stdout.trim().length > 0, 'the output is printed');
    const g = await brain(['tasks', 'get', taskId, '--json']);
    ok(g);
    const done = JSON.parse(g.stdout);
    assert.equal(done.status, 'succeeded');
    assert.equal(f.stdout.trim(), done.output.trim());
    const human = await brain(['tasks', 'get', taskId]);
    assert.match(human.stdout, /^status:\s+succeeded$/m);
    assert.match(human.stdout, /^capability:\s+linkedin_publishing$/m);

    const w = await brain(['tasks', 'submit', id, 'Another post', '--capability', 'linkedin_publishing', '--wait']);
    ok(w);
    assert.match(w.stderr, /submitted task \S+ \(queued\)/);
    assert.match(w.stderr, /task succeeded/);
  });

  it('shows the scaling decisions: the api JSON with --json, a table without, new ones with --follow', async () => {
    const j = await brain(['clusters', 'decisions', id, '--json']);
    ok(j);
    const body = JSON.parse(j.stdout);
    assert.ok(Array.isArray(body.decisions));
    const manual = body.decisions.find((d: { source: string; to_workers: number }) => d.source === 'manual' && d.to_workers === 10);
    assert.ok(manual, j.stdout);
    assert.equal(manual.from_workers, 3);
    const t = await brain(['clusters', 'decisions', id]);
    ok(t);
    assert.match(t.stdout, /^TIME\s+SOURCE\s+CODE\s+WORKERS\s+APPLIED\s+REASON/);
    assert.match(t.stdout, /manual\s+\S+\s+3→10\s+yes/);

    // --follow: prints what is there, then a decision recorded later; SIGINT ends it with 0.
    const child = spawn(process.execPath, [MAIN, 'clusters', 'decisions', id, '--follow', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(async () => out.includes('"to_workers":10'), 15000, 'the existing decisions');
      const s = await brain(['clusters', 'scale', id, '8']);
      ok(s);
      await waitFor(async () => out.split('\n').some((l) => l.includes('"to_workers":8') && l.includes('"from_workers":10')), 15000, 'the new decision');
      for (const line of out.trim().split('\n')) JSON.parse(line);
    } finally {
      child.kill('SIGINT');
    }
    assert.equal(await exited, 0);
  });

  it('shows metrics (a table, or a note when no sample was taken yet)', async () => {
    const r = await brain(['clusters', 'metrics', id]);
    ok(r);
    assert.ok(/^SAMPLED\s+QUEUE/.test(r.stdout) || /no metric samples yet/.test(r.stderr), r.stdout + r.stderr);
    const j = await brain(['clusters', 'metrics', id, '--json']);
    ok(j);
    assert.equal(JSON.parse(j.stdout).cluster_id, id);
  });

  it('times out --wait with exit 4', async () => {
    // The worker (our own child) is paused so the scale cannot finish before the first poll: a
    // 10 -> 12 scale otherwise completes within one round trip and --wait rightly exits 0.
    sys.worker.child.kill('SIGSTOP');
    try {
      const r = await brain(['clusters', 'scale', id, '12', '--wait', '--timeout', '0.001']);
      assert.equal(r.code, 4, r.stderr);
      assert.match(r.stderr, /timed out after 0\.001 s/);
    } finally {
      sys.worker.child.kill('SIGCONT');
    }
  });

  it('hibernates, reactivates and destroys the cluster, waiting for destroyed', async () => {
    await waitFor(async () => JSON.parse((await brain(['clusters', 'get', id, '--json'])).stdout).status === 'active', 30000, 'active again');
    ok(await brain(['clusters', 'hibernate', id]));
    const scale = await brain(['clusters', 'scale', id, '5']);
    assert.equal(scale.code, 1, 'scaling a hibernated cluster is refused');
    assert.match(scale.stderr, /^brain: 409 /);
    ok(await brain(['clusters', 'reactivate', id]));
    const d = await brain(['clusters', 'destroy', id, '--wait']);
    ok(d);
    assert.match(d.stdout, /is destroyed/);
  });

  it('manages keys: create (token shown once), list, revoke; a revoked token is refused', async () => {
    const c = await brain(['keys', 'create', '--name', 'cli test', '--role', 'viewer', '--json']);
    ok(c);
    const key = JSON.parse(c.stdout);
    assert.match(key.token, /\S{20,}/);
    const l = await brain(['keys', 'list']);
    ok(l);
    assert.match(l.stdout, new RegExp(`^${key.id}\\s+cli test\\s+viewer`, 'm'));
    ok(await brain(['keys', 'revoke', key.id]));
    const refused = await brain(['clusters', 'create', '--blueprint', 'marketing-v1', '--name', 'Nope'], { BRAIN_TOKEN: key.token });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /^brain: 401 /);
  });

  it('exits 1 with the api message for an unknown cluster', async () => {
    const r = await brain(['clusters', 'get', '00000000-0000-4000-8000-000000000000']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^brain: 404 .*not found/i);
    assert.equal(r.stdout, '');
    const bad = await brain(['clusters', 'get', 'not-a-uuid']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^brain: 400 /);
  });

  it('exits 2 for a bad command line, with the usage', async () => {
    const r = await brain(['clusters', 'scale', id]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /needs N/);
    assert.match(r.stderr, /Usage: brain clusters scale ID N/);
    assert.equal((await brain(['clusters', 'explode'])).code, 2);
    assert.equal((await brain(['clusters', 'list', '--bogus'])).code, 2);
    assert.equal((await brain([])).code, 2);
  });

  it('exits 3 when the api cannot be reached', async () => {
    const port = await freePort();
    const r = await brain(['clusters', 'list'], { BRAIN_URL: `http://127.0.0.1:${port}` });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot reach the api at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  });
});
