// The cluster hierarchy (GET /api/clusters/:id/hierarchy) as an indented text tree. Pure.
import { clean } from './table';

export interface HierarchyNode {
  agent_id: string;
  name: string;
  role: string;
  status: string;
  capabilities?: string[];
  subordinates?: HierarchyNode[];
}

export interface Hierarchy {
  cluster_id: string;
  cluster_name: string;
  supervisor: HierarchyNode | null;
  total_agents: number;
}

/**
 * ```
 * Test Marketing Cluster (7 agents)
 * Marketing Supervisor  [supervisor, idle]
 * ├── Market Analyst  [specialist, idle]
 * └── Content Creator  [specialist, idle]
 *     └── Image Generator 1  [worker, busy]
 * ```
 * Walks the tree without recursion, so a deep (or, through a bug, very long) chain cannot
 * overflow the stack; a node seen twice is printed once and marked.
 */
export function renderTree(h: Hierarchy): string {
  const lines = [`${clean(h.cluster_name)} (${h.total_agents} agent${h.total_agents === 1 ? '' : 's'})`];
  if (!h.supervisor) return [...lines, '(no supervisor: the cluster has no live agents)'].join('\n') + '\n';
  const label = (n: HierarchyNode) => `${clean(n.name)}  [${clean(n.role)}, ${clean(n.status)}]`;
  const seen = new Set<string>();
  // Each entry: the node, the prefix of its own line, the prefix its children continue with.
  const stack: { node: HierarchyNode; lead: string; indent: string }[] = [{ node: h.supervisor, lead: '', indent: '' }];
  while (stack.length) {
    const { node, lead, indent } = stack.pop()!;
    if (seen.has(node.agent_id)) {
      lines.push(`${lead}${label(node)} (again: cycle)`);
      continue;
    }
    seen.add(node.agent_id);
    lines.push(`${lead}${label(node)}`);
    const kids = node.subordinates ?? [];
    for (let i = kids.length - 1; i >= 0; i--) {
      const last = i === kids.length - 1;
      stack.push({ node: kids[i], lead: `${indent}${last ? '└── ' : '├── '}`, indent: `${indent}${last ? '    ' : '│   '}` });
    }
  }
  return lines.join('\n') + '\n';
}
