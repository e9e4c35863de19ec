import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Job } from 'bullmq';
import { EntityManager } from 'typeorm';
import { BlueprintStore, ClusterRepository, ClusterTransitions, GenesisSpawner, TaskRepository } from '#cluster';
import { ClusterAgent } from '#db';
import { JobName } from '#queue';
import { ClusterReconciler } from '../../apps/worker/src/cluster/cluster.reconciler';
import { HousekeepingResult, LifecycleHandler } from '../../apps/worker/src/lifecycle/lifecycle.handler';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { startWorker } from '../harness/worker';

const ADMIN = 'core-admin-key-0123456789';

/**
 * A repository whose next agent read is followed, before the reconciler writes, by `meanwhile`:
 * the interleaving of a task ending (and freeing its agent) between the reconciler's read and write.
 */
class InterleavingRepository extends ClusterRepository {
  meanwhile?: () => Promise<void>;

  override async presentAgents(clusterId: string, m?: EntityManager): Promise<ClusterAgent[]> {
    const rows = await super.presentAgents(clusterId, m);
    const step = this.meanwhile;
    this.meanwhile = undefined;
    if (step) await step();
    return rows;
  }
}

describe('cluster core: stale agent reads and coalesced jobs', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let env: NodeJS.ProcessEnv;
  const prefix = testPrefix('core');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });

  before(async () => {
    db = await createTestDatabase('core');
    // A long reconcile tick: anything that converges below did so because its job ran, not the tick.
    env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, RECONCILE_INTERVAL_SECONDS: '600' });
    api = await startApi(env);
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  for (const action of ['destroy', 'hibernate', 'scale-down'] as const) {
    it(`converges when a task is cancelled between the reconciler's read and write (${action})`, async () => {
      const repo = new InterleavingRepository(api.app.get(ClusterRepository).ds);
      const tasks = api.app.get(TaskRepository);
      const reconciler = new ClusterReconciler(repo, api.app.get(BlueprintStore), api.app.get(GenesisSpawner), api.app.get(ClusterTransitions));

      const id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: `Interleave ${action}`, min_workers: 0, target_workers: 3 })).body.id;
      await reconciler.reconcile(id);
      assert.equal((await http('GET', `/api/clusters/${id}`)).body.status, 'active');

      // One worker takes a task, as dispatch does.
      const taskId = (await http('POST', `/api/clusters/${id}/tasks`, { input: 'cancel me' })).body.id;
      const agentId = await tasks.transaction(async (m) => {
        const [worker] = await tasks.idleWorkers(m, id);
        const [task] = await tasks.queued(m, id, 1, false);
        await tasks.assignMany(m, [{ taskId: task.id, agentId: worker.id, reservedCost: 0 }]);
        return worker.id;
      });

      if (action === 'destroy') assert.equal((await http('DELETE', `/api/clusters/${id}`)).status, 202);
      if (action === 'hibernate') assert.equal((await http('POST', `/api/clusters/${id}/hibernate`)).status, 202);
      if (action === 'scale-down') assert.equal((await http('POST', `/api/clusters/${id}/scale`, { target_workers: 0 })).status, 202);

      // The reconciler reads the agent busy; before it writes, the task is cancelled and the
      // execution path frees the agent (idle, no task). Its "busy -> draining" must not land.
      repo.meanwhile = async () => {
        assert.equal((await http('POST', `/api/tasks/${taskId}/cancel`)).status, 200);
        assert.equal(await tasks.release(taskId, agentId), 'idle');
      };
      await reconciler.reconcile(id);

      const agents = (await http('GET', `/api/clusters/${id}/agents?page_size=100`)).body.agents as { id: string; status: string; role: string }[];
      const mine = agents.find((a) => a.id === agentId)!;
      assert.equal(mine.status, 'stopped', 'the freed worker stops instead of draining for ever');
      assert.equal(agents.filter((a) => a.status === 'draining').length, 0);
      const want = { destroy: 'destroyed', hibernate: 'hibernated', 'scale-down': 'active' }[action];
      assert.equal((await http('GET', `/api/clusters/${id}`)).body.status, want);
    });
  }

  it('converges two scales in quick succession at once, not at the next tick', async () => {
    const worker = await startWorker(env);
    try {
      const id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Quick succession', target_workers: 3 })).body.id;
      await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.status === 'active' || undefined, 15000, 'active');
      const timings: number[] = [];
      for (const [first, second] of [
        [14, 4],
        [12, 6],
        [14, 3],
      ]) {
        const started = Date.now();
        assert.equal((await http('POST', `/api/clusters/${id}/scale`, { target_workers: first })).status, 202);
        // sent while the reconcile for `first` is (most likely) running: it must not be dropped
        assert.equal((await http('POST', `/api/clusters/${id}/scale`, { target_workers: second })).status, 202);
        await waitFor(
          async () => {
            const c = (await http('GET', `/api/clusters/${id}`)).body;
            return (c.status === 'active' && c.current_workers === second) || undefined;
          },
          5000,
          `${second} workers`,
        );
        timings.push(Date.now() - started);
      }
      console.log(`two scales in quick succession converged in ${timings.join(', ')} ms (reconcile tick: 600 s)`);
      assert.ok(Math.max(...timings) < 5000);
    } finally {
      await worker.close();
    }
  });
});

