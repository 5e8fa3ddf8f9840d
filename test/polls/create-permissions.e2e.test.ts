// /poll create posts only where its author could post: the acting member's own permissions in the channel, not just the bot's.
import { PermissionFlagsBits } from 'discord.js';
import { OverwriteType, type APIOverwrite } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature } from '../../src/polls/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx)];
const { ViewChannel, SendMessages, SendPolls } = PermissionFlagsBits;

type Options = Record<string, string | number | boolean>;

/** /poll create run from `from` (default: general). */
function create(b: TestBot, userId: string, options: Options, from = b.ids.general, locale?: string) {
  return b.fake.slash({ channelId: from, userId, name: 'poll', subcommand: 'create', options, ...(locale ? { locale } : {}) }).reply();
}

/** Sets a channel's overwrites and waits until the bot's cache has them (CHANNEL_UPDATE). */
async function overwrite(b: TestBot, channelId: string, overwrites: APIOverwrite[]): Promise<void> {
  b.fake.setChannelOverwrites(channelId, overwrites);
  await b.fake.waitFor(() => {
    const cached = b.app.client.channels.cache.get(channelId);
    return cached && 'permissionOverwrites' in cached && overwrites.every((o) => cached.permissionOverwrites.cache.get(o.id)?.deny.bitfield === BigInt(o.deny));
  });
}

const deny = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({ id, type, allow: '0', deny: String(bits) });
const allow = (id: string, type: OverwriteType, bits: bigint): APIOverwrite => ({ id, type, allow: String(bits), deny: '0' });

/** The bot's messages in a channel. */
function posted(b: TestBot, channelId: string) {
  return b.fake.channelMessages(channelId).filter((m) => m.author.id === b.fake.appId);
}

async function pollRows(b: TestBot) {
  return b.db.selectFrom('polls').selectAll().execute();
}

describe('/poll create checks the acting member', () => {
  it('refuses a chosen channel the member cannot send messages in: ephemeral, nothing posted, nothing stored', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    await overwrite(bot, ids.modChannel, [deny(ids.alice, OverwriteType.Member, SendMessages)]);

    const refused = await create(bot, ids.alice, { question: 'Read-only?', choices: 'A | B', channel: ids.modChannel });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(`You can't post in <#${ids.modChannel}> yourself (you need Send Messages there), so I won't post your poll there. Pick a channel you can post in.`);
    const native = await create(bot, ids.alice, { question: 'Read-only?', choices: 'A | B', channel: ids.modChannel, native: true });
    expect(native.ephemeral).toBe(true);
    expect(native.content).toMatch(/You can't post in <#\d+> yourself \(you need Send Messages there\)/);
    // In the member's language.
    const es = await create(bot, ids.alice, { question: 'Read-only?', choices: 'A | B', channel: ids.modChannel }, ids.general, 'es-ES');
    expect(es.content).toBe(`Tú no puedes publicar en <#${ids.modChannel}> (necesitas Enviar mensajes ahí), así que no publicaré tu encuesta allí. Elige un canal en el que puedas publicar.`);
    expect(posted(bot, ids.modChannel)).toEqual([]);
    expect(posted(bot, ids.general)).toEqual([]);
    expect(await pollRows(bot)).toEqual([]);

    // A member who may post there still can.
    expect((await create(bot, ids.bob, { question: 'Open?', choices: 'A | B', channel: ids.modChannel })).content).toMatch(/Poll #1 posted in <#\d+>/);
    expect(posted(bot, ids.modChannel)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('refuses the default channel (the one the command runs in) when the member cannot send there', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    // An announcements-style channel: read-only for everyone but the staff role (and Pulse, allowed there as a server would).
    await overwrite(bot, ids.general, [
      deny(ids.guildId, OverwriteType.Role, SendMessages),
      allow(ids.staffRoleId, OverwriteType.Role, SendMessages),
      allow(bot.fake.appId, OverwriteType.Member, SendMessages),
    ]);

    const refused = await create(bot, ids.alice, { question: 'Here?', choices: 'A | B' });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(new RegExp(`^You can't post in <#${ids.general}> yourself \\(you need Send Messages there\\)`));
    expect(posted(bot, ids.general)).toEqual([]);
    expect(await pollRows(bot)).toEqual([]);

    expect((await create(bot, ids.moderator, { question: 'Here?', choices: 'A | B' })).content).toMatch(/Poll #1 posted/);
    expect(posted(bot, ids.general)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('refuses a channel hidden from the member, by id', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    await overwrite(bot, ids.staffChannel, [
      deny(ids.guildId, OverwriteType.Role, ViewChannel),
      allow(ids.staffRoleId, OverwriteType.Role, ViewChannel),
      allow(bot.fake.appId, OverwriteType.Member, ViewChannel),
    ]);

    const refused = await create(bot, ids.alice, { question: 'Secret?', choices: 'A | B', channel: ids.staffChannel });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(new RegExp(`^You can't post in <#${ids.staffChannel}> yourself \\(you need View Channel there\\)`));
    expect(posted(bot, ids.staffChannel)).toEqual([]);
    expect(await pollRows(bot)).toEqual([]);

    expect((await create(bot, ids.moderator, { question: 'Secret?', choices: 'A | B', channel: ids.staffChannel })).content).toMatch(/Poll #1 posted/);
    expect(posted(bot, ids.staffChannel)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a native poll also needs Create Polls; a Pulse poll there does not', async () => {
    bot = await TestBot.start({ features });
    const { ids } = bot;
    await overwrite(bot, ids.modChannel, [deny(ids.alice, OverwriteType.Member, SendPolls)]);

    const refused = await create(bot, ids.alice, { question: 'Native?', choices: 'A | B', duration: '1d', native: true, channel: ids.modChannel });
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toMatch(/^You can't post in <#\d+> yourself \(you need Create Polls there\)/);
    expect(posted(bot, ids.modChannel)).toEqual([]);

    expect((await create(bot, ids.alice, { question: 'Pulse?', choices: 'A | B', channel: ids.modChannel })).content).toMatch(/Poll #1 posted/);
    expect(posted(bot, ids.modChannel)).toHaveLength(1);
    expect(bot.errors).toEqual([]);
  });

  it('a timed-out member cannot post a poll, here or elsewhere', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    fake.setMemberTimeout(ids.guildId, ids.alice, new Date('2099-01-01T00:00:00Z'));
    await fake.waitFor(() => bot!.app.client.guilds.cache.get(ids.guildId)?.members.cache.get(ids.alice)?.communicationDisabledUntilTimestamp);

    const here = await create(bot, ids.alice, { question: 'Here?', choices: 'A | B' });
    expect(here.content).toMatch(/^You can't post in <#\d+> yourself \(you need Send Messages there\)/);
    const there = await create(bot, ids.alice, { question: 'There?', choices: 'A | B', channel: ids.modChannel });
    expect(there.content).toMatch(/^You can't post in <#\d+> yourself \(you need Send Messages there\)/);
    expect(posted(bot, ids.general)).toEqual([]);
    expect(posted(bot, ids.modChannel)).toEqual([]);
    expect(await pollRows(bot)).toEqual([]);
    expect(bot.errors).toEqual([]);
  });
});
