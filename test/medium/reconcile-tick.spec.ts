import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ClusterRepository, TaskRepository } from '#cluster';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { startWorker } from '../harness/worker';

const ADMIN = 'tick-admin-key-0123456789';

// The reconcile tick is the safety net for work whose enqueue was lost: these are the rows it finds.
describe('what the reconcile tick picks up', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let env: NodeJS.ProcessEnv;
  const prefix = testPrefix('tick');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });

  before(async () => {
    db = await createTestDatabase('tick');
    env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN });
    api = await startApi(env);
  });
  after(async () => {
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  it('finds clusters whose agents must still change, and clusters with tasks to dispatch', async () => {
    const clusters = api.app.get(ClusterRepository);
    const tasks = api.app.get(TaskRepository);
    const id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Tick', target_workers: 3 })).body.id;
    assert.ok((await clusters.needingReconcile()).includes(id), 'spawning, no worker has run');

    const worker = await startWorker(env);
    await waitFor(async () => (await http('GET', `/api/clusters/${id}`)).body.status === 'active' || undefined, 15000, 'active');
    await worker.close();
    assert.deepEqual(await clusters.needingReconcile(), []);

    await http('POST', `/api/clusters/${id}/tasks`, { input: 'nobody dispatched me' });
    assert.deepEqual(await tasks.dispatchable(), [id]);

    await http('POST', `/api/clusters/${id}/hibernate`);
    assert.deepEqual(await clusters.needingReconcile(), [id], 'hibernated while its workers are still awake');
    assert.deepEqual(await tasks.dispatchable(), [], 'a hibernated cluster runs no tasks');
  });
});
