// Headless Chromium for the playground's browser test and the README screenshots: Debian's
// `chromium` package driven by playwright-core, which never downloads a browser of its own.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** The installed Chromium, or undefined (PULSE_CHROMIUM overrides the usual Debian paths). */
export function findChromium(): string | undefined {
  return [process.env['PULSE_CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
}

export interface Browser {
  page: Page;
  close(): Promise<void>;
}

export async function launch(executablePath: string): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'pulse-chromium-'));
  // A persistent context with a fresh profile folder is how playwright takes --user-data-dir.
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 860 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    page,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
