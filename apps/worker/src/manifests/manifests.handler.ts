import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { ManifestRepository, ManifestWrite } from '#cluster';
import { manifestChecksum, MANIFEST_NAMES, renderManifest } from '#manifests';
import { JobName, JobPayloads, QueueName } from '#queue';
import { RUNTIME, Runtime } from '#runtime';
import { JobHandler } from '../consumers';

export interface ManifestsResult {
  cluster: string;
  /** the manifests whose content changed and was stored */
  changed: string[];
}

/**
 * The manifests queue: renders a cluster's README.md and SKILLS.md from its rows and stores the
 * ones whose content changed (requests are debounced per cluster by the job policy). With
 * MANIFESTS_DIR set, the files are also written to <dir>/<cluster id>/.
 */
@Injectable()
export class ManifestsHandler implements JobHandler {
  readonly queue = QueueName.Manifests;
  readonly handles = [JobName.GenerateManifests];

  constructor(
    private readonly manifests: ManifestRepository,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async handle(job: Job): Promise<unknown> {
    if (job.name !== JobName.GenerateManifests) throw new Error(`manifests queue has no handler for job ${job.name}`);
    return this.generate((job.data as JobPayloads[JobName.GenerateManifests]).clusterId);
  }

  async generate(clusterId: string, now = new Date()): Promise<ManifestsResult | { skipped: string }> {
    const source = await this.manifests.load(clusterId);
    if (!source) return { skipped: 'missing' };
    const stored = new Map((await this.manifests.list(clusterId)).map((m) => [m.name, m]));
    const files: { name: string; content: string }[] = [];
    const writes: ManifestWrite[] = MANIFEST_NAMES.map((name) => {
      // The content is unchanged when rendering with the stored "generated at" gives the stored
      // bytes; only then is nothing rewritten (the time line alone would differ on every run).
      const prev = stored.get(name);
      if (prev) {
        const same = renderManifest(name, { ...source.input, generatedAt: prev.generatedAt });
        if (manifestChecksum(same) === prev.checksum) {
          files.push({ name, content: same });
          return { name, changed: null };
        }
      }
      const content = renderManifest(name, { ...source.input, generatedAt: now });
      files.push({ name, content });
      return { name, changed: { content, checksum: manifestChecksum(content), generatedAt: now } };
    });
    await this.manifests.save(clusterId, source.clusterVersion, writes);
    const dir = this.runtime.config.manifests.dir;
    if (dir) await writeFiles(path.join(dir, source.input.cluster.id), files);
    return { cluster: clusterId, changed: writes.filter((w) => w.changed).map((w) => w.name) };
  }
}

/**
 * Writes each file unless it already holds that content; through a temporary file and a rename, so a
 * reader never sees half a file. A failure fails the job, whose retry writes again (the database
 * then says "unchanged", and the files are still compared).
 */
async function writeFiles(dir: string, files: { name: string; content: string }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const f of files) {
    const target = path.join(dir, f.name);
    const current = await readFile(target, 'utf8').catch(() => null);
    if (current === f.content) continue;
    const tmp = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, f.content, 'utf8');
    await rename(tmp, target);
  }
}
