import type { ChildProcess } from 'node:child_process';

/**
 * `npm start` forks its api and worker as soon as the configuration is valid, so that they load
 * their code while the launcher starts the database, runs the migrations and chooses the queue
 * backend. A child started that way has this variable set: before it reads its configuration it
 * asks the launcher for the rest of its environment (DATABASE_URL, QUEUE_BACKEND, QUEUE_PREFIX)
 * and waits for it, so it touches neither the database nor the queues before the launcher is done.
 * A process started any other way (`npm run start:api`, a container, a test) never waits.
 */
export const LAUNCHER_HANDOFF_ENV = 'BRAIN_LAUNCHER_HANDOFF';

const ASK = 'brain:handoff-request';
const GIVE = 'brain:handoff';

interface HandoffMessage {
  type: typeof GIVE;
  env: Record<string, string>;
}

const isHandoff = (m: unknown): m is HandoffMessage => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === GIVE;
const isRequest = (m: unknown): boolean => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === ASK;

/**
 * In the api or the worker: when the launcher started this process early, waits for the rest of
 * its environment and adds it to process.env; otherwise returns at once. Should the launcher go
 * away first, this process exits: nothing was started yet.
 */
export function awaitLauncherHandoff(): Promise<void> {
  if (process.env[LAUNCHER_HANDOFF_ENV] !== '1' || !process.send) return Promise.resolve();
  return new Promise((resolve) => {
    // no listener left afterwards: the IPC channel no longer keeps this process alive (declared
    // first: onDisconnect may run before the listeners are added)
    const done = () => {
      process.off('message', onMessage);
      process.off('disconnect', onDisconnect);
    };
    const onMessage = (m: unknown) => {
      if (!isHandoff(m)) return;
      done();
      delete process.env[LAUNCHER_HANDOFF_ENV];
      Object.assign(process.env, m.env);
      resolve();
    };
    const onDisconnect = () => {
      done();
      process.stderr.write('the launcher stopped before this process could start: exiting\n');
      process.exit(1);
    };
    if (!process.connected) return onDisconnect();
    process.on('message', onMessage);
    process.on('disconnect', onDisconnect);
    // asked for, not just awaited: the answer can never arrive before this process listens for it
    process.send!({ type: ASK }, (e: Error | null) => {
      if (e) onDisconnect(); // the launcher is gone (EPIPE)
    });
  });
}

/**
 * In the launcher: the environment variable that makes a forked child wait for its handoff, and
 * the handoff itself. `attach` each child when it is forked; `release` once the system is ready
 * (each child gets `env` when it asks, whichever comes first).
 */
export class LauncherHandoff {
  private env?: Record<string, string>;
  private readonly waiting = new Set<ChildProcess>();

  readonly childEnv = { [LAUNCHER_HANDOFF_ENV]: '1' };

  attach(child: ChildProcess): void {
    child.on('message', (m: unknown) => {
      if (!isRequest(m)) return;
      if (this.env) this.give(child, this.env);
      else this.waiting.add(child);
    });
  }

  release(env: Record<string, string>): void {
    this.env = env;
    for (const child of this.waiting) this.give(child, env);
    this.waiting.clear();
  }

  private give(child: ChildProcess, env: Record<string, string>): void {
    // a child that already exited is being handled by the launcher's exit handler
    if (child.connected) child.send({ type: GIVE, env } satisfies HandoffMessage);
  }
}
