import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { AgentRole, ClusterStatus, TaskStatus } from '#common';
import { JobProducer } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { LIVE_WORKER } from '#scaling';
// registers brain_rate_limit_fail_open_total on the default registry, which the scrape merges in
import '../throttle/throttler.storage';
import { API_PROCESS_PREFIX, EXPORTED_METRICS, HTTP_DURATION_BUCKETS, MetricDef, QUEUE_STATES } from './metrics.registry';
import { ReadResult, ScrapeRead, withTimeout } from './scrape-read';

/** Each queue's getJobCounts call may take this long; a frozen Redis must not hold the scrape. */
export const QUEUE_CALL_TIMEOUT_MS = 500;
/** statement_timeout of each scrape query (the server gives up on it). */
export const DB_STATEMENT_TIMEOUT_MS = 1000;
/** All scrape queries together; also covers a frozen server, which never applies statement_timeout. */
export const DB_READ_TIMEOUT_MS = 2000;
/** At most one warning per source per this period: an outage must not fill the log every scrape. */
const WARN_INTERVAL_MS = 60_000;

interface ClusterRow {
  id: string;
  name: string;
  blueprint_id: string;
  status: string;
  target_workers: number;
  live_workers: number;
  // the latest metric sample: all null when the cluster has none
  queue_length: number | null;
  queue_wait_ms: number | null;
  running_tasks: number | null;
  tasks_per_minute: number | null;
  avg_response_ms: number | null;
  error_rate: number | null;
  load_percentage: number | null;
  cpu_usage: number | null;
  memory_usage: number | null;
  sample_age_s: number | null;
}

interface WorkerRow {
  id: string;
  hostname: string;
  pid: number;
  rss_bytes: number;
  cpu_seconds: number;
  cpu_percent: number;
  age_s: number;
}

/** What one scrape read from PostgreSQL; a query that failed leaves its part undefined. */
interface DatabaseView {
  tasks?: { status: string; n: number }[];
  decisions?: { source: string; reason_code: string; n: number }[];
  clusters?: ClusterRow[];
  workers?: WorkerRow[];
}

type QueueView = { queue: string; counts: Record<string, number> }[];

// One query per family group. Each cluster's latest sample is found with a LATERAL ... LIMIT 1 on
// the (cluster_id, sampled_at) index: one index probe per cluster, where DISTINCT ON would read
// every retained sample of every cluster.
const CLUSTERS_SQL = `
  SELECT c.id, c.name, c.blueprint_id, c.status, c.target_workers,
         (SELECT count(*)::int FROM cluster_agents a WHERE a.cluster_id = c.id AND a.role = $1 AND a.status = ANY($2)) AS live_workers,
         s.queue_length, s.queue_wait_ms, s.running_tasks, s.tasks_per_minute, s.avg_response_ms, s.error_rate,
         s.load_percentage, s.cpu_usage, s.memory_usage,
         EXTRACT(EPOCH FROM (now() - s.sampled_at))::float8 AS sample_age_s
    FROM clusters c
    LEFT JOIN LATERAL (
      SELECT * FROM metric_samples m WHERE m.cluster_id = c.id ORDER BY m.sampled_at DESC LIMIT 1
    ) s ON true
   WHERE c.status <> $3`;

// Decisions are pruned by retention, so this is a gauge over the last hour, not a counter. Going
// through clusters uses the (cluster_id, created_at) index instead of scanning every decision.
const DECISIONS_SQL = `
  SELECT d.source, d.reason_code, count(*)::int AS n
    FROM clusters c
    JOIN LATERAL (
      SELECT source, reason_code FROM scaling_decisions d WHERE d.cluster_id = c.id AND d.created_at > now() - interval '1 hour'
    ) d ON true
   GROUP BY d.source, d.reason_code`;

const TASKS_SQL = `SELECT status, count(*)::int AS n FROM tasks GROUP BY status`;

const WORKERS_SQL = `
  SELECT id, hostname, pid, rss_bytes::float8 AS rss_bytes, cpu_seconds, cpu_percent,
         EXTRACT(EPOCH FROM (now() - last_seen_at))::float8 AS age_s
    FROM worker_processes
   WHERE last_seen_at > now() - make_interval(secs => $1)`;

/** prom-client's process metrics of this api process, on the default registry, once per process. */
function ensureProcessMetrics(): void {
  if (!register.getSingleMetric(`${API_PROCESS_PREFIX}process_cpu_user_seconds_total`)) collectDefaultMetrics({ prefix: API_PROCESS_PREFIX });
}

