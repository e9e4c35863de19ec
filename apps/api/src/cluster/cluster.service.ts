import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode, notFound, Problem } from '#common';
import { Blueprint as BlueprintDefinition, workerDefinitions } from '#blueprint';
import { AgentRole, AgentStatus, Cluster, ClusterStatus, ClusterType, ScalingSource } from '#db';
import { JobName, JobProducer } from '#queue';
import { workerCapacity } from '#scaling';
import { Principal } from '../auth/auth.decorators';
import { BlueprintService } from '../blueprint/blueprint.service';
import { IdempotencyService } from '../common/idempotency.service';
import { pageWindow } from '../common/paging.dto';
import { GenesisService } from '../genesis/genesis.service';
import { spawnInputFor } from '../genesis/blueprint-agent';
import {
  AddAgentDto,
  buildHierarchy,
  ClusterAgentDto,
  ClusterDto,
  ClusterListDto,
  CreateClusterDto,
  DecisionsQuery,
  HierarchyDto,
  ListAgentsQuery,
  ListClustersQuery,
  mapAgent,
  mapCluster,
  mapDecision,
  ScaleClusterDto,
  ScalingDecisionDto,
  UpdateClusterDto,
} from './cluster.dto';
import { ClusterRepository } from './cluster.repository';

const invalid = (problems: Problem[]) => new DomainError(ErrorCode.ValidationFailed, problems.map((p) => p.message).join('; '), { problems });

/** min <= target <= max, and within what the blueprint's worker definitions can hold. */
function checkWorkerBounds(bp: BlueprintDefinition, min: number, max: number, target: number): Problem[] {
  const problems: Problem[] = [];
  const cap = workerCapacity(workerDefinitions(bp).map((d) => ({ name: d.name, ...d.count })));
  if (min > max) problems.push({ path: 'min_workers', rule: 'min_le_max', message: `min_workers (${min}) must be <= max_workers (${max})` });
  if (target < min || target > max) {
    problems.push({ path: 'target_workers', rule: 'range', message: `target_workers must be between min_workers (${min}) and max_workers (${max}), got ${target}` });
  } else if (target > cap.max || target < cap.min) {
    problems.push({
      path: 'target_workers',
      rule: 'capacity',
      message: `target_workers must be between ${cap.min} and ${cap.max}: the worker definitions of blueprint ${bp.metadata.id} allow no more (and need no fewer), got ${target}`,
    });
  }
  return problems;
}

/** Who asked, for the scaling-decision log: the key's name and id. */
const actorOf = (who: Principal | undefined) => (who ? (who.keyId ? `${who.name} (${who.keyId})` : who.name) : 'anonymous');

const NOT_SCALABLE = [ClusterStatus.Hibernated, ClusterStatus.Destroying, ClusterStatus.Destroyed, ClusterStatus.Failed];

