// Who sees what of an item Discord never took: another member sees nothing of it, its author a
// plain note, staff the error (end to end, with a feedback channel Discord keeps failing).
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { feedbackFeature, type FeedbackFeature } from '../../src/feedback/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const FEEDBACK = '900000000000000150';

function features(): FeatureFactory[] {
  return [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => feedbackFeature(ctx, { liveIntervalMs: 50 })];
}

describe('/feedback show, list and autocomplete for an item that was never posted', () => {
  it('another member sees nothing of it, its author a note without the error, staff the error', async () => {
    bot = await TestBot.start({ features: features() });
    const b = bot;
    const { ids, fake } = b;
    fake.addChannel(ids.guildId, { id: FEEDBACK, name: 'feedback' });
    await vi.waitFor(() => expect(b.app.client.channels.cache.has(FEEDBACK)).toBe(true));
    const set = await fake.slash({ channelId: ids.staffChannel, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
    expect(set.content).toBe('Settings saved.');
    const service = (b.app.features.find((f) => f.name === 'feedback') as FeedbackFeature).service;
    const row = (id: number) => b.db.selectFrom('feedback_items').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    // Discord fails every post in the feedback channel, five tries of four requests (discord.js
    // repeats a 5xx three times). (A channel Pulse lacks a permission in refuses the submit itself.)
    for (let i = 0; i < 5 * 4; i++) fake.failNext({ method: 'POST', path: `/channels/${FEEDBACK}/messages` }, { status: 500, message: 'Internal Server Error' });
    const opened = fake.slash({ channelId: ids.general, userId: ids.alice, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    const submitted = await opened.submitModal({ title: 'Secret roadmap idea', details: 'Please.', category: ['Idea'] }).reply();
    expect(submitted.content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*; it will be posted in a moment/);

    const show = (userId: string, item: number) => fake.slash({ channelId: ids.general, userId, name: 'feedback', subcommand: 'show', options: { item } }).reply();
    const choices = async (userId: string) =>
      (await fake.autocomplete({ channelId: ids.general, userId, name: 'feedback', subcommand: 'show', focused: 'item', value: '' }).reply()).choices?.map((c) => c.value);
    const list = async (userId: string) => JSON.stringify(await fake.slash({ channelId: ids.general, userId, name: 'feedback', subcommand: 'list' }).reply());
    const note = (reply: Awaited<ReturnType<typeof show>>) => reply.embeds[0]?.fields?.find((f) => f.name === 'Note')?.value;

    // Pending: its author sees that Pulse retries; another member sees no item at all.
    expect(note(await show(ids.alice, 1))).toBe('Not posted yet; Pulse retries.');
    expect((await show(ids.carol, 1)).content).toBe('There is no feedback item #1 in this server.');
    expect(await choices(ids.carol)).toEqual([]);
    expect(await list(ids.carol)).not.toContain('Secret roadmap idea');
    expect(await list(ids.alice)).toContain('Secret roadmap idea');

    // The retries fail too, until Pulse gives up on the item.
    for (let i = 0; i < 4; i++) await service.catchUp(false);
    const failed = await row(1);
    expect(failed).toMatchObject({ post_state: 'failed', post_attempts: 5 });
    expect(failed.post_error).toContain('Internal Server Error');

    // The channel works again: the next item is posted.
    const next = fake.slash({ channelId: ids.general, userId: ids.bob, name: 'feedback', subcommand: 'submit' });
    await next.reply();
    await next.submitModal({ title: 'Dark mode', details: 'Please.', category: ['Idea'] }).reply();
    expect((await row(2)).post_state).toBe('posted');

    // Another member: item 1 is as missing as one that never was, and offered nowhere.
    const hidden = await show(ids.carol, 1);
    expect(hidden.ephemeral).toBe(true);
    expect(hidden.content).toBe('There is no feedback item #1 in this server.');
    expect(hidden.embeds).toEqual([]);
    expect(await choices(ids.carol)).toEqual([2]);
    expect(await list(ids.carol)).not.toContain('Secret roadmap idea');
    expect(note(await show(ids.carol, 2))).toBeUndefined();

    // Its author: the item, with a note that names no error.
    const own = await show(ids.alice, 1);
    expect(note(own)).toBe('Could not be posted; staff can see why.');
    expect(JSON.stringify(own)).not.toContain('Internal Server Error');
    expect(await choices(ids.alice)).toEqual([2, 1]);

    // Staff: Discord's error, to act on it.
    const staff = await show(ids.moderator, 1);
    expect(note(staff)).toBe(`Could not be posted: ${failed.post_error}`);
    expect(await choices(ids.moderator)).toEqual([2, 1]);
    expect(b.errors).toEqual([]);
  });
});