/**
 * The api's Prometheus exposition. Workers have no HTTP server, so the api exports the whole
 * system: its own HTTP and process metrics, and, read at scrape time, the queues (BullMQ) and the
 * database (tasks, clusters, their latest metric samples, worker heartbeats). Each app instance
 * has its own registry (several may run in one test process); process-wide metrics stay on
 * prom-client's default registry and are merged in.
 */
@Injectable()
export class MetricsService {
  private readonly logger = new Logger(MetricsService.name);
  readonly registry = new Registry();
  readonly httpRequests: Counter<string>;
  readonly httpDuration: Histogram<string>;
  private readonly scrapeErrors: Counter<string>;
  private readonly database: ScrapeRead<DatabaseView>;
  private readonly queues: ScrapeRead<QueueView>;
  /** queues whose last getJobCounts call has not settled: not called again until it does */
  private readonly queueCallsOut = new Set<string>();
  private readonly lastWarnAt = new Map<string, number>();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    ensureProcessMetrics();
    const m = EXPORTED_METRICS;
    const registers = [this.registry];
    this.httpRequests = new Counter({ name: m.httpRequests.name, help: m.httpRequests.help, labelNames: m.httpRequests.labels, registers });
    this.httpDuration = new Histogram({ name: m.httpDuration.name, help: m.httpDuration.help, labelNames: m.httpDuration.labels, buckets: HTTP_DURATION_BUCKETS, registers });
    this.scrapeErrors = new Counter({
      name: m.scrapeErrors.name,
      help: m.scrapeErrors.help,
      labelNames: m.scrapeErrors.labels,
      registers,
      // waits for this scrape's reads, so that a failure is counted in the scrape it happened in
      collect: async () => {
        await Promise.all([this.database.get(), this.queues.get()]);
      },
    });
    this.database = new ScrapeRead((signal) => this.readDatabase(signal), DB_READ_TIMEOUT_MS, (why) => this.failed('database', why));
    this.queues = new ScrapeRead(() => this.readQueues(), QUEUE_CALL_TIMEOUT_MS * 2, (why) => this.failed('queue', why));

    this.gauge(m.queueJobs, this.queues, (set, queues) => {
      for (const { queue, counts } of queues) for (const state of QUEUE_STATES) set({ queue, state }, counts[state] ?? 0);
    });
    this.gauge(m.tasks, this.database, (set, db) => {
      if (!db.tasks) return;
      const by = new Map(db.tasks.map((r) => [r.status, r.n]));
      for (const status of Object.values(TaskStatus)) set({ status }, by.get(status) ?? 0);
    });
    this.gauge(m.scalingDecisionsLastHour, this.database, (set, db) => {
      for (const r of db.decisions ?? []) set({ source: r.source, reason_code: r.reason_code }, r.n);
    });

    const perCluster = (d: MetricDef, value: (c: ClusterRow) => number | null) =>
      this.gauge(d, this.database, (set, db) => {
        for (const c of db.clusters ?? []) {
          const v = value(c);
          if (v !== null) set({ cluster_id: c.id, cluster_name: c.name, blueprint_id: c.blueprint_id }, v);
        }
      });
    this.gauge(m.clusterStatus, this.database, (set, db) => {
      for (const c of db.clusters ?? []) set({ cluster_id: c.id, cluster_name: c.name, blueprint_id: c.blueprint_id, status: c.status }, 1);
    });
    const seconds = (ms: number | null) => (ms === null ? null : ms / 1000);
    perCluster(m.clusterTargetWorkers, (c) => c.target_workers);
    perCluster(m.clusterLiveWorkers, (c) => c.live_workers);
    perCluster(m.clusterQueueLength, (c) => c.queue_length);
    // with nothing queued the sample may carry no wait at all: the oldest wait is then 0
    perCluster(m.clusterOldestWait, (c) => (c.queue_wait_ms === null && c.queue_length === 0 ? 0 : seconds(c.queue_wait_ms)));
    perCluster(m.clusterRunningTasks, (c) => c.running_tasks);
    perCluster(m.clusterTasksPerMinute, (c) => c.tasks_per_minute);
    perCluster(m.clusterAvgResponse, (c) => seconds(c.avg_response_ms));
    perCluster(m.clusterErrorRate, (c) => c.error_rate);
    perCluster(m.clusterLoad, (c) => c.load_percentage);
    perCluster(m.clusterCpu, (c) => c.cpu_usage);
    perCluster(m.clusterMemory, (c) => c.memory_usage);
    perCluster(m.clusterSampleAge, (c) => c.sample_age_s);

