import { capped, code, countBy, countRange, document, naturalCompare, sortedUnique, table, text, time } from './markdown';
import { ManifestAgentDefinition, ManifestInput } from './manifest.types';
import { agentOrder } from './readme.renderer';

/** Agent names listed per skill; the rest are counted. */
export const SKILL_HOLDERS_CAP = 10;

const definitionLabel = (d: ManifestAgentDefinition) => `${text(d.name)} (${text(d.role)}, ${countRange(d.count)})`;

/** SKILLS.md: the skills the blueprint asks for, who in the cluster has them, and which nobody has. */
export function renderSkills(input: ManifestInput): string {
  const c = input.cluster;
  const required = sortedUnique(input.definitions.flatMap((d) => d.skills));
  const askedBy = (skill: string) => input.definitions.filter((d) => d.skills.includes(skill)).sort((a, b) => naturalCompare(a.name, b.name)).map(definitionLabel);
  const agents = [...input.agents].sort(agentOrder);
  const holders = (skill: string) => agents.filter((a) => a.skills.includes(skill));
  const missing = required.filter((s) => holders(s).length === 0);
  const extra = countBy(
    agents.flatMap((a) => sortedUnique(a.skills)).filter((s) => !required.includes(s)),
    (s) => s,
  );

  return document([
    `# Skills: ${text(c.name)}`,
    '',
    `Generated at ${time(input.generatedAt)} from the state of cluster ${code(c.id)} and its blueprint ${code(c.blueprintId)} version ${text(c.blueprintVersion)}. This file is generated: edits are overwritten.`,
    '',
    '## Required skills',
    '',
    ...(required.length
      ? [`The blueprint's agent definitions ask for ${required.length} ${required.length === 1 ? 'skill' : 'skills'}:`, '', ...table(['skill', 'asked for by'], required.map((s) => [code(s), capped(askedBy(s), SKILL_HOLDERS_CAP)]))]
      : ['The blueprint asks for no skills.']),
    '',
    '## Distribution',
    '',
    ...(agents.length ? [`Over the ${agents.length} ${agents.length === 1 ? 'agent' : 'agents'} present:`] : ['No agents are present.']),
    ...(required.length && agents.length
      ? [
          '',
          ...table(
            ['skill', 'agents', 'who'],
            required.map((s) => {
              const h = holders(s);
              return [code(s), String(h.length), h.length ? capped(h.map((a) => text(a.name)), SKILL_HOLDERS_CAP) : '-'];
            }),
          ),
        ]
      : []),
    ...(extra.size ? ['', `Held but not asked for by the blueprint: ${sortedUnique(extra.keys()).map((s) => `${code(s)} (${extra.get(s)})`).join(', ')}.`] : []),
    '',
    '## Missing skills',
    '',
    ...(missing.length
      ? [
          `${missing.length} required ${missing.length === 1 ? 'skill is' : 'skills are'} held by no agent present:`,
          '',
          ...missing.map((s) => `- ${code(s)}: asked for by ${capped(askedBy(s), SKILL_HOLDERS_CAP)}`),
        ]
      : [required.length ? 'None: every required skill is held by at least one agent present.' : 'None.']),
    '',
  ]);
}
