import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dump } from 'js-yaml';
import { DomainError, ErrorCode } from '#common';
import { baseDocument, mutate, setAt } from './blueprint.fixture';
import { blueprintError, parseBlueprintOrThrow, parseBlueprintYaml } from './blueprint.parser';
import { hierarchyOrder, workerDefinitions } from './blueprint.hierarchy';

/** The repository root: the first ancestor of this (compiled) file holding blueprints/ and package.json. */
function findBlueprintsDir(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'blueprints');
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(candidate) && fs.statSync(candidate).isDirectory()) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`no blueprints/ folder above ${__dirname}`);
  }
}

describe('parseBlueprintYaml', () => {
  it('parses a valid document', () => {
    const r = parseBlueprintYaml(dump(baseDocument()));
    assert.deepEqual(r.problems, []);
    assert.equal(r.blueprint?.metadata.id, 'test-team-v1');
  });

  it('reports validation problems with their paths', () => {
    const r = parseBlueprintYaml(dump(mutate((d) => setAt(d, 'agents[4].count', '7-3'))));
    assert.equal(r.blueprint, null);
    assert.deepEqual(r.problems.map((p) => [p.path, p.rule]), [['agents[4].count', 'min_le_max']]);
  });

  it('refuses an unquoted numeric version instead of coercing it', () => {
    const text = dump(baseDocument()).replace("version: 1.0.0", 'version: 1.0');
    assert.match(text, /version: 1\.0\n/);
    const r = parseBlueprintYaml(text);
    assert.deepEqual(r.problems.map((p) => [p.path, p.rule]), [['metadata.version', 'type']]);
    assert.match(r.problems[0].message, /quote/);
  });

  it('gives a syntax error its line and column', () => {
    const r = parseBlueprintYaml('metadata:\n  id: broken\n  name: "unterminated\ncluster:\n  type: team\n');
    assert.equal(r.blueprint, null);
    assert.equal(r.problems.length, 1);
    assert.equal(r.problems[0].path, 'yaml');
    assert.equal(r.problems[0].rule, 'syntax');
    assert.match(r.problems[0].message, /line \d+, column \d+/);
  });

  it('refuses a custom tag', () => {
    const r = parseBlueprintYaml(dump(baseDocument()).replace('name: Test Team', 'name: !!js/function "function () {}"'));
    assert.deepEqual(r.problems.map((p) => [p.path, p.rule]), [['yaml', 'tag']]);
  });

  it('refuses a multi-document file', () => {
    const text = dump(baseDocument());
    assert.deepEqual(parseBlueprintYaml(`${text}---\n${text}`).problems.map((p) => p.rule), ['single_document']);
  });

  it('refuses a document that is a list', () => {
    assert.deepEqual(parseBlueprintYaml('- a\n- b\n').problems.map((p) => [p.path, p.rule]), [['document', 'type']]);
  });

  it('keeps unknown keys in raw', () => {
    const text = dump(baseDocument()) + 'future_section:\n  enabled: true\n';
    const r = parseBlueprintYaml(text);
    assert.ok(r.blueprint);
    assert.deepEqual(r.blueprint.raw.future_section, { enabled: true });
    assert.deepEqual(r.blueprint.raw.x_custom, { keep: 'me' });
  });

  it('honours maxBytes', () => {
    assert.deepEqual(parseBlueprintYaml(dump(baseDocument()), { maxBytes: 100 }).problems.map((p) => p.rule), ['max_size']);
  });
});

describe('parseBlueprintOrThrow', () => {
  it('returns the blueprint', () => {
    assert.equal(parseBlueprintOrThrow(dump(baseDocument())).agents.length, 6);
  });

  it('throws a validation DomainError carrying the problems', () => {
    assert.throws(
      () => parseBlueprintOrThrow(dump(mutate((d) => setAt(d, 'metadata.id', 'NO')))),
      (e: unknown) => {
        assert.ok(e instanceof DomainError);
        assert.equal(e.code, ErrorCode.ValidationFailed);
        assert.match(e.message, /metadata\.id/);
        assert.deepEqual((e.details as { problems: { path: string }[] }).problems.map((p) => p.path), ['metadata.id']);
        return true;
      },
    );
  });

  it('maps an oversized file to PAYLOAD_TOO_LARGE', () => {
    assert.equal(blueprintError([{ path: 'yaml', rule: 'max_size', message: 'too big' }]).code, ErrorCode.PayloadTooLarge);
  });
});

