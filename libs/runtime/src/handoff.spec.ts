import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ChildProcess, fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LAUNCHER_HANDOFF_ENV, LauncherHandoff } from './handoff';

// A child like the api or the worker: waits for its handoff, then reports what it was given.
const CHILD = `
require(${JSON.stringify(path.join(__dirname, 'handoff.js'))}).awaitLauncherHandoff().then(() => {
  process.stdout.write(JSON.stringify({ url: process.env.DATABASE_URL ?? null, marker: process.env.${LAUNCHER_HANDOFF_ENV} ?? null }));
});
`;

let dir: string;
let script: string;

function run(child: ChildProcess): Promise<{ code: number | null; out: string; err: string }> {
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out, err })));
}

const start = (env: NodeJS.ProcessEnv) => fork(script, [], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });

describe('launcher handoff', () => {
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'handoff-'));
    script = path.join(dir, 'child.js');
    fs.writeFileSync(script, CHILD);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('holds a child started by the launcher until it is released, then adds the environment', async () => {
    const handoff = new LauncherHandoff();
    const child = start({ ...handoff.childEnv });
    const asked = new Promise((r) => child.once('message', r));
    handoff.attach(child);
    let finished = false;
    const done = run(child).finally(() => (finished = true));
    await asked;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(finished, false, 'the child waits for its handoff');
    handoff.release({ DATABASE_URL: 'postgres://db/brain' });
    const { code, out } = await done;
    assert.equal(code, 0);
    const got = JSON.parse(out) as { url: string; marker: string | null };
    assert.equal(got.url, 'postgres://db/brain');
    assert.equal(got.marker, null, 'the marker is removed once the handoff is done');
  });

  it('answers a child that asks after the release at once', async () => {
    const handoff = new LauncherHandoff();
    handoff.release({ DATABASE_URL: 'postgres://db/late' });
    const child = start({ ...handoff.childEnv });
    handoff.attach(child);
    const { code, out } = await run(child);
    assert.equal(code, 0);
    assert.equal((JSON.parse(out) as { url: string }).url, 'postgres://db/late');
  });

  it('does not wait in a process started any other way', async () => {
    const child = start({ DATABASE_URL: 'postgres://db/own' });
    const { code, out } = await run(child);
    assert.equal(code, 0);
    assert.equal((JSON.parse(out) as { url: string }).url, 'postgres://db/own');
  });

  it('ends the child when the launcher goes away before the handoff', async () => {
    const handoff = new LauncherHandoff();
    const child = start({ ...handoff.childEnv });
    handoff.attach(child);
    const asked = new Promise((r) => child.once('message', r));
    const done = run(child);
    await asked;
    child.disconnect();
    const { code, out, err } = await done;
    assert.equal(code, 1);
    assert.equal(out, '');
    assert.match(err, /launcher stopped before this process could start/);
  });
});
