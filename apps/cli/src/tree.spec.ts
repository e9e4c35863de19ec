import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Hierarchy, HierarchyNode, renderTree } from './tree';

const node = (id: string, name: string, role: string, status: string, subordinates: HierarchyNode[] = []): HierarchyNode => ({ agent_id: id, name, role, status, capabilities: [], subordinates });

describe('renderTree', () => {
  it('draws the hierarchy with roles and statuses, last children with └──', () => {
    const h: Hierarchy = {
      cluster_id: 'c',
      cluster_name: 'Test Marketing Cluster',
      total_agents: 6,
      supervisor: node('s', 'Marketing Supervisor', 'supervisor', 'idle', [
        node('a', 'Market Analyst', 'specialist', 'idle'),
        node('cc', 'Content Creator', 'specialist', 'idle', [node('w1', 'Image Generator 1', 'worker', 'busy'), node('w2', 'Video Creator 1', 'worker', 'spawning')]),
        node('p', 'Publishing Coordinator', 'specialist', 'hibernated', [node('w3', 'LinkedIn Publisher 1', 'worker', 'idle')]),
      ]),
    };
    assert.equal(
      renderTree(h),
      [
        'Test Marketing Cluster (6 agents)',
        'Marketing Supervisor  [supervisor, idle]',
        '├── Market Analyst  [specialist, idle]',
        '├── Content Creator  [specialist, idle]',
        '│   ├── Image Generator 1  [worker, busy]',
        '│   └── Video Creator 1  [worker, spawning]',
        '└── Publishing Coordinator  [specialist, hibernated]',
        '    └── LinkedIn Publisher 1  [worker, idle]',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is no supervisor', () => {
    assert.match(renderTree({ cluster_id: 'c', cluster_name: 'Gone', total_agents: 0, supervisor: null }), /^Gone \(0 agents\)\n\(no supervisor/);
  });

  it('prints a node seen twice once, marked, instead of looping', () => {
    const a = node('a', 'A', 'supervisor', 'idle');
    const b = node('b', 'B', 'lead', 'idle', [a]);
    a.subordinates = [b];
    assert.equal(renderTree({ cluster_id: 'c', cluster_name: 'Loop', total_agents: 1, supervisor: a }), 'Loop (1 agent)\nA  [supervisor, idle]\n└── B  [lead, idle]\n    └── A  [supervisor, idle] (again: cycle)\n');
  });

  it('handles a chain thousands deep without recursion', () => {
    let leaf = node('n0', 'n0', 'worker', 'idle');
    for (let i = 1; i < 5000; i++) leaf = node(`n${i}`, `n${i}`, 'lead', 'idle', [leaf]);
    const out = renderTree({ cluster_id: 'c', cluster_name: 'Deep', total_agents: 5000, supervisor: leaf });
    assert.equal(out.split('\n').length, 5002);
  });

  it('strips control characters from names', () => {
    const out = renderTree({ cluster_id: 'c', cluster_name: 'X\x1b[2J', total_agents: 1, supervisor: node('s', 'S\nfake line', 'supervisor', 'idle') });
    assert.doesNotMatch(out, /\x1b/);
    assert.equal(out.split('\n').length, 3);
  });
});
