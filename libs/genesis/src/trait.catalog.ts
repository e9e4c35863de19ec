/**
 * Trait definitions: the dimensions every Genesis agent is described by. Every value lives on a
 * 0..1 scale. The catalogue covers the earlier system's 25 traits in its six categories, under its
 * ids, plus the traits of ours that describe something those did not.
 *
 * Bounds mean two different things. On an ethics-critical trait they are foundation rules: a value
 * past them would make an unsafe agent, so the foundation rules refuse the agent (an ethics block)
 * and name the rule. On any other trait they are plain input limits, refused as a bad value.
 */

export const TRAIT_CATEGORIES = ['cognitive', 'ethical', 'performance', 'behavioral', 'social', 'technical'] as const;
export type TraitCategory = (typeof TRAIT_CATEGORIES)[number];

/** The scale of every trait: a value outside it is not a trait value at all, whatever the trait. */
export const TRAIT_SCALE = Object.freeze({ min: 0, max: 1 });

export interface TraitDefinition {
  /** `category.name`, e.g. `ethical.safety_priority` */
  readonly id: string;
  readonly category: TraitCategory;
  readonly name: string;
  readonly description: string;
  readonly min: number;
  readonly max: number;
  readonly default: number;
  /**
   * false: fixed by the template. An override may raise it (make the agent safer) but never lower
   * it below the template's value.
   */
  readonly mutable: boolean;
  /** the foundation rules judge this trait; where its bounds are tighter than 0..1 they are those rules */
  readonly ethics_critical: boolean;
  /**
   * Ids this trait had before the catalogue took the earlier system's ids. Blueprints and clusters
   * stored with them must keep spawning, so they are accepted wherever an id is.
   */
  readonly aliases: readonly string[];
}

type TraitSeed = Omit<TraitDefinition, 'id' | 'min' | 'max' | 'mutable' | 'ethics_critical' | 'aliases'> &
  Partial<Pick<TraitDefinition, 'min' | 'max' | 'mutable' | 'ethics_critical' | 'aliases'>>;

