import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BrowserContext, chromium, Locator, Page } from 'playwright-core';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Where the browser tests put their screenshots: untracked (.gitignore), kept after the run. */
export const ARTIFACTS_DIR = path.join(ROOT, 'test-artifacts', 'browser');

/**
 * The Chromium to drive: CHROMIUM_PATH, else Debian's /usr/bin/chromium. Nothing is downloaded;
 * without one the browser tests are skipped with this reason.
 */
export function chromiumPath(): { path: string } | { skip: string } {
  const p = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (fs.existsSync(p)) return { path: p };
  return { skip: `no Chromium at ${p} (install it with \`apt-get install -y chromium\` or set CHROMIUM_PATH)` };
}

/** A Chromium flag set for a quiet, headless, loopback-only run. */
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Saves a full-page screenshot (or one of an element) under test-artifacts/browser and returns its path. */
  screenshot(name: string, of?: Locator): Promise<string>;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temporary directory (removed on close). */
export async function launchBrowser(executablePath: string): Promise<TestBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'brain-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: ARGS,
    viewport: { width: 1280, height: 900 },
    timeout: 60000,
  });
  context.setDefaultTimeout(30000);
  const page = context.pages()[0] ?? (await context.newPage());
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    async screenshot(name: string, of?: Locator) {
      const file = path.join(ARTIFACTS_DIR, `${name}.png`);
      if (of) await of.screenshot({ path: file });
      else await page.screenshot({ path: file, fullPage: true });
      process.stdout.write(`# screenshot: ${path.relative(ROOT, file)}\n`);
      return file;
    },
    async close() {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
