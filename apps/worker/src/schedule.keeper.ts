import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { JobName, JobProducer } from '#queue';
import { RUNTIME, Runtime } from '#runtime';

/**
 * Keeps the system-wide repeating jobs registered. A scheduler is one record in the queue store,
 * so there is one tick per period however many workers run; but a Redis that restarts without its
 * data loses it. Every worker therefore checks, every reconcile interval, that each scheduler is
 * there and re-creates a missing one (an existing one is left alone). This timer runs per process
 * on purpose: it repairs a system-wide record, it is not itself the system-wide tick.
 */
@Injectable()
export class ScheduleKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ScheduleKeeper.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly jobs: JobProducer,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  private schedules(): [JobName.Housekeeping | JobName.ReconcileTick | JobName.MetricsTick | JobName.AutoscaleTick | JobName.LifecycleTick, number][] {
    const c = this.runtime.config;
    return [
      [JobName.Housekeeping, c.housekeeping.intervalSeconds * 1000],
      [JobName.ReconcileTick, c.worker.reconcileIntervalSeconds * 1000],
      [JobName.MetricsTick, c.metrics.intervalSeconds * 1000],
      [JobName.AutoscaleTick, c.autoscale.intervalSeconds * 1000],
      [JobName.LifecycleTick, c.lifecycle.intervalSeconds * 1000],
    ];
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const [name, every] of this.schedules()) await this.jobs.schedule(name, every, {});
    this.timer = setInterval(() => void this.ensure(), Math.min(this.runtime.config.worker.reconcileIntervalSeconds, 60) * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async ensure(): Promise<void> {
    for (const [name, every] of this.schedules()) {
      try {
        if (await this.jobs.ensureSchedule(name, every, {})) this.logger.warn(`job scheduler ${name} was missing (the queue store lost it?): registered again`);
      } catch (e) {
        this.logger.warn(`could not check job scheduler ${name}: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
