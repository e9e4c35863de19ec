import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load } from 'js-yaml';

const ROOT = path.resolve(__dirname, '..', '..', '..');

// Docker is not available where the tests run, so the compose file is checked by parsing it.
describe('docker-compose.yml', () => {
  const doc = load(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { healthcheck?: { test: unknown }; environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
  };

  it('has postgres, redis, api and worker, each with a health check', () => {
    assert.deepEqual(Object.keys(doc.services).sort(), ['api', 'postgres', 'redis', 'worker']);
    for (const [name, svc] of Object.entries(doc.services)) assert.ok(svc.healthcheck?.test, `${name} has a health check`);
  });

  it('points api and worker at the compose postgres and redis', () => {
    for (const name of ['api', 'worker']) {
      assert.match(doc.services[name].environment!.DATABASE_URL, /@postgres:5432\//);
      assert.match(doc.services[name].environment!.REDIS_URL, /redis:\/\/redis:6379/);
      assert.ok(doc.services[name].depends_on!.postgres);
    }
  });
});

describe('.env.example', () => {
  it('documents every environment variable the config reads', async () => {
    const { getMetadataStorage } = await import('class-validator');
    const { EnvDto } = await import('#config');
    const keys = new Set(getMetadataStorage().getTargetValidationMetadatas(EnvDto, '', true, false).map((m) => m.propertyName));
    const text = fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8');
    for (const key of keys) assert.match(text, new RegExp(`^#? ?${key}=`, 'm'), `${key} is in .env.example`);
  });
});
