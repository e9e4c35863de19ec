import { Inject, Injectable, Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { BudgetService, MetricsRepository } from '#cluster';
import { JobName, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { JobHandler } from '../consumers';

/**
 * The metrics queue: one tick per system every METRICS_INTERVAL_SECONDS samples every cluster
 * that is not destroyed, in one SQL statement (batching rather than a job per cluster: the sample
 * is an aggregate the database computes faster in one pass).
 */
@Injectable()
export class MetricsHandler implements JobHandler {
  readonly queue = QueueName.Metrics;
  readonly handles = [JobName.MetricsTick];
  private readonly logger = new Logger(MetricsHandler.name);

  constructor(
    private readonly metrics: MetricsRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
    private readonly budget: BudgetService,
  ) {}

  async handle(job: Job): Promise<unknown> {
    if (job.name !== JobName.MetricsTick) throw new Error(`metrics queue has no handler for job ${job.name}`);
    const c = this.runtime.config;
    // rates over at least a minute, so a short interval does not make them jumpy
    const window = Math.max(c.metrics.intervalSeconds, 60);
    const started = Date.now();
    const sampled = await this.metrics.collect(window, c.worker.heartbeatSeconds * 3);
    this.logger.debug({ sampled, ms: Date.now() - started }, 'metrics sampled');
    // Cost: live agents' time cost (each interval once, see BudgetService.accrueTime), then the
    // budget and monitoring alerts. A failure here is logged and left to the next tick rather
    // than retrying (and re-sampling) the whole tick.
    let accrued = 0;
    let alerts = 0;
    try {
      accrued = await this.budget.accrueTime();
      alerts = await this.budget.evaluateAlerts();
    } catch (e) {
      this.logger.warn(`cost accrual or alert evaluation failed (${e instanceof Error ? e.message : String(e)}); the next tick tries again`);
    }
    return { sampled, accrued, alerts };
  }
}
