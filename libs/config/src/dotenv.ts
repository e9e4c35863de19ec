import * as fs from 'node:fs';
import * as path from 'node:path';

/** Reads ./.env when present; variables already set in the environment win. */
export function loadDotEnv(): void {
  const file = path.resolve('.env');
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