describe('cluster core: retention and worker liveness', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let env: NodeJS.ProcessEnv;
  const prefix = testPrefix('retain');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });

  before(async () => {
    db = await createTestDatabase('retain');
    env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, HISTORY_RETENTION_DAYS: '7', WORKER_HEARTBEAT_SECONDS: '2' });
    api = await startApi(env);
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('reports live worker processes on /health: degraded (still 200) with none', async () => {
    const none = await http('GET', '/health');
    assert.equal(none.status, 200);
    assert.equal(none.body.workers, 0);
    assert.equal(none.body.status, 'degraded');
    // the container health check of the worker: it looks for this host's heartbeats
    // (not spawnSync: the worker below runs in this process, and its heartbeat timer must keep firing)
    const healthcheck = () =>
      new Promise<number | null>((resolve) => execFile(process.execPath, ['dist/apps/worker/src/healthcheck.js'], { env: { ...env, PATH: process.env.PATH } }, (e) => resolve(e ? (typeof e.code === 'number' ? e.code : 1) : 0)));
    assert.equal(await healthcheck(), 1, 'no worker: unhealthy');
    const worker = await startWorker(env);
    try {
      const up = await http('GET', '/health');
      assert.equal(up.body.workers, 1);
      assert.equal(up.body.status, 'ok');
      assert.equal(await healthcheck(), 0, 'a worker with a fresh heartbeat: healthy');
    } finally {
      await worker.close();
    }
    assert.equal((await http('GET', '/health')).body.workers, 0, 'a worker that stops removes its heartbeat');
  });

  it('prunes stopped agents with their Genesis records, and old decisions; keeps the rest', async () => {
    const worker = await startWorker(env);
    try {
      const id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Retention', target_workers: 6 })).body.id;
      await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.current_workers === 6 || undefined, 15000, '6 workers');
      await http('POST', `/api/clusters/${id}/scale`, { target_workers: 3 });
      await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.status === 'active' || undefined, 15000, 'scaled down');
      const standalone = (await http('POST', '/api/genesis/spawn', { template_id: 'research_analyst' })).body.id;

      const q = (sql: string, params: unknown[] = []) => api.app.get(ClusterRepository).ds.query(sql, params);
      const [{ n: stopped }] = await q(`SELECT count(*)::int AS n FROM cluster_agents WHERE cluster_id = $1 AND status = 'stopped'`, [id]);
      assert.equal(stopped, 3);
      // age half of the history past the retention: those rows go, the rest stays
      await q(`UPDATE cluster_agents SET stopped_at = now() - interval '8 days' WHERE cluster_id = $1 AND status = 'stopped'`, [id]);
      await q(`UPDATE scaling_decisions SET created_at = now() - interval '8 days' WHERE cluster_id = $1 AND reason_code = 'Created'`, [id]);
      await q(`UPDATE genesis_agents SET created_at = now() - interval '30 days' WHERE id = $1`, [standalone]);
      const before = await q(`SELECT (SELECT count(*) FROM genesis_agents)::int AS g, (SELECT count(*) FROM genesis_dna_snapshots)::int AS d`);

      const result = (await worker.get(LifecycleHandler).handle({ name: JobName.Housekeeping } as Job)) as HousekeepingResult;
      assert.equal(result.stoppedAgents, 3);
      assert.equal(result.decisions, 1);
      const afterRows = await q(`SELECT (SELECT count(*) FROM genesis_agents)::int AS g, (SELECT count(*) FROM genesis_dna_snapshots)::int AS d`);
      assert.equal(afterRows[0].g, before[0].g - 3, 'the pruned agents took their Genesis agents with them');
      assert.equal(afterRows[0].d, before[0].d - 3, '... and their DNA');
      assert.equal((await http('GET', `/api/genesis/agents/${standalone}`)).status, 200, 'an agent spawned through the Genesis API stays');
      assert.equal((await http('GET', `/api/clusters/${id}`)).body.current_workers, 3);
      assert.equal((await http('GET', `/api/clusters/${id}/scaling-decisions`)).body.total, 1);
    } finally {
      await worker.close();
    }
  });
});
