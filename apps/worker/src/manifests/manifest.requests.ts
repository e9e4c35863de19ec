import { Injectable, Logger } from '@nestjs/common';
import { JobName, JobProducer } from '#queue';
import { ManifestRepository } from '#cluster';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Asks for a cluster's manifests to be regenerated. Best effort on purpose: manifests describe the
 * cluster, they are not part of changing it, so a queue that is down must never fail the job that
 * asked. Nothing depends on one request either: a stored manifest remembers which state of its
 * cluster it reflects, and the reconcile tick asks again for every one that is missing or behind.
 */
@Injectable()
export class ManifestRequests {
  private readonly logger = new Logger(ManifestRequests.name);

  constructor(
    private readonly jobs: JobProducer,
    private readonly manifests: ManifestRepository,
  ) {}

  /** After the cluster's agents converged. Never throws. */
  async request(clusterId: string): Promise<void> {
    try {
      await this.jobs.enqueue(JobName.GenerateManifests, { clusterId });
    } catch (e) {
      this.logger.warn(`could not request the manifests of cluster ${clusterId} (the reconcile tick will): ${message(e)}`);
    }
  }

  /** For the reconcile tick: clusters whose manifests are missing or behind. Never throws; returns how many were asked for. */
  async requestBehind(): Promise<number> {
    let asked = 0;
    try {
      // stops at the first failed enqueue: with the queue down, the rest would only wait for their timeouts
      for (const clusterId of await this.manifests.behind()) {
        await this.jobs.enqueue(JobName.GenerateManifests, { clusterId });
        asked++;
      }
    } catch (e) {
      this.logger.warn(`could not request manifests that are missing or behind (next tick): ${message(e)}`);
    }
    return asked;
  }
}
