// The playground in a real browser: create a poll, vote as two members, see the bars move, flag a
// message from the keyboard, submit feedback to the #feedback forum, open the digest.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlayground, type Playground } from '../../src/playground/playground.js';
import { ids } from '../../src/playground/world.js';
import { findChromium, launch, type Browser } from './browser.js';

const executable = findChromium();
const title = executable
  ? 'create a poll, vote as two members, the bars change, flag through a modal form, submit feedback to the forum, the digest opens with its chart'
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

    const open = async (personaId: string, channel: string) => {
      await page.selectOption('#persona', personaId);
      await page.locator('nav a', { hasText: channel }).first().click();
      await page.locator('#channel-name', { hasText: channel }).waitFor();
    };
    const as = (personaId: string) => open(personaId, 'general');
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

    // A modal as a form: a member flags a message from its menu and gives a reason. The menu shows
    // on keyboard focus too, not only on hover; channels are links the keyboard reaches.
    expect(await page.locator('nav a:not([href])').count()).toBe(0);
    const chatter = page.locator('article', { hasText: 'the water tiles are so good' });
    await chatter.focus();
    await chatter.locator('button[data-flag]').click();
    await page.locator('#modal h3', { hasText: 'Flag for moderators' }).waitFor();
    await page.fill('#modal [data-field=reason]', 'off-topic');
    await page.click('#modal-submit');
    await page.locator('article.eph', { hasText: 'Thanks, the moderators will take a look.' }).waitFor();

    // Feedback: a member submits through the form; the post opens in the #feedback forum.
    const member = members[0]!;
    await as(member.id);
    await page.selectOption('#cmd', 'feedback');
    await page.selectOption('#sub', 'submit');
    await page.click('#command button[type=submit]');
    await page.locator('#modal h3', { hasText: 'Submit feedback' }).waitFor();
    await page.fill('#modal [data-field=title]', 'Longer jam weekends');
    await page.fill('#modal [data-field=details]', 'Three days instead of two.');
    await page.selectOption('#modal [data-field=category]', 'Idea');
    await page.click('#modal-submit');
    const thanks = page.locator('article.eph', { hasText: 'Thanks! Your feedback is #2' });
    await thanks.waitFor();
    await thanks.locator('a[data-jump]', { hasText: 'Longer jam weekends' }).click();
    await page.locator('#channel-name', { hasText: 'Longer jam weekends' }).waitFor();
    await page.locator('article', { hasText: 'Three days instead of two.' }).filter({ has: page.locator('button[data-click]') }).waitFor();
    await open(member.id, 'feedback');
    expect(await page.locator('#messages .posts button').allTextContents()).toEqual([expect.stringContaining('A channel for game jam team-ups'), expect.stringContaining('Longer jam weekends')]);

    // Block quotes get a bar, as Discord draws them, not a literal "> " or ">>> " (a flag case
    // quotes the flagged text with ">>> ").
    await as(member.id);
    await page.fill('#text', '> bring snacks to the meetup');
    await page.press('#text', 'Enter');
    await page.locator('article blockquote', { hasText: 'bring snacks to the meetup' }).waitFor();
    expect(await page.locator('article', { hasText: 'bring snacks to the meetup' }).locator('.content').textContent()).toBe('bring snacks to the meetup');
    const html = await page.evaluate(() => (globalThis as unknown as { md: (t: string) => string }).md('case:\n>>> buy now\nlink'));
    expect(html).toBe('case:<blockquote>buy now\nlink</blockquote>');

    // A radio group is a fieldset named by its question: clicking the question picks no answer.
    await page.evaluate(() => (globalThis as unknown as { openModal: (m: unknown, id: string) => void }).openModal({ title: 'Survey', components: [{ type: 18, label: 'Which engine?', component: { type: 21, custom_id: 'engine', options: [{ value: 'godot', label: 'Godot' }, { value: 'unity', label: 'Unity' }] } }] }, 'none'));
    const group = page.getByRole('group', { name: 'Which engine?' });
    await group.locator('legend').click();
    expect(await group.locator('input:checked').count()).toBe(0);
    expect(await group.getByRole('radio').count()).toBe(2);
    await page.click('#modal-cancel');

    // The staff digest, with its chart served by the stand-in's attachment store.
    await page.click('#digest');
    const chart = page.locator('#digest-body .embed img');
    await chart.waitFor({ timeout: 60_000 });
    await expect.poll(() => chart.evaluate((img) => { const i = img as unknown as { complete: boolean; naturalWidth: number }; return i.complete ? i.naturalWidth : 0; }), { timeout: 10_000 }).toBeGreaterThan(100);
    expect(await page.locator('#digest-body').textContent()).toMatch(/digest/i);
  }, 120_000);
});
