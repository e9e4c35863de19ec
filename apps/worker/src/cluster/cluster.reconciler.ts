import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AgentDefinition, hierarchyOrder, workerDefinitions } from '#blueprint';
import { AgentRole, AgentStatus, Cluster, ClusterAgent, ClusterStatus } from '#db';
import { LIVE_WORKER, planWorkers } from '#scaling';
import { BlueprintStore, ClusterRepository, ClusterTransitions, GenesisSpawner, spawnInputFor } from '#cluster';

/**
 * Agents made per transaction: a crash loses at most one uncommitted batch, and locks stay short.
 * Workers are stored with multi-row INSERTs, so a step of 250 costs a few statements (it was 25
 * agents of three INSERTs each; a step also re-reads the cluster's agents, so fewer steps matter:
 * 3 -> 1,000 takes 4 steps, each holding the row lock for about a quarter of a second).
 */
const BATCH = 250;

/**
 * Converges a cluster's agents to what its row says (status and target_workers). Every step runs
 * in a transaction holding the cluster's row lock and starts from the agent rows, so a retried,
 * duplicated or interrupted run continues where the last committed step left off and never makes
 * an agent twice (the live spawn keys are unique per cluster as well).
 *
 * Tasks end without the cluster lock (they free their agent with one atomic UPDATE), so the agent
 * rows read here may be stale by the time they are written: every status write is conditional on
 * the status that was read, and a write that finds the agent moved on leaves it for the next step.
 */
