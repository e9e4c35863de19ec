import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { EXPORTED_METRICS, exportedMetricNames } from '../../apps/api/src/metrics/metrics.registry';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'brain-dashboard.json');

// Words of PromQL that look like metric names but are not: aggregation modifiers, set and
// comparison operators, offset/at. Functions and aggregations are recognised by the "(" after them.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'atan2', 'inf', 'nan']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_count', '_sum'];

/**
 * The metric names a PromQL expression queries. Histogram series (`x_bucket`, `x_count`, `x_sum`)
 * are reported as the histogram's name when `histograms` has it.
 */
export function metricNames(expr: string, histograms: ReadonlySet<string> = new Set()): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // strings (label values, regexes)
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ') // Grafana variables ($__rate_interval, ${cluster})
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // ranges and subqueries
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' '); // grouping label lists
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:]|\s*\()/g)) {
    const word = m[1];
    if (KEYWORDS.has(word.toLowerCase())) continue;
    const suffix = HISTOGRAM_SUFFIXES.find((s) => word.endsWith(s) && histograms.has(word.slice(0, -s.length)));
    names.add(suffix ? word.slice(0, -suffix.length) : word);
  }
  return [...names];
}

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: { expr?: string; refId: string }[];
  panels?: Panel[];
}

interface Dashboard {
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string; datasource?: { uid: string } }[] };
}

const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as Dashboard;
const allPanels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const exprs = allPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '' })));
const histograms = new Set(Object.values(EXPORTED_METRICS).filter((m) => m.type === 'histogram').map((m) => m.name));

describe('metric name extraction from PromQL', () => {
  const cases: [string, string[]][] = [
    ['brain_tasks', ['brain_tasks']],
    ['max by (status) (brain_tasks{status!="failed"})', ['brain_tasks']],
    ['sum by (route, status) (rate(brain_http_requests_total{route=~"/api/.*"}[$__rate_interval]))', ['brain_http_requests_total']],
    ['histogram_quantile(0.95, sum by (le, route) (rate(brain_http_request_duration_seconds_bucket[5m])))', ['brain_http_request_duration_seconds']],
    ['sum(rate(brain_http_request_duration_seconds_sum[5m])) / sum(rate(brain_http_request_duration_seconds_count[5m]))', ['brain_http_request_duration_seconds']],
    ['max by (cluster_name) (brain_cluster_live_workers{cluster_name=~"$cluster"}) / on (cluster_name) group_left max by (cluster_name) (brain_cluster_target_workers)', ['brain_cluster_live_workers', 'brain_cluster_target_workers']],
    ['brain_cluster_status == 1 and brain_cluster_queue_length > 1e3 offset 5m', ['brain_cluster_status', 'brain_cluster_queue_length']],
    ['sum without (instance) (brain_queue_jobs) unless brain_tasks', ['brain_queue_jobs', 'brain_tasks']],
  ];
  for (const [expr, expected] of cases) {
    it(`finds ${expected.join(', ')} in ${expr}`, () => assert.deepEqual(metricNames(expr, histograms).sort(), [...expected].sort()));
  }

  it('lets a made-up name through to the check, which refuses it', () => {
    const exported = new Set(exportedMetricNames());
    const unknown = metricNames('sum by (cluster_name) (rate(brain_cluster_made_up_total[5m])) / max(brain_tasks)', histograms).filter((n) => !exported.has(n));
    assert.deepEqual(unknown, ['brain_cluster_made_up_total']);
    // a suffix is only stripped from a histogram's name
    assert.deepEqual(metricNames('brain_tasks_count', histograms), ['brain_tasks_count']);
  });
});

describe('deploy/grafana/brain-dashboard.json', () => {
  it('queries only metrics the api exports', () => {
    const exported = new Set(exportedMetricNames());
    assert.ok(exprs.length >= 15, `${exprs.length} queries`);
    for (const { panel, expr } of exprs) {
      const names = metricNames(expr, histograms);
      assert.ok(names.length > 0, `"${panel}" queries a metric: ${expr}`);
      for (const name of names) assert.ok(exported.has(name), `"${panel}" queries ${name}, which the api does not export`);
    }
  });

  it('covers the families operators watch', () => {
    const queried = new Set(exprs.flatMap(({ expr }) => metricNames(expr, histograms)));
    for (const name of [
      'brain_http_requests_total',
      'brain_http_request_duration_seconds',
      'brain_queue_jobs',
      'brain_tasks',
      'brain_cluster_live_workers',
      'brain_cluster_target_workers',
      'brain_cluster_queue_length',
      'brain_cluster_oldest_wait_seconds',
      'brain_cluster_load_percentage',
      'brain_cluster_tasks_per_minute',
      'brain_cluster_error_rate',
      'brain_scaling_decisions_last_hour',
      'brain_worker_processes',
      'brain_worker_cpu_percent',
      'brain_worker_rss_bytes',
      'brain_rate_limit_fail_open_total',
    ])
      assert.ok(queried.has(name), `a panel shows ${name}`);
  });

  it('is a Grafana 10+ dashboard on a Prometheus datasource variable, with a cluster variable', () => {
    assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
    assert.ok(dashboard.uid && dashboard.title);
    const ds = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
    assert.equal(ds?.type, 'datasource');
    assert.equal(ds?.query, 'prometheus');
    const cluster = dashboard.templating.list.find((v) => v.name === 'cluster');
    assert.equal(cluster?.definition, 'label_values(brain_cluster_target_workers, cluster_name)');
    assert.equal(cluster?.datasource?.uid, '${DS_PROMETHEUS}');

    const ids = allPanels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const p of allPanels) {
      assert.ok(p.gridPos && p.gridPos.x + p.gridPos.w <= 24, `"${p.title}" fits the grid`);
      if (p.type === 'row') continue;
      assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `"${p.title}" uses the datasource variable`);
    }
    // per-cluster panels follow the cluster selection
    for (const { panel, expr } of exprs) if (/brain_cluster_/.test(expr)) assert.match(expr, /cluster_name=~"\$cluster"/, `"${panel}" filters by $cluster`);
  });
});
