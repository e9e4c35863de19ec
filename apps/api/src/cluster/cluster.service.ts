import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode, notFound, Problem } from '#common';
import { Blueprint as BlueprintDefinition, workerDefinitions } from '#blueprint';
import { AgentRole, AgentStatus, Cluster, ClusterStatus, ClusterType, ScalingSource } from '#db';
import { JobName } from '#queue';
import { ClusterIntent, RUNNABLE, workerBoundProblems, workerCapacity } from '#scaling';
import { Autoscaler, BlueprintStore, BudgetService, ClusterRepository, ClusterTransitions, GenesisSpawner, ManifestRepository, MetricsRepository, spawnInputFor } from '#cluster';
import { isManifestName, MANIFEST_NAME_PATTERN, MANIFEST_NAMES } from '#manifests';
import { Principal } from '../auth/auth.decorators';
import { IdempotencyService } from '../common/idempotency.service';
import { pageWindow } from '../common/paging.dto';
import {
  AddAgentDto,
  buildHierarchy,
  ClusterAgentDto,
  ClusterAgentListDto,
  ClusterMetricsDto,
  EvaluateScalingDto,
  EvaluationDto,
  mapSample,
  MetricsQuery,
  ClusterDto,
  ClusterListDto,
  CreateClusterDto,
  DecisionsQuery,
  HierarchyDto,
  ListAgentsQuery,
  ListClustersQuery,
  ManifestListDto,
  mapAgent,
  mapCluster,
  mapDecision,
  mapManifest,
  ScaleClusterDto,
  ScalingDecisionListDto,
  UpdateClusterDto,
} from './cluster.dto';

const invalid = (problems: Problem[]) => new DomainError(ErrorCode.ValidationFailed, problems.map((p) => p.message).join('; '), { problems });

/** min <= target <= max, and within what the blueprint's worker definitions can hold. */
function checkWorkerBounds(bp: BlueprintDefinition, min: number, max: number, target: number): Problem[] {
  return workerBoundProblems(min, max, target, workerCapacity(workerDefinitions(bp).map((d) => ({ name: d.name, ...d.count }))), bp.metadata.id);
}

/** Who asked, for the scaling-decision log: the key's name and id. */
const actorOf = (who: Principal | undefined) => (who ? (who.keyId ? `${who.name} (${who.keyId})` : who.name) : 'anonymous');

