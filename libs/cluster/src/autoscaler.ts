import { Inject, Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError, ErrorCode } from '#common';
import { workerDefinitions } from '#blueprint';
import { Cluster, MetricSample, ScalingDecision, ScalingSource } from '#db';
import { JobName, JobProducer } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { AutoscaleSettings, evaluateScaling, Evaluation, EvaluationInput, MetricsSnapshot, planTransition, Recommendation, RUNNABLE, workerCapacity } from '#scaling';
import { BlueprintStore } from './blueprint.store';
import { BudgetService } from './budget.service';
import { ClusterRepository } from './cluster.repository';
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
   * One evaluation of one cluster (the tick's job): locks the row, evaluates on the latest sample,
   * records the decision with source "autoscaler", and scales when the target changes.
   */
  async evaluate(clusterId: string): Promise<ScalingDecision | null> {
    const out = await this.repo.transaction(async (m) => {
      const c = await this.repo.lock(m, clusterId);
      if (!c || !RUNNABLE.includes(c.status) || !c.autoscalingEnabled || !c.scaling) return null;
      const now = new Date();
      const input = await this.inputFor(c, m, now);
      const ev = evaluateScaling(input);
      const live = (await this.repo.counts([clusterId], m)).get(clusterId)!.currentWorkers;
      const plan = planTransition(
        { status: c.status, minWorkers: c.minWorkers, maxWorkers: c.maxWorkers, targetWorkers: c.targetWorkers, liveWorkers: live, capacity: input.capacity },
        { kind: 'scale', target: ev.target_workers, reason: ev.reason, rule: ev.rule ?? 'none' },
        now,
      );
      if (!plan.ok) {
        // the bounds moved under the policy (it clamps to them, so this should not happen): say so
        this.logger.warn({ clusterId, code: plan.code, message: plan.message }, 'autoscaler target refused');
        return null;
      }
      if (plan.patch) await this.repo.update(m, clusterId, plan.patch);
      const decision = await this.repo.recordDecision(m, {
        clusterId,
        source: ScalingSource.Autoscaler,
        requestedBy: 'autoscaler',
        reasonCode: ev.reason_code,
        reason: ev.reason,
        rule: ev.rule,
        fromWorkers: c.targetWorkers,
        toWorkers: ev.target_workers,
        applied: ev.target_workers !== c.targetWorkers,
        inputs: { ...ev.inputs, recommendation: ev.recommendation, proposals: ev.proposals, constraints: ev.constraints, live_workers: live },
      });
      return { decision, converge: plan.patch !== null };
    });
    if (out?.converge) {
      try {
        await this.jobs.enqueue(JobName.ReconcileWorkers, { clusterId });
      } catch (e) {
        this.logger.warn(`could not enqueue reconcile for ${clusterId} (${e instanceof Error ? e.message : String(e)}); the reconcile tick will pick it up`);
      }
    }
    return out?.decision ?? null;
  }

  private async inputFor(c: Cluster, m: EntityManager, now: Date): Promise<EvaluationInput> {
    const { definition } = await this.blueprints.resolve(c.blueprintId, c.blueprintVersion, { allowInactive: true, manager: m });
    const capacity = workerCapacity(workerDefinitions(definition).map((d) => ({ name: d.name, ...d.count })));
    const settings = (c.scaling ?? definition.cluster.scaling) as AutoscaleSettings | null;
    if (!settings) throw new DomainError(ErrorCode.Unprocessable, `cluster ${c.id} has no scaling rule (its blueprint has no cluster.scaling section)`);
    const sample = await this.metrics.latest(c.id, m);
    const window = settings.stabilizationWindowSeconds ?? 0;
    return {
      // the desired size: live workers lag behind it while the pool converges
      current_workers: c.targetWorkers,
      min_workers: c.minWorkers,
      max_workers: c.maxWorkers,
      capacity,
      now,
      last_scaled_at: c.lastScaledAt,
      settings,
      metrics: sample ? snapshotOf(sample) : null,
      metrics_interval_seconds: this.runtime.config.metrics.intervalSeconds,
      recent_recommendations: window > 0 ? await this.recommendations(c.id, window, m) : [],
      paused: !c.autoscalingEnabled,
      // what the budget affords (BudgetService.maxWorkers); undefined without a budget
      budget_max_workers: await this.budget.maxWorkers(c, m, now),
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
