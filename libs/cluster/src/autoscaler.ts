import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '#common';
import { Blueprint as BlueprintDefinition, workerDefinitions } from '#blueprint';
import { Cluster, MetricSample, ScalingDecision, ScalingSource } from '#db';
import { JobName, JobProducer } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { AutoscaleSettings, ClusterPatch, evaluateScaling, Evaluation, EvaluationInput, MetricsSnapshot, planTransition, Recommendation, RUNNABLE, workerCapacity } from '#scaling';
import { BlueprintStore } from './blueprint.store';
import { BudgetService } from './budget.service';
import { ClusterRepository } from './cluster.repository';
import { ClusterTransitions } from './cluster.transitions';
import { MetricsRepository } from './metrics.repository';

/** What a dry run may put in place of the live values. */
export interface EvaluationOverrides {
  current_workers?: number;
  last_scaled_at?: Date | null;
  metrics?: Partial<Omit<MetricsSnapshot, 'sampled_at'>>;
}

/** A metrics row in the policy's terms. */
export function snapshotOf(s: MetricSample): MetricsSnapshot {
  return {
    queue_length: s.queueLength,
    running: s.runningTasks,
    oldest_wait_seconds: s.queueWaitMs === null ? 0 : s.queueWaitMs / 1000,
    tasks_per_minute: s.tasksPerMinute,
    avg_response_ms: s.avgResponseMs,
    error_rate: s.errorRate,
    load_percentage: s.loadPercentage,
    cpu_usage: s.cpuUsage,
    memory_usage: s.memoryUsage,
    sampled_at: s.sampledAt,
  };
}

/** Whether a row locked now is, in everything the policy read, the row it was evaluated on. */
function sameScalingState(now: Cluster, read: Cluster): boolean {
  return (
    now.status === read.status &&
    now.targetWorkers === read.targetWorkers &&
    now.minWorkers === read.minWorkers &&
    now.maxWorkers === read.maxWorkers &&
    now.autoscalingEnabled === read.autoscalingEnabled &&
    (now.lastScaledAt?.getTime() ?? null) === (read.lastScaledAt?.getTime() ?? null) &&
    JSON.stringify(now.scaling) === JSON.stringify(read.scaling)
  );
}

/** Clusters the autoscaler acts on: running, opted in, with a scaling rule. */
function takesPart(c: Cluster): boolean {
  return RUNNABLE.includes(c.status) && c.autoscalingEnabled && !!c.scaling;
}

function settingsOf(c: Cluster, definition: BlueprintDefinition): AutoscaleSettings {
  const settings = (c.scaling ?? definition.cluster.scaling) as AutoscaleSettings | null;
  if (!settings) throw new DomainError(ErrorCode.Unprocessable, `cluster ${c.id} has no scaling rule (its blueprint has no cluster.scaling section)`);
  return settings;
}

/**
 * The autoscaler's side of the cluster core: builds the policy's input from the rows (the latest
 * sample, the worker capacity, the last scaling action, recent recommendations), asks the pure
 * `evaluateScaling`, and applies the answer through the one transition path under the cluster's
 * row lock, recording every evaluation (also "did nothing, because...") as a decision.
 */
@Injectable()
export class Autoscaler {
  private readonly logger = new Logger(Autoscaler.name);

  constructor(
    private readonly repo: ClusterRepository,
    private readonly blueprints: BlueprintStore,
    private readonly metrics: MetricsRepository,
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly budget: BudgetService,
    private readonly transitions: ClusterTransitions,
  ) {}

  /** Evaluates without the lock and stores nothing: the dry run, on live values or the given ones. */
  async dryRun(cluster: Cluster, overrides: EvaluationOverrides = {}): Promise<Evaluation> {
    const input = await this.inputFor(cluster, this.repo.ds.manager, new Date());
    if (overrides.current_workers !== undefined) input.current_workers = overrides.current_workers;
    if (overrides.last_scaled_at !== undefined) input.last_scaled_at = overrides.last_scaled_at;
    if (overrides.metrics) input.metrics = { ...(input.metrics ?? {}), ...overrides.metrics, sampled_at: input.now };
    // a dry run answers what the policy would do, paused or not
    input.paused = false;
    return evaluateScaling(input);
  }

  /**
   * One evaluation of one cluster: locks the row (waiting for it), evaluates on the latest sample,
   * records the decision with source "autoscaler", and scales when the target changes.
   */
  async evaluate(clusterId: string): Promise<ScalingDecision | null> {
    const out = await this.repo.transaction(async (m) => {
      const c = await this.repo.lock(m, clusterId);
      if (!c || !takesPart(c)) return null;
      const now = new Date();
      const live = (await this.repo.counts([clusterId], m)).get(clusterId)!.currentWorkers;
      const d = this.decide(c, await this.inputFor(c, m, now), live, now);
      if (!d) return null;
      if (d.patch) await this.transitions.write(m, c, d.patch);
      return { decision: await this.repo.recordDecision(m, d.decision), converge: d.patch !== null };
    });
    if (out?.converge) await this.converge([clusterId]);
    return out?.decision ?? null;
  }