@Injectable()
export class ClusterService {
  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly genesis: GenesisSpawner,
    private readonly transitions: ClusterTransitions,
    private readonly idempotency: IdempotencyService,
    private readonly metricsRepo: MetricsRepository,
    private readonly autoscaler: Autoscaler,
    private readonly manifestsRepo: ManifestRepository,
    private readonly budget: BudgetService,
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
        scaling: bp.cluster.scaling ? { mode: 'threshold', ...bp.cluster.scaling } : null,
        // a blueprint with a scaling section opts its clusters in; without one there is nothing to act on
        autoscalingEnabled: bp.cluster.scaling !== undefined && bp.cluster.scaling !== null,
        createdBy: who?.keyId ?? null,
        // creation is the first scaling action: the autoscaler's cooldown starts here
        lastScaledAt: new Date(),
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
      // the blueprint's budget section becomes the cluster's budget
      if (bp.budget) await this.budget.put(c.id, bp.budget, m);
      return mapCluster(c, { currentWorkers: 0, agentsCount: 0 });
    });
    if (!result.replayed) await this.transitions.converge(result.body.id, JobName.SpawnCluster);
    return { cluster: result.body, replayed: result.replayed };
  }

  async list(q: ListClustersQuery): Promise<ClusterListDto> {
    const [rows, total] = await this.repo.list({ status: q.status, type: q.type, blueprintId: q.blueprint_id, ...pageWindow(q) });
    const counts = await this.repo.counts(rows.map((c) => c.id));
    return { clusters: rows.map((c) => mapCluster(c, counts.get(c.id)!)), total, page: q.page, page_size: q.page_size };
  }

  async get(id: string): Promise<ClusterDto> {
    const found = await this.repo.findWithCounts(id);
    if (!found) throw notFound('cluster', id);
    return mapCluster(found.cluster, found.counts);
  }

  async update(id: string, dto: UpdateClusterDto, who?: Principal): Promise<ClusterDto> {
    const c = await this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (c.status === ClusterStatus.Destroyed || c.status === ClusterStatus.Destroying) {
        throw new DomainError(ErrorCode.Conflict, `cluster ${id} is ${c.status}`);
      }
      const min = dto.min_workers ?? c.minWorkers;
      const max = dto.max_workers ?? c.maxWorkers;
      const problems: Problem[] = [];
      if (min > max) problems.push({ path: 'min_workers', rule: 'min_le_max', message: `min_workers (${min}) must be <= max_workers (${max})` });
      // asleep, a cluster's target is 0 and reactivation brings it into the new bounds
      const awake = c.status !== ClusterStatus.Hibernated;
      if (awake && min > c.targetWorkers) problems.push({ path: 'min_workers', rule: 'le_target', message: `min_workers (${min}) must be <= target_workers (${c.targetWorkers}); scale up first` });
      if (awake && max < c.targetWorkers) problems.push({ path: 'max_workers', rule: 'ge_target', message: `max_workers (${max}) must be >= target_workers (${c.targetWorkers}); scale down first` });
      if (problems.length) throw invalid(problems);
      const patch: Partial<Cluster> = {
        ...(dto.name !== undefined ? { name: dto.name } : {}),
        ...(dto.description !== undefined ? { description: dto.description } : {}),
        ...(dto.tags !== undefined ? { tags: dto.tags } : {}),
        ...(dto.config !== undefined ? { config: dto.config } : {}),
        ...(dto.autoscaling_enabled !== undefined ? { autoscalingEnabled: dto.autoscaling_enabled } : {}),
        minWorkers: min,
        maxWorkers: max,
      };
      if (dto.autoscaling_enabled !== undefined && !c.scaling) {
        throw invalid([{ path: 'autoscaling_enabled', rule: 'has_scaling', message: `cluster ${id} has no scaling rule (its blueprint has no cluster.scaling section): there is nothing to enable` }]);
      }
      await this.repo.update(m, id, patch);
      if (dto.autoscaling_enabled !== undefined && dto.autoscaling_enabled !== c.autoscalingEnabled) {
        await this.repo.recordDecision(m, {
          clusterId: id,
          source: ScalingSource.Manual,
          requestedBy: actorOf(who),
          reasonCode: dto.autoscaling_enabled ? 'Resumed' : 'Paused',
          reason: dto.autoscaling_enabled ? 'autoscaling resumed' : 'autoscaling paused',
          rule: null,
          fromWorkers: c.targetWorkers,
          toWorkers: c.targetWorkers,
          applied: true,
          inputs: {},
        });
      }
      return { ...c, ...patch, updatedAt: new Date() };
    });
    return this.withCounts(c);
  }

  /**
   * Sets a new worker target. Requests on one cluster serialise on its row lock; the last one
   * accepted wins and the worker converges the agents to it.
   */
  scale(id: string, dto: ScaleClusterDto, who: Principal | undefined): Promise<ClusterDto> {
    return this.transition(id, { kind: 'scale', target: dto.target_workers, reason: dto.reason ?? null }, who);
  }

  /** Stops workers and specialists, keeps the supervisor. A second call changes nothing. */
  hibernate(id: string, who: Principal | undefined): Promise<ClusterDto> {
    return this.transition(id, { kind: 'hibernate' }, who);
  }

  /** Brings a hibernated cluster back to its minimum (or `config.activation_workers`) size. */
  reactivate(id: string, who: Principal | undefined): Promise<ClusterDto> {
    return this.transition(id, { kind: 'reactivate' }, who);
  }

  /** Moves the cluster through destroying to destroyed; every agent is stopped. */
  destroy(id: string, who: Principal | undefined): Promise<ClusterDto> {
    return this.transition(id, { kind: 'destroy' }, who);
  }

  private async transition(id: string, intent: ClusterIntent, who: Principal | undefined): Promise<ClusterDto> {
    const { cluster, counts } = await this.transitions.apply(id, intent, { source: ScalingSource.Manual, requestedBy: actorOf(who) });
    // the counts read under the row lock: the agents have not changed since (the worker converges after the commit)
    return counts ? mapCluster(cluster, counts) : this.withCounts(cluster);
  }

  async agents(id: string, q: ListAgentsQuery): Promise<ClusterAgentListDto> {
    await this.mustExist(id);
    const [rows, total] = await this.repo.agents(id, { role: q.role, status: q.status, ...pageWindow(q) });
    return { agents: rows.map(mapAgent), total, page: q.page, page_size: q.page_size };
  }

  /** Adds an agent by hand through Genesis; a worker raises the target by one. */
  async addAgent(id: string, dto: AddAgentDto): Promise<ClusterAgentDto> {
    return this.repo.transaction(async (m) => {
      const c = await this.mustLock(m, id);
      if (!RUNNABLE.includes(c.status)) {
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

  /** The policy's answer now (or for the given values), with its explanation; stores nothing. */
  async evaluate(id: string, dto: EvaluateScalingDto): Promise<EvaluationDto> {
    const c = await this.mustExist(id);
    const metrics = dto.metrics ? Object.fromEntries(Object.entries(dto.metrics).filter(([, v]) => v !== undefined)) : undefined;
    const ev = await this.autoscaler.dryRun(c, { current_workers: dto.current_workers, last_scaled_at: dto.last_scaled_at, metrics });
    return {
      target_workers: ev.target_workers,
      current_workers: ev.current_workers,
      reason_code: ev.reason_code,
      reason: ev.reason,
      rule: ev.rule,
      would_change: ev.would_change,
      explanation: { inputs: ev.inputs, proposals: ev.proposals, constraints: ev.constraints },
    };
  }

  async metrics(id: string, q: MetricsQuery): Promise<ClusterMetricsDto> {
    await this.mustExist(id);
    if (q.from && q.to && q.from > q.to) throw invalid([{ path: 'from', rule: 'le_to', message: 'from must not be after to' }]);
    const samples = await this.metricsRepo.samples(id, { from: q.from, to: q.to, limit: q.limit });
    return { cluster_id: id, samples: samples.map(mapSample) };
  }

  async decisions(id: string, q: DecisionsQuery): Promise<ScalingDecisionListDto> {
    await this.mustExist(id);
    const { skip, take } = pageWindow(q);
    const [rows, total] = await this.repo.decisions(id, skip, take, q.source);
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

  // Manifests are generated by the worker after the cluster changes; these only read them.

  async manifests(id: string): Promise<ManifestListDto> {
    await this.mustExist(id);
    const rows = await this.manifestsRepo.list(id);
    if (!rows.length) throw beingGenerated(`the manifests of cluster ${id} have not been generated yet`);
    return { cluster_id: id, manifests: rows.map(mapManifest) };
  }

  /** The content of README.md or SKILLS.md. */
  async manifest(id: string, name: string): Promise<string> {
    if (!MANIFEST_NAME_PATTERN.test(name)) {
      throw invalid([{ path: 'name', rule: 'file_name', message: `name must be a file name (${MANIFEST_NAME_PATTERN.source}), e.g. ${MANIFEST_NAMES.join(' or ')}` }]);
    }
    await this.mustExist(id);
    if (!isManifestName(name)) throw new DomainError(ErrorCode.NotFound, `manifest ${name} not found: a cluster has ${MANIFEST_NAMES.join(' and ')}`);
    const m = await this.manifestsRepo.content(id, name);
    if (!m) throw beingGenerated(`${name} of cluster ${id} has not been generated yet`);
    return m.content;
  }
}

const beingGenerated = (what: string) => new DomainError(ErrorCode.NotFound, `${what}: it is being generated, try again in a few seconds`);
