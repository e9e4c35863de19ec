import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GENERATED_AT, marketingInput, MARKETING_AGENTS, SUPERVISOR } from './manifest.fixture';
import { ManifestAgent, ManifestInput } from './manifest.types';
import { HIERARCHY_CHILDREN_CAP, renderReadme } from './readme.renderer';

const worker = (i: number, reportsToId = 'a1', status = 'idle'): ManifestAgent => ({
  id: `w${i}`,
  name: `Image Generator ${i}`,
  role: 'worker',
  status,
  capabilities: ['image_generation'],
  skills: ['visual_design'],
  reportsToId,
});

const SECTIONS = ['## Overview', '## Current state', '## Hierarchy', '## Capabilities', '## Recent activity', '## Metrics', '## Cost'];

interface Case {
  name: string;
  input: ManifestInput;
  has?: (string | RegExp)[];
  lacks?: (string | RegExp)[];
}

const cases: Case[] = [
  {
    name: 'a running marketing cluster',
    input: marketingInput(),
    has: [
      '# Test Marketing Cluster',
      'Generated at 2025-06-01 12:00:00 UTC',
      'Campaigns for the autumn launch.',
      '- Blueprint: `marketing-v1` version 1.0.0',
      '- Status: active\n',
      '- Workers: 3 live, target 3 (min 0, max 20)',
      '- Autoscaling: on; threshold on `task_queue_length`: up above 10, down below 2, cooldown 300 s',
      '- Agents present: 6 (supervisor 1, specialist 2, worker 3); by status: idle 5, busy 1',
      [
        '- **Marketing Supervisor** (supervisor, idle)',
        '  - **Content Creator** (specialist, idle)',
        '    - **Image Generator 1** (worker, busy)',
        '    - **Image Generator 2** (worker, idle)',
        '  - **Publishing Coordinator** (specialist, idle)',
        '    - **Facebook Publisher 1** (worker, idle)',
      ].join('\n'),
      '| `image_generation` | 2 |',
      '| `social_publishing` | 2 |',
      'held by no agent present (tasks that need them wait): `linkedin_publishing`.',
      // newest first
      /ScaledUp \| 2 → 3 \| task\\_queue\\_length 15 above 10 \|\n\| 2025-06-01 10:00:00 UTC \| manual \| Created \| 0 → 2/,
      '| 4 | 1 | 20 | 2 |',
      '| 4 | 12 s | 1.50 | 33.3 % | 9.1 % |',
      '- Tasks: 0.012300 USD in all, over 22 priced tasks.',
      '/costs`.',
    ],
    lacks: ['Not attached', 'No metrics sample'],
  },
  {
    name: 'a cluster with no agents yet (spawning)',
    input: marketingInput({
      agents: [],
      decisions: [],
      metrics: null,
      tasks: { queued: 0, running: 0, succeeded: 0, failed: 0 },
      cost: { currency: 'USD', taskCostTotal: '0', pricedTasks: 0 },
      cluster: { ...marketingInput().cluster, status: 'spawning', currentWorkers: 0, startedAt: null, description: null },
    }),
    has: [
      '- Status: spawning',
      '- Workers: 0 live, target 3',
      '- Started: not yet',
      '- Agents present: none',
      '## Hierarchy\n\nNo agents are present.',
      'No agent present holds a capability.',
      '`content_writing`, `coordination`',
      'No scaling decision has changed anything yet.',
      'No metrics sample yet.',
      '- Tasks: 0 USD in all, over 0 priced tasks.',
    ],
    lacks: ['| capability | agents |', 'Campaigns'],
  },
  {
    name: 'a failed cluster with its reason, paused autoscaling in target tracking',
    input: marketingInput({
      cluster: {
        ...marketingInput().cluster,
        status: 'failed',
        statusReason: 'supervisor Marketing Supervisor was refused by Genesis: safety',
        autoscalingEnabled: false,
        scaling: { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 60, mode: 'target_tracking', targetPerWorker: 4, targetWaitSeconds: 30 },
        lastScaledAt: null,
      },
    }),
    has: ['- Status: failed (supervisor Marketing Supervisor was refused by Genesis: safety)', '- Autoscaling: paused; target tracking, 4 tasks per worker, wait-time target 30 s, cooldown 60 s', '- Last scaled: never'],
  },
  {
    name: 'a cluster without a scaling rule',
    input: marketingInput({ cluster: { ...marketingInput().cluster, scaling: null, autoscalingEnabled: false } }),
    has: ['- Autoscaling: off (no scaling rule)'],
  },
  {
    name: 'no supervisor, and an agent whose superior is gone',
    input: marketingInput({ agents: [...MARKETING_AGENTS.filter((a) => a.id !== 'a0'), worker(9, 'gone')] }),
    has: ['No supervisor is present.', 'Not attached to the supervisor:\n\n- **Content Creator** (specialist, idle)\n  - **Image Generator 1**', '- **Image Generator 9** (worker, idle)'],
  },
  {
    name: 'a loop in reports_to leaves nobody out',
    input: marketingInput({ agents: [SUPERVISOR, { ...worker(1), reportsToId: 'w2' }, { ...worker(2), reportsToId: 'w1' }] }),
    has: ['- **Image Generator 1** (worker, idle)\n  - **Image Generator 2** (worker, idle)'],
  },
  {
    name: 'a large pool is capped per superior',
    input: marketingInput({ agents: [SUPERVISOR, { ...MARKETING_AGENTS[1] }, ...Array.from({ length: HIERARCHY_CHILDREN_CAP + 5 }, (_, i) => worker(i + 1))] }),
    has: ['    - **Image Generator 25** (worker, idle)', '    - ... and 5 more (worker 5)', '| `image_generation` | 30 |'],
    lacks: ['Image Generator 26**', 'Not attached'],
  },
  {
    name: 'Markdown in names and reasons is escaped',
    input: marketingInput({
      cluster: { ...marketingInput().cluster, name: 'Evil | *bold* <b>', description: 'line one\nline two' },
      agents: [{ ...SUPERVISOR, name: '[link](x) | pipe' }],
      decisions: [{ id: '1', at: GENERATED_AT, source: 'manual', reasonCode: 'Manual', fromWorkers: 1, toWorkers: 2, reason: 'a | b\nc' }],
    }),
    has: ['# Evil \\| \\*bold\\* \\<b\\>', 'line one line two', '- **\\[link\\](x) \\| pipe** (supervisor, idle)', '| a \\| b c |'],
  },
  {
    name: 'only the last 10 decisions, newest first',
    input: marketingInput({
      decisions: Array.from({ length: 15 }, (_, i) => ({ id: String(i + 1), at: new Date(Date.UTC(2025, 5, 1, 0, i)), source: 'autoscaler', reasonCode: 'ScaledUp', fromWorkers: i, toWorkers: i + 1, reason: null })),
    }),
    has: ['The last 10 scaling decisions', '| 2025-06-01 00:14:00 UTC | autoscaler | ScaledUp | 14 → 15 | - |', '| 2025-06-01 00:05:00 UTC |'],
    lacks: ['| 2025-06-01 00:04:00 UTC |'],
  },
];

