// Scale-up of issue 13: one cluster from 3 to 1,000 workers, from the accepted POST …/scale until
// all 1,000 are live and the cluster is active again, against one raw multi-row INSERT of 1,000
// agent rows (the least any scale-up has to write) measured in the same run.
// The api and the worker run as their own processes; the cluster's blueprint has one worker pool
// of 0..1000 (uploaded through the api). After each run the cluster is scaled back to 3.
// Run: npm run bench, or after a build: node dist/bench/scaleup.bench.js
// Knobs: BENCH_RUNS (3), BENCH_QUICK=1 (3 -> 100, one run).
import { Client } from 'pg';
import { TestSystem } from '../test/harness/system';
import { waitFor } from '../test/harness/process';
import { cleanup, describeMachine, Figure, figure, fmt, hardLimit, machine, median, QUICK, report, RUNS, summary, timed } from './common';

const TARGET = QUICK ? 100 : 1000;
const FROM = 3;

const BLUEPRINT = `metadata:
  id: bench-pool-v1
  name: Bench Pool
  version: "1.0.0"
  description: One supervisor and one pool of up to 1000 workers, for the scale-up bench.
cluster:
  type: department
  min_workers: 0
  max_workers: 1000
  default_workers: ${FROM}
agents:
  - role: supervisor
    name: Pool Supervisor
    count: 1
    genesis_template: supervisor_coordinator
    capabilities: [coordination]
  - role: worker
    name: Pool Worker
    count: "0-1000"
    reports_to: supervisor
    genesis_template: research_analyst
    capabilities: [research]
`;

/** Live workers and status of one cluster, straight from the rows. */
async function state(c: Client, id: string): Promise<{ live: number; status: string }> {
  const r = await c.query<{ live: number; status: string }>(
    `SELECT (SELECT count(*)::int FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' AND status IN ('spawning', 'idle', 'busy')) AS live,
            (SELECT status FROM clusters WHERE id = $1) AS status`,
    [id],
  );
  return r.rows[0];
}

/** The baseline: 1,000 worker rows like the cluster's own, in one INSERT … SELECT generate_series; removed after. */
async function rawInsert(c: Client, id: string, n: number): Promise<number> {
  const { ms } = await timed(() =>
    c.query(
      `INSERT INTO cluster_agents (cluster_id, genesis_agent_id, definition_name, name, role, status, reports_to_id, capabilities, skills, config, spawn_key, started_at)
       SELECT a.cluster_id, a.genesis_agent_id, a.definition_name, 'raw ' || i, a.role, 'stopped', a.reports_to_id, a.capabilities, a.skills, a.config, 'raw:' || i, now()
         FROM (SELECT * FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' LIMIT 1) a, generate_series(1, $2::int) i`,
      [id, n],
    ),
  );
  await c.query(`DELETE FROM cluster_agents WHERE cluster_id = $1 AND spawn_key LIKE 'raw:%'`, [id]);
  return ms;
}

async function main(): Promise<number> {
  const sys = new TestSystem('benchscaleup', { RATE_LIMIT_MAX: '100000000', LIFECYCLE_GRACE_SECONDS: '86400', AUTOSCALE_INTERVAL_SECONDS: '3600' });
  let pg: Client | undefined;
  let failed = false;
  const figures: Figure[] = [];
  try {
    await sys.start();
    const m = await machine(sys.db.url);
    process.stdout.write(`scale-up bench: one cluster ${FROM} -> ${TARGET} workers, median of ${RUNS} run(s); ${describeMachine(m)}\n`);
    pg = new Client({ connectionString: sys.db.url });
    await pg.connect();
    const bp = await sys.call('POST', '/api/blueprints', { body: { id: 'bench-pool-v1', name: 'Bench Pool', version: '1.0.0', blueprint_yaml: BLUEPRINT } });
    if (bp.status !== 201) throw new Error(`blueprint upload answered ${bp.status}: ${JSON.stringify(bp.body)}`);
    const created = await sys.call('POST', '/api/clusters', { body: { blueprint_id: 'bench-pool-v1', name: 'Scale-up Cluster', target_workers: FROM } });
    if (created.status !== 201) throw new Error(`cluster create answered ${created.status}: ${JSON.stringify(created.body)}`);
    const id: string = created.body.id;
    const reach = (n: number, what: string) =>
      waitFor(async () => {
        const s = await state(pg!, id);
        return s.live === n && s.status === 'active';
      }, 10 * 60_000, what);
    await reach(FROM, 'the cluster to become active');

    const ours: number[] = [];
    const raw: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      raw.push(await rawInsert(pg, id, TARGET));
      const { ms } = await timed(async () => {
        const r = await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: TARGET } });
        if (r.status !== 202) throw new Error(`scale answered ${r.status}: ${JSON.stringify(r.body)}`);
        await reach(TARGET, `${TARGET} live workers`);
      });
      ours.push(ms);
      process.stdout.write(`  run ${i + 1}: ${FROM} -> ${TARGET} live in ${fmt(ms, 0)} ms; raw INSERT of ${TARGET} rows ${fmt(raw[i], 1)} ms\n`);
      const back = await sys.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: FROM } });
      if (back.status !== 202) throw new Error(`scale back answered ${back.status}: ${JSON.stringify(back.body)}`);
      await reach(FROM, `the cluster back at ${FROM}`);
    }
    figures.push(
      figure({
        figure: `scale-up ${FROM} -> ${TARGET} live`,
        value: median(ours),
        unit: 'ms',
        baseline: median(raw),
        baseline_name: `raw INSERT of ${TARGET} agent rows`,
        goal: '<= 20x',
        check: (r) => r !== null && r <= 20,
        runs: ours,
        extra: { per_agent_ms: median(ours) / (TARGET - FROM) },
      }),
    );
    process.stdout.write('\n| figure | value | baseline | ratio | goal | verdict | notes |\n|---|---:|---|---:|---|---|---|\n');
    for (const f of figures) report(f);
    summary('scaleup', figures, { machine: m, from: FROM, to: TARGET });
  } catch (e) {
    failed = true;
    process.stderr.write(`scale-up bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.stderr.write(`worker output (tail):\n${sys.worker?.output().slice(-3000) ?? ''}\n`);
  } finally {
    const ok = await cleanup('scale-up bench', [
      ['close pg', () => pg?.end()],
      ['stop the system', () => sys.stop()],
    ]);
    if (!ok) failed = true;
  }
  return failed ? 1 : 0;
}

hardLimit('scale-up bench', 14 * 60_000);
main().then((code) => process.exit(code));
