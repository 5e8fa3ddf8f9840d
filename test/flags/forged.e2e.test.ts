// Forged report modals through the fake Discord: the author of a flagged message comes from the message, never from a custom_id.
import { PermissionFlagsBits } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getCaseByMessage } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

describe('forged flag reports', () => {
  let bot: TestBot;

  beforeEach(async () => {
    bot = await TestBot.start();
    // One staff flag or three member flags open a case: the forged ones would open it.
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId, flagThreshold: 3 }, bot.clock.now());
  });
  afterEach(async () => {
    const errors = bot.errors;
    await bot.close();
    expect(errors).toEqual([]);
  });

  const forge = (userId: string, customId: string) =>
    bot.fake.submitModal({ userId, channelId: bot.ids.general, customId, fields: { reason: 'harassment', details: 'forged' } }).reply();

  it('three members naming another author open a case against the real author, and the timeout hits the real author', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'something rude' });
    // The report modal's custom_id as an older Pulse wrote it: channel, message, and an author id (carol, who never wrote it).
    for (const userId of [ids.bob, ids.dave, ids.moderator]) {
      const reply = await forge(userId, `v1:flag-report:${ids.general}:${msg.id}:${ids.carol}`);
      expect(reply.ephemeral).toBe(true);
    }
    const c = await getCaseByMessage(bot.db, msg.id);
    expect(c?.authorId).toBe(ids.alice);
    const posted = bot.fake.channelMessages(ids.modChannel).find((m) => m.author.id === bot.fake.appId);
    expect(posted?.embeds[0]?.fields?.find((f) => f.name === 'Author')?.value).toBe(`<@${ids.alice}>`);
    const timeout = (posted!.components ?? []).flatMap((row) => (row as { components: Array<{ label?: string; custom_id?: string }> }).components).find((b) => b.label === 'Timeout 10 min');
    const done = await bot.fake.click({ userId: ids.moderator, message: posted!, customId: timeout!.custom_id! }).reply();
    expect(done.content).toContain('timed out');
    expect(bot.fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.alice}`)).toHaveLength(1);
    expect(bot.fake.requestsMatching('PATCH', `/guilds/${ids.guildId}/members/${ids.carol}`)).toHaveLength(0);
  });

  it('a member cannot flag their own message by naming another author', async () => {
    const { ids } = bot;
    const own = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'my own words' });
    const reply = await forge(ids.alice, `v1:flag-report:${ids.general}:${own.id}:${ids.bob}`);
    expect(reply.content).toContain("can't flag your own message");
    const modalShown = bot.fake.messageCommand({ channelId: ids.general, userId: ids.alice, name: 'Flag for moderators', message: own });
    expect((await modalShown.reply()).content).toContain("can't flag your own message");
    expect(await getCaseByMessage(bot.db, own.id)).toBeUndefined();
  });

  it('the modal carries no author any more, and a message of another server or a missing one is refused', async () => {
    const { ids } = bot;
    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'hello' });
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.bob, name: 'Flag for moderators', message: msg });
    await menu.reply();
    expect(menu.modal?.custom_id).toBe(`v1:flag-report:${ids.general}:${msg.id}`);

    const missing = await forge(ids.bob, `v1:flag-report:${ids.general}:900000000000009999`);
    expect(missing.content).toContain('could not find that message');
    const other = bot.fake.addGuild({ name: 'Elsewhere' });
    const elsewhere = bot.fake.addChannel(other.id, { name: 'chat' });
    bot.fake.addMember(other.id, { id: ids.alice, username: 'alice' });
    const theirs = bot.fake.post({ channelId: elsewhere.id, userId: ids.alice, content: 'elsewhere' });
    const foreign = await forge(ids.bob, `v1:flag-report:${elsewhere.id}:${theirs.id}`);
    expect(foreign.content).toContain('could not find that message');
    expect(await getCaseByMessage(bot.db, theirs.id)).toBeUndefined();
  });

  it('a message in a channel the reporters cannot read is refused as a missing one, and opens no case', async () => {
    const { ids, fake } = bot;
    const { ViewChannel, ReadMessageHistory } = PermissionFlagsBits;
    const hiddenFrom = (deny: bigint, extra: Array<{ id: string; type: 0 | 1; allow: string; deny: string }> = []) => [
      { id: ids.guildId, type: 0 as const, allow: '0', deny: String(deny) },
      { id: ids.staffRoleId, type: 0 as const, allow: String(ViewChannel | ReadMessageHistory), deny: '0' },
      ...extra,
    ];
    const overwritesSeen = (count: number) =>
      vi.waitFor(() => {
        const channel = bot.app.client.channels.cache.get(ids.staffChannel);
        expect(channel && 'permissionOverwrites' in channel ? channel.permissionOverwrites.cache.size : -1).toBe(count);
      });
    fake.setChannelOverwrites(ids.staffChannel, hiddenFrom(ViewChannel));
    await overwritesSeen(2);
    const hidden = fake.post({ channelId: ids.staffChannel, userId: ids.moderator, content: 'staff talk' });
    const nothing = await forge(ids.bob, `v1:flag-report:${ids.staffChannel}:900000000000009999`);
    expect(nothing.content).toContain('could not find that message');
    // Three members: enough to open a case, had they been heard. Each hears what a missing message gets.
    for (const userId of [ids.alice, ids.bob, ids.dave]) {
      const reply = await forge(userId, `v1:flag-report:${ids.staffChannel}:${hidden.id}`);
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toBe(nothing.content);
    }
    expect(await getCaseByMessage(bot.db, hidden.id)).toBeUndefined();
    expect(await bot.db.selectFrom('flags').selectAll().where('message_id', '=', hidden.id).execute()).toEqual([]);

    // Seeing the channel without its history is not enough either; reading it is.
    fake.setChannelOverwrites(ids.staffChannel, hiddenFrom(ReadMessageHistory, [{ id: ids.carol, type: 1, allow: String(ReadMessageHistory), deny: '0' }]));
    await overwritesSeen(3);
    expect((await forge(ids.alice, `v1:flag-report:${ids.staffChannel}:${hidden.id}`)).content).toBe(nothing.content);
    expect((await forge(ids.carol, `v1:flag-report:${ids.staffChannel}:${hidden.id}`)).content).toContain('the moderators will take a look');
    expect((await bot.db.selectFrom('flags').select('user_id').where('message_id', '=', hidden.id).execute()).map((f) => f.user_id)).toEqual([ids.carol]);
    // Carol's report alone reaches the moderators (a menu report opens a case at once); the refused ones are not on it.
    expect(await getCaseByMessage(bot.db, hidden.id)).toMatchObject({ status: 'open', authorId: ids.moderator });
  });

  it('/flags block refuses the caller and the bot; a flagged excerpt cannot make a masked link', async () => {
    const { ids } = bot;
    const block = (member: string) => bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'block', options: { member } }).reply();
    expect((await block(ids.moderator)).content).toContain("can't block yourself");
    expect((await block(bot.fake.appId)).content).toContain('Bots never count');
    expect(await bot.db.selectFrom('flag_blocks').selectAll().execute()).toEqual([]);
    expect((await block(ids.bob)).content).toContain('no longer count');

    const msg = bot.fake.post({ channelId: ids.general, userId: ids.alice, content: 'Free nitro: [discord.gift/abc](http://evil.example)' });
    const menu = bot.fake.messageCommand({ channelId: ids.general, userId: ids.moderator, name: 'Flag for moderators', message: msg });
    await menu.reply();
    await menu.submitModal({ reason: 'spam', details: 'see [here](http://evil.example)' }).reply();
    const posted = bot.fake.channelMessages(ids.modChannel).find((m) => m.author.id === bot.fake.appId)!;
    const embed = posted.embeds[0]!;
    expect(embed.description).toContain('\\[discord.gift/abc\\](http://evil.example)');
    expect(JSON.stringify(embed.fields)).toContain('\\\\[here\\\\](http://evil.example)');
  });
});
