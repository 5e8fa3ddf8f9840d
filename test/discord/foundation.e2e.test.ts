// The foundation end to end: the real app and discord.js client against the fake Discord.
import { ButtonStyle, ComponentType, MessageFlags, PermissionFlagsBits, type Client } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { commands } from '../../commands/index.js';
import { encodeCustomId, idArg } from '../../src/discord/custom-id.js';
import { UserError } from '../../src/discord/errors.js';
import { requiredPermissionBits } from '../../src/discord/permissions.js';
import { componentRoute } from '../../src/discord/router.js';
import type { FeatureFactory } from '../../src/feature.js';
import { features } from '../../src/features.js';
import { getSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** A slice that exists only in these tests, to drive the router's edges. */
const probe: FeatureFactory = () => ({
  name: 'probe',
  routes: {
    commands: {
      async probe(interaction) {
        const what = interaction.options.getString('what', true);
        if (what === 'crash') throw new Error('database on fire: secret internal detail');
        if (what === 'refuse') throw new UserError('You cannot do that.');
        if (what === 'public-defer-crash') {
          await interaction.deferReply();
          throw new Error('failed after deferring');
        }
        await interaction.reply({
          content: 'buttons',
          components: [
            {
              type: ComponentType.ActionRow,
              components: [
                { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'good', custom_id: encodeCustomId('echo', 7) },
                { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'tampered', custom_id: 'v1:echo:abc' },
                { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'unknown', custom_id: encodeCustomId('nope', 1) },
                { type: ComponentType.Button, style: ButtonStyle.Primary, label: 'foreign', custom_id: 'someone-elses-button' },
                { type: ComponentType.Button, style: ButtonStyle.Danger, label: 'crash', custom_id: encodeCustomId('crash-after-update') },
              ],
            },
          ],
        });
      },
    },
    components: {
      'crash-after-update': componentRoute({
        args: z.tuple([]),
        async handle(interaction) {
          await interaction.deferUpdate();
          throw new Error('failed after deferUpdate');
        },
      }),
      echo: componentRoute({
        args: z.tuple([idArg.int]),
        handle: (interaction, [n]) => interaction.reply({ content: `echo ${n}`, flags: MessageFlags.Ephemeral }),
      }),
    },
  },
});

const probeCommand = {
  name: 'probe',
  description: 'test probe',
  options: [{ type: 3, name: 'what', description: 'what to do', required: true }],
};

async function startWithProbe(): Promise<TestBot> {
  const b = await TestBot.start({ features: [...features, probe] });
  b.fake.setCommands([...commands, probeCommand]);
  return b;
}

describe('/pulse about', () => {
  it('tells anyone what Pulse keeps, ephemerally', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'pulse', subcommand: 'about' }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.embeds[0]?.title).toBe('Pulse');
    expect(reply.embeds[0]?.description).toContain('never stores message text');
    expect(reply.embeds[0]?.fields ?? []).toEqual([]);
  });

  it('tells staff which permissions the bot is missing', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const about = async (userId: string) => (await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId, name: 'pulse', subcommand: 'about' }).reply()).embeds[0]?.fields ?? [];
    expect(await about(ids.ownerId)).toEqual([{ name: 'Permissions (shown to staff)', value: 'Server-wide, I have every permission I use.' }]);
    // @everyone keeps Discord's defaults (Create Polls among them); the bot's own role loses two.
    fake.setBotPermissions(ids.guildId, requiredPermissionBits & ~PermissionFlagsBits.ModerateMembers & ~PermissionFlagsBits.ManageThreads);
    await fake.waitFor(() => bot!.app.client.guilds.cache.get(ids.guildId)?.members.me?.permissions.has(PermissionFlagsBits.ManageThreads) === false);
    const [field] = await about(ids.ownerId);
    expect(field?.value).toMatch(/^I am missing 2 permissions/);
    expect(field?.value).toContain('**Timeout Members**');
    expect(field?.value).toContain('**Manage Threads**');
    expect(field?.value).not.toContain('Send Messages**');
    // Members are not told.
    expect(await about(ids.alice)).toEqual([]);
  });
});

