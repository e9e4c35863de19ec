// Polling with a deadline and a progress line: rewritten in place on a terminal, one line per
// change otherwise (logs, CI, pipes).
import { CliError, ExitCode } from './errors';

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  /** whether stderr (where progress goes) is a terminal */
  stderrIsTTY: boolean;
  env: Record<string, string | undefined>;
  readStdin: () => Promise<string>;
  /** resolves when the user asks to stop (SIGINT); `follow` ends cleanly then */
  interrupted: Promise<void>;
}

export const POLL_MS = 1000;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class Progress {
  private last = '';
  private open = false;

  constructor(private readonly io: Io) {}

  /** On a terminal the line is rewritten at every poll (the clock moves); otherwise printed when `state` changes. */
  show(state: string, elapsedSeconds: number): void {
    const line = `[${String(elapsedSeconds).padStart(3)} s] ${state}`;
    if (this.io.stderrIsTTY) {
      this.io.stderr(`\r\x1b[2K${line}`);
      this.open = true;
    } else if (state !== this.last) {
      this.io.stderr(`${line}\n`);
    }
    this.last = state;
  }

  /** Ends the rewritten line so later output starts on a line of its own. */
  done(): void {
    if (this.open) this.io.stderr('\n');
    this.open = false;
  }
}

/**
 * Calls `poll` every `intervalMs` until `check` says done (returns the value) or the deadline
 * passes (exit 4). `describe` gives the progress line of each polled value.
 */
export async function pollUntil<T>(opts: {
  io: Io;
  timeoutSeconds: number;
  what: string;
  poll: () => Promise<T>;
  /** the progress line of a polled value (the elapsed time is put in front) */
  describe: (v: T) => string;
  /** true: done; a string: ended badly (exit 5 with that message); false: keep polling */
  check: (v: T) => boolean | string;
  intervalMs?: number;
}): Promise<T> {
  const started = Date.now();
  const deadline = started + opts.timeoutSeconds * 1000;
  const progress = new Progress(opts.io);
  try {
    for (;;) {
      const v = await opts.poll();
      const elapsed = Math.round((Date.now() - started) / 1000);
      progress.show(opts.describe(v), elapsed);
      const state = opts.check(v);
      if (state === true) return v;
      if (typeof state === 'string') throw new CliError(ExitCode.Failed, state);
      const left = deadline - Date.now();
      if (left <= 0) throw new CliError(ExitCode.Timeout, `timed out after ${opts.timeoutSeconds} s waiting for ${opts.what}`);
      await sleep(Math.min(opts.intervalMs ?? POLL_MS, left));
    }
  } finally {
    progress.done();
  }
}
