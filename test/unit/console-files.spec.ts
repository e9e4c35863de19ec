// The console's files as the api serves them: found from dist/ (and so from the Docker image, which
// keeps the repository layout), every file index.html loads present, the vendored libraries present
// in node_modules, and nothing in the Docker build context rules that excludes them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CONSOLE_VENDOR, consoleDir, packageRoot } from '../../apps/api/src/console/console.static';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('console files', () => {
  it('are found from the compiled api, in the repository (no copy in dist/)', () => {
    const dir = consoleDir(path.join(ROOT, 'dist', 'apps', 'api', 'src', 'console'));
    assert.equal(dir, path.join(ROOT, 'apps', 'api', 'console'));
  });

  it('index.html loads only files that exist: its own modules and the vendored libraries', () => {
    const dir = path.join(ROOT, 'apps', 'api', 'console');
    const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
    const refs = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((r) => !/^(\/|#|data:)/.test(r));
    assert.ok(refs.length >= 5, refs.join(', '));
    for (const ref of refs) {
      const vendor = /^vendor\/([^/]+)\/([^/]+)$/.exec(ref);
      if (vendor) {
        const v = CONSOLE_VENDOR[vendor[1]];
        assert.ok(v?.files.includes(vendor[2]), `${ref} is on the vendor allow-list`);
        assert.ok(fs.existsSync(path.join(packageRoot(v.package), v.dir, vendor[2])), `${ref} exists in node_modules`);
      } else {
        assert.ok(fs.existsSync(path.join(dir, ref)), `${ref} exists`);
      }
    }
    // the modules app.js imports exist too
    const app = fs.readFileSync(path.join(dir, 'app.js'), 'utf8');
    for (const m of app.matchAll(/from '\.\/([^']+)'/g)) assert.ok(fs.existsSync(path.join(dir, m[1])), m[1]);
  });

  it('go into the Docker image: the build copies the repository and .dockerignore keeps them', () => {
    assert.match(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'), /^COPY \. \.$/m);
    const ignored = fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean);
    for (const rule of ignored) assert.ok(!['apps', 'apps/', 'apps/api', 'apps/api/console', '*.html', '*.js', '*.css'].includes(rule), `.dockerignore excludes ${rule}`);
  });
});
