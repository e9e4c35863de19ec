import { hostname } from 'node:os';
import { Client } from 'pg';
import { loadConfig } from '#config';

/**
 * `node dist/apps/worker/src/healthcheck.js`: exit 0 when a worker on this host has sent a
 * heartbeat within three intervals, else 1. For container health checks: the worker has no HTTP
 * server, and this checks the worker itself (its heartbeat loop), not just its dependencies.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  if (!config.database.url) {
    process.stderr.write('DATABASE_URL is not set\n');
    return 1;
  }
  const client = new Client({ connectionString: config.database.url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const r = await client.query(`SELECT count(*)::int AS n FROM worker_processes WHERE hostname = $1 AND last_seen_at > now() - make_interval(secs => $2)`, [
      hostname(),
      config.worker.heartbeatSeconds * 3,
    ]);
    const n = r.rows[0].n as number;
    process.stdout.write(`${n} live worker process(es) on ${hostname()}\n`);
    return n > 0 ? 0 : 1;
  } catch (e) {
    process.stderr.write(`healthcheck failed: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await client.end().catch(() => undefined);
  }
}

main().then((code) => process.exit(code));