@Injectable()
export class ClusterReconciler {
  private readonly logger = new Logger(ClusterReconciler.name);

  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly genesis: GenesisSpawner,
    private readonly transitions: ClusterTransitions,
  ) {}

  async reconcile(clusterId: string): Promise<void> {
    // Bounded: a cluster needs at most (agents / BATCH) steps; more means something keeps changing.
    for (let step = 0; step < 200; step++) {
      const more = await this.repo.transaction((m) => this.step(m, clusterId));
      if (!more) return;
    }
    this.logger.warn(`cluster ${clusterId} did not settle in 200 steps; the reconcile tick will continue`);
  }

  /** One locked step; true when there is more to do. */
  private async step(m: EntityManager, id: string): Promise<boolean> {
    const c = await this.repo.lock(m, id);
    if (!c) return false;
    switch (c.status) {
      case ClusterStatus.Spawning:
      case ClusterStatus.Active:
      case ClusterStatus.ScalingUp:
      case ClusterStatus.ScalingDown:
        return this.converge(m, c);
      case ClusterStatus.Hibernated:
        return this.hibernate(m, c);
      case ClusterStatus.Destroying:
        return this.destroy(m, c);
      default:
        return false;
    }
  }

  private async converge(m: EntityManager, c: Cluster): Promise<boolean> {
    const bp = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion, m);
    const agents = await this.repo.presentAgents(c.id, m);
    const failed = await this.repo.failedSpawnKeys(c.id, m);
    let budget = BATCH;

    // After a reactivation: specialists and leads wake up.
    const sleeping = agents.filter((a) => a.status === AgentStatus.Hibernated);
    const woken = new Set(await this.repo.moveAgents(m, sleeping.map((a) => a.id), AgentStatus.Hibernated, AgentStatus.Idle));
    sleeping.filter((a) => woken.has(a.id)).forEach((a) => (a.status = AgentStatus.Idle));
    // a drained worker whose task ended while it was being drained has nothing left to finish
    await this.repo.stopIdleDrainers(m, c.id);

    // Supervisor first, then every other definition `count` times (a range at its minimum).
    for (const def of hierarchyOrder(bp)) {
      if (def.role === 'worker') continue;
      for (let i = 0; i < def.count.min; i++) {
        const key = `def:${def.name}:${i}`;
        if (failed.has(key) || agents.some((a) => a.spawnKey === key)) continue;
        if (budget-- <= 0) return true;
        const name = def.count.min > 1 ? `${def.name} ${i + 1}` : def.name;
        const agent = await this.spawnAgent(m, c, def, key, name, agents);
        if (agent.status === AgentStatus.SpawnFailed && def.role === 'supervisor') {
          await this.transitions.settle(m, c, 'supervisor_refused', { statusReason: `supervisor ${def.name} was refused by Genesis: ${agent.error}` });
          this.logger.warn(`cluster ${c.id} failed: supervisor refused`);
          return false;
        }
        if (agent.status !== AgentStatus.SpawnFailed) agents.push(agent);
      }
    }

    // Then the worker pool, to target_workers, spread over the worker definitions.
    const workerDefs = workerDefinitions(bp);
    const blocked = new Set(workerDefs.filter((d) => [...failed].some((k) => k.startsWith(`worker:${d.name}:`))).map((d) => d.name));
    const live = agents.filter((a) => a.role === AgentRole.Worker && LIVE_WORKER.includes(a.status));
    const plan = planWorkers(
      workerDefs.map((d) => ({ name: d.name, ...d.count })),
      live.map((a) => ({ id: a.id, definition: a.definitionName ?? '', busy: a.status === AgentStatus.Busy })),
      c.targetWorkers,
      blocked,
    );
    // The plan saw idle agents to stop and busy ones to drain; one that changed since is planned again.
    const stopped = await this.repo.moveAgents(m, plan.stop, [AgentStatus.Idle, AgentStatus.Spawning], AgentStatus.Stopped);
    const drained = await this.repo.moveAgents(m, plan.drain, AgentStatus.Busy, AgentStatus.Draining);
    if (stopped.length < plan.stop.length || drained.length < plan.drain.length) return true;
    // Workers of one definition are made together: built and checked one by one, stored in a few
    // multi-row INSERTs (a pool of 1,000 took 3,000 single-row INSERTs before).
    for (const [defName, n] of Object.entries(plan.spawn)) {
      const def = workerDefs.find((d) => d.name === defName)!;
      const used = new Set(agents.filter((a) => a.definitionName === defName).map((a) => a.spawnKey));
      const slots: { key: string; name: string }[] = [];
      let slot = 0;
      for (let k = 0; k < n && budget > 0; k++, budget--) {
        while (used.has(`worker:${defName}:${slot}`)) slot++;
        used.add(`worker:${defName}:${slot}`);
        slots.push({ key: `worker:${defName}:${slot}`, name: `${defName} ${slot + 1}` });
      }
      const made = await this.spawnAgents(m, c, def, slots, agents);
      // a refusal ends this step: plan again without this definition (its key is now a failed one)
      if (made.some((a) => a.status === AgentStatus.SpawnFailed)) return true;
      agents.push(...made);
      if (slots.length < n) return true; // this step's budget is spent
    }

    const draining = plan.drain.length > 0 || agents.some((a) => a.status === AgentStatus.Draining);
    const statusReason = plan.shortfall ? `target_workers ${c.targetWorkers} cannot be met: ${plan.shortfall.reason}` : null;
    await this.transitions.settle(m, c, draining ? 'draining' : 'converged', { startedAt: c.startedAt ?? new Date(), statusReason });
    return false;
  }

  /** Workers stop (busy ones drain first), specialists and leads sleep, the supervisor stays. */
  private async hibernate(m: EntityManager, c: Cluster): Promise<boolean> {
    const agents = await this.repo.presentAgents(c.id, m);
    const workers = agents.filter((a) => a.role === AgentRole.Worker);
    const others = agents.filter((a) => a.role === AgentRole.Specialist || a.role === AgentRole.Lead);
    const stale = await this.moveAll(m, [
      [workers.filter((a) => a.status === AgentStatus.Idle || a.status === AgentStatus.Spawning), AgentStatus.Stopped],
      [workers.filter((a) => a.status === AgentStatus.Busy), AgentStatus.Draining],
      [others.filter((a) => a.status === AgentStatus.Idle || a.status === AgentStatus.Spawning), AgentStatus.Hibernated],
    ]);
    await this.repo.stopIdleDrainers(m, c.id);
    return stale;
  }

  /** Every agent stops (busy ones after their task); then the cluster is destroyed. */
  private async destroy(m: EntityManager, c: Cluster): Promise<boolean> {
    const agents = await this.repo.presentAgents(c.id, m);
    const stale = await this.moveAll(m, [
      [agents.filter((a) => a.status === AgentStatus.Busy), AgentStatus.Draining],
      [agents.filter((a) => a.status !== AgentStatus.Busy && a.status !== AgentStatus.Draining), AgentStatus.Stopped],
    ]);
    await this.repo.stopIdleDrainers(m, c.id);
    // Tasks still waiting will never run: they end cancelled, with the reason.
    await this.repo.cancelQueuedTasks(m, c.id, 'cluster destroyed before the task ran');
    if (stale) return true;
    if (!(await this.repo.presentAgents(c.id, m)).length) {
      await this.transitions.settle(m, c, 'emptied');
    }
    return false;
  }

  /** Moves each group from the status it was seen in; true when some agent had moved on meanwhile. */
  private async moveAll(m: EntityManager, groups: [ClusterAgent[], AgentStatus][]): Promise<boolean> {
    let stale = false;
    for (const [agents, to] of groups) {
      for (const from of new Set(agents.map((a) => a.status))) {
        const ids = agents.filter((a) => a.status === from).map((a) => a.id);
        const moved = await this.repo.moveAgents(m, ids, from, to);
        if (moved.length < ids.length) stale = true;
      }
    }
    return stale;
  }

  /**
   * Makes agents of one definition through Genesis, stored together. Like one spawnAgent after
   * another: the first refusal is stored as a spawn_failed agent and nothing after it is made.
   */
  private async spawnAgents(m: EntityManager, c: Cluster, def: AgentDefinition, slots: { key: string; name: string }[], present: ClusterAgent[]): Promise<ClusterAgent[]> {
    if (!slots.length) return [];
    const parent = this.parentOf(def, present);
    const outcomes = await this.genesis.spawnMany(
      slots.map((s) => spawnInputFor(def, { name: s.name, seed: `${c.id}/${s.key}`, source: `cluster:${c.id}` })),
      m,
    );
    const refused = outcomes.findIndex((o) => !o.ok);
    const kept = refused < 0 ? outcomes.length : refused + 1;
    const now = new Date();
    return this.repo.insertAgents(
      m,
      outcomes.slice(0, kept).map((outcome, i) => ({
        clusterId: c.id,
        genesisAgentId: outcome.ok ? outcome.agent.id : null,
        definitionName: def.name,
        name: slots[i].name,
        role: def.role as AgentRole,
        status: outcome.ok ? AgentStatus.Idle : AgentStatus.SpawnFailed,
        reportsToId: parent?.id ?? null,
        capabilities: outcome.ok ? outcome.agent.capabilities : def.capabilities,
        skills: def.skills,
        config: outcome.ok ? outcome.agent.config : {},
        error: outcome.ok ? null : outcome.reason,
        spawnKey: slots[i].key,
        startedAt: outcome.ok ? now : null,
      })),
    );
  }

  private parentOf(def: AgentDefinition, present: ClusterAgent[]): ClusterAgent | undefined {
    return def.reportsTo
      ? (present.find((a) => a.definitionName === def.reportsTo && a.status !== AgentStatus.Hibernated) ??
          present.find((a) => a.definitionName === def.reportsTo) ??
          present.find((a) => a.role === AgentRole.Supervisor))
      : undefined;
  }

  /** Makes one agent through Genesis; a refusal is stored as a spawn_failed agent with the reason. */
  private async spawnAgent(m: EntityManager, c: Cluster, def: AgentDefinition, spawnKey: string, name: string, present: ClusterAgent[]): Promise<ClusterAgent> {
    const [agent] = await this.spawnAgents(m, c, def, [{ key: spawnKey, name }], present);
    return agent;
  }

}
