// /feedback submit never loses what the member typed to a channel Pulse cannot post in: said
// before the form opens; and should the channel change while the form is open, the refusal gives
// the member's title and details back to copy.
import { PermissionFlagsBits, type ForumChannel } from 'discord.js';
import { OverwriteType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestBot } from '../support/bot.js';
import { FEEDBACK, startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const ALL = Object.values(PermissionFlagsBits).reduce((a, p) => a | p, 0n);
const items = (b: TestBot) => b.db.selectFrom('feedback_items').selectAll().execute();

/** Takes Send Messages (Create Posts) from Pulse in the feedback forum, and waits for the cache to see it. */
async function denySend(b: TestBot): Promise<void> {
  b.fake.setBotPermissions(b.ids.guildId, ALL & ~PermissionFlagsBits.Administrator);
  b.fake.setChannelOverwrites(FEEDBACK, [{ id: b.fake.appId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages) }]);
  await vi.waitFor(() => {
    const forum = b.app.client.channels.cache.get(FEEDBACK) as ForumChannel;
    expect(forum.permissionsFor(b.fake.appId)?.has(PermissionFlagsBits.SendMessages)).toBe(false);
  });
}

describe('/feedback submit and a channel Pulse cannot post in', () => {
  it('is refused before the form opens, with what to fix', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await denySend(b);
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
    const reply = await opened.reply();
    expect(opened.modal).toBeUndefined();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(`I can't post in <#${FEEDBACK}>: I need Send Messages there. Ask an admin, or pick another channel.`);
    expect(await items(b)).toEqual([]);
  });

  it('a refusal after the form gives the member their title and details back, to copy', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
    await opened.reply();
    expect(opened.modal).toBeDefined();
    // The channel changes while the member types.
    await denySend(b);
    const details = 'A dark theme for the dashboard.\nEyes hurt at night; **please**.';
    const reply = await opened.submitModal({ title: 'Dark mode', details, category: ['Idea'] }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toBe(`I can't post in <#${FEEDBACK}>: I need Send Messages there. Ask an admin, or pick another channel.`);
    expect(reply.embeds).toHaveLength(1);
    expect(reply.embeds[0]).toMatchObject({ author: { name: 'Nothing was saved. What you wrote is below, to copy:' }, title: 'Dark mode', description: details });
    expect(await items(b)).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
