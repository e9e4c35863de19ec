import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_VERSION } from '#config';
import { WorkerProcessRepository } from '#cluster';
import { RUNTIME, Runtime } from '#runtime';

/**
 * This process's heartbeat. A per-process timer is right here: each process reports its own
 * liveness (and its own CPU and memory). The api counts the live ones for /health.
 */
@Injectable()
export class HeartbeatService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(HeartbeatService.name);
  private readonly id = randomUUID();
  private readonly startedAt = new Date();
  private timer?: NodeJS.Timeout;
  /** CPU time and wall time at the previous beat, for the CPU share over the period */
  private last = { cpuSeconds: 0, at: process.hrtime.bigint() };

  constructor(
    private readonly repo: WorkerProcessRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.runtime.config.worker.heartbeatSeconds * 1000);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.repo.remove(this.id).catch(() => undefined); // a missed delete ages out of /health anyway
  }

  private async beat(): Promise<void> {
    const cpu = process.cpuUsage();
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const now = process.hrtime.bigint();
    const wallSeconds = Number(now - this.last.at) / 1e9;
    const cpuPercent = wallSeconds > 0 ? ((cpuSeconds - this.last.cpuSeconds) / wallSeconds) * 100 : 0;
    this.last = { cpuSeconds, at: now };
    try {
      await this.repo.beat({
        id: this.id,
        hostname: hostname(),
        pid: process.pid,
        version: APP_VERSION,
        queueBackend: this.runtime.queue.kind,
        startedAt: this.startedAt,
        rssBytes: process.memoryUsage.rss(),
        cpuSeconds,
        cpuPercent: Math.round(cpuPercent * 100) / 100,
      });
    } catch (e) {
      // the database is down: health says so; the next beat tries again
      this.logger.warn(`heartbeat not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
