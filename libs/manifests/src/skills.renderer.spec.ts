import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { marketingInput, MARKETING_AGENTS, MARKETING_DEFINITIONS, SUPERVISOR } from './manifest.fixture';
import { ManifestAgent, ManifestInput } from './manifest.types';
import { renderSkills, SKILL_HOLDERS_CAP } from './skills.renderer';

const SECTIONS = ['## Required skills', '## Distribution', '## Missing skills'];

const designer = (i: number): ManifestAgent => ({ id: `d${i}`, name: `Image Generator ${i}`, role: 'worker', status: 'idle', capabilities: [], skills: ['visual_design'], reportsToId: 'a0' });

interface Case {
  name: string;
  input: ManifestInput;
  has?: string[];
  lacks?: string[];
}

const cases: Case[] = [
  {
    name: 'a cluster missing a skill (no LinkedIn publisher yet)',
    input: marketingInput(),
    has: [
      'Generated at 2025-06-01 12:00:00 UTC',
      "The blueprint's agent definitions ask for 9 skills:",
      '| `storytelling` | Content Creator (specialist, 1), LinkedIn Publisher (worker, 0-2) |',
      'Over the 6 agents present:',
      '| `visual_design` | 2 | Image Generator 1, Image Generator 2 |',
      '| `b2b_marketing` | 0 | - |',
      '1 required skill is held by no agent present:\n\n- `b2b_marketing`: asked for by LinkedIn Publisher (worker, 0-2)',
    ],
    lacks: ['Held but not asked for', '`storytelling`: asked for'],
  },
  {
    name: 'a cluster with no agents: every required skill is missing',
    input: marketingInput({ agents: [] }),
    has: ['## Distribution\n\nNo agents are present.', '9 required skills are held by no agent present:', '- `team_leadership`: asked for by Marketing Supervisor (supervisor, 1)'],
    lacks: ['| skill | agents | who |'],
  },
  {
    name: 'every required skill held, and one the blueprint did not ask for',
    input: marketingInput({
      definitions: MARKETING_DEFINITIONS.filter((d) => d.name !== 'LinkedIn Publisher'),
      agents: [...MARKETING_AGENTS, { ...SUPERVISOR, id: 'm1', name: 'Hand-made Analyst', role: 'specialist', skills: ['seo_research', 'copywriting'], reportsToId: 'a0' }],
    }),
    has: ['None: every required skill is held by at least one agent present.', 'Held but not asked for by the blueprint: `seo_research` (1).', '| `copywriting` | 2 | Content Creator, Hand-made Analyst |'],
  },
  {
    name: 'a blueprint that asks for no skills',
    input: marketingInput({ definitions: [] }),
    has: ['The blueprint asks for no skills.', '## Missing skills\n\nNone.'],
  },
  {
    name: 'holders are capped',
    input: marketingInput({ agents: [SUPERVISOR, ...Array.from({ length: SKILL_HOLDERS_CAP + 3 }, (_, i) => designer(i + 1))] }),
    has: ['| `visual_design` | 13 | Image Generator 1, Image Generator 2, Image Generator 3', 'Image Generator 10 and 3 more |'],
    lacks: ['Image Generator 11,'],
  },
];

describe('renderSkills', () => {
  for (const c of cases) {
    it(c.name, () => {
      const md = renderSkills(c.input);
      let at = -1;
      for (const s of SECTIONS) {
        const i = md.indexOf(`\n${s}\n`);
        assert.ok(i > at, `${s} present, in order`);
        at = i;
      }
      for (const h of c.has ?? []) assert.ok(md.includes(h), `expected ${JSON.stringify(h)} in:\n${md}`);
      for (const l of c.lacks ?? []) assert.ok(!md.includes(l), `did not expect ${JSON.stringify(l)}`);
      assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
    });
  }

  it('is the same for the same rows in any order', () => {
    const a = marketingInput();
    const b = marketingInput({ agents: [...a.agents].reverse(), definitions: [...a.definitions].reverse() });
    assert.equal(renderSkills(b), renderSkills(a));
  });
});
