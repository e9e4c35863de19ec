import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Problem } from '#common';
import { Doc, baseDocument, mutate, setAt } from './blueprint.fixture';
import { validateBlueprintDocument } from './blueprint.validator';

interface BrokenCase {
  name: string;
  change: (d: Doc) => void;
  path: string;
  rule: string;
  /** Set when the change legitimately causes further problems besides the one under test. */
  alsoOthers?: boolean;
}

const set = (path: string, value: unknown) => (d: Doc) => setAt(d, path, value);
const del = (path: string) => (d: Doc) => setAt(d, path, undefined);
const all =
  (...fns: ((d: Doc) => void)[]) =>
  (d: Doc) => {
    for (const f of fns) f(d);
  };

const CASES: BrokenCase[] = [
  // document and metadata
  { name: 'metadata missing', change: del('metadata'), path: 'metadata', rule: 'required' },
  { name: 'metadata not a mapping', change: set('metadata', ['x']), path: 'metadata', rule: 'type' },
  { name: 'id missing', change: del('metadata.id'), path: 'metadata.id', rule: 'required' },
  { name: 'id with capitals and underscore', change: set('metadata.id', 'Bad_ID'), path: 'metadata.id', rule: 'slug' },
  { name: 'id with a double dash', change: set('metadata.id', 'a--b'), path: 'metadata.id', rule: 'slug' },
  { name: 'id with a trailing dash', change: set('metadata.id', 'team-'), path: 'metadata.id', rule: 'slug' },
  { name: 'id too long', change: set('metadata.id', 'a'.repeat(101)), path: 'metadata.id', rule: 'max' },
  { name: 'id a number', change: set('metadata.id', 42), path: 'metadata.id', rule: 'type' },
  { name: 'name empty', change: set('metadata.name', '  '), path: 'metadata.name', rule: 'required' },
  { name: 'name too short', change: set('metadata.name', 'ab'), path: 'metadata.name', rule: 'min' },
  { name: 'name too long', change: set('metadata.name', 'n'.repeat(201)), path: 'metadata.name', rule: 'max' },
  { name: 'name with a control character', change: set('metadata.name', 'Bad\u0007Name'), path: 'metadata.name', rule: 'printable' },
  { name: 'version missing', change: del('metadata.version'), path: 'metadata.version', rule: 'required' },
  { name: 'version given as a YAML number', change: set('metadata.version', 1.0), path: 'metadata.version', rule: 'type' },
  { name: 'version with a v prefix', change: set('metadata.version', 'v1'), path: 'metadata.version', rule: 'semver' },
  { name: 'version with four parts', change: set('metadata.version', '1.0.0.0'), path: 'metadata.version', rule: 'semver' },
  { name: 'description too long', change: set('metadata.description', 'd'.repeat(2001)), path: 'metadata.description', rule: 'max' },
  { name: 'tags not a list', change: set('metadata.tags', 'a,b'), path: 'metadata.tags', rule: 'type' },
  { name: 'too many tags', change: set('metadata.tags', Array.from({ length: 51 }, (_, i) => `t${i}`)), path: 'metadata.tags', rule: 'max' },
  { name: 'tag too long', change: set('metadata.tags[0]', 't'.repeat(51)), path: 'metadata.tags[0]', rule: 'max' },
  { name: 'tag not a string', change: set('metadata.tags[1]', 7), path: 'metadata.tags[1]', rule: 'type' },

  // cluster
  { name: 'cluster missing', change: del('cluster'), path: 'cluster', rule: 'required' },
  { name: 'cluster type unknown', change: set('cluster.type', 'company'), path: 'cluster.type', rule: 'enum' },
  { name: 'cluster type missing', change: del('cluster.type'), path: 'cluster.type', rule: 'required' },
  { name: 'min_workers missing', change: del('cluster.min_workers'), path: 'cluster.min_workers', rule: 'required' },
  { name: 'min_workers negative', change: set('cluster.min_workers', -1), path: 'cluster.min_workers', rule: 'min' },
  { name: 'min_workers fractional', change: set('cluster.min_workers', 2.5), path: 'cluster.min_workers', rule: 'type' },
  { name: 'max_workers zero', change: set('cluster.max_workers', 0), path: 'cluster.max_workers', rule: 'min' },
  { name: 'max_workers above 1000', change: set('cluster.max_workers', 1001), path: 'cluster.max_workers', rule: 'max' },
  { name: 'max_workers a string', change: set('cluster.max_workers', '10'), path: 'cluster.max_workers', rule: 'type' },
  { name: 'max below min', change: all(set('cluster.min_workers', 5), set('cluster.max_workers', 4), set('cluster.default_workers', 4)), path: 'cluster.max_workers', rule: 'min_le_max' },
  { name: 'default above max', change: set('cluster.default_workers', 11), path: 'cluster.default_workers', rule: 'default_in_range' },
  { name: 'default below min', change: set('cluster.default_workers', 1), path: 'cluster.default_workers', rule: 'default_in_range' },
  { name: 'default a string', change: set('cluster.default_workers', '3'), path: 'cluster.default_workers', rule: 'type' },
  { name: 'min_workers unreachable by the worker ranges', change: all(set('cluster.min_workers', 8), set('cluster.default_workers', 8)), path: 'cluster.min_workers', rule: 'min_workers_reachable' },
  { name: 'scaling not a mapping', change: set('cluster.scaling', 'auto'), path: 'cluster.scaling', rule: 'type' },
  { name: 'scaling metric unknown', change: set('cluster.scaling.metric', 'latency'), path: 'cluster.scaling.metric', rule: 'enum' },
  { name: 'scaling metric missing', change: del('cluster.scaling.metric'), path: 'cluster.scaling.metric', rule: 'required' },
  { name: 'scale-up threshold missing', change: del('cluster.scaling.scale_up_threshold'), path: 'cluster.scaling.scale_up_threshold', rule: 'required' },
  { name: 'scale-up threshold not a number', change: set('cluster.scaling.scale_up_threshold', 'ten'), path: 'cluster.scaling.scale_up_threshold', rule: 'type' },
  { name: 'scale-down threshold negative', change: set('cluster.scaling.scale_down_threshold', -1), path: 'cluster.scaling.scale_down_threshold', rule: 'min' },
  { name: 'scale-down equal to scale-up', change: set('cluster.scaling.scale_down_threshold', 10), path: 'cluster.scaling.scale_down_threshold', rule: 'range' },
  { name: 'scale-down above scale-up', change: set('cluster.scaling.scale_down_threshold', 12), path: 'cluster.scaling.scale_down_threshold', rule: 'range' },
  { name: 'cooldown negative', change: set('cluster.scaling.cooldown_period', -5), path: 'cluster.scaling.cooldown_period', rule: 'min' },
  { name: 'cooldown unparseable', change: set('cluster.scaling.cooldown_period', 'soon'), path: 'cluster.scaling.cooldown_period', rule: 'duration' },
  { name: 'scaling mode unknown', change: set('cluster.scaling.mode', 'predictive'), path: 'cluster.scaling.mode', rule: 'enum' },
  { name: 'target tracking without target_per_worker', change: set('cluster.scaling.mode', 'target_tracking'), path: 'cluster.scaling.target_per_worker', rule: 'required' },
  { name: 'target_per_worker zero', change: set('cluster.scaling.target_per_worker', 0), path: 'cluster.scaling.target_per_worker', rule: 'min' },
  { name: 'target_per_worker a string', change: set('cluster.scaling.target_per_worker', 'five'), path: 'cluster.scaling.target_per_worker', rule: 'type' },
  { name: 'target_wait_seconds zero', change: set('cluster.scaling.target_wait_seconds', 0), path: 'cluster.scaling.target_wait_seconds', rule: 'min' },
  { name: 'target_wait_seconds unparseable', change: set('cluster.scaling.target_wait_seconds', 'soon'), path: 'cluster.scaling.target_wait_seconds', rule: 'duration' },
  { name: 'stabilization_window negative', change: set('cluster.scaling.stabilization_window', -1), path: 'cluster.scaling.stabilization_window', rule: 'min' },

  // agents: shape and fields
  { name: 'agents missing', change: del('agents'), path: 'agents', rule: 'required' },
  { name: 'agents empty', change: set('agents', []), path: 'agents', rule: 'min' },
  { name: 'agents not a list', change: set('agents', { chief: {} }), path: 'agents', rule: 'type' },
  { name: 'agent not a mapping', change: set('agents[5]', 'Researcher'), path: 'agents[5]', rule: 'type' },
  { name: 'role unknown', change: set('agents[1].role', 'manager'), path: 'agents[1].role', rule: 'enum' },
  { name: 'role missing', change: del('agents[3].role'), path: 'agents[3].role', rule: 'required' },
  { name: 'name missing', change: del('agents[5].name'), path: 'agents[5].name', rule: 'required' },
  { name: 'name duplicated', change: set('agents[2].name', 'Analyst'), path: 'agents[2].name', rule: 'unique', alsoOthers: true },
  { name: 'count range reversed', change: set('agents[4].count', '5-2'), path: 'agents[4].count', rule: 'min_le_max' },
  { name: 'count range above 1000', change: set('agents[4].count', '0-1001'), path: 'agents[4].count', rule: 'max' },
  { name: 'count negative', change: set('agents[5].count', -1), path: 'agents[5].count', rule: 'min' },
  { name: 'count a word', change: set('agents[5].count', 'many'), path: 'agents[5].count', rule: 'count' },
  { name: 'count fractional', change: set('agents[5].count', 1.5), path: 'agents[5].count', rule: 'count' },
  { name: 'capabilities not a list', change: set('agents[1].capabilities', 'market_research'), path: 'agents[1].capabilities', rule: 'type' },
  { name: 'skill not a string', change: set('agents[1].skills', [1]), path: 'agents[1].skills[0]', rule: 'type' },
  { name: 'capability empty', change: set('agents[1].capabilities', ['']), path: 'agents[1].capabilities[0]', rule: 'required' },
  { name: 'config not a mapping', change: set('agents[0].config', 'fast'), path: 'agents[0].config', rule: 'type' },
  { name: 'temperature above 2', change: set('agents[0].config.temperature', 2.5), path: 'agents[0].config.temperature', rule: 'max' },
  { name: 'temperature negative', change: set('agents[0].config.temperature', -0.1), path: 'agents[0].config.temperature', rule: 'min' },
  { name: 'max_tokens zero', change: set('agents[0].config.max_tokens', 0), path: 'agents[0].config.max_tokens', rule: 'min' },
  { name: 'max_tokens above 32000', change: set('agents[0].config.max_tokens', 32001), path: 'agents[0].config.max_tokens', rule: 'max' },
  { name: 'max_tokens fractional', change: set('agents[0].config.max_tokens', 100.5), path: 'agents[0].config.max_tokens', rule: 'type' },
  { name: 'llm_model empty', change: set('agents[0].config.llm_model', ''), path: 'agents[0].config.llm_model', rule: 'required' },
  { name: 'traits not a mapping', change: set('agents[0].config.traits', [0.9]), path: 'agents[0].config.traits', rule: 'type' },
  { name: 'trait above 1', change: set('agents[0].config.traits["ethical.safety_priority"]', 1.2), path: 'agents[0].config.traits.ethical.safety_priority', rule: 'max' },
  { name: 'trait below 0', change: set('agents[0].config.traits["cognitive.creativity"]', -0.2), path: 'agents[0].config.traits.cognitive.creativity', rule: 'min' },
  { name: 'trait not a number', change: set('agents[0].config.traits["ethical.safety_priority"]', 'high'), path: 'agents[0].config.traits.ethical.safety_priority', rule: 'type' },
  { name: 'genesis_template not snake_case', change: set('agents[0].genesis_template', 'Bad-Template'), path: 'agents[0].genesis_template', rule: 'slug' },

  // agents: hierarchy
  { name: 'no supervisor', change: all(set('agents[0].role', 'specialist'), set('agents[0].reports_to', 'Analyst'), set('agents[1].reports_to', 'Chief')), path: 'agents', rule: 'exactly_one_supervisor', alsoOthers: true },
  { name: 'two supervisors', change: all(set('agents[1].role', 'supervisor'), del('agents[1].reports_to')), path: 'agents[1].role', rule: 'exactly_one_supervisor' },
  { name: 'supervisor count above 1', change: set('agents[0].count', '1-2'), path: 'agents[0].count', rule: 'exactly_one_supervisor' },
  { name: 'supervisor count 0', change: set('agents[0].count', 0), path: 'agents[0].count', rule: 'exactly_one_supervisor' },
  { name: 'supervisor reports to someone', change: set('agents[0].reports_to', 'Analyst'), path: 'agents[0].reports_to', rule: 'supervisor_reports_to' },
  { name: 'non-supervisor without reports_to', change: del('agents[5].reports_to'), path: 'agents[5].reports_to', rule: 'required' },
  { name: 'reports_to an unknown agent', change: set('agents[4].reports_to', 'Nobody'), path: 'agents[4].reports_to', rule: 'unknown_reference' },
  { name: 'reports_to matches names case-sensitively', change: set('agents[4].reports_to', 'writer lead'), path: 'agents[4].reports_to', rule: 'unknown_reference' },
  { name: 'reports_to not a string', change: set('agents[4].reports_to', 3), path: 'agents[4].reports_to', rule: 'type' },
  { name: 'two-agent cycle', change: set('agents[1].reports_to', 'Researcher'), path: 'agents[1].reports_to', rule: 'cycle' },
  { name: 'self cycle', change: set('agents[3].reports_to', 'Writer Lead'), path: 'agents[3].reports_to', rule: 'cycle' },
  { name: 'three-agent cycle reported at its first member', change: set('agents[2].reports_to', 'Drafter'), path: 'agents[2].reports_to', rule: 'cycle' },

  // lifecycle
  { name: 'lifecycle not a mapping', change: set('lifecycle', 'soon'), path: 'lifecycle', rule: 'type' },
  { name: 'hibernate conditions not a list', change: set('lifecycle.hibernate_conditions', 'idle'), path: 'lifecycle.hibernate_conditions', rule: 'type' },
  { name: 'idle_time unparseable', change: set('lifecycle.hibernate_conditions[0].idle_time', 'forever'), path: 'lifecycle.hibernate_conditions[0].idle_time', rule: 'duration' },
  { name: 'load_below above 100%', change: set('lifecycle.hibernate_conditions[2].load_below', '150%'), path: 'lifecycle.hibernate_conditions[2].load_below', rule: 'percentage' },
  { name: 'load_below without a percent sign', change: set('lifecycle.hibernate_conditions[2].load_below', '0.5'), path: 'lifecycle.hibernate_conditions[2].load_below', rule: 'percentage' },
  { name: 'task_queue_empty not a boolean', change: set('lifecycle.hibernate_conditions[1].task_queue_empty', 'yes'), path: 'lifecycle.hibernate_conditions[1].task_queue_empty', rule: 'type' },
  { name: 'unknown hibernate condition', change: set('lifecycle.hibernate_conditions[1]', { sleep_when: true }), path: 'lifecycle.hibernate_conditions[1].sleep_when', rule: 'enum' },
  { name: 'condition item with two keys', change: set('lifecycle.hibernate_conditions[0]', { idle_time: '1 hour', task_queue_empty: true }), path: 'lifecycle.hibernate_conditions[0]', rule: 'type' },
  { name: 'condition given twice', change: set('lifecycle.hibernate_conditions[1]', { idle_time: '2 hours' }), path: 'lifecycle.hibernate_conditions[1].idle_time', rule: 'unique' },
  { name: 'hibernated_duration unparseable', change: set('lifecycle.destroy_conditions[0].hibernated_duration', 'a while'), path: 'lifecycle.destroy_conditions[0].hibernated_duration', rule: 'duration' },
  { name: 'manual_trigger not a boolean', change: set('lifecycle.destroy_conditions[1].manual_trigger', 'on'), path: 'lifecycle.destroy_conditions[1].manual_trigger', rule: 'type' },
  { name: 'reactivate trigger not a string', change: set('lifecycle.reactivate_triggers[0]', 1), path: 'lifecycle.reactivate_triggers[0]', rule: 'type' },

  // budget, monitoring, resources
  { name: 'currency not three letters', change: set('budget.currency', 'EURO'), path: 'budget.currency', rule: 'currency' },
  { name: 'currency missing', change: del('budget.currency'), path: 'budget.currency', rule: 'required' },
  { name: 'budget period unknown', change: set('budget.period', 'year'), path: 'budget.period', rule: 'enum' },
  { name: 'soft limit negative', change: set('budget.soft_limit', -1), path: 'budget.soft_limit', rule: 'min' },
  { name: 'hard limit missing', change: del('budget.hard_limit'), path: 'budget.hard_limit', rule: 'required' },
  { name: 'hard limit not a number', change: set('budget.hard_limit', '500 EUR'), path: 'budget.hard_limit', rule: 'type' },
  { name: 'soft above hard', change: set('budget.soft_limit', 600), path: 'budget.soft_limit', rule: 'soft_le_hard' },
  { name: 'alert without action', change: del('monitoring.alerts[0].action'), path: 'monitoring.alerts[0].action', rule: 'required' },
  { name: 'alert with empty condition', change: set('monitoring.alerts[0].condition', ''), path: 'monitoring.alerts[0].condition', rule: 'required' },
  { name: 'alert not a mapping', change: set('monitoring.alerts[0]', 'error_rate > 10%'), path: 'monitoring.alerts[0]', rule: 'type' },
  { name: 'monitoring metrics not a list', change: set('monitoring.metrics', 'cpu'), path: 'monitoring.metrics', rule: 'type' },
  { name: 'resources not a mapping', change: set('resources', 'lots'), path: 'resources', rule: 'type' },
];

