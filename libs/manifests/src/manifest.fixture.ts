import { ManifestAgent, ManifestAgentDefinition, ManifestInput } from './manifest.types';

// A marketing-v1 cluster at 3 workers, as the worker would load it: the test fixture of the renderers.

export const GENERATED_AT = new Date('2025-06-01T12:00:00.000Z');

export const MARKETING_DEFINITIONS: ManifestAgentDefinition[] = [
  { name: 'Marketing Supervisor', role: 'supervisor', count: { min: 1, max: 1 }, capabilities: ['coordination', 'reporting'], skills: ['marketing_strategy', 'team_leadership'] },
  { name: 'Content Creator', role: 'specialist', count: { min: 1, max: 1 }, capabilities: ['content_writing', 'editing'], skills: ['storytelling', 'copywriting'] },
  { name: 'Publishing Coordinator', role: 'specialist', count: { min: 1, max: 1 }, capabilities: ['social_publishing'], skills: ['scheduling'] },
  { name: 'Image Generator', role: 'worker', count: { min: 0, max: 5 }, capabilities: ['image_generation'], skills: ['visual_design', 'prompt_engineering'] },
  { name: 'Facebook Publisher', role: 'worker', count: { min: 0, max: 2 }, capabilities: ['social_publishing', 'facebook_publishing'], skills: ['facebook_marketing'] },
  { name: 'LinkedIn Publisher', role: 'worker', count: { min: 0, max: 2 }, capabilities: ['social_publishing', 'linkedin_publishing'], skills: ['b2b_marketing', 'storytelling'] },
];

const agent = (id: string, name: string, role: string, reportsToId: string | null, def: string, status = 'idle'): ManifestAgent => {
  const d = MARKETING_DEFINITIONS.find((x) => x.name === def)!;
  return { id, name, role, status, capabilities: [...d.capabilities], skills: [...d.skills], reportsToId };
};

export const SUPERVISOR = agent('a0', 'Marketing Supervisor', 'supervisor', null, 'Marketing Supervisor');

export const MARKETING_AGENTS: ManifestAgent[] = [
  SUPERVISOR,
  agent('a1', 'Content Creator', 'specialist', 'a0', 'Content Creator'),
  agent('a2', 'Publishing Coordinator', 'specialist', 'a0', 'Publishing Coordinator'),
  agent('a3', 'Image Generator 1', 'worker', 'a1', 'Image Generator', 'busy'),
  agent('a4', 'Image Generator 2', 'worker', 'a1', 'Image Generator'),
  agent('a5', 'Facebook Publisher 1', 'worker', 'a2', 'Facebook Publisher'),
];

export function marketingInput(overrides: Partial<ManifestInput> = {}): ManifestInput {
  return {
    generatedAt: GENERATED_AT,
    cluster: {
      id: '6f1c2a9e-2b53-4c61-9a5e-0d6f3f7f2c11',
      name: 'Test Marketing Cluster',
      description: 'Campaigns for the autumn launch.',
      type: 'department',
      status: 'active',
      statusReason: null,
      blueprintId: 'marketing-v1',
      blueprintVersion: '1.0.0',
      minWorkers: 0,
      maxWorkers: 20,
      targetWorkers: 3,
      currentWorkers: 3,
      autoscalingEnabled: true,
      scaling: { metric: 'task_queue_length', scaleUpThreshold: 10, scaleDownThreshold: 2, cooldownSeconds: 300, mode: 'threshold' },
      createdAt: new Date('2025-06-01T10:00:00.000Z'),
      startedAt: new Date('2025-06-01T10:00:05.000Z'),
      lastScaledAt: new Date('2025-06-01T10:00:00.000Z'),
    },
    agents: MARKETING_AGENTS.map((a) => ({ ...a })),
    definitions: MARKETING_DEFINITIONS,
    decisions: [
      { id: '1', at: new Date('2025-06-01T10:00:00.000Z'), source: 'manual', reasonCode: 'Created', fromWorkers: 0, toWorkers: 2, reason: 'cluster created' },
      { id: '7', at: new Date('2025-06-01T11:00:00.000Z'), source: 'autoscaler', reasonCode: 'ScaledUp', fromWorkers: 2, toWorkers: 3, reason: 'task_queue_length 15 above 10' },
    ],
    tasks: { queued: 4, running: 1, succeeded: 20, failed: 2 },
    metrics: { sampledAt: new Date('2025-06-01T11:59:30.000Z'), queueLength: 4, oldestWaitSeconds: 12.4, tasksPerMinute: 1.5, loadPercentage: 33.333, errorRate: 0.0909 },
    cost: { currency: 'USD', taskCostTotal: '0.012300', pricedTasks: 22 },
    ...overrides,
  };
}