describe('/settings', () => {
  it('refuses a member who is not staff, and changes nothing', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const reply = await fake
      .slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'settings', subcommand: 'set', options: { timezone: 'Europe/Berlin' } })
      .reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/Only staff can do this/);
    expect((await getSettings(bot.db, ids.guildId)).timezone).toBe('UTC');
  });

  it('lets the owner change settings and show them; then the staff role opens it to moderators', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const asModerator = () => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.moderator, name: 'settings', subcommand: 'show' }).reply();
    expect((await asModerator()).content).toMatch(/Only staff/);

    const set = await fake
      .slash({
        guildId: ids.guildId,
        channelId: ids.general,
        userId: ids.ownerId,
        name: 'settings',
        subcommand: 'set',
        options: { timezone: 'America/New_York', staff_channel: ids.staffChannel, mod_channel: ids.modChannel, flag_threshold: 4, staff_role: ids.staffRoleId, flag_emoji: '⚠️' },
      })
      .reply();
    expect(set.ephemeral).toBe(true);
    expect(set.content).toBe('Settings saved.');
    expect(await getSettings(bot.db, ids.guildId)).toMatchObject({
      timezone: 'America/New_York',
      staffChannelId: ids.staffChannel,
      modChannelId: ids.modChannel,
      flagThreshold: 4,
      staffRoleId: ids.staffRoleId,
      flagEmoji: '⚠️',
    });

    const shown = await asModerator();
    expect(shown.ephemeral).toBe(true);
    const fields = Object.fromEntries((shown.embeds[0]?.fields ?? []).map((f) => [f.name, f.value]));
    expect(fields['Time zone']).toBe('America/New_York');
    expect(fields['Staff channel (digests)']).toBe(`<#${ids.staffChannel}>`);
    expect(fields['Flag threshold']).toBe('4 members');
  });

  it.each([
    [{ timezone: 'Mars/Olympus' }, /not a time zone I know/],
    [{ flag_emoji: 'flag' }, /single emoji/],
    [{ flag_threshold: 99 }, /from 1 to 50/],
    [{}, /at least one setting/],
  ])('answers bad input %j with an ephemeral error and keeps the old settings', async (options, message) => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'set', options }).reply();
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(message);
    expect(await getSettings(bot.db, ids.guildId)).toMatchObject({ timezone: 'UTC', flagThreshold: 3, flagEmoji: '🚩' });
  });

  it('refuses a channel the bot cannot post in', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    fake.setChannelOverwrites(ids.staffChannel, [{ id: fake.guild(ids.guildId)!.id, type: 0, allow: '0', deny: String(1n << 11n) }]);
    fake.setBotPermissions(ids.guildId, (1n << 10n) | (1n << 11n) | (1n << 14n));
    const reply = await fake
      .slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_channel: ids.staffChannel } })
      .reply();
    expect(reply.content).toMatch(/can't post in/);
    expect((await getSettings(bot.db, ids.guildId)).staffChannelId).toBeNull();
  });

  it('refuses a staff channel where the digest chart could not be attached', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const { ViewChannel, SendMessages, EmbedLinks, AttachFiles } = PermissionFlagsBits;
    fake.setBotPermissions(ids.guildId, ViewChannel | SendMessages | EmbedLinks | AttachFiles);
    fake.setChannelOverwrites(ids.staffChannel, [{ id: fake.appId, type: 1, allow: '0', deny: String(AttachFiles) }]);
    const set = (channel: string) => fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_channel: channel } }).reply();
    expect((await set(ids.staffChannel)).content).toBe(`I can't post in <#${ids.staffChannel}>: I need Attach Files there. Ask an admin, or pick another channel.`);
    expect((await getSettings(bot.db, ids.guildId)).staffChannelId).toBeNull();
    expect((await set(ids.modChannel)).content).toBe('Settings saved.');
  });

  it('ignores and unignores channels, and offers time zones as you type', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'ignore-channel', options: { channel: ids.general } }).reply();
    expect((await getSettings(bot.db, ids.guildId)).ignoredChannelIds).toEqual([ids.general]);
    await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'unignore-channel', options: { channel: ids.general } }).reply();
    expect((await getSettings(bot.db, ids.guildId)).ignoredChannelIds).toEqual([]);

    const typed = await fake
      .autocomplete({ guildId: ids.guildId, channelId: ids.general, userId: ids.ownerId, name: 'settings', subcommand: 'set', focused: 'timezone', value: 'berl' })
      .reply();
    expect(typed.choices).toEqual([{ name: 'Europe/Berlin', value: 'Europe/Berlin' }]);
  });
});

