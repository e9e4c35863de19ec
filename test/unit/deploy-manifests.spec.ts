import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { load, loadAll } from 'js-yaml';
import { getMetadataStorage } from 'class-validator';
import { EnvDto, loadConfig } from '#config';
import { QueueName } from '../../libs/queue/src/queue.enum';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const K8S = path.join(ROOT, 'deploy', 'kubernetes');
/** seconds the kubelet / compose must leave beyond the app's own shutdown bound */
const MARGIN_SECONDS = 5;
/** files in deploy/kubernetes that kustomization.yaml may leave out (they need an operator's CRDs) */
const OPTIONAL_FILES = ['servicemonitor.yaml'];

// Docker and Kubernetes are not available where the tests run: the manifests are checked by parsing.

/* eslint-disable @typescript-eslint/no-explicit-any -- parsed YAML is untyped; the asserts check shapes */
type Doc = Record<string, any>;
interface Found {
  file: string;
  doc: Doc;
}
interface Container {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
}
interface Probe {
  httpGet?: { path: string; port: number | string };
  tcpSocket?: { port: number | string };
  exec?: { command: string[] };
}

function yamlFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? yamlFiles(path.join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [path.join(dir, e.name)] : []));
}

/** The environment variables the app reads: the properties of EnvDto (class-validator metadata). */
export function envKeys(): Set<string> {
  return new Set(getMetadataStorage().getTargetValidationMetadatas(EnvDto, '', true, false).map((m) => m.propertyName));
}

/** `${VAR:-default}` and `${VAR-default}` as compose would interpolate them with VAR unset. */
function composeDefault(value: string): string {
  return value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/\$\{\w+\}/g, '');
}

/** compose durations: `40s`, `1m30s`, `500ms` → seconds */
function composeSeconds(d: string | undefined): number {
  if (!d) return 10; // compose's default stop_grace_period
  let total = 0;
  for (const m of d.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) total += Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  return total;
}

function commandOf(p: Probe | undefined): string {
  return (p?.exec?.command ?? []).join(' ');
}

