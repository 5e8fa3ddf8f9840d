// Two servers on the fake Discord: `duplicate_of` naming another server's item is refused as one
// naming an item that does not exist is, so nothing tells staff of one server which ids the other has.
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TestBot } from '../support/bot.js';
import { startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const B = '910000000000000001';
const bOwner = '910000000000000010';
const bGeneral = '910000000000000100';
const bFeedback = '910000000000000150';
const eve = '910000000000000201';

describe("another server's feedback item as duplicate_of", () => {
  it('is refused as a missing item is, and the item keeps its status', async () => {
    bot = await startWithFeedbackChannel('text');
    const b = bot;
    const { ids, fake } = b;
    fake.addGuild({ id: B, name: 'Other', ownerId: bOwner, ownerName: 'bowner' });
    fake.addChannel(B, { id: bGeneral, name: 'general' });
    fake.addChannel(B, { id: bFeedback, name: 'feedback', type: ChannelType.GuildText });
    fake.addMember(B, { id: eve, username: 'eve' });
    await fake.waitFor(() => b.app.client.channels.cache.has(bFeedback));
    const set = await fake.slash({ guildId: B, channelId: bGeneral, userId: bOwner, name: 'settings', subcommand: 'set', options: { feedback_channel: bFeedback } }).reply();
    expect(set.content).toBe('Settings saved.');

    const submit = async (guildId: string, channelId: string, userId: string, title: string) => {
      const opened = fake.slash({ guildId, channelId, userId, name: 'feedback', subcommand: 'submit' });
      await opened.reply();
      return (await opened.submitModal({ title, details: 'Please.', category: ['Idea'] }).reply()).content;
    };
    expect(await submit(ids.guildId, ids.general, ids.alice, 'Dark mode')).toMatch(/Your feedback is \*\*#1\*\*/);
    expect(await submit(B, bGeneral, eve, 'Night theme')).toMatch(/Your feedback is \*\*#2\*\*/);
    await vi.waitFor(async () => expect((await b.db.selectFrom('feedback_items').select('post_state').execute()).map((r) => r.post_state)).toEqual(['posted', 'posted']));

    const duplicate = async (of: number) =>
      fake.slash({ guildId: B, channelId: bGeneral, userId: bOwner, name: 'feedback', subcommand: 'status', options: { item: 2, status: 'duplicate', duplicate_of: of } }).reply();
    const other = await duplicate(1);
    expect(other.ephemeral).toBe(true);
    expect(other.content).toBe('There is no feedback item #1 in this server.');
    expect((await duplicate(99)).content).toBe('There is no feedback item #99 in this server.');
    const item = await b.db.selectFrom('feedback_items').select(['status', 'duplicate_of']).where('id', '=', 2).executeTakeFirstOrThrow();
    expect(item).toEqual({ status: 'open', duplicate_of: null });
  });
});
