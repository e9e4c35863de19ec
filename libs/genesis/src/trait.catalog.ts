/**
 * Trait definitions: the dimensions every Genesis agent is described by. Values live in 0..1;
 * some traits have tighter bounds because values outside them would never be a safe agent, so an
 * override that tries them is refused as input before the foundation rules even run.
 */

export const TRAIT_CATEGORIES = ['ethical', 'cognitive', 'social', 'operational'] as const;
export type TraitCategory = (typeof TRAIT_CATEGORIES)[number];

export interface TraitDefinition {
  /** `category.name`, e.g. `ethical.safety_priority` */
  readonly id: string;
  readonly category: TraitCategory;
  readonly name: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
}

type TraitSeed = Omit<TraitDefinition, 'id'>;

const seeds: readonly TraitSeed[] = [
  {
    category: 'ethical',
    name: 'safety_priority',
    description: 'How strongly the agent puts safety ahead of finishing the task; it stops and escalates rather than guess on anything risky.',
    min: 0.7,
    max: 1,
    default: 0.9,
  },
  {
    category: 'ethical',
    name: 'harm_avoidance',
    description: 'How carefully the agent avoids outputs or actions that could hurt people, data or systems.',
    min: 0.8,
    max: 1,
    default: 0.95,
  },
  {
    category: 'ethical',
    name: 'compliance_strictness',
    description: 'How strictly the agent follows policy, law, licences and house rules when they slow it down.',
    min: 0,
    max: 1,
    default: 0.8,
  },
  {
    category: 'ethical',
    name: 'transparency',
    description: 'How openly the agent states its assumptions, uncertainty and the sources behind its answers.',
    min: 0.5,
    max: 1,
    default: 0.85,
  },
  {
    category: 'cognitive',
    // Bounds are the full range on purpose: the foundation rule (max 0.5) is what speaks here,
    // so a validate call explains the block instead of only rejecting the number.
    name: 'risk_tolerance',
    description: 'How willing the agent is to act on uncertain information or take irreversible steps.',
    min: 0,
    max: 1,
    default: 0.3,
  },
  {
    category: 'cognitive',
    name: 'creativity',
    description: 'How far the agent departs from conventional answers to find original ones.',
    min: 0,
    max: 1,
    default: 0.5,
  },
  {
    category: 'cognitive',
    name: 'analytical_depth',
    description: 'How deeply the agent analyses a problem before answering: evidence, alternatives, second-order effects.',
    min: 0,
    max: 1,
    default: 0.6,
  },
  {
    category: 'cognitive',
    name: 'attention_to_detail',
    description: 'How thoroughly the agent checks its own output for errors, gaps and inconsistencies.',
    min: 0,
    max: 1,
    default: 0.7,
  },
  {
    category: 'cognitive',
    name: 'curiosity',
    description: 'How actively the agent asks questions and explores context it was not given.',
    min: 0,
    max: 1,
    default: 0.5,
  },
  {
    category: 'social',
    name: 'collaboration',
    description: 'How readily the agent shares work, hands off, and builds on other agents\' results.',
    min: 0,
    max: 1,
    default: 0.7,
  },
  {
    category: 'social',
    // An agent that cannot be understood is useless to its supervisor, hence the floor.
    name: 'communication_clarity',
    description: 'How clear, structured and unambiguous the agent\'s messages and reports are.',
    min: 0.3,
    max: 1,
    default: 0.8,
  },
  {
    category: 'social',
    name: 'empathy',
    description: 'How much the agent considers the reader\'s situation, tone and feelings.',
    min: 0,
    max: 1,
    default: 0.5,
  },
  {
    category: 'social',
    name: 'assertiveness',
    description: 'How firmly the agent pushes back on unclear, contradictory or unsafe instructions.',
    min: 0,
    max: 1,
    default: 0.5,
  },
  {
    category: 'operational',
    // Never fully autonomous: every agent reports to someone in the cluster hierarchy.
    name: 'autonomy',
    description: 'How much the agent decides on its own before asking its supervisor.',
    min: 0,
    max: 0.9,
    default: 0.5,
  },
  {
    category: 'operational',
    name: 'speed_over_quality',
    description: 'How much the agent trades thoroughness for a faster answer.',
    min: 0,
    max: 1,
    default: 0.4,
  },
  {
    category: 'operational',
    name: 'persistence',
    description: 'How long the agent keeps trying alternative approaches before reporting failure.',
    min: 0,
    max: 1,
    default: 0.7,
  },
  {
    category: 'operational',
    name: 'resource_efficiency',
    description: 'How sparingly the agent uses tokens, tool calls and compute.',
    min: 0,
    max: 1,
    default: 0.6,
  },
];

export const TRAITS: readonly TraitDefinition[] = Object.freeze(
  seeds.map((s) => Object.freeze({ id: `${s.category}.${s.name}`, ...s })),
);

// A Map rather than an object so that ids like `__proto__` or `constructor` are simply unknown.
const byId: ReadonlyMap<string, TraitDefinition> = new Map(TRAITS.map((t) => [t.id, t]));

export function listTraits(category?: TraitCategory): readonly TraitDefinition[] {
  return category === undefined ? TRAITS : TRAITS.filter((t) => t.category === category);
}

export function getTrait(id: string): TraitDefinition | undefined {
  return byId.get(id);
}

export function isTraitCategory(value: unknown): value is TraitCategory {
  return typeof value === 'string' && (TRAIT_CATEGORIES as readonly string[]).includes(value);
}

/** Every trait at its default: the starting point of trait resolution. */
export function traitDefaults(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of TRAITS) out[t.id] = t.default;
  return out;
}

/** The trait's value in `traits`, or its default when absent; undefined for an unknown trait. */
export function traitValue(traits: Readonly<Record<string, number>>, id: string): number | undefined {
  const def = byId.get(id);
  if (!def) return undefined;
  return Object.prototype.hasOwnProperty.call(traits, id) ? traits[id] : def.default;
}
