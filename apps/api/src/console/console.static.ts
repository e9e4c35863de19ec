import * as fs from 'node:fs';
import * as path from 'node:path';
import express, { Express, NextFunction, Request, Response } from 'express';

/**
 * The console's files live in the repository (apps/api/console), not in dist/: they are served as
 * they are, with no build step. Found by walking up from this module, which works from dist/ and in
 * the Docker image (both keep the repository layout around dist/).
 */
export function consoleDir(from = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'apps', 'api', 'console');
    if (fs.existsSync(path.join(candidate, 'index.html'))) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`console files not found above ${from} (expected apps/api/console/index.html)`);
  }
}

/**
 * The root directory of an installed package, found from its main entry (some packages, e.g.
 * dompurify, do not export their package.json or dist files to require.resolve).
 */
export function packageRoot(name: string): string {
  for (let dir = path.dirname(require.resolve(name)); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir;
  }
  throw new Error(`package ${name} not found`);
}

/** The browser builds of the console's libraries, served from node_modules (never from a CDN). */
export const CONSOLE_VENDOR: Record<string, { package: string; dir: string; files: string[] }> = {
  uplot: { package: 'uplot', dir: 'dist', files: ['uPlot.iife.min.js', 'uPlot.min.css'] },
  marked: { package: 'marked', dir: 'lib', files: ['marked.umd.js'] },
  dompurify: { package: 'dompurify', dir: 'dist', files: ['purify.min.js'] },
};

/** Mounts the console at /console and its libraries at /console/vendor/<package>/<file>. */
export function mountConsole(app: Express): void {
  const dir = consoleDir();
  for (const [name, v] of Object.entries(CONSOLE_VENDOR)) {
    const allowed = new Set(v.files);
    const from = path.join(packageRoot(v.package), v.dir);
    // only the listed files: the rest of node_modules stays unreachable
    app.get(`/console/vendor/${name}/:file`, (req: Request, res: Response, next: NextFunction) => {
      const file = String(req.params.file);
      if (!allowed.has(file)) return next();
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.sendFile(path.join(from, file));
    });
  }
  app.use('/console', (_req: Request, res: Response, next: NextFunction) => {
    // the console runs only its own scripts; its one HTML sink is sanitised by DOMPurify
    res.setHeader('Content-Security-Policy', "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use('/console', express.static(dir, { index: 'index.html', fallthrough: true, redirect: true }));
}