describe('renderReadme', () => {
  for (const c of cases) {
    it(c.name, () => {
      const md = renderReadme(c.input);
      let at = -1;
      for (const s of SECTIONS) {
        const i = md.indexOf(`\n${s}\n`);
        assert.ok(i > at, `${s} present, in order`);
        at = i;
      }
      for (const h of c.has ?? []) {
        if (typeof h === 'string') assert.ok(md.includes(h), `expected ${JSON.stringify(h)} in:\n${md}`);
        else assert.match(md, h);
      }
      for (const l of c.lacks ?? []) {
        if (typeof l === 'string') assert.ok(!md.includes(l), `did not expect ${JSON.stringify(l)}`);
        else assert.doesNotMatch(md, l);
      }
      assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
      assert.doesNotMatch(md, /\n\n\n/);
    });
  }

  it('is the same for the same rows in any order', () => {
    const a = marketingInput();
    const b = marketingInput({ agents: [...a.agents].reverse(), decisions: [...a.decisions].reverse(), definitions: [...a.definitions].reverse() });
    b.agents = b.agents.map((x) => ({ ...x, capabilities: [...x.capabilities].reverse(), skills: [...x.skills].reverse() }));
    assert.equal(renderReadme(b), renderReadme(a));
  });

  it('takes its only notion of now from the input', () => {
    const a = renderReadme(marketingInput());
    const b = renderReadme(marketingInput({ generatedAt: new Date('2031-01-01T00:00:00Z') }));
    const diff = a.split('\n').filter((line, i) => line !== b.split('\n')[i]);
    assert.equal(diff.length, 1);
    assert.match(diff[0], /^Generated at 2025-06-01 12:00:00 UTC/);
  });
});