describe('deploy/kubernetes manifests', () => {
  const files = yamlFiles(K8S);
  const docs: Found[] = files.flatMap((file) =>
    (loadAll(fs.readFileSync(file, 'utf8')) as unknown[]).filter((d): d is Doc => !!d && typeof d === 'object').map((doc) => ({ file: path.relative(K8S, file), doc })),
  );
  const find = (kind: string, name?: string) => docs.filter((d) => d.doc.kind === kind && (name === undefined || d.doc.metadata?.name === name)).map((d) => d.doc);
  const one = (kind: string, name: string) => {
    const found = find(kind, name);
    assert.equal(found.length, 1, `exactly one ${kind} ${name}`);
    return found[0];
  };
  const config = () => {
    const cms = find('ConfigMap');
    assert.equal(cms.length, 1, 'one ConfigMap');
    return cms[0].data as Record<string, string>;
  };
  const podSpec = (kind: string, name: string) => one(kind, name).spec.template.spec as Doc;
  const appContainer = (name: string) => (podSpec('Deployment', name).containers as Container[]).find((c) => c.name === name)!;
  const shutdownGrace = () => Number(config().SHUTDOWN_GRACE_SECONDS ?? 30);
  const workloads = () => docs.filter((d) => ['Deployment', 'StatefulSet', 'Job', 'CronJob', 'Pod'].includes(d.doc.kind)).map((d) => d.doc);
  const podOf = (w: Doc): Doc => (w.kind === 'Pod' ? w.spec : w.kind === 'CronJob' ? w.spec.jobTemplate.spec.template.spec : w.spec.template.spec);
  const allContainers = (w: Doc): Container[] => [...(podOf(w).initContainers ?? []), ...(podOf(w).containers ?? [])];

  before(() => assert.ok(files.length > 0, 'deploy/kubernetes has YAML files'));

  it('parses; every document has apiVersion, kind and a name', () => {
    for (const { file, doc } of docs) {
      assert.ok(doc.apiVersion && doc.kind, `${file}: apiVersion and kind`);
      if (doc.kind !== 'Kustomization') assert.ok(doc.metadata?.name, `${file}: ${doc.kind} has a name`);
    }
  });

  it('kustomization.yaml lists files that exist, and every file except the optional ones', () => {
    const k = find('Kustomization');
    assert.equal(k.length, 1);
    const resources = k[0].resources as string[];
    for (const r of resources) assert.ok(fs.existsSync(path.join(K8S, r)), `${r} exists`);
    for (const f of files.map((f) => path.relative(K8S, f))) {
      if (f === 'kustomization.yaml' || OPTIONAL_FILES.includes(f)) continue;
      assert.ok(resources.includes(f), `${f} is in kustomization.yaml`);
    }
    assert.ok(find('Namespace').length === 1, 'a Namespace');
  });

  it('has the api and worker Deployments, the api Service, the ScaledObject, a ConfigMap and a Secret', () => {
    one('Deployment', 'api');
    one('Deployment', 'worker');
    one('Service', 'api');
    assert.ok(find('ScaledObject').length >= 1, 'a ScaledObject');
    config();
    assert.ok(find('Secret', 'brain-secrets').length === 1, 'the app Secret');
    assert.match(appContainer('api').command!.join(' '), /dist\/apps\/api\/src\/main\.js/);
    assert.match(appContainer('worker').command!.join(' '), /dist\/apps\/worker\/src\/main\.js/);
  });

  it('serves the api on PORT: container port, Service target, scrape annotation', () => {
    const port = Number(config().PORT);
    assert.ok(port > 0, 'PORT is set in the ConfigMap');
    const api = appContainer('api');
    const http = api.ports!.find((p) => p.name === 'http')!;
    assert.equal(http.containerPort, port);
    const svc = one('Service', 'api');
    for (const p of svc.spec.ports as { targetPort: number | string }[]) assert.ok(p.targetPort === port || p.targetPort === 'http', 'Service targets the api port');
    const podLabels = one('Deployment', 'api').spec.template.metadata.labels as Record<string, string>;
    for (const [k, v] of Object.entries(svc.spec.selector as Record<string, string>)) assert.equal(podLabels[k], v, `Service selector ${k} matches the api pods`);
    const annotations = one('Deployment', 'api').spec.template.metadata.annotations ?? {};
    const monitors = find('ServiceMonitor');
    assert.ok(annotations['prometheus.io/scrape'] === 'true' || monitors.length > 0, 'the api is scraped');
    if (annotations['prometheus.io/scrape'] === 'true') {
      assert.equal(Number(annotations['prometheus.io/port']), port);
      assert.equal(annotations['prometheus.io/path'], '/metrics');
    }
    for (const m of monitors) assert.equal(m.spec.endpoints[0].path, '/metrics');
  });

  it('probes the api on /health (tolerating a dependency outage) or its port', () => {
    const port = Number(config().PORT);
    const api = appContainer('api');
    for (const kind of ['readinessProbe', 'livenessProbe'] as const) {
      const p = api[kind];
      assert.ok(p, `api has a ${kind}`);
      const ok =
        (p.httpGet && p.httpGet.path === '/health' && (p.httpGet.port === 'http' || Number(p.httpGet.port) === port)) ||
        (p.tcpSocket && (p.tcpSocket.port === 'http' || Number(p.tcpSocket.port) === port)) ||
        (/\/health/.test(commandOf(p)) && /process\.env\.PORT/.test(commandOf(p)));
      assert.ok(ok, `api ${kind}: httpGet /health, tcpSocket or an exec on /health at PORT`);
    }
    // a liveness that fails on 503 would restart every api when PostgreSQL or Redis is down
    assert.ok(!api.livenessProbe!.httpGet, 'api liveness does not fail on /health 503 (dependency down)');
  });

  it('probes the worker with the compiled healthcheck script', () => {
    const worker = appContainer('worker');
    const script = 'dist/apps/worker/src/healthcheck.js';
    assert.ok(fs.existsSync(path.join(ROOT, script)), `${script} is built`);
    for (const kind of ['readinessProbe', 'livenessProbe'] as const) assert.equal(commandOf(worker[kind]), `node ${script}`, `worker ${kind}`);
  });

  it('leaves the processes time to shut down: terminationGracePeriodSeconds >= SHUTDOWN_GRACE_SECONDS + preStop + margin', () => {
    const grace = shutdownGrace();
    const api = podSpec('Deployment', 'api');
    const pre = appContainer('api').lifecycle?.preStop;
    assert.ok(pre, 'the api has a preStop hook');
    const sleep = pre.sleep?.seconds ?? Number(pre.exec?.command.join(' ').match(/sleep (\d+)/)?.[1] ?? NaN);
    assert.ok(sleep > 0, 'the preStop hook sleeps');
    assert.ok(api.terminationGracePeriodSeconds >= grace + sleep + MARGIN_SECONDS, `api: ${api.terminationGracePeriodSeconds} >= ${grace} + ${sleep} + ${MARGIN_SECONDS}`);
    const worker = podSpec('Deployment', 'worker');
    assert.ok(worker.terminationGracePeriodSeconds >= grace + MARGIN_SECONDS, `worker: ${worker.terminationGracePeriodSeconds} >= ${grace} + ${MARGIN_SECONDS}`);
  });

  it('sets resources on every container', () => {
    for (const w of workloads())
      for (const c of allContainers(w)) {
        assert.ok(c.resources?.requests?.cpu && c.resources.requests.memory, `${w.metadata.name}/${c.name}: cpu and memory requests`);
        assert.ok(c.resources.limits?.memory, `${w.metadata.name}/${c.name}: a memory limit`);
      }
  });

  it('migrates before the processes start when MIGRATE_ON_START is false', () => {
    const migrateScript = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.migrate.match(/node (\S+migrate\.js)/)![1];
    assert.ok(fs.existsSync(path.join(ROOT, migrateScript)), `${migrateScript} is built`);
    const runsMigrate = (c: Container) => [...(c.command ?? []), ...(c.args ?? [])].join(' ') === `node ${migrateScript}`;
    const jobMigrates = find('Job').some((j) => allContainers(j).some(runsMigrate));
    for (const name of ['api', 'worker']) {
      const env = appContainer(name).env?.find((e) => e.name === 'MIGRATE_ON_START')?.value ?? config().MIGRATE_ON_START ?? 'true';
      if (env !== 'false') continue;
      const init = (podSpec('Deployment', name).initContainers ?? []) as Container[];
      assert.ok(jobMigrates || init.some(runsMigrate), `${name}: MIGRATE_ON_START=false and a migration Job or init container runs ${migrateScript}`);
    }
    assert.ok(['api', 'worker'].some((n) => (appContainer(n).env?.find((e) => e.name === 'MIGRATE_ON_START')?.value ?? config().MIGRATE_ON_START) === 'false'));
  });

  it('scales the worker with KEDA on <QUEUE_PREFIX>:tasks:wait, never to zero', () => {
    const cfg = config();
    assert.equal(cfg.QUEUE_BACKEND, 'redis', 'KEDA reads Redis: the backend is set to redis explicitly');
    assert.ok(cfg.QUEUE_PREFIX, 'QUEUE_PREFIX is set explicitly, so KEDA knows the key');
    const so = find('ScaledObject').find((s) => s.spec.scaleTargetRef.name === 'worker');
    assert.ok(so, 'a ScaledObject targets the worker Deployment');
    assert.ok((so.spec.scaleTargetRef.kind ?? 'Deployment') === 'Deployment');
    assert.ok(so.spec.minReplicaCount >= 1, 'at least one worker: it runs the system-wide ticks');
    assert.ok(so.spec.maxReplicaCount >= so.spec.minReplicaCount);
    const trigger = (so.spec.triggers as { type: string; metadata: Record<string, string>; authenticationRef?: { name: string } }[]).find((t) => t.type === 'redis');
    assert.ok(trigger, 'a redis trigger');
    assert.equal(trigger.metadata.listName, `${cfg.QUEUE_PREFIX}:${QueueName.Tasks}:wait`);
    assert.ok(Number(trigger.metadata.listLength) > 0);
    assert.match(trigger.metadata.address ?? '', /^[\w.-]+:\d+$/, 'address is host:port');
    if (trigger.authenticationRef) one('TriggerAuthentication', trigger.authenticationRef.name);
    assert.equal(one('Deployment', 'worker').spec.replicas, undefined, 'the worker Deployment leaves replicas to KEDA');
  });

  it('sets only environment variables the app reads', () => {
    const keys = envKeys();
    for (const w of workloads())
      for (const c of allContainers(w)) {
        for (const e of c.env ?? []) assert.ok(keys.has(e.name), `${w.metadata.name}/${c.name}: env ${e.name} is read by the app`);
        for (const ref of c.envFrom ?? []) {
          const [kind, name] = ref.configMapRef ? ['ConfigMap', ref.configMapRef.name] : ['Secret', ref.secretRef!.name];
          const src = one(kind, name);
          for (const key of Object.keys({ ...src.data, ...src.stringData })) assert.ok(keys.has(key), `${kind} ${name}: ${key} is read by the app`);
        }
      }
  });

  it('has a valid configuration: the ConfigMap and Secret pass the app config validation', () => {
    const secret = one('Secret', 'brain-secrets');
    const env = { ...config(), ...secret.stringData } as Record<string, string>;
    for (const k of ['DATABASE_URL', 'REDIS_URL', 'ADMIN_API_KEY']) assert.ok(env[k], `${k} is in the Secret`);
    const cfg = loadConfig(env);
    assert.equal(cfg.queue.backend, 'redis');
    assert.equal(cfg.database.migrateOnStart, false);
    assert.ok(cfg.database.url, 'DATABASE_URL set: no embedded PostgreSQL in a pod');
  });

  it('ships placeholders only in Secrets', () => {
    for (const s of find('Secret')) {
      assert.equal(s.data, undefined, `${s.metadata.name}: stringData placeholders, no encoded data`);
      for (const [k, v] of Object.entries(s.stringData as Record<string, string>)) assert.match(v, /change-me/, `${s.metadata.name}.${k} is a change-me placeholder`);
    }
  });
});

