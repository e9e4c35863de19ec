import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { MetricSample, toEntities } from '#db';
import { LIVE_WORKER } from '#scaling';

/**
 * One sample of every cluster that is not destroyed, in one statement, from the rows as they are:
 *
 * - queue_length, queue_wait_ms (the oldest queued task's wait), running_tasks: tasks now;
 * - tasks_per_minute, avg_response_ms, error_rate: tasks that finished within the window;
 * - live_workers, busy_workers, load_percentage (busy / live), agents_by_status: agents now;
 * - cpu_usage, memory_usage: agents are rows, not processes, so these are the worker processes'
 *   own figures from their heartbeats (CPU in percent of one core over the last heartbeat period,
 *   resident memory in MB), summed over the live processes and attributed to each cluster by its
 *   share of the task time (running time of its tasks) within the window. A cluster that ran
 *   nothing in the window gets 0; with no live worker process both are null.
 */
const COLLECT = `
WITH p AS (SELECT clock_timestamp() AS at, clock_timestamp() - make_interval(secs => $1) AS since),
cl AS (SELECT id FROM clusters WHERE status <> 'destroyed'),
t AS (
  SELECT t.cluster_id,
         count(*) FILTER (WHERE t.status = 'queued') AS queued,
         extract(epoch FROM (p.at - min(t.created_at) FILTER (WHERE t.status = 'queued'))) * 1000 AS oldest_wait_ms,
         count(*) FILTER (WHERE t.status = 'running') AS running,
         count(*) FILTER (WHERE t.status IN ('succeeded', 'failed') AND t.finished_at > p.since) AS finished,
         count(*) FILTER (WHERE t.status = 'failed' AND t.finished_at > p.since) AS failed,
         avg(t.duration_ms) FILTER (WHERE t.status IN ('succeeded', 'failed') AND t.finished_at > p.since) AS avg_ms,
         coalesce(sum(extract(epoch FROM (least(coalesce(t.finished_at, p.at), p.at) - greatest(t.started_at, p.since))))
                    FILTER (WHERE t.started_at IS NOT NULL AND t.status IN ('running', 'succeeded', 'failed')), 0) AS task_seconds
    FROM tasks t CROSS JOIN p
   WHERE t.cluster_id IN (SELECT id FROM cl)
     AND (t.status IN ('queued', 'running') OR (t.status IN ('succeeded', 'failed') AND t.finished_at > p.since))
   GROUP BY t.cluster_id, p.at, p.since
),
ag AS (
  -- one pass over the agents (a hash aggregate), not an index probe per cluster: at 10,000
  -- clusters the probes were most of the statement's time; destroyed clusters drop out in the join
  SELECT cluster_id, status, role, count(*) AS n FROM cluster_agents GROUP BY cluster_id, status, role
),
a AS (
  SELECT cluster_id,
         coalesce(sum(n) FILTER (WHERE role = 'worker' AND status = ANY($2)), 0) AS live,
         coalesce(sum(n) FILTER (WHERE role = 'worker' AND status = 'busy'), 0) AS busy
    FROM ag GROUP BY cluster_id
),
s AS (
  SELECT cluster_id, jsonb_object_agg(status, n) AS by_status
    FROM (SELECT cluster_id, status, sum(n)::bigint AS n FROM ag GROUP BY cluster_id, status) x
   GROUP BY cluster_id
),
w AS (
  SELECT count(*) AS n, sum(cpu_percent) AS cpu, sum(rss_bytes) / 1048576.0 AS rss_mb
    FROM worker_processes WHERE last_seen_at > now() - make_interval(secs => $3)
),
total AS (SELECT nullif(sum(task_seconds), 0) AS seconds FROM t),
ins AS (
INSERT INTO metric_samples (cluster_id, sampled_at, queue_length, queue_wait_ms, running_tasks, tasks_per_minute, avg_response_ms,
                            error_rate, live_workers, busy_workers, load_percentage, cpu_usage, memory_usage, agents_by_status)
SELECT cl.id, p.at,
       coalesce(t.queued, 0), t.oldest_wait_ms, coalesce(t.running, 0),
       coalesce(t.finished, 0) * 60.0 / $1, t.avg_ms,
       CASE WHEN coalesce(t.finished, 0) > 0 THEN t.failed::float8 / t.finished ELSE 0 END,
       coalesce(a.live, 0), coalesce(a.busy, 0),
       CASE WHEN coalesce(a.live, 0) > 0 THEN a.busy * 100.0 / a.live ELSE 0 END,
       CASE WHEN w.n > 0 THEN round((w.cpu * coalesce(t.task_seconds / total.seconds, 0))::numeric, 3) END,
       CASE WHEN w.n > 0 THEN round((w.rss_mb * coalesce(t.task_seconds / total.seconds, 0))::numeric, 3) END,
       coalesce(s.by_status, '{}'::jsonb)
  FROM cl CROSS JOIN p CROSS JOIN w CROSS JOIN total
  LEFT JOIN t ON t.cluster_id = cl.id
  LEFT JOIN a ON a.cluster_id = cl.id
  LEFT JOIN s ON s.cluster_id = cl.id
RETURNING 1)
SELECT count(*)::int AS n FROM ins`;

@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Samples every cluster not destroyed; rates cover the last `windowSeconds`. Returns how many. */
  async collect(windowSeconds: number, heartbeatWindowSeconds: number): Promise<number> {
    const [{ n }] = (await this.ds.query(COLLECT, [windowSeconds, LIVE_WORKER, heartbeatWindowSeconds])) as { n: number }[];
    return n;
  }

  /** Newest first, within [from, to]. */
  samples(clusterId: string, range: { from?: Date; to?: Date; limit: number }, m: EntityManager = this.ds.manager): Promise<MetricSample[]> {
    const qb = m.getRepository(MetricSample).createQueryBuilder('s').where('s.cluster_id = :clusterId', { clusterId });
    if (range.from) qb.andWhere('s.sampled_at >= :from', { from: range.from });
    if (range.to) qb.andWhere('s.sampled_at <= :to', { to: range.to });
    return qb.orderBy('s.sampled_at', 'DESC').addOrderBy('s.id', 'DESC').limit(range.limit).getMany();
  }

  /** The newest sample of each of these clusters (one statement; clusters without one are absent). */
  async latestOf(clusterIds: string[], m: EntityManager = this.ds.manager): Promise<Map<string, MetricSample>> {
    if (!clusterIds.length) return new Map();
    // one index probe per cluster (newest first, LIMIT 1), as a lateral join; plain SQL mapped to entities
    const rows = toEntities(
      this.ds,
      MetricSample,
      await m.query(
        `SELECT s.* FROM unnest($1::uuid[]) AS i(id)
           JOIN LATERAL (SELECT * FROM metric_samples WHERE cluster_id = i.id ORDER BY sampled_at DESC, id DESC LIMIT 1) s ON true`,
        [clusterIds],
      ),
    );
    return new Map(rows.map((r) => [r.clusterId, r]));
  }

  /** The newest sample of a cluster, if any. */
  async latest(clusterId: string, m: EntityManager = this.ds.manager): Promise<MetricSample | null> {
    return (await this.samples(clusterId, { limit: 1 }, m))[0] ?? null;
  }
}
