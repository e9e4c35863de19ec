import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AgentSpec, dnaChecksum, FoundationEvaluation, TemplateChoice } from '#genesis';
import { DnaSnapshot, GenesisAgent, insertEntities } from '#db';

/** The columns of a stored Genesis agent. */
function agentFields(spec: AgentSpec, choice: TemplateChoice, evaluation: FoundationEvaluation): Partial<GenesisAgent> {
  return {
    name: spec.name,
    templateId: spec.templateId,
    templateChoice: choice.choice,
    templateReason: choice.reason,
    role: spec.role,
    traits: spec.traits,
    config: spec.config,
    systemPrompt: spec.systemPrompt,
    capabilities: spec.capabilities,
    tools: spec.tools,
    warnings: evaluation.warnings,
    status: 'active',
  };
}

@Injectable()
export class GenesisRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Stores an agent and its first DNA snapshot together (in the caller's transaction when given). */
  async store(spec: AgentSpec, choice: TemplateChoice, evaluation: FoundationEvaluation, m?: EntityManager): Promise<{ agent: GenesisAgent; dna: DnaSnapshot }> {
    const run = async (tx: EntityManager) => (await this.storeMany([{ spec, choice, evaluation }], tx))[0];
    return m ? run(m) : this.ds.transaction(run);
  }

  /**
   * Stores many agents and their first DNA snapshots in two INSERTs (in the caller's transaction),
   * for a pool of workers spawned at once (and for one, by `store`).
   */
  async storeMany(items: { spec: AgentSpec; choice: TemplateChoice; evaluation: FoundationEvaluation }[], m: EntityManager): Promise<{ agent: GenesisAgent; dna: DnaSnapshot }[]> {
    if (!items.length) return [];
    // one INSERT per table (insertEntities): save diffed and deep-merged every entity (their jsonb
    // included), and TypeORM's insert builder still cost more than the statements themselves
    const agents = await insertEntities(this.ds, m, GenesisAgent, items.map(({ spec, choice, evaluation }) => agentFields(spec, choice, evaluation)));
    const dnas = await insertEntities(
      this.ds,
      m,
      DnaSnapshot,
      agents.map((agent, i) => ({ agentId: agent.id, version: 1, dna: items[i].spec.dna as unknown as Record<string, unknown>, checksum: dnaChecksum(items[i].spec.dna) })),
    );
    return agents.map((agent, i) => ({ agent, dna: dnas[i] }));
  }

  find(id: string): Promise<GenesisAgent | null> {
    return this.ds.getRepository(GenesisAgent).findOne({ where: { id } });
  }

  latestDna(agentId: string): Promise<DnaSnapshot | null> {
    return this.ds.getRepository(DnaSnapshot).findOne({ where: { agentId }, order: { version: 'DESC' } });
  }

  list(filter: { templateId?: string; skip: number; take: number }): Promise<[GenesisAgent[], number]> {
    return this.ds.getRepository(GenesisAgent).findAndCount({
      where: filter.templateId ? { templateId: filter.templateId } : {},
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: filter.skip,
      take: filter.take,
    });
  }

  async countsByTemplate(): Promise<Record<string, number>> {
    const rows: { template_id: string; n: number }[] = await this.ds.query(`SELECT template_id, count(*)::int AS n FROM genesis_agents GROUP BY template_id`);
    return Object.fromEntries(rows.map((r) => [r.template_id, r.n]));
  }
}