// Where ours and the earlier system's had the same dimension, the earlier id is the trait and ours
// is its alias; the default stays ours so that agents made from the same input do not change.
const seeds: readonly TraitSeed[] = [
  {
    category: 'cognitive',
    name: 'reasoning_depth',
    aliases: ['cognitive.analytical_depth'],
    description: 'How deeply the agent reasons before answering: evidence, alternatives, second-order effects (0 quick and shallow, 1 deep and thorough).',
    default: 0.6,
  },
  {
    category: 'cognitive',
    name: 'creativity',
    description: 'How far the agent departs from conventional answers to find original ones.',
    default: 0.5,
  },
  {
    category: 'cognitive',
    name: 'learning_rate',
    description: 'How quickly the agent adapts its approach to new information and feedback within a task.',
    default: 0.5,
  },
  {
    category: 'cognitive',
    name: 'pattern_recognition',
    description: 'How well the agent spots patterns, trends and anomalies in data and text.',
    default: 0.6,
  },
  {
    category: 'cognitive',
    name: 'attention_to_detail',
    description: 'How thoroughly the agent checks its own output for errors, gaps and inconsistencies.',
    default: 0.7,
  },
  {
    category: 'cognitive',
    name: 'curiosity',
    description: 'How actively the agent asks questions and explores context it was not given.',
    default: 0.5,
  },
  {
    category: 'ethical',
    name: 'safety_priority',
    description: 'How strongly the agent puts safety ahead of finishing the task; it stops and escalates rather than guess on anything risky.',
    min: 0.7,
    max: 1,
    default: 0.9,
    mutable: false,
    ethics_critical: true,
  },
  {
    category: 'ethical',
    name: 'harm_avoidance',
    description: 'How carefully the agent avoids outputs or actions that could hurt people, data or systems.',
    min: 0.8,
    max: 1,
    default: 0.95,
    mutable: false,
    ethics_critical: true,
  },
  {
    category: 'ethical',
    // No floor here, unlike the earlier system's 0.5: below 0.5 the foundation rules warn rather
    // than block, and agents made that way must keep spawning.
    name: 'compliance_strictness',
    description: 'How strictly the agent follows policy, law, licences and house rules when they slow it down.',
    default: 0.8,
    ethics_critical: true,
  },
  {
    category: 'ethical',
    name: 'transparency',
    description: 'How openly the agent states its assumptions, uncertainty and the sources behind its answers.',
    min: 0.5,
    max: 1,
    default: 0.85,
    ethics_critical: true,
  },
  {
    category: 'performance',
    name: 'speed_priority',
    aliases: ['operational.speed_over_quality'],
    description: 'How much the agent trades thoroughness for a faster answer (0 accuracy first, 1 speed first).',
    default: 0.4,
  },
  {
    category: 'performance',
    name: 'energy_efficiency',
    aliases: ['operational.resource_efficiency'],
    description: 'How sparingly the agent uses tokens, tool calls and compute.',
    default: 0.6,
  },
  {
    category: 'performance',
    // An agent content with being wrong half the time is of no use to anyone, hence the floor.
    name: 'accuracy_target',
    description: 'The share of its results the agent aims to get right before it hands them on.',
    min: 0.5,
    max: 1,
    default: 0.9,
  },
  {
    category: 'performance',
    name: 'multitasking',
    description: 'How well the agent keeps several tasks or threads going at once without dropping any.',
    default: 0.5,
  },
  {
    category: 'behavioral',
    name: 'proactiveness',
    description: 'How readily the agent acts on what it notices without being asked to.',
    default: 0.5,
  },
  {
    category: 'behavioral',
    name: 'risk_tolerance',
    aliases: ['cognitive.risk_tolerance'],
    description: 'How willing the agent is to act on uncertain information or take irreversible steps.',
    min: 0,
    max: 0.5,
    default: 0.3,
    ethics_critical: true,
  },
  {
    category: 'behavioral',
    name: 'adaptability',
    description: 'How well the agent copes when the goal, the input or the situation changes mid-task.',
    default: 0.6,
  },
  {
    category: 'behavioral',
    name: 'decisiveness',
    description: 'How quickly the agent commits to a decision once it has enough to go on.',
    default: 0.7,
  },
  {
    category: 'behavioral',
    // Never fully autonomous: every agent reports to someone in the cluster hierarchy.
    name: 'autonomy',
    aliases: ['operational.autonomy'],
    description: 'How much the agent decides on its own before asking its supervisor.',
    min: 0,
    max: 0.9,
    default: 0.5,
  },
  {
    category: 'behavioral',
    name: 'persistence',
    aliases: ['operational.persistence'],
    description: 'How long the agent keeps trying alternative approaches before reporting failure.',
    default: 0.7,
  },
  {
    category: 'social',
    name: 'coordination_skill',
    description: 'How well the agent coordinates work with other agents and systems: hand-offs, dependencies, timing.',
    default: 0.5,
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
    default: 0.5,
  },
  {
    category: 'social',
    name: 'collaboration_preference',
    aliases: ['social.collaboration'],
    description: 'How readily the agent shares work, hands off, and builds on other agents\' results rather than working alone.',
    default: 0.7,
  },
  {
    category: 'social',
    name: 'assertiveness',
    description: 'How firmly the agent pushes back on unclear, contradictory or unsafe instructions.',
    default: 0.5,
  },
  {
    category: 'technical',
    name: 'code_generation',
    description: 'How proficient the agent is at writing working code and scripts.',
    default: 0.5,
  },
  {
    category: 'technical',
    name: 'fleet_management',
    description: 'How well the agent runs many machines, devices or service instances as one fleet.',
    default: 0.5,
  },
  {
    category: 'technical',
    name: 'navigation_planning',
    description: 'How well the agent plans paths and routes: robots, vehicles, deliveries.',
    default: 0.5,
  },
  {
    category: 'technical',
    name: 'data_analysis',
    description: 'How well the agent analyses data sets and draws sound insights from them.',
    default: 0.5,
  },
  {
    category: 'technical',
    name: 'system_administration',
    description: 'How well the agent knows system administration and operations: servers, configuration, networks.',
    default: 0.5,
  },
];

export const TRAITS: readonly TraitDefinition[] = Object.freeze(
  seeds.map((s) =>
    Object.freeze({
      id: `${s.category}.${s.name}`,
      category: s.category,
      name: s.name,
      description: s.description,
      min: s.min ?? TRAIT_SCALE.min,
      max: s.max ?? TRAIT_SCALE.max,
      default: s.default,
      mutable: s.mutable ?? true,
      ethics_critical: s.ethics_critical ?? false,
      aliases: Object.freeze([...(s.aliases ?? [])]),
    }),
  ),
);

// A Map rather than an object so that ids like `__proto__` or `constructor` are simply unknown.
// Aliases map to the trait they now name.
const byId: ReadonlyMap<string, TraitDefinition> = new Map(TRAITS.flatMap((t) => [t.id, ...t.aliases].map((id) => [id, t] as const)));

export function listTraits(category?: TraitCategory): readonly TraitDefinition[] {
  return category === undefined ? TRAITS : TRAITS.filter((t) => t.category === category);
}

/** The trait with this id or alias. */
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

/**
 * The key under which `traits` holds the trait: its id, or one of its aliases in a record made
 * before the rename (a stored agent, an old blueprint's overrides).
 */
export function traitKeyIn(traits: Readonly<Record<string, unknown>>, def: TraitDefinition): string | undefined {
  return [def.id, ...def.aliases].find((key) => Object.prototype.hasOwnProperty.call(traits, key));
}

/** The trait's value in `traits`, or its default when absent; undefined for an unknown trait. */
export function traitValue(traits: Readonly<Record<string, number>>, id: string): number | undefined {
  const def = byId.get(id);
  if (!def) return undefined;
  const key = traitKeyIn(traits, def);
  return key === undefined ? def.default : traits[key];
}
