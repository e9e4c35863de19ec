import { capped, code, countBy, document, naturalCompare, sortedUnique, table, tally, text, time } from './markdown';
import { ManifestAgent, ManifestCluster, ManifestInput, ManifestScalingRule } from './manifest.types';

export const ROLE_ORDER = ['supervisor', 'lead', 'specialist', 'worker'] as const;
const STATUS_ORDER = ['spawning', 'idle', 'busy', 'draining', 'hibernated'];
/** Children listed per agent in the hierarchy; the rest are summed up, so a 1,000-worker pool stays readable. */
export const HIERARCHY_CHILDREN_CAP = 25;
/** Scaling decisions listed under recent activity. */
export const RECENT_DECISIONS = 10;

const roleRank = (role: string) => {
  const i = (ROLE_ORDER as readonly string[]).indexOf(role);
  return i < 0 ? ROLE_ORDER.length : i;
};

/** Supervisor first, then leads, specialists, workers; by name within a role. */
export function agentOrder(a: ManifestAgent, b: ManifestAgent): number {
  return roleRank(a.role) - roleRank(b.role) || naturalCompare(a.name, b.name) || naturalCompare(a.id, b.id);
}

/** README.md: what the cluster is, how it stands, who is in it and what it has been doing. */
export function renderReadme(input: ManifestInput): string {
  const c = input.cluster;
  return document([
    `# ${text(c.name)}`,
    '',
    `Generated at ${time(input.generatedAt)} from the state of cluster ${code(c.id)}. This file is generated: edits are overwritten.`,
    '',
    ...overview(c),
    ...currentState(input),
    ...hierarchy(input.agents),
    ...capabilities(input),
    ...recentActivity(input),
    ...metrics(input),
    ...cost(input),
  ]);
}

function overview(c: ManifestCluster): string[] {
  return [
    '## Overview',
    '',
    ...(c.description ? [text(c.description), ''] : []),
    `- Cluster: ${code(c.id)}`,
    `- Type: ${text(c.type)}`,
    `- Blueprint: ${code(c.blueprintId)} version ${text(c.blueprintVersion)}`,
    `- Created: ${time(c.createdAt)}`,
    `- Started: ${time(c.startedAt, 'not yet')}`,
    '',
  ];
}

function currentState(input: ManifestInput): string[] {
  const c = input.cluster;
  const agents = input.agents;
  return [
    '## Current state',
    '',
    `- Status: ${text(c.status)}${c.statusReason ? ` (${text(c.statusReason)})` : ''}`,
    `- Workers: ${c.currentWorkers} live, target ${c.targetWorkers} (min ${c.minWorkers}, max ${c.maxWorkers})`,
    `- Autoscaling: ${autoscaling(c)}`,
    `- Last scaled: ${time(c.lastScaledAt)}`,
    agents.length
      ? `- Agents present: ${agents.length} (${tally(countBy(agents, (a) => a.role), ROLE_ORDER)}); by status: ${tally(countBy(agents, (a) => a.status), STATUS_ORDER)}`
      : '- Agents present: none',
    '',
  ];
}

function autoscaling(c: ManifestCluster): string {
  if (!c.scaling) return 'off (no scaling rule)';
  return `${c.autoscalingEnabled ? 'on' : 'paused'}; ${rule(c.scaling)}`;
}

function rule(s: ManifestScalingRule): string {
  const parts =
    s.mode === 'target_tracking'
      ? [`target tracking, ${s.targetPerWorker ?? '?'} tasks per worker`]
      : [`threshold on ${code(s.metric)}: up above ${s.scaleUpThreshold}, down below ${s.scaleDownThreshold}`];
  if (s.targetWaitSeconds !== undefined) parts.push(`wait-time target ${s.targetWaitSeconds} s`);
  parts.push(`cooldown ${s.cooldownSeconds} s`);
  return parts.join(', ');
}

