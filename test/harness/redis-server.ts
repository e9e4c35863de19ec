import { ChildProcess, spawn } from 'node:child_process';
import * as net from 'node:net';

export interface PrivateRedis {
  url: string;
  port: number;
  pid: number;
  /** SIGSTOP by pid: the server keeps its connections open and answers nothing */
  freeze(): void;
  /** SIGCONT by pid (a no-op unless frozen) */
  thaw(): void;
  /** thaws first (a stopped process would not act on SIGTERM), then SIGTERM by pid */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * A Redis server of the test's own on a free loopback port, for fault tests: stopping it never
 * touches the machine's shared Redis. Stopped by its own pid.
 */
export async function startPrivateRedis(onPort?: number): Promise<PrivateRedis> {
  // a given port: the same server started again after a stop (clients reconnect to the same URL)
  const port = onPort ?? (await freePort());
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5000;
  while (!(await canConnect(port))) {
    if (Date.now() > deadline) throw new Error('private redis-server did not start');
    await new Promise((r) => setTimeout(r, 50));
  }
  let frozen = false;
  const alive = () => child.exitCode === null && child.signalCode === null;
  const thaw = () => {
    if (frozen && alive()) child.kill('SIGCONT');
    frozen = false;
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    freeze: () => {
      if (!alive()) throw new Error('private redis-server is not running');
      child.kill('SIGSTOP');
      frozen = true;
    },
    thaw,
    stop: () =>
      new Promise((resolve) => {
        if (!alive()) return resolve();
        child.once('exit', () => resolve());
        thaw();
        child.kill('SIGTERM');
      }),
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}
