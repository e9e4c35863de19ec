#!/usr/bin/env node
// Runs every compiled benchmark (dist/bench/*.bench.js) with node, one after another, and exits
// non-zero if any of them fails. `npm run bench` builds first. Each bench is bounded in time: it is
// stopped (by its own pid, through spawnSync's timeout) if it runs past BENCH_TIMEOUT_MS.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const root = path.resolve(__dirname, '..');
const dir = path.join(root, 'dist', 'bench');
const timeout = Number(process.env.BENCH_TIMEOUT_MS || 15 * 60 * 1000);

const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort() : [];
if (!files.length) {
  process.stderr.write('no benchmarks found in dist/bench: did the build run?\n');
  process.exit(1);
}

const failed = [];
for (const f of files) {
  const rel = path.relative(root, path.join(dir, f));
  process.stdout.write(`\n== ${rel}\n`);
  const r = spawnSync(process.execPath, ['--enable-source-maps', rel], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'test' },
    timeout,
    killSignal: 'SIGKILL',
  });
  if (r.error || r.status !== 0) {
    failed.push(f);
    process.stderr.write(`${rel} failed (${r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit ${r.status}`})\n`);
  }
}
if (failed.length) {
  process.stderr.write(`\n${failed.length} of ${files.length} benchmark(s) failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`\n${files.length} benchmark(s) ran\n`);