  /**
   * The tick's evaluation of many clusters at once, with the same outcome per cluster as
   * `evaluate`, in a few set statements: the clusters are read with their live workers and the
   * inputs (latest samples, recommendations, budgets; each blueprint version once) without a lock,
   * and the policy runs on each. Most clusters hold their size: their decisions are recorded in one
   * INSERT, and nothing else is written. Only the clusters whose target changes are locked (FOR NO
   * KEY UPDATE SKIP LOCKED, in id order) and written through the transition path, in the same
   * transaction, if their row is still as it was read; one that moved meanwhile, or that another
   * transaction holds, is returned instead, for the caller to evaluate alone under its lock (its
   * decision is recorded there). Locking every row of the batch wrote a row lock into each cluster
   * row on every tick to change a few of them.
   */
  async evaluateBatch(ids: string[]): Promise<{ evaluated: number; skipped: string[] }> {
    if (!ids.length) return { evaluated: 0, skipped: [] };
    const now = new Date();
    const read = (await this.repo.forAutoscaling(ids)).filter((r) => takesPart(r.cluster));
    if (!read.length) return { evaluated: 0, skipped: [] };
    const inputs = await this.inputsFor(
      read.map((r) => r.cluster),
      this.repo.ds.manager,
      now,
    );
    const decided: { c: Cluster; patch: ClusterPatch | null; decision: Partial<ScalingDecision> }[] = [];
    for (const { cluster: c, live } of read) {
      const d = this.decide(c, inputs.get(c.id)!, live, now);
      if (d) decided.push({ c, ...d });
    }
    const skipped: string[] = [];
    const changed: string[] = [];
    const decisions = decided.filter((d) => !d.patch).map((d) => d.decision);
    const changing = decided.filter((d) => d.patch);
    await this.repo.transaction(async (m) => {
      if (changing.length) {
        const locked = new Map((await this.repo.lockMany(m, changing.map((d) => d.c.id))).map((c) => [c.id, c]));
        for (const d of changing) {
          const c = locked.get(d.c.id);
          if (!c || !sameScalingState(c, d.c)) {
            skipped.push(d.c.id);
            continue;
          }
          await this.transitions.write(m, c, d.patch!);
          changed.push(c.id);
          decisions.push(d.decision);
        }
      }
      await this.repo.recordDecisions(m, decisions);
    });
    await this.converge(changed);
    return { evaluated: decisions.length, skipped };
  }

  /** The policy's answer for a locked cluster: the row patch (null: nothing to change) and the decision to record. */
  private decide(c: Cluster, input: EvaluationInput, live: number, now: Date): { patch: ClusterPatch | null; decision: Partial<ScalingDecision> } | null {
    const ev = evaluateScaling(input);
    const plan = planTransition(
      { status: c.status, minWorkers: c.minWorkers, maxWorkers: c.maxWorkers, targetWorkers: c.targetWorkers, liveWorkers: live, capacity: input.capacity },
      { kind: 'scale', target: ev.target_workers, reason: ev.reason, rule: ev.rule ?? 'none' },
      now,
    );
    if (!plan.ok) {
      // the bounds moved under the policy (it clamps to them, so this should not happen): say so
      this.logger.warn({ clusterId: c.id, code: plan.code, message: plan.message }, 'autoscaler target refused');
      return null;
    }
    return {
      patch: plan.patch,
      decision: {
        clusterId: c.id,
        source: ScalingSource.Autoscaler,
        requestedBy: 'autoscaler',
        reasonCode: ev.reason_code,
        reason: ev.reason,
        rule: ev.rule,
        fromWorkers: c.targetWorkers,
        toWorkers: ev.target_workers,
        applied: ev.target_workers !== c.targetWorkers,
        inputs: { ...ev.inputs, recommendation: ev.recommendation, proposals: ev.proposals, constraints: ev.constraints, live_workers: live },
      },
    };
  }

  /** Reconcile jobs for clusters whose target changed (a failure is left to the reconcile tick). */
  private async converge(ids: string[]): Promise<void> {
    if (!ids.length) return;
    try {
      await this.jobs.enqueueMany(
        JobName.ReconcileWorkers,
        ids.map((clusterId) => ({ clusterId })),
      );
    } catch (e) {
      this.logger.warn(`could not enqueue reconcile for ${ids.length} cluster(s) (${e instanceof Error ? e.message : String(e)}); the reconcile tick will pick them up`);
    }
  }

