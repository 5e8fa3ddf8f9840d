// Takes the README's pictures from the playground in headless Chromium:
// `npx tsx scripts/playground-screenshots.ts` writes docs/playground-{poll,review,digest}.png.
import { startPlayground } from '../src/playground/playground.js';
import { ids } from '../src/playground/world.js';
import { findChromium, launch } from '../test/playground/browser.js';

const executable = findChromium();
if (!executable) {
  console.error('No Chromium found: install Debian\'s `chromium` package or set PULSE_CHROMIUM.');
  process.exit(1);
}
const playground = await startPlayground();
const browser = await launch(executable);
try {
  const { page } = browser;
  await page.goto(playground.url);
  await page.locator('#guild', { hasText: 'Pixel Makers' }).waitFor();
  const open = async (personaId: string, channel: string) => {
    await page.selectOption('#persona', personaId);
    await page.locator('nav a', { hasText: channel }).click();
    await page.waitForTimeout(500);
  };
  await open(playground.world.personas[2]!.id, 'general');
  const poll = page.locator('article', { hasText: 'Theme for the winter game jam?' }).filter({ has: page.locator('button[data-click]') });
  await poll.locator('button', { hasText: 'Tiny worlds' }).click();
  await page.locator('article.eph', { hasText: 'You voted for Tiny worlds' }).waitFor();
  await page.waitForTimeout(3500);
  await poll.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'docs/playground-poll.png' });
  await open(ids.moderator, 'mod-review');
  await page.locator('article', { hasText: 'Flag case #1' }).locator('button', { hasText: 'Claim' }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: 'docs/playground-review.png' });
  // Tall enough for the whole digest, chart included.
  await page.setViewportSize({ width: 760, height: 2200 });
  await page.click('#digest');
  await page.locator('#digest-body .embed img').waitFor({ timeout: 60_000 });
  await page.waitForTimeout(1000);
  await page.locator('#digest-dialog').screenshot({ path: 'docs/playground-digest.png' });
  console.log('Wrote docs/playground-poll.png, docs/playground-review.png, docs/playground-digest.png');
} finally {
  await browser.close();
  await playground.stop();
}
