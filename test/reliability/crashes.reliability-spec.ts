import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { waitFor } from '../harness/process';
import { assertAllTasksDone, submitTasks } from '../harness/recovery';
import { ADMIN, duplicateAgents, Fleet, stuck } from './fleet';

type Decision = { source: string; reason_code: string; from_workers: number; to_workers: number; applied: boolean; created_at: string };

function blueprint(file: string, edit: (yaml: string) => string): string {
  return edit(fs.readFileSync(path.join(blueprintsDir(), file), 'utf8'));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The worker process SIGKILLed at the worst moments: while it spawns 500 agents, while it runs
 * tasks, while the autoscaler acts and while the lifecycle hibernates a cluster. After a restart
 * everything converges: clusters at their target, each task ended exactly once (one result, one
 * cost entry, one counted attempt), nothing left spawning or running, and the ticks run again.
 */
describe('reliability: crashes, the worker SIGKILLed mid-work', () => {
  const fleet = new Fleet('crashes', {
    env: {
      // a crashed worker's jobs are taken over after about JOB_LOCK_SECONDS; the recovery pass runs every tick
      JOB_LOCK_SECONDS: '4',
      RECONCILE_INTERVAL_SECONDS: '2',
      AUTOSCALE_INTERVAL_SECONDS: '2',
      METRICS_INTERVAL_SECONDS: '1',
      LIFECYCLE_INTERVAL_SECONDS: '1',
      LIFECYCLE_GRACE_SECONDS: '2',
      WORKER_CONCURRENCY: '20',
      LOCAL_LLM_LATENCY_MS: '150',
    },
  });
  before(async () => {
    await fleet.start();
    const uploads = [
      // room for 500 workers
      {
        id: 'big-pool',
        yaml: blueprint('engineering-project-v1.yaml', (y) =>
          y
            .replace(/^(\s*id:\s*)\S+/m, '$1big-pool')
            .replace(/^(\s*max_workers:\s*)\d+/m, '$11000')
            .replace(/(role: worker[\s\S]*?count:\s*)"?[\d-]+"?/, '$1"0-500"'),
        ),
      },
      // a quick autoscaler: up above 4 queued, down below 1, 5 s cooldown
      {
        id: 'marketing-quick',
        yaml: blueprint('marketing-v1.yaml', (y) =>
          y
            .replace('id: marketing-v1', 'id: marketing-quick')
            .replace('scale_up_threshold: 10', 'scale_up_threshold: 4')
            .replace('scale_down_threshold: 2', 'scale_down_threshold: 1')
            .replace('cooldown_period: 300', 'cooldown_period: 5'),
        ),
      },
      // hibernates after 3 idle seconds
      {
        id: 'marketing-sleepy',
        yaml: blueprint('marketing-v1.yaml', (y) =>
          y
            .replace('id: marketing-v1', 'id: marketing-sleepy')
            .replace(/idle_time: "?1 hour"?/, 'idle_time: "3 seconds"')
            .replace(/hibernated_duration: "?7 days"?/, 'hibernated_duration: "7 days"'),
        ),
      },
    ];
    for (const u of uploads) {
      const r = await fleet.call('POST', '/api/blueprints', { body: { id: u.id, name: u.id, version: '1.0.0', blueprint_yaml: u.yaml } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
    }
  });
  after(() => fleet.stop());

  const cluster = async (id: string) => (await fleet.call('GET', `/api/clusters/${id}`)).body;
  const decisions = async (id: string, source: string): Promise<Decision[]> =>
    (await fleet.call('GET', `/api/clusters/${id}/scaling-decisions?source=${source}&page_size=100`)).body.decisions;
  /** Kills the one worker process and starts a new one; returns when it consumes again. */
  async function crashAndRestart(): Promise<number> {
    await fleet.kill(fleet.workers[0]);
    const restarted = Date.now();
    await fleet.addWorker();
    return restarted;
  }
  async function manualOnly(id: string): Promise<void> {
    assert.equal((await fleet.call('PUT', `/api/clusters/${id}`, { body: { autoscaling_enabled: false } })).status, 200);
  }

  it('during a 500-worker scale-up: converges to exactly 500, no duplicates, nothing left spawning', async () => {
    const id = await fleet.cluster('Big Pool Cluster', 3, 'big-pool');
    await manualOnly(id);
    // 500: more than one reconcile step (250 agents each), so there is a moment between two commits
    assert.equal((await fleet.call('POST', `/api/clusters/${id}/scale`, { body: { target_workers: 500 } })).status, 202);
    const during = await waitFor(
      async () => {
        const [r] = await fleet.query<{ n: number }>(`SELECT count(*)::int AS n FROM cluster_agents WHERE cluster_id = $1 AND role = 'worker' AND status IN ('spawning', 'idle', 'busy')`, [id]);
        return r.n > 3 && r.n < 500 ? r.n : undefined;
      },
      30000,
      'the scale-up to be under way',
    );
    const started = Date.now();
    await crashAndRestart();
    await fleet.settled(id, 500, 90000);
    assert.equal(await duplicateAgents(fleet.dbUrl), 0, 'no two live agents in one slot');
    assert.deepEqual(await stuck(fleet.dbUrl, id), { tasks: 0, spawning: 0, busy: 0, clusters: [] });
    const [{ supervisors }] = await fleet.query<{ supervisors: number }>(`SELECT count(*)::int AS supervisors FROM cluster_agents WHERE cluster_id = $1 AND role = 'supervisor'`, [id]);
    assert.equal(supervisors, 1);
    console.log(`tried: SIGKILL of the worker with ${during} of 500 workers spawned, then a restart; checked: active with exactly 500 live workers ${((Date.now() - started) / 1000).toFixed(1)} s later, no duplicate slot, none spawning, one supervisor`);
  });

  it('during task execution, 4 times: every accepted task ends exactly once', async () => {
    const id = await fleet.cluster('Killed under load', 10);
    await manualOnly(id);
    const ids = await submitTasks(fleet.base, ADMIN, id, 150, 'kill');
    const kills: string[] = [];
    for (let round = 0; round < 4; round++) {
      await sleep(700 + 500 * round);
      const [open] = await fleet.query<{ running: number; queued: number }>(
        `SELECT count(*) FILTER (WHERE status = 'running')::int AS running, count(*) FILTER (WHERE status = 'queued')::int AS queued FROM tasks WHERE cluster_id = $1`,
        [id],
      );
      await crashAndRestart();
      kills.push(`kill ${round + 1}: ${open.running} running, ${open.queued} queued`);
    }
    const started = Date.now();
    await assertAllTasksDone(fleet.dbUrl, id, ids, 120000);
    const [{ attempts }] = await fleet.query<{ attempts: number }>(`SELECT sum(attempts)::int AS attempts FROM tasks WHERE cluster_id = $1`, [id]);
    assert.equal(attempts, 150, "a run lost to a crash does not count as the task's attempt");
    const [counters] = await fleet.query<{ completed: number }>(`SELECT tasks_completed AS completed FROM clusters WHERE id = $1`, [id]);
    assert.equal(counters.completed, 150, 'the cluster counts each task once');
    assert.deepEqual(await stuck(fleet.dbUrl, id), { tasks: 0, spawning: 0, busy: 0, clusters: [] });
    console.log(
      `tried: 150 tasks at 150 ms on 10 workers, worker SIGKILLed 4 times (${kills.join('; ')}); checked: all succeeded, ${attempts} attempts, one cost entry each, cluster counter 150, nothing running or busy, settled ${Date.now() - started} ms after the last restart`,
    );
  });

  it('during an autoscale tick: the scale-up it decided completes, and the autoscaler runs again after the restart', async () => {
    const id = await fleet.cluster('Autoscaled crash', 1, 'marketing-quick', { min_workers: 1, max_workers: 12 });
    const ids = await submitTasks(fleet.base, ADMIN, id, 60, 'autoscale');
    // kill as soon as the autoscaler has decided a scale-up, while its effects are being applied
    const up = await waitFor(async () => (await decisions(id, 'autoscaler')).find((d) => d.reason_code === 'ScaledUp' && d.applied), 40000, 'an autoscaler scale-up');
    const statusAtKill = (await cluster(id)).status;
    const restarted = await crashAndRestart();
    await assertAllTasksDone(fleet.dbUrl, id, ids, 120000);
    // the tick is scheduled again: new evaluations after the restart, on a 2 s period
    const later = await waitFor(
      async () => {
        const after = (await decisions(id, 'autoscaler')).filter((d) => Date.parse(d.created_at) > restarted);
        return after.length >= 3 ? after : undefined;
      },
      60000,
      'autoscaler evaluations after the restart',
    );
    const c = await waitFor(async () => {
      const c = await cluster(id);
      return c.status === 'active' && c.current_workers === c.target_workers ? c : undefined;
    }, 60000, 'the cluster at its target');
    assert.equal(await duplicateAgents(fleet.dbUrl), 0);
    assert.deepEqual(await stuck(fleet.dbUrl, id), { tasks: 0, spawning: 0, busy: 0, clusters: [] });
    console.log(
      `tried: SIGKILL right after the autoscaler decided ${up.from_workers} -> ${up.to_workers} (cluster ${statusAtKill}), 60 tasks queued; checked: all 60 succeeded once, ${later.length} autoscaler evaluations after the restart (${[...new Set(later.map((d) => d.reason_code))].join(', ')}), cluster active at its target ${c.target_workers}, no duplicates`,
    );
  });

  it('during a lifecycle transition: the hibernation completes after the restart, and the lifecycle wakes it for new work', async () => {
    const id = await fleet.cluster('Sleepy crash', 3, 'marketing-sleepy');
    await manualOnly(id);
    const slept = await waitFor(async () => (await decisions(id, 'lifecycle')).find((d) => d.reason_code === 'Hibernated'), 30000, 'the lifecycle to hibernate it');
    const statusAtKill = (await cluster(id)).status;
    const restarted = await crashAndRestart();
    await waitFor(async () => {
      const c = await cluster(id);
      return c.status === 'hibernated' && c.current_workers === 0;
    }, 60000, 'hibernated after the restart');
    await waitFor(async () => (await stuck(fleet.dbUrl, id)).busy === 0 && (await stuck(fleet.dbUrl, id)).spawning === 0, 30000, 'no agent in transition');
    const [{ live }] = await fleet.query<{ live: number }>(`SELECT count(*)::int AS live FROM cluster_agents WHERE cluster_id = $1 AND status IN ('spawning', 'idle', 'busy', 'draining')`, [id]);
    assert.equal(live, 1, 'only the supervisor stays awake');
    // the lifecycle tick runs again: work wakes the cluster and the task runs
    const task = await fleet.call('POST', `/api/clusters/${id}/tasks`, { body: { input: 'wake up' } });
    assert.equal(task.status, 201);
    await waitFor(async () => (await fleet.call('GET', `/api/tasks/${task.body.id}`)).body.status === 'succeeded', 60000, 'the task after the wake-up');
    const woke = (await decisions(id, 'lifecycle')).find((d) => d.reason_code === 'Reactivated' && Date.parse(d.created_at) > restarted);
    assert.ok(woke, 'woken by the lifecycle tick after the restart');
    const [{ samples }] = await fleet.query<{ samples: number }>(`SELECT count(*)::int AS samples FROM metric_samples WHERE cluster_id = $1 AND sampled_at > to_timestamp($2 / 1000.0)`, [id, restarted]);
    assert.ok(samples > 0, 'the metrics tick samples again');
    console.log(
      `tried: SIGKILL right after the lifecycle decided Hibernated ${slept.from_workers} -> ${slept.to_workers} (cluster ${statusAtKill}); checked: hibernated with only the supervisor live after the restart, nothing in transition, a new task woke it (Reactivated after the restart) and succeeded, ${samples} metric samples since the restart`,
    );
  });
});