  private async inputFor(c: Cluster, m: EntityManager, now: Date): Promise<EvaluationInput> {
    const definition = await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion, m);
    const settings = settingsOf(c, definition);
    const sample = await this.metrics.latest(c.id, m);
    const window = settings.stabilizationWindowSeconds ?? 0;
    return this.input(c, definition, settings, {
      metrics: sample ? snapshotOf(sample) : null,
      recommendations: window > 0 ? await this.recommendations(c.id, window, m) : [],
      // what the budget affords (BudgetService.maxWorkers); undefined without a budget
      budgetMax: await this.budget.maxWorkers(c, m, now),
      now,
    });
  }

  /** inputFor for many clusters, in set queries. */
  private async inputsFor(clusters: Cluster[], m: EntityManager, now: Date): Promise<Map<string, EvaluationInput>> {
    const ids = clusters.map((c) => c.id);
    // per process, each blueprint version is read once (definitionFor)
    const definitions = new Map<string, BlueprintDefinition>();
    for (const c of clusters) definitions.set(c.id, await this.blueprints.definitionFor(c.blueprintId, c.blueprintVersion, m));
    const settings = new Map(clusters.map((c) => [c.id, settingsOf(c, definitions.get(c.id)!)]));
    const samples = await this.metrics.latestOf(ids, m);
    const longest = Math.max(0, ...[...settings.values()].map((s) => s.stabilizationWindowSeconds ?? 0));
    const recent = new Map<string, (Recommendation & { age: number })[]>();
    if (longest > 0) {
      const rows: { cluster_id: string; at: Date; target: number; age: number }[] = await m.query(
        `SELECT cluster_id, created_at AS at, (inputs->>'recommendation')::int AS target, extract(epoch FROM now() - created_at) AS age FROM scaling_decisions
          WHERE cluster_id = ANY($1) AND source = 'autoscaler' AND created_at > now() - make_interval(secs => $2)
            AND inputs->>'recommendation' IS NOT NULL ORDER BY id`,
        [ids, longest],
      );
      for (const r of rows) {
        const list = recent.get(r.cluster_id) ?? [];
        list.push({ at: r.at, target: r.target, age: Number(r.age) });
        recent.set(r.cluster_id, list);
      }
    }
    // Only clusters with a budget pay for the budget's queries.
    const budgeted = new Set(((await m.query(`SELECT cluster_id FROM budgets WHERE cluster_id = ANY($1)`, [ids])) as { cluster_id: string }[]).map((r) => r.cluster_id));
    const out = new Map<string, EvaluationInput>();
    for (const c of clusters) {
      const s = settings.get(c.id)!;
      const window = s.stabilizationWindowSeconds ?? 0;
      const sample = samples.get(c.id);
      out.set(
        c.id,
        this.input(c, definitions.get(c.id)!, s, {
          metrics: sample ? snapshotOf(sample) : null,
          recommendations: window > 0 ? (recent.get(c.id) ?? []).filter((r) => r.age < window).map(({ at, target }) => ({ at, target })) : [],
          budgetMax: budgeted.has(c.id) ? await this.budget.maxWorkers(c, m, now) : undefined,
          now,
        }),
      );
    }
    return out;
  }

  private input(
    c: Cluster,
    definition: BlueprintDefinition,
    settings: AutoscaleSettings,
    loaded: { metrics: MetricsSnapshot | null; recommendations: Recommendation[]; budgetMax: number | undefined; now: Date },
  ): EvaluationInput {
    return {
      // the desired size: live workers lag behind it while the pool converges
      current_workers: c.targetWorkers,
      min_workers: c.minWorkers,
      max_workers: c.maxWorkers,
      capacity: workerCapacity(workerDefinitions(definition).map((d) => ({ name: d.name, ...d.count }))),
      now: loaded.now,
      last_scaled_at: c.lastScaledAt,
      settings,
      metrics: loaded.metrics,
      metrics_interval_seconds: this.runtime.config.metrics.intervalSeconds,
      recent_recommendations: loaded.recommendations,
      paused: !c.autoscalingEnabled,
      budget_max_workers: loaded.budgetMax,
    };
  }

  private async recommendations(clusterId: string, windowSeconds: number, m: EntityManager): Promise<Recommendation[]> {
    const rows: { at: Date; target: number }[] = await m.query(
      `SELECT created_at AS at, (inputs->>'recommendation')::int AS target FROM scaling_decisions
        WHERE cluster_id = $1 AND source = 'autoscaler' AND created_at > now() - make_interval(secs => $2)
          AND inputs->>'recommendation' IS NOT NULL`,
      [clusterId, windowSeconds],
    );
    return rows;
  }
}