function show(problems: Problem[]): string {
  return problems.map((p) => `${p.path} [${p.rule}] ${p.message}`).join('\n');
}

describe('validateBlueprintDocument: the base document', () => {
  it('is valid', () => {
    const r = validateBlueprintDocument(baseDocument());
    assert.deepEqual(r.problems, []);
    assert.ok(r.blueprint);
  });
});

describe('validateBlueprintDocument: broken blueprints', () => {
  it(`has at least 40 cases`, () => assert.ok(CASES.length >= 40, String(CASES.length)));

  for (const c of CASES) {
    it(`${c.name} -> ${c.path} [${c.rule}]`, () => {
      const r = validateBlueprintDocument(mutate(c.change));
      assert.equal(r.blueprint, null);
      const hit = r.problems.find((p) => p.path === c.path && p.rule === c.rule);
      assert.ok(hit, `expected ${c.path} [${c.rule}], got:\n${show(r.problems)}`);
      // the message names the field, so a 400 body is understandable on its own
      assert.ok(hit.message.includes(c.path.split('.')[0].replace(/\[.*$/, '')), hit.message);
      if (!c.alsoOthers) assert.equal(r.problems.length, 1, `expected only one problem, got:\n${show(r.problems)}`);
    });
  }

  it('names the members of a cycle', () => {
    const r = validateBlueprintDocument(mutate(set('agents[2].reports_to', 'Drafter')));
    const cycle = r.problems.find((p) => p.rule === 'cycle');
    assert.ok(cycle);
    for (const name of ['Writer', 'Writer Lead', 'Drafter']) assert.ok(cycle.message.includes(name), cycle.message);
  });

  it('returns every problem, not just the first', () => {
    const r = validateBlueprintDocument(
      mutate(
        all(
          set('metadata.id', 'Bad Id'),
          set('cluster.type', 'nope'),
          set('agents[4].count', '9-1'),
          set('agents[5].reports_to', 'Ghost'),
          set('lifecycle.hibernate_conditions[0].idle_time', 'later'),
          set('budget.soft_limit', 900),
        ),
      ),
    );
    assert.deepEqual(
      r.problems.map((p) => `${p.path} ${p.rule}`),
      [
        'metadata.id slug',
        'cluster.type enum',
        'agents[4].count min_le_max',
        'agents[5].reports_to unknown_reference',
        'lifecycle.hibernate_conditions[0].idle_time duration',
        'budget.soft_limit soft_le_hard',
      ],
    );
  });

  it('refuses a document that is not a mapping', () => {
    for (const doc of [null, undefined, 'text', 42, ['a']]) {
      const r = validateBlueprintDocument(doc);
      assert.equal(r.blueprint, null);
      assert.deepEqual(r.problems.map((p) => [p.path, p.rule]), [['document', 'type']]);
    }
  });

  it('reports all three required sections of an empty mapping', () => {
    const r = validateBlueprintDocument({});
    assert.deepEqual(r.problems.map((p) => `${p.path} ${p.rule}`), ['metadata required', 'cluster required', 'agents required']);
  });
});

describe('validateBlueprintDocument: normalisation', () => {
  const bp = () => {
    const r = validateBlueprintDocument(baseDocument());
    assert.ok(r.blueprint, show(r.problems));
    return r.blueprint;
  };

  it('resolves reports_to, including the "supervisor" shorthand, to agent names', () => {
    const names = Object.fromEntries(bp().agents.map((a) => [a.name, a.reportsTo]));
    assert.deepEqual(names, { Chief: null, Analyst: 'Chief', Writer: 'Chief', 'Writer Lead': 'Writer', Drafter: 'Writer Lead', Researcher: 'Analyst' });
  });

  it('reads counts, defaulting an absent count to exactly one', () => {
    const counts = Object.fromEntries(bp().agents.map((a) => [a.name, a.count]));
    assert.deepEqual(counts.Drafter, { min: 0, max: 5 });
    assert.deepEqual(counts.Researcher, { min: 2, max: 2 });
    assert.deepEqual(counts.Writer, { min: 1, max: 1 });
  });

  it('reads the cluster, scaling, lifecycle and budget sections', () => {
    const b = bp();
    assert.deepEqual(b.metadata, { id: 'test-team-v1', name: 'Test Team', version: '1.0.0', author: 'tests', description: 'A small team used by the unit tests.', tags: ['test', 'unit'] });
    assert.deepEqual(b.cluster, { type: 'team', minWorkers: 2, maxWorkers: 10, defaultWorkers: 3, scaling: { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300 } });
    assert.deepEqual(b.lifecycle, { hibernate: { idleSeconds: 3600, taskQueueEmpty: true, loadBelow: 0.1 }, destroy: { hibernatedSeconds: 604800, manualTrigger: true }, reactivateTriggers: ['new_task_received', 'manual_trigger'] });
    assert.deepEqual(b.budget, { currency: 'EUR', period: 'month', softLimit: 400, hardLimit: 500 });
    assert.deepEqual(b.monitoring, { metrics: ['task_queue_length', 'error_rate'], alerts: [{ condition: 'error_rate > 10%', action: 'notify_admin' }] });
    assert.deepEqual(b.resources, { tools: ['web_search'] });
  });

  it('keeps unknown keys in raw, at the top and inside agents and config', () => {
    const d = mutate(all(set('agents[1].mood', 'cheerful'), set('cluster.region', 'eu')));
    const r = validateBlueprintDocument(d);
    assert.ok(r.blueprint, show(r.problems));
    assert.deepEqual(r.blueprint.raw.x_custom, { keep: 'me' });
    assert.equal((r.blueprint.raw.cluster as Record<string, unknown>).region, 'eu');
    assert.equal(r.blueprint.agents[1].raw.mood, 'cheerful');
    assert.equal(r.blueprint.agents[4].config.custom_knob, 7);
    assert.equal(r.blueprint.agents[1].genesisTemplate, undefined);
    assert.equal(r.blueprint.agents[0].genesisTemplate, 'supervisor_coordinator');
  });

  it('defaults default_workers to min_workers and the cooldown to 300 s', () => {
    const r = validateBlueprintDocument(mutate(all(del('cluster.default_workers'), del('cluster.scaling.cooldown_period'))));
    assert.ok(r.blueprint, show(r.problems));
    assert.equal(r.blueprint.cluster.defaultWorkers, 2);
    assert.equal(r.blueprint.cluster.scaling?.cooldownSeconds, 300);
  });

  it('accepts a cooldown written as a duration', () => {
    const r = validateBlueprintDocument(mutate(set('cluster.scaling.cooldown_period', '5 minutes')));
    assert.equal(r.blueprint?.cluster.scaling?.cooldownSeconds, 300);
  });

  it('reads the optional target-tracking and wait-time settings', () => {
    const r = validateBlueprintDocument(
      mutate(all(set('cluster.scaling.mode', 'target_tracking'), set('cluster.scaling.target_per_worker', 2.5), set('cluster.scaling.target_wait_seconds', '2 minutes'), set('cluster.scaling.stabilization_window', 300))),
    );
    assert.ok(r.blueprint, show(r.problems));
    assert.deepEqual(r.blueprint.cluster.scaling, {
      metric: 'task_queue_length',
      scaleUpThreshold: 10,
      scaleDownThreshold: 2,
      cooldownSeconds: 300,
      mode: 'target_tracking',
      targetPerWorker: 2.5,
      targetWaitSeconds: 120,
      stabilizationWindowSeconds: 300,
    });
    const plain = validateBlueprintDocument(mutate(all(set('cluster.scaling.mode', 'threshold'), set('cluster.scaling.target_wait_seconds', 45))));
    assert.deepEqual(plain.blueprint?.cluster.scaling, { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300, mode: 'threshold', targetWaitSeconds: 45 });
  });

  it('treats optional sections as absent when missing or null', () => {
    const r = validateBlueprintDocument(mutate(all(del('lifecycle'), set('budget', null), del('monitoring'), del('resources'), del('cluster.scaling'))));
    assert.ok(r.blueprint, show(r.problems));
    assert.equal(r.blueprint.budget, null);
    assert.equal(r.blueprint.monitoring, null);
    assert.equal(r.blueprint.resources, null);
    assert.equal(r.blueprint.cluster.scaling, null);
    assert.deepEqual(r.blueprint.lifecycle, { hibernate: null, destroy: null, reactivateTriggers: [] });
  });

  it('accepts lifecycle conditions written as one mapping', () => {
    const r = validateBlueprintDocument(mutate(set('lifecycle.hibernate_conditions', { idle_time: '30 minutes', load_below: 5 })));
    assert.deepEqual(r.blueprint?.lifecycle.hibernate, { idleSeconds: 1800, loadBelow: 0.05 });
  });

  it('accepts semver-like versions', () => {
    for (const v of ['1', '1.0', '1.0.0', '1.0.0-beta.1', '2.3.4+build.7']) {
      const r = validateBlueprintDocument(mutate(set('metadata.version', v)));
      assert.deepEqual(r.problems, [], v);
    }
  });

  it('upper-cases the currency', () => {
    assert.equal(validateBlueprintDocument(mutate(set('budget.currency', 'usd'))).blueprint?.budget?.currency, 'USD');
  });

  it('lets an agent literally named "supervisor" be the supervisor', () => {
    const r = validateBlueprintDocument(mutate(all(set('agents[0].name', 'supervisor'), set('agents[2].reports_to', 'supervisor'))));
    assert.ok(r.blueprint, show(r.problems));
    assert.equal(r.blueprint.agents[2].reportsTo, 'supervisor');
  });

  it('does not let a __proto__ key reach the prototype', () => {
    const d = baseDocument();
    Object.defineProperty(d, '__proto__', { value: { polluted: true }, enumerable: true });
    const r = validateBlueprintDocument(d);
    assert.ok(r.blueprint);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
