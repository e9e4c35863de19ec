import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseBlueprintYaml } from '#blueprint';
import { blueprintsDir } from '../../apps/api/src/blueprint/blueprint.sync';
import { startApi, RunningApi } from '../harness/api';
import { createTestDatabase, TestDatabase } from '../harness/database';
import { testEnv } from '../harness/env';
import { call } from '../harness/http';
import { waitFor } from '../harness/process';
import { dropPrefix, testPrefix } from '../harness/redis';
import { startWorker } from '../harness/worker';

const ADMIN = 'refusal-admin-key-0123456789';

// Blueprints are checked against Genesis when stored, so an unsafe one can only exist if it was
// stored before the rules changed. The test stores one directly, as such an old row would be.
describe('spawning agents Genesis refuses', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  const prefix = testPrefix('refusal');
  const http = (method: string, p: string, body?: unknown) => call(api.url, method, p, { body, token: ADMIN });

  async function storeRaw(id: string, yaml: string) {
    const { blueprint, problems } = parseBlueprintYaml(yaml);
    assert.deepEqual(problems, []);
    const ds = api.app.get(DataSource);
    await ds.query(`INSERT INTO blueprints (id, name, current_version, source) VALUES ($1, $1, '1.0.0', 'upload')`, [id]);
    await ds.query(`INSERT INTO blueprint_versions (blueprint_id, version, yaml, definition, checksum) VALUES ($1, '1.0.0', $2, $3, 'x')`, [id, yaml, JSON.stringify(blueprint)]);
  }

  before(async () => {
    db = await createTestDatabase('refusal');
    const env = testEnv(db.url, prefix, { ADMIN_API_KEY: ADMIN });
    api = await startApi(env);
    worker = await startWorker(env);
  });
  after(async () => {
    await worker.close();
    await api.close();
    await db.drop();
    await dropPrefix(prefix);
  });

  const base = fs.readFileSync(path.join(blueprintsDir(), 'marketing-v1.yaml'), 'utf8');

  it('fails the cluster visibly when the supervisor is refused', async () => {
    const yaml = base.replace(/^(\s*id:\s*)marketing-v1/m, '$1unsafe-supervisor').replace('cognitive.risk_tolerance: 0.2', 'cognitive.risk_tolerance: 0.9');
    assert.notEqual(yaml, base);
    await storeRaw('unsafe-supervisor', yaml);
    const res = await http('POST', '/api/clusters', { blueprint_id: 'unsafe-supervisor', name: 'Doomed', target_workers: 3 });
    assert.equal(res.status, 201);
    const c = await waitFor(async () => {
      const c = (await http('GET', `/api/clusters/${res.body.id}`)).body;
      return c.status === 'failed' ? c : undefined;
    }, 15000, 'failed');
    assert.match(c.status_reason, /supervisor Marketing Supervisor was refused by Genesis: .*risk/i);
    const agents = (await http('GET', `/api/clusters/${res.body.id}/agents`)).body.agents;
    assert.deepEqual(agents.map((a: { status: string }) => a.status), ['spawn_failed']);
    assert.match(agents[0].error, /risk/i);
  });

  it('leaves a spawn_failed worker with its error and still fills the pool from the other definitions', async () => {
    const yaml = base
      .replace(/^(\s*id:\s*)marketing-v1/m, '$1unsafe-worker')
      .replace(/(name: Image Generator[\s\S]*?max_tokens: \d+\n)/, '$1      traits:\n        cognitive.risk_tolerance: 0.95\n');
    assert.match(yaml, /risk_tolerance: 0.95/);
    await storeRaw('unsafe-worker', yaml);
    const res = await http('POST', '/api/clusters', { blueprint_id: 'unsafe-worker', name: 'Partly unsafe', target_workers: 4 });
    const c = await waitFor(async () => {
      const c = (await http('GET', `/api/clusters/${res.body.id}`)).body;
      return c.status === 'active' ? c : undefined;
    }, 15000, 'active');
    assert.equal(c.current_workers, 4);
    const failed = (await http('GET', `/api/clusters/${res.body.id}/agents?status=spawn_failed`)).body.agents;
    assert.equal(failed.length, 1, 'tried once, not again and again');
    assert.equal(failed[0].definition_name, 'Image Generator');
    assert.match(failed[0].error, /risk/i);
  });
});
