import { AgentDefinition, Blueprint } from './blueprint.types';

/** The scalable pool: the definitions whose agents count towards `current_workers`. */
export function workerDefinitions(bp: Blueprint): AgentDefinition[] {
  return bp.agents.filter((a) => a.role === 'worker');
}

/**
 * Supervisor first, then level by level down the reports_to tree, keeping file order among
 * siblings: the order in which agents can be spawned so that every manager exists before the
 * agents that report to it. Definitions not reachable from the supervisor (only possible in an
 * unvalidated blueprint) come last in file order rather than being dropped.
 */
export function hierarchyOrder(bp: Blueprint): AgentDefinition[] {
  const children = new Map<string, AgentDefinition[]>();
  for (const a of bp.agents) {
    if (a.reportsTo === null) continue;
    const list = children.get(a.reportsTo) ?? [];
    list.push(a);
    children.set(a.reportsTo, list);
  }
  const out: AgentDefinition[] = [];
  const seen = new Set<AgentDefinition>();
  const queue = bp.agents.filter((a) => a.role === 'supervisor');
  for (let i = 0; i < queue.length; i++) {
    const a = queue[i];
    if (seen.has(a)) continue;
    seen.add(a);
    out.push(a);
    queue.push(...(children.get(a.name) ?? []));
  }
  for (const a of bp.agents) if (!seen.has(a)) out.push(a);
  return out;
}
