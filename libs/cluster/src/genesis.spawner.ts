import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Problem } from '#common';
import { BuildAgentInput, buildAgentSpec, RuleResult } from '#genesis';
import { DnaSnapshot, GenesisAgent } from '#db';
import { GenesisRepository } from './genesis.repository';

export type SpawnOutcome =
  | { ok: true; agent: GenesisAgent; dna: DnaSnapshot; warnings: RuleResult[] }
  | { ok: false; reason: string; violations: RuleResult[]; problems: Problem[] };

/** Genesis for clusters: builds, checks and stores an agent inside the caller's transaction. */
@Injectable()
export class GenesisSpawner {
  constructor(private readonly repo: GenesisRepository) {}

  /** A refusal (bad input or a foundation-rule violation) is returned, not thrown. */
  async spawn(input: BuildAgentInput, m: EntityManager): Promise<SpawnOutcome> {
    const r = buildAgentSpec(input);
    if (!r.allowed) {
      const reasons = [...r.problems.map((p) => `${p.path}: ${p.message}`), ...r.evaluation.violations.map((v) => v.message)];
      return { ok: false, reason: reasons.join('; '), violations: r.evaluation.violations, problems: r.problems };
    }
    const choice = input.choice ?? { templateId: input.templateId, choice: 'explicit' as const, reason: 'explicit' };
    const { agent, dna } = await this.repo.store(r.spec, choice, r.evaluation, m);
    return { ok: true, agent, dna, warnings: r.evaluation.warnings };
  }
}
