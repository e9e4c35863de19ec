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
    try {
      await this.repo.beat({
        id: this.id,
        hostname: hostname(),
        pid: process.pid,
        version: APP_VERSION,
        queueBackend: this.runtime.queue.kind,
        startedAt: this.startedAt,
        rssBytes: process.memoryUsage.rss(),
        cpuSeconds: (cpu.user + cpu.system) / 1e6,
      });
    } catch (e) {
      // the database is down: health says so; the next beat tries again
      this.logger.warn(`heartbeat not recorded: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}
