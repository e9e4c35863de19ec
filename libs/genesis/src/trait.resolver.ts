/**
 * Trait resolution: defaults, then the template's profile, then the caller's overrides. Overrides
 * are untrusted input (API bodies, blueprint YAML), so each one is checked on its own and a refused
 * one is reported rather than silently clamped.
 *
 * What is bad input and what is an unsafe agent are kept apart: a value that is no trait value
 * (not a number, off the 0..1 scale, past a plain trait's bounds, lowering a trait that is not
 * mutable) is a problem here; a value past an ethics-critical trait's bounds is applied, so that
 * the foundation rules refuse the agent and name the rule it breaks.
 */
import type { Problem } from '#common';
import type { AgentTemplate } from './template.catalog';
import { TRAITS, TRAIT_SCALE, getTrait, traitDefaults } from './trait.catalog';

/** Traits an override may raise but never lower below the template's value (those not mutable). */
export const NON_LOWERABLE_TRAITS: readonly string[] = Object.freeze(TRAITS.filter((t) => !t.mutable).map((t) => t.id));

export interface TraitResolution {
  /** every trait, by its id (never an alias) */
  traits: Record<string, number>;
  problems: Problem[];
  /** the overrides that were applied, by trait id, for the DNA's record of what the agent was made from */
  accepted: Record<string, number>;
  /** trait id -> the key the caller gave it under (an alias, for older input), for paths in answers */
  overrideKeys: Record<string, string>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function templateTraits(template: AgentTemplate): Record<string, number> {
  const traits = traitDefaults();
  for (const [id, value] of Object.entries(template.trait_profile)) {
    const def = getTrait(id);
    if (def) traits[def.id] = value;
  }
  return traits;
}

export function resolveTraits(template: AgentTemplate, overrides?: unknown, pathPrefix = 'trait_overrides'): TraitResolution {
  const traits = templateTraits(template);
  const problems: Problem[] = [];
  const accepted: Record<string, number> = {};
  const overrideKeys: Record<string, string> = {};
  if (overrides === undefined || overrides === null) return { traits, problems, accepted, overrideKeys };
  if (!isPlainObject(overrides)) {
    problems.push({ path: pathPrefix, rule: 'type', message: `${pathPrefix} must be an object of trait id to number` });
    return { traits, problems, accepted, overrideKeys };
  }

  // Sorted so that the problem list, and so error messages, do not depend on key order.
  const seen = new Map<string, string>();
  for (const key of Object.keys(overrides).sort()) {
    const value = overrides[key];
    const path = `${pathPrefix}.${key}`;
    const def = getTrait(key);
    if (!def) {
      problems.push({ path, rule: 'unknown_trait', message: `unknown trait "${key}"; trait ids are category.name, e.g. ethical.safety_priority` });
      continue;
    }
    const id = def.id;
    const earlier = seen.get(id);
    if (earlier !== undefined) {
      problems.push({ path, rule: 'duplicate_trait', message: `${key} and ${earlier} are the same trait (${id}); give it once` });
      continue;
    }
    seen.set(id, key);
    // On an ethics-critical trait only the scale is an input limit; its own bounds are the foundation rules'.
    const limits = def.ethics_critical ? TRAIT_SCALE : def;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ path, rule: 'type', message: `${key} must be a number between ${limits.min} and ${limits.max}` });
      continue;
    }
    if (value < limits.min || value > limits.max) {
      problems.push({ path, rule: 'out_of_bounds', message: `${key} must be between ${limits.min} and ${limits.max}, got ${value}` });
      continue;
    }
    // Below the floor, lowering is not the point: the foundation rule it breaks is.
    if (!def.mutable && value < traits[id] && value >= def.min) {
      problems.push({
        path,
        rule: 'cannot_lower',
        message: `${key} cannot be lowered below the template ${template.id}'s ${traits[id]} (got ${value}); it may only be raised`,
      });
      continue;
    }
    traits[id] = value;
    accepted[id] = value;
    overrideKeys[id] = key;
  }
  return { traits, problems, accepted, overrideKeys };
}
