#!/usr/bin/env node
// Dependency-free pre-step for `npm start` / `npm test`: installs packages when node_modules is
// missing or older than package.json / package-lock.json, so a fresh clone needs no manual step.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'node_modules', '.deps-stamp');
function fingerprint() {
  const hash = crypto.createHash('sha256');
  for (const f of ['package.json', 'package-lock.json']) {
    const p = path.join(root, f);
    if (fs.existsSync(p)) hash.update(fs.readFileSync(p));
  }
  return hash.digest('hex');
}
const want = fingerprint();
const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim() : '';
if (want === have) process.exit(0);

// `npm install` rather than `npm ci`: npm 11 reports this lock file (platform-specific optional packages)
// as out of sync and refuses `ci`; `install` still installs the locked versions.
const args = ['install', '--no-audit', '--no-fund'];
process.stdout.write(`installing packages (npm ${args[0]})...\n`);
const r = spawnSync('npm', args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (r.status !== 0) {
  process.stderr.write(`npm ${args[0]} failed with exit code ${r.status}\n`);
  process.exit(r.status ?? 1);
}
// npm may rewrite the lock file while installing: stamp what is there now
fs.writeFileSync(stamp, fingerprint() + '\n');
