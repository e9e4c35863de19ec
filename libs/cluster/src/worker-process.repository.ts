import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface Heartbeat {
  id: string;
  hostname: string;
  pid: number;
  version: string;
  queueBackend: string;
  startedAt: Date;
  rssBytes: number;
  cpuSeconds: number;
  cpuPercent: number;
}

/** Worker processes' heartbeats: written by each worker, read by health (and later metrics). */
@Injectable()
export class WorkerProcessRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async beat(h: Heartbeat): Promise<void> {
    await this.ds.query(
      `INSERT INTO worker_processes (id, hostname, pid, version, queue_backend, started_at, last_seen_at, rss_bytes, cpu_seconds, cpu_percent)
       VALUES ($1, $2, $3, $4, $5, $6, now(), $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET last_seen_at = now(), rss_bytes = EXCLUDED.rss_bytes, cpu_seconds = EXCLUDED.cpu_seconds, cpu_percent = EXCLUDED.cpu_percent`,
      [h.id, h.hostname, h.pid, h.version, h.queueBackend, h.startedAt, h.rssBytes, h.cpuSeconds, h.cpuPercent],
    );
  }

  async remove(id: string): Promise<void> {
    await this.ds.query(`DELETE FROM worker_processes WHERE id = $1`, [id]);
  }

  /** Processes heard from within `withinSeconds` (the database's clock, so hosts' clocks do not matter). */
  async live(withinSeconds: number, hostname?: string): Promise<number> {
    const [{ n }] = (await this.ds.query(
      `SELECT count(*)::int AS n FROM worker_processes WHERE last_seen_at > now() - make_interval(secs => $1) AND ($2::text IS NULL OR hostname = $2)`,
      [withinSeconds, hostname ?? null],
    )) as { n: number }[];
    return n;
  }

  /** Rows of processes gone for longer than `olderThanSeconds` (killed ones never remove their own). */
  async pruneSilent(olderThanSeconds: number): Promise<number> {
    const [, n] = (await this.ds.query(`DELETE FROM worker_processes WHERE last_seen_at < now() - make_interval(secs => $1)`, [olderThanSeconds])) as [unknown, number];
    return n;
  }
}