describe('shipped blueprints', () => {
  const dir = findBlueprintsDir();
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();

  it('are there', () => {
    for (const id of ['marketing-v1', 'einkauf-v1', 'engineering-project-v1', 'campaign-sprint-v1']) assert.ok(files.includes(`${id}.yaml`), id);
  });

  for (const file of files) {
    it(`${file} parses with zero problems and is named after its id`, () => {
      const r = parseBlueprintYaml(fs.readFileSync(path.join(dir, file), 'utf8'));
      assert.deepEqual(r.problems, []);
      assert.ok(r.blueprint);
      assert.equal(`${r.blueprint.metadata.id}.yaml`, file);
      // every agent is reachable from the supervisor, so spawning in this order links everyone
      const order = hierarchyOrder(r.blueprint);
      assert.equal(order[0].role, 'supervisor');
      const seen = new Set<string>();
      for (const a of order) {
        if (a.reportsTo !== null) assert.ok(seen.has(a.reportsTo), `${a.name} before ${a.reportsTo}`);
        seen.add(a.name);
      }
      for (const a of r.blueprint.agents) {
        assert.equal(a.config.llm_model, 'local', a.name);
        const traits = a.config.traits ?? {};
        if (traits['ethical.safety_priority'] !== undefined) assert.ok(traits['ethical.safety_priority'] >= 0.8, a.name);
        if (traits['ethical.harm_avoidance'] !== undefined) assert.ok(traits['ethical.harm_avoidance'] >= 0.85, a.name);
        if (traits['cognitive.risk_tolerance'] !== undefined) assert.ok(traits['cognitive.risk_tolerance'] <= 0.5, a.name);
      }
    });
  }

  it('marketing-v1 is exactly the contract of the SPEC', () => {
    const { blueprint: bp, problems } = parseBlueprintYaml(fs.readFileSync(path.join(dir, 'marketing-v1.yaml'), 'utf8'));
    assert.deepEqual(problems, []);
    assert.ok(bp);
    assert.deepEqual([bp.metadata.id, bp.metadata.name, bp.metadata.version], ['marketing-v1', 'Marketing Department', '1.0.0']);
    assert.deepEqual(bp.cluster, {
      type: 'department',
      minWorkers: 3,
      maxWorkers: 20,
      defaultWorkers: 5,
      scaling: { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300 },
    });
    assert.deepEqual(
      bp.agents.map((a) => [a.name, a.role, a.count, a.reportsTo]),
      [
        ['Marketing Supervisor', 'supervisor', { min: 1, max: 1 }, null],
        ['Market Analyst', 'specialist', { min: 1, max: 1 }, 'Marketing Supervisor'],
        ['Content Creator', 'specialist', { min: 1, max: 1 }, 'Marketing Supervisor'],
        ['Publishing Coordinator', 'specialist', { min: 1, max: 1 }, 'Marketing Supervisor'],
        ['Image Generator', 'worker', { min: 0, max: 5 }, 'Content Creator'],
        ['Video Creator', 'worker', { min: 0, max: 3 }, 'Content Creator'],
        ['Facebook Publisher', 'worker', { min: 0, max: 2 }, 'Publishing Coordinator'],
        ['Instagram Publisher', 'worker', { min: 0, max: 2 }, 'Publishing Coordinator'],
        ['LinkedIn Publisher', 'worker', { min: 0, max: 2 }, 'Publishing Coordinator'],
      ],
    );
    assert.deepEqual(bp.lifecycle, {
      hibernate: { idleSeconds: 3600, taskQueueEmpty: true, loadBelow: 0.1 },
      destroy: { hibernatedSeconds: 7 * 86400, manualTrigger: true },
      reactivateTriggers: ['new_task_received', 'manual_trigger', 'scheduled_campaign'],
    });
    assert.deepEqual(bp.budget, { currency: 'EUR', period: 'month', softLimit: 400, hardLimit: 500 });
    assert.ok(bp.monitoring?.alerts.some((a) => a.condition === 'error_rate > 10%' && a.action === 'notify_admin'));
    assert.ok(bp.resources);
    assert.equal(workerDefinitions(bp).length, 5);
  });

  it('cover every agent role, several cluster types and scaling metrics, and genesis templates', () => {
    const bps = files.map((f) => parseBlueprintYaml(fs.readFileSync(path.join(dir, f), 'utf8')).blueprint);
    const roles = new Set(bps.flatMap((b) => b?.agents.map((a) => a.role) ?? []));
    assert.deepEqual([...roles].sort(), ['lead', 'specialist', 'supervisor', 'worker']);
    const metrics = new Set(bps.map((b) => b?.cluster.scaling?.metric));
    for (const m of ['task_queue_length', 'load_percentage', 'tasks_per_minute']) assert.ok(metrics.has(m as never), m);
    const templates = new Set(bps.flatMap((b) => b?.agents.map((a) => a.genesisTemplate) ?? []));
    for (const t of ['supervisor_coordinator', 'research_analyst', 'content_writer', 'media_producer', 'social_publisher', 'procurement_specialist', 'software_engineer', 'qa_tester', 'generalist_worker']) {
      assert.ok(templates.has(t), t);
    }
  });
});
