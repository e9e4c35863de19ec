import assert from 'node:assert/strict';
import { Client } from 'pg';
import { call } from './http';
import { waitFor } from './process';

/** Reads rows straight from a test database (checks that the API does not expose). */
export async function query<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql, params)).rows as T[];
  } finally {
    await c.end();
  }
}

/** Submits `n` tasks to a cluster, a few at a time; returns their ids (every one accepted: 201). */
export async function submitTasks(base: string, token: string, clusterId: string, n: number, label: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, (_, k) => call(base, 'POST', `/api/clusters/${clusterId}/tasks`, { token, body: { input: `${label} task ${i + k}` } })),
    );
    for (const r of batch) {
      assert.equal(r.status, 201, JSON.stringify(r.body));
      ids.push(r.body.id);
    }
  }
  return ids;
}

/**
 * What "nothing accepted is lost or run twice" means for tasks, checked in the database: every
 * task succeeded with no error, none is queued or running, no agent is still busy or draining for
 * a task, and each task is costed exactly once.
 */
export async function assertAllTasksDone(dbUrl: string, clusterId: string, ids: string[], timeoutMs: number): Promise<void> {
  await waitFor(
    async () => {
      const [r] = await query<{ open: number }>(dbUrl, `SELECT count(*)::int AS open FROM tasks WHERE cluster_id = $1 AND status IN ('queued', 'running')`, [clusterId]);
      return r.open === 0 || undefined;
    },
    timeoutMs,
    'every task to finish',
  );
  const tasks = await query<{ id: string; status: string; error: string | null }>(dbUrl, `SELECT id, status, error FROM tasks WHERE cluster_id = $1`, [clusterId]);
  assert.equal(tasks.length, ids.length, 'every accepted task is stored');
  const bad = tasks.filter((t) => t.status !== 'succeeded' || t.error !== null);
  assert.deepEqual(bad, [], 'every task succeeded, with no error left on it');
  const [{ busy }] = await query<{ busy: number }>(dbUrl, `SELECT count(*)::int AS busy FROM cluster_agents WHERE cluster_id = $1 AND status IN ('busy', 'draining')`, [clusterId]);
  assert.equal(busy, 0, 'no agent is left busy');
  const costs = await query<{ task_id: string; n: number }>(dbUrl, `SELECT task_id, count(*)::int AS n FROM cost_entries WHERE cluster_id = $1 GROUP BY task_id`, [clusterId]);
  assert.equal(costs.length, ids.length, 'every task is costed');
  assert.deepEqual(
    costs.filter((c) => c.n !== 1),
    [],
    'no task is costed twice',
  );
}
