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
    return (await this.spawnMany([input], m))[0];
  }

  /**
   * Builds and checks every input, then stores the allowed ones together (two INSERTs, see
   * GenesisRepository.storeMany); outcomes in the order of the inputs, refusals returned, not thrown.
   */
  async spawnMany(inputs: BuildAgentInput[], m: EntityManager): Promise<SpawnOutcome[]> {
    const built = inputs.map((input) => ({ input, r: buildAgentSpec(input) }));
    const allowed = built.filter((b) => b.r.allowed);
    const stored = await this.repo.storeMany(
      allowed.map(({ input, r }) => ({
        spec: r.spec,
        choice: input.choice ?? { templateId: input.templateId, choice: 'explicit' as const, reason: 'explicit' },
        evaluation: r.evaluation,
      })),
      m,
    );
    let next = 0;
    return built.map(({ r }): SpawnOutcome => {
      if (!r.allowed) {
        const reasons = [...r.problems.map((p) => `${p.path}: ${p.message}`), ...r.evaluation.violations.map((v) => v.message)];
        return { ok: false, reason: reasons.join('; '), violations: r.evaluation.violations, problems: r.problems };
      }
      const { agent, dna } = stored[next++];
      return { ok: true, agent, dna, warnings: r.evaluation.warnings };
    });
  }
}
