/**
 * Trait resolution: defaults, then the template's profile, then the caller's overrides. Overrides
 * are untrusted input (API bodies, blueprint YAML), so each one is checked on its own and a refused
 * one is reported rather than silently clamped.
 */
import type { Problem } from '#common';
import type { AgentTemplate } from './template.catalog';
import { getTrait, traitDefaults } from './trait.catalog';

/** Traits an override may raise but never lower below the template's value. */
export const NON_LOWERABLE_TRAITS: readonly string[] = Object.freeze(['ethical.safety_priority', 'ethical.harm_avoidance']);

export interface TraitResolution {
  traits: Record<string, number>;
  problems: Problem[];
  /** the overrides that were applied, for the DNA's record of what the agent was made from */
  accepted: Record<string, number>;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function templateTraits(template: AgentTemplate): Record<string, number> {
  const traits = traitDefaults();
  for (const [id, value] of Object.entries(template.trait_profile)) if (getTrait(id)) traits[id] = value;
  return traits;
}

export function resolveTraits(template: AgentTemplate, overrides?: unknown, pathPrefix = 'trait_overrides'): TraitResolution {
  const traits = templateTraits(template);
  const problems: Problem[] = [];
  const accepted: Record<string, number> = {};
  if (overrides === undefined || overrides === null) return { traits, problems, accepted };
  if (!isPlainObject(overrides)) {
    problems.push({ path: pathPrefix, rule: 'type', message: `${pathPrefix} must be an object of trait id to number` });
    return { traits, problems, accepted };
  }

  // Sorted so that the problem list, and so error messages, do not depend on key order.
  for (const id of Object.keys(overrides).sort()) {
    const value = overrides[id];
    const path = `${pathPrefix}.${id}`;
    const def = getTrait(id);
    if (!def) {
      problems.push({ path, rule: 'unknown_trait', message: `unknown trait "${id}"; trait ids are category.name, e.g. ethical.safety_priority` });
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      problems.push({ path, rule: 'type', message: `${id} must be a number between ${def.min} and ${def.max}` });
      continue;
    }
    if (value < def.min || value > def.max) {
      problems.push({ path, rule: 'out_of_bounds', message: `${id} must be between ${def.min} and ${def.max}, got ${value}` });
      continue;
    }
    if (NON_LOWERABLE_TRAITS.includes(id) && value < traits[id]) {
      problems.push({
        path,
        rule: 'cannot_lower',
        message: `${id} cannot be lowered below the template ${template.id}'s ${traits[id]} (got ${value}); it may only be raised`,
      });
      continue;
    }
    traits[id] = value;
    accepted[id] = value;
  }
  return { traits, problems, accepted };
}
