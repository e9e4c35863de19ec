#!/usr/bin/env node
// Runs the compiled test files with node's own test runner. Layers: unit (*.spec.js beside the
// code, pure), medium (test/medium, real Postgres + Redis, one database per file) and e2e
// (test/e2e, boots api + worker processes), reliability (test/reliability: faults, races, load, bad
// input, access and shutdown against real processes; loopback only, bounded in time) and browser
// (test/browser, headless Chromium against api + worker; skipped with a printed reason when there is
// no Chromium). `node scripts/run-tests.js [unit|medium|e2e|reliability|browser]...`
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');
const layers = process.argv.slice(2).length ? process.argv.slice(2) : ['unit', 'medium', 'e2e', 'reliability', 'browser'];

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

const files = [];
if (layers.includes('unit')) {
  for (const top of ['apps', 'libs', 'test/unit']) files.push(...walk(path.join(dist, top)).filter((f) => f.endsWith('.spec.js')));
}
if (layers.includes('medium')) files.push(...walk(path.join(dist, 'test', 'medium')).filter((f) => f.endsWith('.spec.js')));
if (layers.includes('e2e')) files.push(...walk(path.join(dist, 'test', 'e2e')).filter((f) => f.endsWith('.e2e-spec.js')));
if (layers.includes('reliability')) files.push(...walk(path.join(dist, 'test', 'reliability')).filter((f) => f.endsWith('.reliability-spec.js')));
let browserSkipped = false;
if (layers.includes('browser')) {
  // Debian's chromium (apt-get install chromium; .ci/run installs it), or CHROMIUM_PATH: never a download
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (fs.existsSync(chromium)) files.push(...walk(path.join(dist, 'test', 'browser')).filter((f) => f.endsWith('.browser-spec.js')));
  else {
    browserSkipped = true;
    process.stdout.write(`browser tests skipped: no Chromium at ${chromium} (apt-get install -y chromium, or set CHROMIUM_PATH)\n`);
  }
}

// The longest files first: the runner starts files in this order, so the load test (minutes of
// work) overlaps the many short files instead of running alone at the end.
const LONGEST_FIRST = ['load.reliability-spec.js', 'crashes.reliability-spec.js', 'shutdown.reliability-spec.js'];
const rank = (f) => {
  const i = LONGEST_FIRST.indexOf(path.basename(f));
  return i < 0 ? LONGEST_FIRST.length : i;
};
files.sort((a, b) => rank(a) - rank(b));

if (!files.length && browserSkipped) process.exit(0); // only the browser layer was asked for
if (!files.length) {
  process.stderr.write('no test files found: did the build run?\n');
  process.exit(1);
}

const concurrency = process.env.TEST_CONCURRENCY || '3';
const args = ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => path.relative(root, f))];
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } });
process.exit(r.status ?? 1);
