import { DomainError, ErrorCode, Problem, invalid } from '#common';
import { BlueprintValidation, validateBlueprintDocument } from './blueprint.validator';
import { Blueprint } from './blueprint.types';
import { SafeYamlOptions, loadYamlSafely } from './yaml.loader';

export type BlueprintParseOptions = SafeYamlOptions;

/**
 * Parses and validates one blueprint file. YAML-level problems (size, syntax, tags, aliases,
 * several documents) stop there, since there is no document to check; otherwise every validation
 * problem is returned at once.
 */
export function parseBlueprintYaml(text: string, opts: BlueprintParseOptions = {}): BlueprintValidation {
  const loaded = loadYamlSafely(text, opts);
  if (loaded.problems.length > 0) return { blueprint: null, problems: loaded.problems };
  return validateBlueprintDocument(loaded.value);
}

/**
 * {@link parseBlueprintYaml} for callers that want an exception: a DomainError whose details carry
 * `{problems}`; an oversized file is PAYLOAD_TOO_LARGE, anything else VALIDATION_FAILED.
 */
export function parseBlueprintOrThrow(text: string, opts: BlueprintParseOptions = {}): Blueprint {
  const { blueprint, problems } = parseBlueprintYaml(text, opts);
  if (blueprint !== null) return blueprint;
  throw blueprintError(problems);
}

export function blueprintError(problems: Problem[]): DomainError {
  if (problems.some((p) => p.rule === 'max_size')) {
    return new DomainError(ErrorCode.PayloadTooLarge, problems.map((p) => p.message).join('; '), { problems });
  }
  return invalid(problems, `invalid blueprint: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`);
}
