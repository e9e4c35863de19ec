import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { dropPrefix, testPrefix } from '../harness/redis';

// Two api processes' worth of apps on one store: the limit is per system, not per process.
for (const backend of ['redis', 'postgres'] as const) {
  describe(`rate limits shared by api processes (${backend})`, () => {
    let db: TestDatabase;
    const apis: RunningApi[] = [];
    const prefix = testPrefix(`rl${backend}`);

    before(async () => {
      db = await createTestDatabase(`rl${backend}`);
      const env = testEnv(db.url, prefix, { RATE_LIMIT_MAX: '6', RATE_LIMIT_WINDOW_SECONDS: '30', QUEUE_BACKEND: backend });
      apis.push(await startApi(env), await startApi(env));
    });
    after(async () => {
      await Promise.all(apis.map((a) => a.close()));
      await db.drop();
      await dropPrefix(prefix);
    });

    it('answers 429 with Retry-After once the shared limit is used up', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fetch(`${apis[i % 2].url}/api/auth/keys`)).status);
      assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401]);
      const limited = await fetch(`${apis[0].url}/api/auth/keys`);
      assert.equal(limited.status, 429);
      const retry = Number(limited.headers.get('retry-after'));
      assert.ok(retry > 0 && retry <= 30, `Retry-After ${retry}`);
      const body = (await limited.json()) as { code: string; correlation_id: string };
      assert.equal(body.code, 'RATE_LIMITED');
      assert.ok(body.correlation_id);
      assert.equal((await fetch(`${apis[1].url}/api/auth/keys`)).status, 429);
      // health stays reachable for probes
      assert.equal((await fetch(`${apis[1].url}/health`)).status, 200);
    });
  });
}
