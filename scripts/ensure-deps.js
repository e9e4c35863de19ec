#!/usr/bin/env node
// Dependency-free pre-step for `npm start` / `npm test` (and .ci/run): installs the locked packages
// when node_modules is missing or does not match package-lock.json, so a fresh clone needs no
// manual step. It runs `npm ci`, which installs exactly the lock file and never rewrites it, so a
// fresh clone stays clean (`git status` shows nothing after `npm start`).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, file), 'utf8'));
  } catch {
    return undefined;
  }
}

/** The dependency specs of package.json as the lock file records them for the root package. */
function specs(pkg) {
  const out = {};
  for (const field of ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const [name, spec] of Object.entries(pkg?.[field] ?? {})) out[`${field}:${name}`] = spec;
  }
  return JSON.stringify(Object.entries(out).sort());
}

/**
 * Whether what npm last installed (its hidden lock file node_modules/.package-lock.json) is exactly
 * the lock file's tree: same path and version for every package this platform installs; packages
 * only the lock lists must be optional (other platforms' binaries, optional peers).
 */
function installedMatchesLock(lock) {
  const hidden = readJson(path.join('node_modules', '.package-lock.json'));
  if (!hidden?.packages || !lock?.packages) return false;
  for (const [p, entry] of Object.entries(lock.packages)) {
    if (p === '') continue;
    const have = hidden.packages[p];
    if (have) {
      if (have.version !== entry.version) return false;
    } else if (!entry.optional && !entry.devOptional && !entry.peer) {
      return false;
    }
  }
  for (const p of Object.keys(hidden.packages)) if (!(p in lock.packages)) return false;
  return true;
}

const pkg = readJson('package.json');
const lock = readJson('package-lock.json');
if (!lock) {
  process.stderr.write('package-lock.json is missing: run `npm install` once and commit the lock file\n');
  process.exit(1);
}
if (specs(pkg) !== specs(lock.packages?.[''])) {
  // npm ci would refuse too; say what to do instead of letting a start-up rewrite the lock file.
  process.stderr.write('package.json and package-lock.json disagree: run `npm install` and commit package-lock.json\n');
  process.exit(1);
}
if (installedMatchesLock(lock)) process.exit(0);

const args = ['ci', '--no-audit', '--no-fund'];
process.stdout.write(`installing the locked packages (npm ${args.join(' ')})...\n`);
const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  process.stderr.write(`npm ${args[0]} failed with exit code ${r.status}\n`);
  process.exit(r.status ?? 1);
}