function hierarchy(agents: ManifestAgent[]): string[] {
  const out = ['## Hierarchy', ''];
  const byId = new Map(agents.map((a) => [a.id, a]));
  const children = new Map<string, ManifestAgent[]>();
  for (const a of agents) {
    if (a.reportsToId && a.reportsToId !== a.id && byId.has(a.reportsToId)) children.set(a.reportsToId, [...(children.get(a.reportsToId) ?? []), a]);
  }
  for (const list of children.values()) list.sort(agentOrder);

  // Every agent below `a` (cycles cut): what a capped line stands for.
  const below = (a: ManifestAgent, seen: Set<string>): ManifestAgent[] => {
    seen.add(a.id);
    return (children.get(a.id) ?? []).filter((k) => !seen.has(k.id)).flatMap((k) => [k, ...below(k, seen)]);
  };
  const placed = new Set<string>();
  const render = (a: ManifestAgent, depth: number): string[] => {
    placed.add(a.id);
    const pad = '  '.repeat(depth);
    const kids = (children.get(a.id) ?? []).filter((k) => !placed.has(k.id));
    const shown = kids.slice(0, HIERARCHY_CHILDREN_CAP);
    kids.forEach((k) => placed.add(k.id));
    const lines = [`${pad}- **${text(a.name)}** (${text(a.role)}, ${text(a.status)})`, ...shown.flatMap((k) => render(k, depth + 1))];
    const hidden = kids.slice(HIERARCHY_CHILDREN_CAP).flatMap((k) => [k, ...below(k, new Set(placed))]);
    hidden.forEach((h) => placed.add(h.id));
    if (hidden.length) lines.push(`${pad}  - ... and ${hidden.length} more (${tally(countBy(hidden, (h) => h.role), ROLE_ORDER)})`);
    return lines;
  };

  const supervisors = agents.filter((a) => a.role === 'supervisor').sort(agentOrder);
  if (!agents.length) return [...out, 'No agents are present.', ''];
  if (supervisors.length) out.push(...supervisors.flatMap((s) => render(s, 0)));
  else out.push('No supervisor is present.');
  // Agents whose superior is gone (or a loop): listed with their own subordinates, so nobody
  // present is left out. Tops of detached branches first, then whatever a loop left over.
  if (agents.some((a) => !placed.has(a.id))) {
    out.push('', 'Not attached to the supervisor:', '');
    const isTop = (a: ManifestAgent) => !a.reportsToId || a.reportsToId === a.id || !byId.has(a.reportsToId);
    const unplaced = () => agents.filter((a) => !placed.has(a.id)).sort(agentOrder);
    for (const a of unplaced().filter(isTop)) if (!placed.has(a.id)) out.push(...render(a, 0));
    for (const a of unplaced()) if (!placed.has(a.id)) out.push(...render(a, 0));
  }
  return [...out, ''];
}

function capabilities(input: ManifestInput): string[] {
  const held = countBy(
    input.agents.flatMap((a) => sortedUnique(a.capabilities)),
    (cap) => cap,
  );
  const out = ['## Capabilities', ''];
  if (held.size) {
    out.push(`Held by the agents present (${held.size}):`, '');
    out.push(...table(['capability', 'agents'], sortedUnique(held.keys()).map((cap) => [code(cap), String(held.get(cap))])));
  } else {
    out.push('No agent present holds a capability.');
  }
  const missing = sortedUnique(input.definitions.flatMap((d) => d.capabilities)).filter((cap) => !held.has(cap));
  if (missing.length) out.push('', `Asked for by the blueprint but held by no agent present (tasks that need them wait): ${capped(missing.map(code), 50)}.`);
  return [...out, ''];
}

function recentActivity(input: ManifestInput): string[] {
  const decisions = [...input.decisions]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || naturalCompare(b.id, a.id))
    .slice(0, RECENT_DECISIONS);
  const t = input.tasks;
  return [
    '## Recent activity',
    '',
    '### Scaling',
    '',
    ...(decisions.length
      ? [
          `The last ${decisions.length === 1 ? 'scaling decision' : `${decisions.length} scaling decisions`} that changed something, newest first:`,
          '',
          ...table(
            ['time', 'source', 'reason code', 'workers', 'reason'],
            decisions.map((d) => [time(d.at), text(d.source), text(d.reasonCode), `${d.fromWorkers} → ${d.toWorkers}`, d.reason ? text(d.reason) : '-']),
          ),
        ]
      : ['No scaling decision has changed anything yet.']),
    '',
    '### Tasks',
    '',
    ...table(['queued now', 'running now', 'succeeded (24 h)', 'failed (24 h)'], [[t.queued, t.running, t.succeeded, t.failed].map(String)]),
    '',
  ];
}

function metrics(input: ManifestInput): string[] {
  const m = input.metrics;
  if (!m) return ['## Metrics', '', 'No metrics sample yet.', ''];
  return [
    '## Metrics',
    '',
    `Latest sample, taken ${time(m.sampledAt)}:`,
    '',
    ...table(
      ['queue length', 'oldest wait', 'tasks/min', 'load', 'error rate'],
      [[String(m.queueLength), m.oldestWaitSeconds === null ? '-' : `${Math.round(m.oldestWaitSeconds)} s`, m.tasksPerMinute.toFixed(2), `${m.loadPercentage.toFixed(1)} %`, `${(m.errorRate * 100).toFixed(1)} %`]],
    ),
    '',
  ];
}

function cost(input: ManifestInput): string[] {
  const c = input.cost;
  return [
    '## Cost',
    '',
    `- Tasks: ${text(c.taskCostTotal)} ${text(c.currency)} in all, over ${c.pricedTasks} priced ${c.pricedTasks === 1 ? 'task' : 'tasks'}.`,
    `- Spend this period (tasks and agent time), the budget and its forecast: \`GET /api/clusters/${input.cluster.id}/costs\`.`,
    '',
  ];
}
