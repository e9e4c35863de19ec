import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { INestApplicationContext } from '@nestjs/common';
import { ClusterRepository, ManifestRepository } from '#cluster';
import { JobName, JobProducer, MANIFEST_DEBOUNCE_MS, QueueName } from '#queue';
import { ManifestsHandler } from '../../apps/worker/src/manifests/manifests.handler';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { startWorker } from '../harness/worker';

const ADMIN = 'manifests-admin-key-0123456789';
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

describe('manifests: generated when the cluster changes, served by the api', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let env: NodeJS.ProcessEnv;
  let dir: string;
  let id: string;
  const prefix = testPrefix('manifests');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });
  const anonymous = (p: string) => call(api.url, 'GET', p);
  /** README.md once it is served and `ok` holds for its text. */
  const readmeWhen = (ok: (md: string) => boolean, what: string, timeoutMs = 20000) =>
    waitFor(
      async () => {
        const r = await anonymous(`/api/clusters/${id}/manifests/README.md`);
        return r.status === 200 && ok(r.body) ? (r.body as string) : undefined;
      },
      timeoutMs,
      what,
    );

  before(async () => {
    db = await createTestDatabase('manifests');
    dir = await mkdtemp(path.join(tmpdir(), 'brain-manifests-'));
    // A short reconcile tick (it repairs missing and stale manifests); metrics and autoscaling out of the way.
    env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN, LOG_LEVEL: 'error', RECONCILE_INTERVAL_SECONDS: '2', METRICS_INTERVAL_SECONDS: '3600', AUTOSCALE_INTERVAL_SECONDS: '3600', MANIFESTS_DIR: dir });
    api = await startApi(env);
  });
  after(async () => {
    await worker?.close();
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
    await rm(dir, { recursive: true, force: true });
  });

  it('debounces requests per cluster: a burst is one delayed job, not moved by later requests', async () => {
    const jobs = api.app.get(JobProducer);
    const clusterId = randomUUID(); // no such cluster: the worker skips the job later
    const first = await jobs.enqueue(JobName.GenerateManifests, { clusterId });
    await new Promise((r) => setTimeout(r, 100));
    await Promise.all([1, 2, 3].map(() => jobs.enqueue(JobName.GenerateManifests, { clusterId })));
    const delayed = await jobs.queue(QueueName.Manifests).getDelayed();
    assert.equal(delayed.length, 1);
    assert.equal(delayed[0].id, first.id);
    assert.equal(delayed[0].opts.delay, MANIFEST_DEBOUNCE_MS);
    assert.equal(delayed[0].timestamp, first.timestamp, 'the wait runs from the first request');
  });

  it('answers 404 while nothing is generated, then serves README.md and SKILLS.md', async () => {
    id = (await http('POST', '/api/clusters', { blueprint_id: 'marketing-v1', name: 'Manifest Marketing', target_workers: 3 })).body.id;
    for (const p of ['', '/README.md']) {
      const r = await anonymous(`/api/clusters/${id}/manifests${p}`);
      assert.equal(r.status, 404, p);
      assert.match(r.body.message, /being generated/);
    }

    worker = await startWorker(env);
    const readme = await readmeWhen((md) => md.includes('- Workers: 3 live, target 3 (min 3, max 20)') && md.includes('- Status: active'), 'README.md of the active cluster');
    assert.match(readme, /^# Manifest Marketing\n/);
    assert.ok(readme.includes('- **Marketing Supervisor** (supervisor, '));
    assert.ok(readme.includes(`GET /api/clusters/${id}/costs`), 'the cost section points at the costs');
    const r = await anonymous(`/api/clusters/${id}/manifests/README.md`);
    assert.equal(r.headers.get('content-type'), 'text/markdown; charset=utf-8');

    const skills = await anonymous(`/api/clusters/${id}/manifests/SKILLS.md`);
    assert.equal(skills.status, 200);
    assert.equal(skills.headers.get('content-type'), 'text/markdown; charset=utf-8');
    // three workers: an image generator, a video creator and a Facebook publisher; nobody publishes on Instagram yet
    assert.ok(skills.body.includes('- `instagram_marketing`: asked for by Instagram Publisher (worker, 0-2)'), skills.body);
    assert.ok(skills.body.includes('| `facebook_marketing` | 1 | Facebook Publisher 1 |'), skills.body);

    const list = await anonymous(`/api/clusters/${id}/manifests`);
    assert.equal(list.status, 200);
    assert.equal(list.body.cluster_id, id);
    assert.deepEqual(
      list.body.manifests.map((m: { name: string }) => m.name),
      ['README.md', 'SKILLS.md'],
    );
    const current = (await anonymous(`/api/clusters/${id}/manifests/README.md`)).body as string;
    const entry = list.body.manifests[0];
    assert.equal(entry.checksum, sha256(current));
    assert.equal(entry.size, Buffer.byteLength(current));
    assert.ok(!Number.isNaN(Date.parse(entry.generated_at)));

    // MANIFESTS_DIR holds the same files
    await waitFor(async () => (await readFile(path.join(dir, id, 'README.md'), 'utf8').catch(() => '')) === current, 10000, 'README.md in MANIFESTS_DIR');
  });

  it('names bad requests: unknown manifest 404, malformed name 400, unknown cluster 404', async () => {
    const unknownName = await anonymous(`/api/clusters/${id}/manifests/NOTES.md`);
    assert.equal(unknownName.status, 404);
    assert.doesNotMatch(unknownName.body.message, /being generated/);
    for (const bad of ['a%20b', '..%2Fsecret', '.hidden', 'x'.repeat(101)]) {
      const r = await anonymous(`/api/clusters/${id}/manifests/${bad}`);
      assert.equal(r.status, 400, bad);
      assert.equal(r.body.details.problems[0].path, 'name');
    }
    assert.equal((await anonymous(`/api/clusters/${randomUUID()}/manifests`)).status, 404);
    assert.equal((await anonymous(`/api/clusters/${randomUUID()}/manifests/README.md`)).status, 404);
    assert.equal((await anonymous('/api/clusters/not-a-uuid/manifests/README.md')).status, 400);
  });

  it('regenerates README.md when the cluster is scaled', async () => {
    const before = (await anonymous(`/api/clusters/${id}/manifests/README.md`)).body as string;
    assert.equal((await http('POST', `/api/clusters/${id}/scale`, { target_workers: 5 })).status, 202);
    const after = await readmeWhen((md) => md.includes('- Workers: 5 live, target 5 (min 3, max 20)') && md.includes('- Status: active'), 'README.md after scaling to 5', 30000);
    assert.notEqual(after, before);
    assert.match(after, /\| manual \| ScaledUp \| 3 → 5 \|/);
  });

  it('stores nothing when the content has not changed', async () => {
    const handler = worker!.get(ManifestsHandler);
    await handler.generate(id);
    const listed = (await anonymous(`/api/clusters/${id}/manifests`)).body;
    const again = await handler.generate(id);
    assert.deepEqual(again, { cluster: id, changed: [] });
    assert.deepEqual((await anonymous(`/api/clusters/${id}/manifests`)).body, listed, 'same checksums and generated_at');
  });

  it('the reconcile tick regenerates manifests that are missing or behind their cluster', async () => {
    const repo = api.app.get(ClusterRepository);
    await repo.ds.query(`DELETE FROM manifests WHERE cluster_id = $1`, [id]);
    assert.ok((await api.app.get(ManifestRepository).behind()).includes(id));
    await readmeWhen((md) => md.includes('# Manifest Marketing'), 'README.md generated again by the tick', 15000);

    // A rename changes the cluster row but no agent: no reconcile runs, the tick sees the manifest behind.
    assert.equal((await http('PUT', `/api/clusters/${id}`, { name: 'Renamed Marketing' })).status, 200);
    await readmeWhen((md) => md.startsWith('# Renamed Marketing\n'), 'README.md with the new name', 15000);
    await waitFor(async () => !(await api.app.get(ManifestRepository).behind()).includes(id), 10000, 'the manifests to be current');
  });
});
