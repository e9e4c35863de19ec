import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { Blueprint as BlueprintDefinition, parseDuration, parsePercentage } from '#blueprint';
import { Cluster, ScalingDecision, ScalingSource } from '#db';
import { RUNTIME, Runtime } from '#runtime';
import { ClusterIntent, decideLifecycle, LifecycleRules } from '#scaling';
import { BlueprintStore } from './blueprint.store';
import { ClusterRepository } from './cluster.repository';
import { ClusterTransitions } from './cluster.transitions';
import { MetricsRepository } from './metrics.repository';

const LIFECYCLE = { source: ScalingSource.Lifecycle, requestedBy: 'lifecycle' };

/**
 * The lifecycle rules of a cluster: its blueprint's, with overrides from the cluster's
 * `config.lifecycle` ({enabled: false} turns them off; idle_time, load_below, hibernated_duration
 * replace the blueprint's values). Null when nothing applies: such clusters are never touched.
 */
export function lifecycleRules(def: BlueprintDefinition, config: Record<string, unknown>): LifecycleRules | null {
  const o = (config.lifecycle ?? {}) as Record<string, unknown>;
  if (o.enabled === false) return null;
  const bp = def.lifecycle;
  const idle = o.idle_time !== undefined ? parseDuration(o.idle_time) : undefined;
  const load = o.load_below !== undefined ? parsePercentage(o.load_below) : undefined;
  const slept = o.hibernated_duration !== undefined ? parseDuration(o.hibernated_duration) : undefined;
  const hibernate = bp.hibernate
    ? { ...bp.hibernate, ...(idle != null ? { idleSeconds: idle } : {}), ...(load != null ? { loadBelow: load } : {}) }
    : null;
  const destroyAfter = slept ?? bp.destroy?.hibernatedSeconds;
  const rules: LifecycleRules = {
    hibernate,
    ...(destroyAfter != null ? { destroyAfterHibernatedSeconds: destroyAfter } : {}),
    wakeOnTask: bp.reactivateTriggers.includes('new_task_received'),
  };
  return rules.hibernate || rules.destroyAfterHibernatedSeconds !== undefined || rules.wakeOnTask ? rules : null;
}

/**
 * Lifecycle automation: hibernates idle clusters, destroys long-hibernated ones and wakes
 * hibernated ones that have work, each through the one transition path under the cluster's row
 * lock, recorded as a decision with `source: "lifecycle"` and the reason (which condition held,
 * since when). Level-triggered: the tick looks at every candidate each period, so a missed event
 * (a wake-up that failed when the task arrived) is caught at the next one.
 */
@Injectable()
export class ClusterLifecycle {
  private readonly logger = new Logger(ClusterLifecycle.name);

  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly metrics: MetricsRepository,
    private readonly transitions: ClusterTransitions,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async evaluate(clusterId: string): Promise<ScalingDecision | null> {
    const out = await this.repo.transaction(async (m) => {
      const c = await this.repo.lock(m, clusterId);
      if (!c) return null;
      const intent = await this.decide(m, c);
      if (!intent) return null;
      return this.transitions.applyLocked(m, c, intent, LIFECYCLE);
    });
    if (out?.converge) await this.transitions.converge(clusterId);
    if (out?.decision) this.logger.log({ clusterId, decision: out.decision.reasonCode, reason: out.decision.reason }, 'lifecycle transition');
    return out?.decision ?? null;
  }

  /**
   * The clusters the lifecycle tick evaluates: running or hibernated ones that have rules. A
   * cluster without rules is never touched (decide returns null for it), so it gets no job; each
   * blueprint version is resolved once.
   */
  async candidates(): Promise<string[]> {
    const rows = await this.repo.lifecycleCandidates();
    const definitions = new Map<string, BlueprintDefinition | null>();
    const out: string[] = [];
    for (const r of rows) {
      const key = `${r.blueprintId}@${r.blueprintVersion}`;
      if (!definitions.has(key)) {
        try {
          definitions.set(key, await this.blueprints.definitionFor(r.blueprintId, r.blueprintVersion));
        } catch (e) {
          // evaluated one by one, where the failure is reported as before
          this.logger.warn(`blueprint ${key} did not resolve (${e instanceof Error ? e.message : String(e)})`);
          definitions.set(key, null);
        }
      }
      const def = definitions.get(key);
      let rules: unknown = true;
      try {
        if (def) rules = lifecycleRules(def, r.config ?? {});
      } catch {
        // a bad override: its own evaluation reports it, as before
      }
      if (rules) out.push(r.id);
    }
    return out;
  }

  /** A task arrived at a hibernated cluster: wake it, if its rules say so. Best effort: the tick repeats it. */
  async wakeForTask(c: Pick<Cluster, 'id' | 'blueprintId' | 'blueprintVersion' | 'config'>): Promise<void> {
    try {
      const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion);
      if (!lifecycleRules(definition, c.config)?.wakeOnTask) return;
      await this.transitions.apply(c.id, { kind: 'reactivate', reason: 'a new task arrived (reactivate trigger new_task_received)' }, LIFECYCLE);
    } catch (e) {
      this.logger.warn(`could not wake cluster ${c.id} for a new task (${e instanceof Error ? e.message : String(e)}); the lifecycle tick will`);
    }
  }

  private async decide(m: EntityManager, c: Cluster): Promise<ClusterIntent | null> {
    const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion, m);
    const rules = lifecycleRules(definition, c.config);
    if (!rules) return null;
    const [state] = (await m.query(
      `SELECT (SELECT count(*) FROM tasks WHERE cluster_id = $1 AND status = 'queued')::int AS queued,
              (SELECT count(*) FROM tasks WHERE cluster_id = $1 AND status = 'running')::int AS running,
              (SELECT max(created_at) FROM scaling_decisions WHERE cluster_id = $1 AND reason_code = 'Reactivated') AS woken`,
      [c.id],
    )) as { queued: number; running: number; woken: Date | null }[];
    const sample = await this.metrics.latest(c.id, m);
    const config = this.runtime.config;
    const d = decideLifecycle({
      status: c.status,
      now: new Date(),
      createdAt: c.createdAt,
      lastWokenAt: state.woken,
      lastActivityAt: c.lastActiveAt,
      hibernatedAt: c.hibernatedAt,
      queuedTasks: state.queued,
      runningTasks: state.running,
      load: sample ? { percentage: sample.loadPercentage, sampledAt: sample.sampledAt } : null,
      metricsIntervalSeconds: config.metrics.intervalSeconds,
      graceSeconds: config.lifecycle.graceSeconds,
      rules,
    });
    switch (d.action) {
      case 'hibernate':
        return { kind: 'hibernate', reason: d.reason };
      case 'destroy':
        return { kind: 'destroy', reason: d.reason };
      case 'wake':
        return { kind: 'reactivate', reason: d.reason };
      default:
        return null;
    }
  }
}