@Injectable()
export class ClusterService {
  private readonly logger = new Logger(ClusterService.name);

  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintService,
    private readonly genesis: GenesisService,
    private readonly idempotency: IdempotencyService,
    private readonly jobs: JobProducer,
  ) {}

  async create(dto: CreateClusterDto, who: Principal | undefined, idempotencyKey: string | undefined): Promise<{ cluster: ClusterDto; replayed: boolean }> {
    const { blueprint, version, definition: bp } = await this.blueprints.resolve(dto.blueprint_id);
    const min = dto.min_workers ?? bp.cluster.minWorkers;
    const max = dto.max_workers ?? bp.cluster.maxWorkers;
    const target = dto.target_workers ?? Math.min(Math.max(bp.cluster.defaultWorkers, min), max);
    const problems = checkWorkerBounds(bp, min, max, target);
    if (problems.length) throw invalid(problems);

    const scope = `POST /api/clusters|${who?.keyId ?? who?.name ?? 'anonymous'}`;
    const result = await this.idempotency.run(scope, idempotencyKey, dto, async (m) => {
      const c = await this.repo.create(m, {
        name: dto.name,
        description: dto.description ?? null,
        type: dto.type ?? (bp.cluster.type as ClusterType),
        status: ClusterStatus.Spawning,
        blueprintId: blueprint.id,
        blueprintVersion: version.version,
        minWorkers: min,
        maxWorkers: max,
        targetWorkers: target,
        config: dto.config ?? {},
        tags: dto.tags ?? [],
        scaling: bp.cluster.scaling ? { ...bp.cluster.scaling, mode: 'threshold' } : null,
        createdBy: who?.keyId ?? null,
      });
      await this.repo.recordDecision(m, {
        clusterId: c.id,
        source: ScalingSource.Manual,
        requestedBy: actorOf(who),
        reason: 'cluster created',
        reasonCode: 'Created',
        fromWorkers: 0,
        toWorkers: target,
        applied: true,
      });
      return mapCluster(c, { currentWorkers: 0, agentsCount: 0 });
    });
    if (!result.replayed) await this.kick(JobName.SpawnCluster, result.body.id);
    return { cluster: result.body, replayed: result.replayed };
  }

  async list(q: ListClustersQuery): Promise<ClusterListDto> {
    const [rows, total] = await this.repo.list({ status: q.status, type: q.type, blueprintId: q.blueprint_id, ...pageWindow(q) });
    const counts = await this.repo.counts(rows.map((c) => c.id));
    return { clusters: rows.map((c) => mapCluster(c, counts.get(c.id)!)), total, page: q.page, page_size: q.page_size };
  }

  async get(id: string): Promise<ClusterDto> {
    const c = await this.repo.find(id);
    if (!c) throw notFound('cluster', id);
    return this.withCounts(c);
  }

  async update(id: string, dto: UpdateClusterDto): Promise<ClusterDto> {
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (c.status === ClusterStatus.Destroyed || c.status === ClusterStatus.Destroying) {
        throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}`);
      }
      const min = dto.min_workers ?? c.minWorkers;
      const max = dto.max_workers ?? c.maxWorkers;
      const problems: Problem[] = [];
      if (min > max) problems.push({ path: 'min_workers', rule: 'min_le_max', message: `min_workers (${min}) must be <= max_workers (${max})` });
      if (min > c.targetWorkers) problems.push({ path: 'min_workers', rule: 'le_target', message: `min_workers (${min}) must be <= target_workers (${c.targetWorkers}); scale up first` });
      if (max < c.targetWorkers) problems.push({ path: 'max_workers', rule: 'ge_target', message: `max_workers (${max}) must be >= target_workers (${c.targetWorkers}); scale down first` });
      if (problems.length) throw invalid(problems);
      const patch: Partial<Cluster> = {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.description !== undefined ? { description: dto.description } : {}),
        ...(dto.tags !== undefined ? { tags: dto.tags } : {}),
        ...(dto.config !== undefined ? { config: dto.config } : {}),
        minWorkers: min,
        maxWorkers: max,
      };
      await this.repo.update(m, id, patch);
      return { ...c, ...patch, updatedAt: new Date() };
    });
    return this.withCounts(c);
  }

  /**
   * Sets a new worker target. Requests on one cluster serialise on its row lock; the last one
   * accepted wins and the worker converges the agents to it.
   */
  async scale(id: string, dto: ScaleClusterDto, who: Principal | undefined): Promise<ClusterDto> {
    // Checked first without the lock, so a refused request does not queue behind the others;
    // checked again under the lock, since min/max may change meanwhile. The blueprint version of
    // a cluster never changes, so its definition is read once.
    const snapshot = await this.mustExist(id);
    const { definition } = await this.blueprints.resolve(snapshot.blueprintId, snapshot.blueprintVersion, { allowInactive: true });
    const refuse = (c: Cluster) => {
      if (NOT_SCALABLE.includes(c.status)) {
        throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}: it cannot be scaled${c.status === ClusterStatus.Hibernated ? ' (reactivate it first)' : ''}`);
      }
      const problems = checkWorkerBounds(definition, c.minWorkers, c.maxWorkers, dto.target_workers);
      if (problems.length) throw invalid(problems);
    };
    refuse(snapshot);
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      refuse(c);
      const live = (await this.repo.counts([id], m)).get(id)!.currentWorkers;
      const status =
        c.status === ClusterStatus.Spawning
          ? c.status
          : dto.target_workers > live
            ? ClusterStatus.ScalingUp
            : dto.target_workers < live
              ? ClusterStatus.ScalingDown
              : c.status;
      const now = new Date();
      await this.repo.update(m, id, { targetWorkers: dto.target_workers, status, lastScaledAt: now });
      await this.repo.recordDecision(m, {
        clusterId: id,
        source: ScalingSource.Manual,
        requestedBy: actorOf(who),
        reason: dto.reason ?? null,
        reasonCode: dto.target_workers > c.targetWorkers ? 'ScaledUp' : dto.target_workers < c.targetWorkers ? 'ScaledDown' : 'Unchanged',
        rule: 'manual',
        fromWorkers: c.targetWorkers,
        toWorkers: dto.target_workers,
        applied: true,
        inputs: { live_workers: live },
      });
      return { ...c, targetWorkers: dto.target_workers, status, lastScaledAt: now, updatedAt: now };
    });
    await this.kick(JobName.ReconcileWorkers, id);
    return this.withCounts(c);
  }

  /** Stops workers and specialists, keeps the supervisor. A second call changes nothing. */
  async hibernate(id: string, who: Principal | undefined): Promise<ClusterDto> {
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (c.status === ClusterStatus.Hibernated) return c;
      if ([ClusterStatus.Destroying, ClusterStatus.Destroyed, ClusterStatus.Failed].includes(c.status)) {
        throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}: it cannot be hibernated`);
      }
      const now = new Date();
      await this.repo.update(m, id, { status: ClusterStatus.Hibernated, hibernatedAt: now, lastScaledAt: now });
      await this.repo.recordDecision(m, {
        clusterId: id,
        source: ScalingSource.Manual,
        requestedBy: actorOf(who),
        reason: 'hibernate',
        reasonCode: 'Hibernated',
        fromWorkers: c.targetWorkers,
        toWorkers: 0,
        applied: true,
      });
      return { ...c, status: ClusterStatus.Hibernated, hibernatedAt: now, lastScaledAt: now, updatedAt: now };
    });
    await this.kick(JobName.ReconcileWorkers, id);
    return this.withCounts(c);
  }

  /** Brings a hibernated cluster back to its minimum (or `config.activation_workers`) size. */
  async reactivate(id: string, who: Principal | undefined): Promise<ClusterDto> {
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (c.status !== ClusterStatus.Hibernated) {
        if ([ClusterStatus.Destroying, ClusterStatus.Destroyed, ClusterStatus.Failed].includes(c.status)) {
          throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}: it cannot be reactivated`);
        }
        return c; // already awake: harmless
      }
      const activation = Number(c.config.activation_workers);
      const target = Number.isInteger(activation) ? Math.min(Math.max(activation, c.minWorkers), c.maxWorkers) : c.minWorkers;
      const now = new Date();
      const patch = { status: ClusterStatus.ScalingUp, targetWorkers: target, hibernatedAt: null, lastScaledAt: now };
      await this.repo.update(m, id, patch);
      await this.repo.recordDecision(m, {
        clusterId: id,
        source: ScalingSource.Manual,
        requestedBy: actorOf(who),
        reason: 'reactivate',
        reasonCode: 'Reactivated',
        fromWorkers: 0,
        toWorkers: target,
        applied: true,
      });
      return { ...c, ...patch, updatedAt: now };
    });
    await this.kick(JobName.ReconcileWorkers, id);
    return this.withCounts(c);
  }

  /** Moves the cluster through destroying to destroyed; every agent is stopped. */
  async destroy(id: string, who: Principal | undefined): Promise<ClusterDto> {
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (c.status === ClusterStatus.Destroyed || c.status === ClusterStatus.Destroying) return c;
      const now = new Date();
      await this.repo.update(m, id, { status: ClusterStatus.Destroying, targetWorkers: 0, lastScaledAt: now });
      await this.repo.recordDecision(m, {
        clusterId: id,
        source: ScalingSource.Manual,
        requestedBy: actorOf(who),
        reason: 'destroy',
        reasonCode: 'Destroyed',
        fromWorkers: c.targetWorkers,
        toWorkers: 0,
        applied: true,
      });
      return { ...c, status: ClusterStatus.Destroying, targetWorkers: 0, lastScaledAt: now, updatedAt: now };
    });
    await this.kick(JobName.ReconcileWorkers, id);
    return this.withCounts(c);
  }

  async agents(id: string, q: ListAgentsQuery): Promise<ClusterAgentDto[]> {
    await this.mustExist(id);
    return (await this.repo.agents(id, { role: q.role, status: q.status })).map(mapAgent);
  }

  /** Adds an agent by hand through Genesis; a worker raises the target by one. */
  async addAgent(id: string, dto: AddAgentDto): Promise<ClusterAgentDto> {
    return this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (![ClusterStatus.Active, ClusterStatus.ScalingUp, ClusterStatus.ScalingDown].includes(c.status)) {
        throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}: agents can be added to active clusters only`);
      }
      const present = await this.repo.presentAgents(id, m);
      const supervisor = present.find((a) => a.role === AgentRole.Supervisor);
      const reportsTo = dto.reports_to_id ? present.find((a) => a.id === dto.reports_to_id) : supervisor;
      if (!reportsTo) {
        const p = { path: 'reports_to_id', rule: 'unknown_reference', message: `reports_to_id ${dto.reports_to_id} is not an agent of cluster ${id}` };
        throw invalid([p]);
      }
      if (dto.role === AgentRole.Worker) {
        if (c.targetWorkers + 1 > c.maxWorkers) throw invalid([{ path: 'role', rule: 'max_workers', message: `the cluster already has its maximum of ${c.maxWorkers} workers` }]);
        await this.repo.update(m, id, { targetWorkers: c.targetWorkers + 1 });
      }
      const config = dto.config ?? {};
      const def = {
        role: dto.role,
        name: dto.name,
        count: { min: 1, max: 1 },
        reportsTo: reportsTo.name,
        capabilities: dto.capabilities ?? [],
        skills: dto.skills ?? [],
        config: config as BlueprintDefinition['agents'][number]['config'],
        genesisTemplate: dto.genesis_template,
        raw: {},
      };
      const outcome = await this.genesis.spawn(spawnInputFor(def, { source: `cluster:${id}` }), m);
      if (!outcome.ok) {
        if (outcome.problems.length) throw invalid(outcome.problems.map((p) => ({ ...p, path: p.path.replace(/^trait_overrides/, 'config.traits') })));
        throw new DomainError(ErrorCode.EthicsBlocked, `Genesis refused the agent: ${outcome.reason}`, { violations: outcome.violations });
      }
      const now = new Date();
      const agent = await this.repo.insertAgent(m, {
        clusterId: id,
        genesisAgentId: outcome.agent.id,
        definitionName: null,
        name: dto.name,
        role: dto.role,
        status: AgentStatus.Idle,
        reportsToId: reportsTo.id,
        capabilities: outcome.agent.capabilities,
        skills: dto.skills ?? [],
        config: outcome.agent.config,
        spawnKey: `manual:${outcome.agent.id}`,
        startedAt: now,
      });
      return mapAgent(agent);
    });
  }

  async hierarchy(id: string): Promise<HierarchyDto> {
    const c = await this.mustExist(id);
    const { supervisor, total } = buildHierarchy(await this.repo.presentAgents(id));
    return { cluster_id: c.id, cluster_name: c.name, supervisor, total_agents: total };
  }

  async decisions(id: string, q: DecisionsQuery): Promise<{ decisions: ScalingDecisionDto[]; total: number; page: number; page_size: number }> {
    await this.mustExist(id);
    const { skip, take } = pageWindow(q);
    const [rows, total] = await this.repo.decisions(id, skip, take);
    return { decisions: rows.map(mapDecision), total, page: q.page, page_size: q.page_size };
  }

  private async withCounts(c: Cluster): Promise<ClusterDto> {
    return mapCluster(c, (await this.repo.counts([c.id])).get(c.id)!);
  }

  private async mustExist(id: string): Promise<Cluster> {
    const c = await this.repo.find(id);
    if (!c) throw notFound('cluster', id);
    return c;
  }

  private async mustLock(m: EntityManager, id: string): Promise<Cluster> {
    const c = await this.repo.lock(m, id);
    if (!c) throw notFound('cluster', id);
    return c;
  }

  /**
   * Asks the worker to act now. The change is already committed, so if the queue is down the
   * reconcile tick finds the cluster later: the request still succeeds and nothing is lost.
   */
  private async kick(job: JobName.SpawnCluster | JobName.ReconcileWorkers, clusterId: string): Promise<void> {
    try {
      await this.jobs.enqueue(job, { clusterId });
    } catch (e) {
      this.logger.warn(`could not enqueue ${job} for ${clusterId} (${e instanceof Error ? e.message : String(e)}); the reconcile tick will pick it up`);
    }
  }
}