describe('docker-compose.yml for deployment', () => {
  const compose = load(fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { command?: string[]; environment?: Record<string, string | null>; healthcheck?: { test: string[] }; stop_grace_period?: string }>;
  };
  const app = ['api', 'worker'] as const;
  /** the environment a container gets with nothing set in the shell: `${X:-d}` → d (`${X:-}` → empty, which is set), `KEY:` (pass-through) → unset */
  const envOf = (name: string) =>
    Object.fromEntries(
      Object.entries(compose.services[name].environment ?? {})
        .filter((e): e is [string, string] => e[1] !== null && e[1] !== undefined)
        .map(([k, v]) => [k, composeDefault(String(v))]),
    ) as Record<string, string>;

  it('health checks: api on /health at PORT, worker with healthcheck.js', () => {
    const api = compose.services.api;
    assert.match(api.healthcheck!.test.join(' '), new RegExp(`:${envOf('api').PORT ?? 3000}/health`));
    assert.deepEqual(compose.services.worker.healthcheck!.test, ['CMD', 'node', 'dist/apps/worker/src/healthcheck.js']);
  });

  it('sets only environment variables the app reads, with values that pass validation', () => {
    const keys = envKeys();
    for (const name of app) {
      for (const key of Object.keys(compose.services[name].environment ?? {})) assert.ok(keys.has(key), `${name}: ${key} is read by the app`);
      assert.doesNotThrow(() => loadConfig(envOf(name)), `${name}: the compose environment is valid with nothing set in the shell`);
    }
  });

  it('leaves api and worker time to shut down (stop_grace_period)', () => {
    for (const name of app) {
      const grace = Number(envOf(name).SHUTDOWN_GRACE_SECONDS ?? 30);
      const stop = composeSeconds(compose.services[name].stop_grace_period);
      assert.ok(stop >= grace + MARGIN_SECONDS, `${name}: stop_grace_period ${stop} s >= ${grace} + ${MARGIN_SECONDS}`);
    }
  });
});

describe('README configuration table', () => {
  it('lists exactly the keys of .env.example', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const section = readme.split(/^## Configuration$/m)[1]?.split(/^## /m)[0];
    assert.ok(section, 'README has a "## Configuration" section');
    const listed: string[] = [];
    for (const line of section.split('\n')) {
      const first = line.match(/^\|\s*([^|]*?)\s*\|/)?.[1];
      if (!first || !first.includes('`')) continue; // header and separator rows
      for (const part of first.split(' / ')) listed.push(part.trim().match(/^`([A-Z][A-Z0-9_]*)`$/)?.[1] ?? `<unparsed: ${part}>`);
    }
    const example = [...fs.readFileSync(path.join(ROOT, '.env.example'), 'utf8').matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    assert.equal(new Set(listed).size, listed.length, 'no key listed twice');
    assert.deepEqual([...listed].sort(), [...new Set(example)].sort());
  });
});
