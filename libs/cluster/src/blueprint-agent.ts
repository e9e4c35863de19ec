import { Problem } from '#common';
import { AgentDefinition, Blueprint } from '#blueprint';
import { BuildAgentInput, buildAgentSpec, chooseTemplate, UnknownTemplateError } from '#genesis';

/**
 * How a blueprint agent definition becomes a Genesis spawn: the template it names (or one inferred
 * from its role and capabilities), its config as overrides and its traits as trait overrides.
 * Shared by cluster spawning and by blueprint validation, so a blueprint that validates spawns.
 */
export function spawnInputFor(def: AgentDefinition, opts: { name?: string; seed?: string; source?: string } = {}): BuildAgentInput {
  const choice = chooseTemplate({ role: def.role, capabilities: def.capabilities, explicitTemplateId: def.genesisTemplate });
  return {
    templateId: choice.templateId,
    choice,
    name: opts.name ?? def.name,
    role: def.role,
    traitOverrides: def.config.traits,
    configOverrides: { llm_model: def.config.llm_model, temperature: def.config.temperature, max_tokens: def.config.max_tokens },
    capabilities: def.capabilities,
    skills: def.skills,
    seed: opts.seed,
    source: opts.source,
  };
}

/** Problems that would make Genesis refuse an agent of this blueprint, with blueprint paths. */
export function genesisProblems(bp: Blueprint): Problem[] {
  const problems: Problem[] = [];
  bp.agents.forEach((def, i) => {
    const at = `agents[${i}]`;
    let input: BuildAgentInput;
    try {
      input = spawnInputFor(def, { seed: 'blueprint-check' });
    } catch (e) {
      if (e instanceof UnknownTemplateError) {
        problems.push({ path: `${at}.genesis_template`, rule: 'unknown_template', message: `${at}.genesis_template: ${e.message}` });
        return;
      }
      throw e;
    }
    const result = buildAgentSpec(input);
    for (const p of result.problems) {
      const path = p.path.replace(/^trait_overrides/, `${at}.config.traits`).replace(/^config\./, `${at}.config.`).replace(/^(name|role|capabilities|skills)/, `${at}.$1`);
      problems.push({ ...p, path, message: `${path}: ${p.message}` });
    }
    for (const v of result.evaluation.violations) {
      // the key the blueprint used (an old trait id stays as written), else the trait's own id
      const path = v.path ? v.path.replace(/^trait_overrides/, `${at}.config.traits`) : v.trait ? `${at}.config.traits.${v.trait}` : `${at}.config.traits`;
      problems.push({ path, rule: v.rule, message: `${path}: Genesis would refuse ${def.name}: ${v.message}` });
    }
  });
  return problems;
}
