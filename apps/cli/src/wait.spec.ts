import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode } from './errors';
import { Io, pollUntil, Progress } from './wait';

function fakeIo(tty: boolean): { io: Io; err: () => string } {
  let err = '';
  const io: Io = { stdout: () => undefined, stderr: (s) => void (err += s), stderrIsTTY: tty, env: {}, readStdin: async () => '', interrupted: new Promise(() => undefined) };
  return { io, err: () => err };
}

describe('Progress', () => {
  it('prints one line per change when stderr is not a terminal', () => {
    const { io, err } = fakeIo(false);
    const p = new Progress(io);
    p.show('spawning  workers 0/3', 0);
    p.show('spawning  workers 0/3', 1);
    p.show('active  workers 3/3', 2);
    p.done();
    assert.equal(err(), '[  0 s] spawning  workers 0/3\n[  2 s] active  workers 3/3\n');
  });

  it('rewrites the line in place on a terminal and ends it with a newline', () => {
    const { io, err } = fakeIo(true);
    const p = new Progress(io);
    p.show('a', 0);
    p.show('a', 1);
    p.done();
    assert.equal(err(), '\r\x1b[2K[  0 s] a\r\x1b[2K[  1 s] a\n');
  });
});

describe('pollUntil', () => {
  it('returns the value that is done', async () => {
    const { io } = fakeIo(false);
    let n = 0;
    const v = await pollUntil({ io, timeoutSeconds: 5, what: 'n', poll: async () => ++n, describe: (x) => `n=${x}`, check: (x) => x >= 3, intervalMs: 1 });
    assert.equal(v, 3);
  });

  it('exits 4 at the deadline', async () => {
    const { io, err } = fakeIo(false);
    await assert.rejects(
      pollUntil({ io, timeoutSeconds: 0.05, what: 'never', poll: async () => 0, describe: () => 'waiting', check: () => false, intervalMs: 10 }),
      (e: { exitCode?: number; message?: string }) => e.exitCode === ExitCode.Timeout && /timed out after 0\.05 s waiting for never/.test(e.message ?? ''),
    );
    assert.equal(err(), '[  0 s] waiting\n');
  });

  it('exits 5 when the check says it ended badly', async () => {
    const { io } = fakeIo(false);
    await assert.rejects(
      pollUntil({ io, timeoutSeconds: 5, what: 'x', poll: async () => 'failed', describe: (s) => s, check: () => 'cluster failed: supervisor refused' }),
      (e: { exitCode?: number }) => e.exitCode === ExitCode.Failed,
    );
  });
});
