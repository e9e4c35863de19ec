import { createTestDatabase, TestDatabase } from './database';
import { testEnv } from './env';
import { call, CallOptions, HttpResult } from './http';
import { spawnApp, Spawned, waitFor } from './process';
import { dropPrefix, testPrefix } from './redis';

export const SYSTEM_ADMIN = 'system-admin-key-0123456789abcdef';

/** An api and a worker process on a database and queue prefix of their own. */
export class TestSystem {
  db!: TestDatabase;
  api!: Spawned;
  worker!: Spawned;
  base = '';
  readonly prefix: string;
  env: NodeJS.ProcessEnv = {};

  constructor(
    private readonly label: string,
    private readonly extraEnv: Record<string, string> = {},
  ) {
    this.prefix = testPrefix(label);
  }

  async start(): Promise<this> {
    this.db = await createTestDatabase(this.label);
    this.env = testEnv(this.db.url, this.prefix, { ADMIN_API_KEY: SYSTEM_ADMIN, LOG_LEVEL: 'info', RATE_LIMIT_MAX: '100000', ...this.extraEnv });
    this.api = spawnApp('api', this.env);
    this.worker = spawnApp('worker', this.env);
    const port = await waitFor(async () => /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(this.api.output())?.[1], 60000, 'api to listen');
    this.base = `http://127.0.0.1:${port}`;
    await waitFor(async () => this.worker.output().includes('worker started'), 60000, 'worker to start');
    return this;
  }

  /** Replaces the worker process (e.g. after killing it). */
  restartWorker(extra: Record<string, string> = {}): Spawned {
    this.worker = spawnApp('worker', { ...this.env, ...extra });
    return this.worker;
  }

  call(method: string, path: string, opts: CallOptions = {}): Promise<HttpResult> {
    return call(this.base, method, path, { token: SYSTEM_ADMIN, ...opts });
  }

  async stop(): Promise<void> {
    await this.api?.stop();
    await this.worker?.stop();
    await this.db?.drop();
    await dropPrefix(this.prefix);
  }
}
