import * as fs from 'node:fs';
import * as path from 'node:path';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { BlueprintStore } from '#cluster';

/** The shipped blueprints folder: `blueprints/` at the project root (BLUEPRINTS_DIR overrides). */
export function blueprintsDir(): string {
  return process.env.BLUEPRINTS_DIR ?? path.resolve(__dirname, '..', '..', '..', '..', '..', 'blueprints');
}

/** Syncs the shipped blueprint files into the database when the api starts. */
@Injectable()
export class BlueprintSync implements OnApplicationBootstrap {
  private readonly logger = new Logger(BlueprintSync.name);

  constructor(private readonly blueprints: BlueprintStore) {}

  async onApplicationBootstrap(): Promise<void> {
    const dir = blueprintsDir();
    if (!fs.existsSync(dir)) return this.logger.warn(`no blueprints folder at ${dir}`);
    for (const file of fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()) {
      try {
        const outcome = await this.blueprints.syncFile(fs.readFileSync(path.join(dir, file), 'utf8'), file);
        if (outcome !== 'unchanged') this.logger.log(`${file}: ${outcome}`);
      } catch (e) {
        // One broken file must not keep the api from starting; it is reported and skipped.
        this.logger.error(`${file}: not synced: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
