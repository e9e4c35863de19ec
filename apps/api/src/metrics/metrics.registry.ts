import { collectDefaultMetrics, Registry } from 'prom-client';

// The metric families the api exports on GET /metrics. Their names are a contract (dashboards and
// alerts query them): the dashboard test checks every name it queries against this list.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricDef {
  readonly name: string;
  readonly type: MetricType;
  readonly help: string;
  readonly labels: readonly string[];
}

/** Prefix of prom-client's default process metrics (CPU, memory, event loop, GC) of the api process. */
export const API_PROCESS_PREFIX = 'brain_api_';

const CLUSTER = ['cluster_id', 'cluster_name', 'blueprint_id'] as const;
const WORKER = ['worker_id', 'hostname', 'pid'] as const;

const def = <T extends MetricType>(name: string, type: T, help: string, labels: readonly string[] = []) => ({ name, type, help, labels }) as const;

export const EXPORTED_METRICS = {
  // per api process (sum over instances)
  httpRequests: def('brain_http_requests_total', 'counter', 'HTTP requests answered, by route pattern (never the raw path)', ['method', 'route', 'status']),
  httpDuration: def('brain_http_request_duration_seconds', 'histogram', 'HTTP request duration until the response was sent, by route pattern', ['method', 'route', 'status']),
  scrapeErrors: def('brain_scrape_errors_total', 'counter', 'Scrapes of this api process in which a source (database, queue) failed or did not answer in time; its families are left out of that scrape', ['source']),
  // registered by the rate limiter (apps/api/src/throttle/throttler.storage.ts) on the default registry
  rateLimitFailOpen: def('brain_rate_limit_fail_open_total', 'counter', 'Requests let through without a rate-limit check', ['reason']),

  // system-wide, read at scrape time: every api process reports the same values (max over instances)
  queueJobs: def('brain_queue_jobs', 'gauge', 'Jobs in each BullMQ queue, by state', ['queue', 'state']),
  tasks: def('brain_tasks', 'gauge', 'Tasks by status (all clusters)', ['status']),
  scalingDecisionsLastHour: def('brain_scaling_decisions_last_hour', 'gauge', 'Scaling decisions recorded in the last hour, by source and reason code', ['source', 'reason_code']),

  clusterStatus: def('brain_cluster_status', 'gauge', "1 for the cluster's current status (clusters not destroyed)", [...CLUSTER, 'status']),
  clusterTargetWorkers: def('brain_cluster_target_workers', 'gauge', 'Worker agents the cluster should have', CLUSTER),
  clusterLiveWorkers: def('brain_cluster_live_workers', 'gauge', 'Worker agents spawning, idle or busy', CLUSTER),
  // from the cluster's latest metric sample; absent while the cluster has none
  clusterQueueLength: def('brain_cluster_queue_length', 'gauge', 'Queued tasks (latest metric sample)', CLUSTER),
  clusterOldestWait: def('brain_cluster_oldest_wait_seconds', 'gauge', "The oldest queued task's wait (latest metric sample; 0 with nothing queued)", CLUSTER),
  clusterRunningTasks: def('brain_cluster_running_tasks', 'gauge', 'Running tasks (latest metric sample)', CLUSTER),
  clusterTasksPerMinute: def('brain_cluster_tasks_per_minute', 'gauge', 'Tasks finished per minute (latest metric sample)', CLUSTER),
  clusterAvgResponse: def('brain_cluster_avg_response_seconds', 'gauge', 'Average task duration (latest metric sample)', CLUSTER),
  clusterErrorRate: def('brain_cluster_error_rate', 'gauge', 'Share of finished tasks that failed, as sampled (latest metric sample)', CLUSTER),
  clusterLoad: def('brain_cluster_load_percentage', 'gauge', 'Busy workers / live workers in percent (latest metric sample)', CLUSTER),
  clusterCpu: def('brain_cluster_cpu_usage', 'gauge', 'CPU usage attributed to the cluster, as sampled (latest metric sample)', CLUSTER),
  clusterMemory: def('brain_cluster_memory_usage', 'gauge', 'Memory usage attributed to the cluster, as sampled (latest metric sample)', CLUSTER),
  clusterSampleAge: def('brain_cluster_sample_age_seconds', 'gauge', "Age of the cluster's latest metric sample", CLUSTER),

  // worker processes, from their heartbeats (workers serve no HTTP)
  workerProcesses: def('brain_worker_processes', 'gauge', 'Live worker processes (heartbeat within three periods)'),
  workerRss: def('brain_worker_rss_bytes', 'gauge', 'Resident memory of a live worker process at its last heartbeat', WORKER),
  workerCpuPercent: def('brain_worker_cpu_percent', 'gauge', 'CPU of a live worker process over its last heartbeat period, in percent of one core', WORKER),
  workerCpuSeconds: def('brain_worker_cpu_seconds', 'gauge', 'CPU time (user + system) a live worker process has used since it started', WORKER),
  workerHeartbeatAge: def('brain_worker_heartbeat_age_seconds', 'gauge', "Age of a live worker process's last heartbeat", WORKER),
} as const;

export type ExportedMetric = keyof typeof EXPORTED_METRICS;

/** States counted in brain_queue_jobs (BullMQ getJobCounts names). */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed', 'prioritized'] as const;

/** Route label of requests no route matched (404s): one series, whatever path was asked for. */
export const UNMATCHED_ROUTE = 'unmatched';

/** Upper bounds of the HTTP duration histogram, in seconds. */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

let processMetricNames: string[] | undefined;

/** Names of the default process metrics as the api exports them (prefix `brain_api_`). */
export function apiProcessMetricNames(): string[] {
  if (!processMetricNames) {
    // a scratch registry: the names are prom-client's, the live ones are on the default registry
    const scratch = new Registry();
    collectDefaultMetrics({ register: scratch, prefix: API_PROCESS_PREFIX });
    processMetricNames = scratch.getMetricsAsArray().map((m) => m.name);
  }
  return processMetricNames;
}

/** Every metric name GET /metrics can answer with. */
export function exportedMetricNames(): string[] {
  return [...Object.values(EXPORTED_METRICS).map((m) => m.name), ...apiProcessMetricNames()];
}