describe('the error boundary', () => {
  it('shows a UserError as is, and a crash as an apology with an id that is in the log', async () => {
    bot = await startWithProbe();
    const { ids, fake } = bot;
    const refused = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'refuse' } }).reply();
    expect(refused).toMatchObject({ ephemeral: true, content: 'You cannot do that.' });

    const crashed = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'crash' } }).reply();
    expect(crashed.ephemeral).toBe(true);
    expect(crashed.content).not.toContain('on fire');
    const errorId = /`([0-9a-f]{8})`/.exec(crashed.content ?? '')?.[1];
    expect(errorId).toBeDefined();
    expect(bot.errors.some((l) => l.msg === 'interaction.failed' && l['errorId'] === errorId)).toBe(true);

    // After a public defer Discord allows no ephemeral answer: the apology replaces "thinking…".
    const after = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'public-defer-crash' } }).reply();
    expect(after.via).toBe('edit-original');
    expect(after.content).toMatch(/something went wrong on my side/);
    expect(after.content).not.toContain('failed after deferring');

    // The process is still serving.
    expect((await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'pulse', subcommand: 'about' }).reply()).embeds).toHaveLength(1);
  });

  it('routes a valid custom_id and refuses tampered, unknown and foreign ones', async () => {
    bot = await startWithProbe();
    const { ids, fake } = bot;
    const posted = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'buttons' } }).reply();
    const message = { channelId: ids.general, messageId: posted.message!.id };
    const click = (customId: string) => fake.click({ userId: ids.bob, message, customId }).reply();

    expect(await click(encodeCustomId('echo', 7))).toMatchObject({ ephemeral: true, content: 'echo 7' });
    for (const customId of ['v1:echo:abc', encodeCustomId('nope', 1), 'someone-elses-button']) {
      const reply = await click(customId);
      expect(reply.ephemeral).toBe(true);
      expect(reply.content).toMatch(/no longer valid/);
    }
    expect(bot.errors).toEqual([]);
  });

  it('answers a crash after deferUpdate with an ephemeral follow-up and leaves the message alone', async () => {
    bot = await startWithProbe();
    const { ids, fake } = bot;
    const posted = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'buttons' } }).reply();
    const message = { channelId: ids.general, messageId: posted.message!.id };
    const reply = await fake.click({ userId: ids.bob, message, customId: encodeCustomId('crash-after-update') }).reply();
    expect(reply.via).toBe('follow-up');
    expect(reply.ephemeral).toBe(true);
    expect(reply.content).toMatch(/something went wrong on my side/);
    const after = fake.message(ids.general, posted.message!.id);
    expect(after?.content).toBe('buttons');
    expect(after?.components).toHaveLength(1);
  });

  it('answers a command it does not know', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    fake.setCommands([...commands, probeCommand]);
    const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'probe', options: { what: 'x' } }).reply();
    expect(reply).toMatchObject({ ephemeral: true, content: 'This command is not available any more.' });
  });
});

describe('the gateway connection', () => {
  it('resumes after a dropped connection and keeps answering', async () => {
    bot = await TestBot.start();
    const { ids, fake } = bot;
    const client: Client = bot.app.client;
    const resumed = new Promise<void>((resolve) => client.once('shardResume', () => resolve()));
    fake.dropConnection();
    await resumed;
    expect(fake.resumeCount).toBe(1);
    expect(fake.identifyCount).toBe(1);
    const reply = await fake.slash({ guildId: ids.guildId, channelId: ids.general, userId: ids.alice, name: 'pulse', subcommand: 'about' }).reply();
    expect(reply.embeds[0]?.title).toBe('Pulse');
  });
});