    this.gauge(m.workerProcesses, this.database, (set, db) => {
      if (db.workers) set({}, db.workers.length);
    });
    const perWorker = (d: MetricDef, value: (w: WorkerRow) => number) =>
      this.gauge(d, this.database, (set, db) => {
        for (const w of db.workers ?? []) set({ worker_id: w.id, hostname: w.hostname, pid: String(w.pid) }, value(w));
      });
    perWorker(m.workerRss, (w) => w.rss_bytes);
    perWorker(m.workerCpuPercent, (w) => w.cpu_percent);
    perWorker(m.workerCpuSeconds, (w) => w.cpu_seconds);
    perWorker(m.workerHeartbeatAge, (w) => w.age_s);
  }

  /** The exposition text: this app's families and the process-wide ones (default registry). */
  async scrape(): Promise<{ contentType: string; text: string }> {
    const merged = Registry.merge([register, this.registry]);
    return { contentType: merged.contentType, text: await merged.metrics() };
  }

  /**
   * A gauge filled at scrape time from a shared read. Values are cleared first, so a cluster, queue
   * or worker that is gone disappears; when the read failed the family has no values this scrape
   * (an absent series rather than a stale one), and brain_scrape_errors_total says why.
   */
  private gauge<T>(d: MetricDef, source: ScrapeRead<T>, fill: (set: (labels: Record<string, string>, value: number) => void, view: T) => void): void {
    // reset() leaves a gauge without labels at 0, which would read as a value: remove that too
    const clear = () => {
      g.reset();
      if (d.labels.length === 0) g.remove({});
    };
    const g: Gauge<string> = new Gauge({
      name: d.name,
      help: d.help,
      labelNames: d.labels,
      registers: [this.registry],
      collect: async () => {
        const view = await source.get();
        clear();
        if (view === undefined) return;
        try {
          fill((labels, value) => g.set(labels, value), view);
        } catch (e) {
          // one family's unexpected row must not take the whole exposition down
          clear();
          this.logger.error(`metrics: ${d.name} left out: ${e instanceof Error ? e.message : String(e)}`);
        }
      },
    });
  }

  private failed(source: 'database' | 'queue', why: string): void {
    this.scrapeErrors.inc({ source });
    const now = Date.now();
    if (now - (this.lastWarnAt.get(source) ?? -Infinity) < WARN_INTERVAL_MS) return;
    this.lastWarnAt.set(source, now);
    this.logger.warn(`metrics scrape: ${source} families left out (${why}); further failures are counted in ${EXPORTED_METRICS.scrapeErrors.name}`);
  }

  /**
   * The scrape's queries, one after another on the pool (one connection at a time, so a scrape
   * never takes a large share of it), each in its own short transaction with a statement_timeout.
   * A failed query leaves its families out; the others are still answered.
   */
  private async readDatabase(signal: AbortSignal): Promise<ReadResult<DatabaseView>> {
    const view: DatabaseView = {};
    let complete = true;
    const run = async <K extends keyof DatabaseView>(key: K, sql: string, params: unknown[] = []) => {
      if (signal.aborted) return;
      try {
        view[key] = await this.ds.transaction(async (em) => {
          await em.query(`SET LOCAL statement_timeout = ${DB_STATEMENT_TIMEOUT_MS}`);
          return (await em.query(sql, params)) as DatabaseView[K];
        });
      } catch (e) {
        complete = false;
        this.logger.debug(`metrics query for ${key} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    };
    await run('clusters', CLUSTERS_SQL, [AgentRole.Worker, LIVE_WORKER, ClusterStatus.Destroyed]);
    await run('workers', WORKERS_SQL, [this.runtime.config.worker.heartbeatSeconds * 3]);
    await run('tasks', TASKS_SQL);
    await run('decisions', DECISIONS_SQL);
    return { value: view, complete };
  }

  /** getJobCounts of every queue at once, each bounded; a queue that does not answer is left out. */
  private async readQueues(): Promise<ReadResult<QueueView>> {
    let complete = true;
    const answers = await Promise.all(
      this.jobs.allQueues().map(async (q) => {
        if (this.queueCallsOut.has(q.name)) {
          complete = false;
          return null;
        }
        this.queueCallsOut.add(q.name);
        const call = q.getJobCounts(...QUEUE_STATES);
        const settled = () => this.queueCallsOut.delete(q.name);
        call.then(settled, settled);
        try {
          return { queue: q.name, counts: await withTimeout(call, QUEUE_CALL_TIMEOUT_MS) };
        } catch {
          complete = false;
          return null;
        }
      }),
    );
    return { value: answers.filter((a) => a !== null), complete };
  }
}
