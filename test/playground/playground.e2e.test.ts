// The playground in a real browser: create a poll, vote as two members, see the bars move, open the digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/playground/playground.js';
import { ids } from '../../src/playground/world.js';
import { findChromium, launch, type Browser } from './browser.js';

const executable = findChromium();
const title = executable
  ? 'create a poll, vote as two members, the bars change, flag through a modal form, the digest opens with its chart'
  : 'browser test SKIPPED: no Chromium found (install Debian\'s `chromium` package or set PULSE_CHROMIUM)';

describe('playground in headless Chromium', () => {
  let playground: Playground | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    if (!executable) return;
    playground = await startPlayground({ logger: undefined });
    browser = await launch(executable);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await playground?.stop();
  });

  it.skipIf(!executable)(title, async () => {
    const { page } = browser!;
    const url = playground!.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    await page.goto(url);
    await page.locator('#guild', { hasText: 'Pixel Makers' }).waitFor();

    const as = async (personaId: string) => {
      await page.selectOption('#persona', personaId);
      await page.locator('nav a', { hasText: 'general' }).click();
    };
    // The moderator creates a poll from the command box.
    await as(ids.moderator);
    await page.selectOption('#cmd', 'poll');
    await page.selectOption('#sub', 'create');
    await page.fill('#opt-question', 'Best snack for the jam?');
    await page.fill('#opt-choices', 'Chips | Fruit | Cookies');
    await page.click('#command button[type=submit]');
    const posted = page.locator('article.eph', { hasText: /Poll #3 posted/ });
    await posted.waitFor();
    expect(await posted.locator('.eph-note').textContent()).toBe('Only you can see this');

    const poll = page.locator('article', { hasText: 'Best snack for the jam?' }).filter({ has: page.locator('button[data-click]') });
    await poll.waitFor();
    const counts = async () => (await poll.locator('.embed .content').first().textContent())?.match(/(\d+) votes?/g) ?? [];
    expect(await counts()).toEqual(['0 votes', '0 votes', '0 votes']);

    // Two members vote; each sees their own private confirmation, not the other's.
    const members = playground!.world.personas.filter((p) => p.role === 'member');
    for (const [member, choice] of [[members[0]!, 'Chips'], [members[1]!, 'Fruit']] as const) {
      await as(member.id);
      await poll.locator('button', { hasText: choice }).click();
      await page.locator('article.eph', { hasText: `You voted for ${choice}` }).waitFor();
      expect(await page.locator('article.eph').count()).toBe(1);
    }
    // The live message edits are coalesced (a few seconds): the bars follow.
    await expect.poll(counts, { timeout: 20_000, interval: 500 }).toEqual(['1 vote', '1 vote', '0 votes']);
    expect(await poll.locator('.embed .content').first().textContent()).toMatch(/Chips.*\n▓{5}░{5} 50% · 1 vote/);

    // A modal as a form: a member flags a message from its menu and gives a reason.
    const chatter = page.locator('article', { hasText: 'the water tiles are so good' });
    await chatter.hover();
    await chatter.locator('button[data-flag]').click();
    await page.locator('#modal h3', { hasText: 'Flag for moderators' }).waitFor();
    await page.fill('#modal [data-field=reason]', 'off-topic');
    await page.click('#modal-submit');
    await page.locator('article.eph', { hasText: 'Thanks, the moderators will take a look.' }).waitFor();

    // The staff digest, with its chart served by the stand-in's attachment store.
    await page.click('#digest');
    const chart = page.locator('#digest-body .embed img');
    await chart.waitFor({ timeout: 60_000 });
    await expect.poll(() => chart.evaluate((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete ? i.naturalWidth : 0; }), { timeout: 10_000 }).toBeGreaterThan(100);
    expect(await page.locator('#digest-body').textContent()).toMatch(/digest/i);
  }, 120_000);
});
