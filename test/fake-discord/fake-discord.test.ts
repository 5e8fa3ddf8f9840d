// Drives a real, unmodified discord.js Client against FakeDiscord to check the fake speaks Discord.
import { once } from 'node:events';
import {
  ActionRowBuilder,
  AttachmentBuilder,
  ButtonBuilder,
  ButtonStyle,
  ChannelType,
  CheckboxBuilder,
  CheckboxGroupBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  Partials,
  RadioGroupBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type Interaction,
  type Message,
  type MessageReaction,
  type TextChannel,
  type User,
  type VoiceState,
} from 'discord.js';
import { ApplicationCommandOptionType, InteractionResponseType } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord, type GuildInfo } from '../../src/fake-discord/index.js';

interface World {
  fake: FakeDiscord;
  client: Client;
  guild: GuildInfo;
  text: string;
  voice: string;
  alice: string;
  bob: string;
}

const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(options: { interactionDeadlineMs?: number; now?: () => number } = {}): Promise<World> {
  const fake = await FakeDiscord.start(options);
  cleanups.push(() => fake.close());
  const guild = fake.addGuild({ name: 'Fake Guild' });
  const text = fake.addChannel(guild.id, { name: 'general' }).id;
  const voice = fake.addChannel(guild.id, { name: 'Lounge', type: ChannelType.GuildVoice }).id;
  const alice = fake.addMember(guild.id, { username: 'alice' }).user.id;
  const bob = fake.addMember(guild.id, { username: 'bob' }).user.id;
  fake.setCommands([
    {
      name: 'ping',
      description: 'Ping the bot',
      options: [{ type: ApplicationCommandOptionType.String, name: 'word', description: 'A word', required: false }],
    },
  ]);
  const client = new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.GuildVoiceStates,
      GatewayIntentBits.GuildMessagePolls,
    ],
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel, Partials.GuildMember, Partials.Poll, Partials.PollAnswer],
    rest: { api: fake.apiUrl },
  });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login('any-token');
  await ready;
  return { fake, client, guild, text, voice, alice, bob };
}

function nextEvent<T extends unknown[]>(client: Client, event: string, filter: (...args: T) => boolean = () => true, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`no ${event} within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (...args: unknown[]): void => {
      if (!filter(...(args as T))) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args as T);
    };
    client.on(event, listener);
  });
}

async function textChannel(world: World): Promise<TextChannel> {
  const channel = await world.client.channels.fetch(world.text);
  if (!channel || channel.type !== ChannelType.GuildText) throw new Error('expected a text channel');
  return channel;
}

describe('FakeDiscord with a real discord.js client', () => {
  it('logs in: READY, GUILD_CREATE, caches, REST and member chunks', async () => {
    const w = await setup();
    expect(w.client.user?.id).toBe(w.fake.appId);
    expect(w.fake.identifyCount).toBe(1);
    const guild = w.client.guilds.cache.get(w.guild.id);
    expect(guild?.name).toBe('Fake Guild');
    expect(guild?.channels.cache.get(w.text)?.name).toBe('general');
    expect(guild?.channels.cache.get(w.voice)?.type).toBe(ChannelType.GuildVoice);
    expect(guild?.members.me?.permissions.has('Administrator')).toBe(true);
    // Without GUILD_PRESENCES Discord only sends the bot (and voice members) in GUILD_CREATE...
    expect(guild?.members.cache.has(w.alice)).toBe(false);
    // ...the rest come from REST or a gateway member request.
    expect((await guild?.members.fetch(w.alice))?.user.username).toBe('alice');
    const all = await guild?.members.fetch();
    expect(all?.size).toBe(4); // owner, bot, alice, bob
    expect(w.fake.requestsMatching('GET', '/gateway/bot')).toHaveLength(1);
    const ready = w.fake.gatewayLog.find((e) => e.t === 'READY');
    expect(ready?.s).toBe(1);
    expect(w.fake.gatewayLog.find((e) => e.t === 'GUILD_CREATE')?.s).toBe(2);
  });

  it('delivers member messages, reactions and voice changes', async () => {
    const w = await setup();
    const created = nextEvent<[Message]>(w.client, Events.MessageCreate);
    const posted = w.fake.post({ channelId: w.text, userId: w.alice, content: 'hello there' });
    const [message] = await created;
    expect(message.id).toBe(posted.id);
    expect(message.guildId).toBe(w.guild.id);
    expect(message.author.id).toBe(w.alice);
    expect(message.member?.id).toBe(w.alice);
    expect(message.content).toBe(''); // no MESSAGE_CONTENT intent, as on Discord

    const reacted = nextEvent<[MessageReaction, User]>(w.client, Events.MessageReactionAdd);
    w.fake.react({ channelId: w.text, messageId: posted.id, userId: w.bob, emoji: '🚩' });
    const [reaction, user] = await reacted;
    expect(reaction.emoji.name).toBe('🚩');
    expect(reaction.message.id).toBe(posted.id);
    expect(user.id).toBe(w.bob);
    expect(w.fake.message(w.text, posted.id)?.reactions?.[0]?.count).toBe(1);

    const moved = nextEvent<[VoiceState, VoiceState]>(w.client, Events.VoiceStateUpdate);
    w.fake.voice(w.guild.id, w.alice, w.voice);
    const [, now] = await moved;
    expect(now.channelId).toBe(w.voice);
    expect(now.member?.id).toBe(w.alice);
  });

  it('answers a slash command with an ephemeral reply', async () => {
    const w = await setup();
    w.client.on(Events.InteractionCreate, (i: Interaction) => {
      if (i.isChatInputCommand()) void i.reply({ content: `pong ${i.options.getString('word') ?? ''}`.trim(), flags: MessageFlags.Ephemeral });
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping', options: { word: 'hi' } });
    const reply = await h.reply();
    expect(reply.content).toBe('pong hi');
    expect(reply.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect(h.ephemeral).toBe(true);
    expect(w.fake.channelMessages(w.text)).toHaveLength(0);
    expect(w.fake.ephemeralMessages(h.id)).toHaveLength(1);
  });

  it('follows a deferred reply to its edit', async () => {
    const w = await setup();
    w.client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isChatInputCommand()) return;
      await i.deferReply();
      await new Promise((r) => setTimeout(r, 50));
      await i.editReply('done thinking');
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping' });
    const reply = await h.reply();
    expect(reply.via).toBe('edit-original');
    expect(reply.content).toBe('done thinking');
    expect(h.ephemeral).toBe(false);
    expect(h.original?.flags ?? 0).toBe(0); // Loading cleared
    expect(w.fake.channelMessages(w.text).map((m) => m.content)).toEqual(['done thinking']);
  });

  it('rejects a callback after the deadline with 10062 Unknown interaction', async () => {
    const w = await setup({ interactionDeadlineMs: 200 });
    const failure = new Promise<unknown>((resolve) => {
      w.client.on(Events.InteractionCreate, async (i: Interaction) => {
        if (!i.isChatInputCommand()) return;
        await new Promise((r) => setTimeout(r, 300));
        await i.reply('too late').then(() => resolve(undefined), resolve);
      });
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping' });
    const error = await failure;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(10062);
    expect(h.acknowledged).toBe(false);
    expect(h.rejectedCallbacks[0]?.code).toBe(10062);
  });

  it("takes edits of an answer for 15 minutes of its clock, then refuses the token (401, 50027)", async () => {
    let now = Date.parse('2026-11-02T12:00:00Z');
    const w = await setup({ now: () => now });
    const replied = new Promise<ChatInputCommandInteraction>((resolve) => {
      w.client.on(Events.InteractionCreate, async (i: Interaction) => {
        if (!i.isChatInputCommand()) return;
        await i.reply({ content: 'first', flags: MessageFlags.Ephemeral });
        resolve(i);
      });
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping' });
    const interaction = await replied;
    now += 14 * 60_000;
    await interaction.editReply('second');
    expect(h.original?.content).toBe('second');
    now += 2 * 60_000;
    const error = await interaction.editReply('third').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect([(error as DiscordAPIError).status, (error as DiscordAPIError).code]).toEqual([401, 50027]);
    expect(h.original?.content).toBe('second');
  });

  it('lets a button click update the bot message', async () => {
    const w = await setup();
    const channel = await textChannel(w);
    const sent = await channel.send({
      content: 'Vote?',
      components: [new ActionRowBuilder<ButtonBuilder>().addComponents(new ButtonBuilder().setCustomId('vote:yes').setLabel('Yes').setStyle(ButtonStyle.Primary))],
    });
    w.client.on(Events.InteractionCreate, (i: Interaction) => {
      if (i.isButton() && i.customId === 'vote:yes') void i.update({ content: 'Thanks!', components: [] });
    });
    const h = w.fake.click({ userId: w.bob, message: { channelId: w.text, messageId: sent.id }, customId: 'vote:yes' });
    const reply = await h.reply();
    expect(reply.type).toBe(InteractionResponseType.UpdateMessage);
    expect(w.fake.message(w.text, sent.id)?.content).toBe('Thanks!');
    expect(w.fake.message(w.text, sent.id)?.components).toEqual([]);
    expect(() => w.fake.click({ userId: w.bob, message: { channelId: w.text, messageId: sent.id }, customId: 'vote:yes' })).toThrow(/no component/);
  });

  it('opens a modal and receives its submission', async () => {
    const w = await setup();
    w.client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isChatInputCommand()) {
        await i.showModal(
          new ModalBuilder()
            .setCustomId('feedback')
            .setTitle('Feedback')
            .addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(new TextInputBuilder().setCustomId('text').setLabel('Text').setStyle(TextInputStyle.Paragraph))),
        );
      } else if (i.isModalSubmit()) {
        await i.reply({ content: `got: ${i.fields.getTextInputValue('text')}`, flags: MessageFlags.Ephemeral });
      }
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping' });
    expect((await h.reply()).modal?.custom_id).toBe('feedback');
    const submitted = h.submitModal({ text: 'love it' });
    expect((await submitted.reply()).content).toBe('got: love it');
  });

  it('opens a modal of labels (radio group, checkbox group, checkbox, select, text) and submits them as Discord does', async () => {
    const w = await setup();
    w.client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (i.isChatInputCommand()) {
        const options = (n: number) => Array.from({ length: n }, (_, k) => ({ label: `Option ${k}`, value: `o${k}` }));
        await i.showModal(
          new ModalBuilder()
            .setCustomId('form')
            .setTitle('Form')
            .addLabelComponents(
              new LabelBuilder().setLabel('Radio').setRadioGroupComponent(new RadioGroupBuilder().setCustomId('radio').addOptions(options(3))),
              new LabelBuilder().setLabel('Group').setCheckboxGroupComponent(new CheckboxGroupBuilder().setCustomId('group').addOptions(options(4)).setMinValues(1).setMaxValues(2)),
              new LabelBuilder().setLabel('Agree').setCheckboxComponent(new CheckboxBuilder().setCustomId('agree')),
              new LabelBuilder().setLabel('Select').setStringSelectMenuComponent(new StringSelectMenuBuilder().setCustomId('select').addOptions(options(11))),
              new LabelBuilder().setLabel('Text').setTextInputComponent(new TextInputBuilder().setCustomId('text').setStyle(TextInputStyle.Short).setRequired(false)),
            ),
        );
      } else if (i.isModalSubmit()) {
        const f = i.fields;
        const got = { radio: f.getRadioGroup('radio'), group: f.getCheckboxGroup('group'), agree: f.getCheckbox('agree'), select: f.getStringSelectValues('select'), text: f.getTextInputValue('text') };
        await i.reply({ content: JSON.stringify(got), flags: MessageFlags.Ephemeral });
      }
    });
    const h = w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping' });
    expect((await h.reply()).modal?.components.map((c) => c.type)).toEqual([18, 18, 18, 18, 18]);
    expect(() => h.submitModal({ radio: 'o9' })).toThrow(/has no option "o9"/);
    expect(() => h.submitModal({ radio: 'o1', group: ['o0', 'o1', 'o2'], select: ['o3'] })).toThrow(/takes 1 to 2 values/);
    expect(() => h.submitModal({ radio: 'o1', group: ['o0'], agree: 'yes', select: ['o3'] })).toThrow(/give true or false/);
    const submitted = h.submitModal({ radio: 'o1', group: ['o0', 'o3'], agree: true, select: ['o10'] });
    const raw = (submitted.payload.data as unknown as { components: Array<{ type: number; component: Record<string, unknown> }> }).components.map((c) => c.component);
    expect(raw.map((c) => [c['type'], 'value' in c ? c['value'] : c['values']])).toEqual([
      [21, 'o1'],
      [22, ['o0', 'o3']],
      [23, true],
      [3, ['o10']],
      [4, ''],
    ]);
    expect(JSON.parse((await submitted.reply()).content ?? '{}')).toEqual({ radio: 'o1', group: ['o0', 'o3'], agree: true, select: ['o10'], text: '' });
  });

  it('refuses modals Discord would refuse: six components, a radio group of one, a long custom_id', async () => {
    const w = await setup();
    const label = (id: string, component: Record<string, unknown>) => ({ type: 18, label: id, component: { custom_id: id, ...component } });
    const radio = (n: number) => ({ type: 21, options: Array.from({ length: n }, (_, k) => ({ label: `L${k}`, value: `v${k}` })) });
    const bad: Array<[string, unknown[]]> = [
      ['six', Array.from({ length: 6 }, (_, k) => label(`r${k}`, radio(2)))],
      ['one option', [label('r', radio(1))]],
      ['eleven options', [label('r', radio(11))]],
      ['long id', [label('x'.repeat(101), radio(2))]],
      ['duplicate ids', [label('r', radio(2)), label('r', radio(2))]],
      ['label too long', [{ ...label('r', radio(2)), label: 'x'.repeat(46) }]],
    ];
    const codes: Record<string, number | undefined> = {};
    w.client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isChatInputCommand()) return;
      const name = i.options.getString('word') ?? '';
      const components = bad.find(([n]) => n === name)?.[1] ?? [];
      try {
        await i.showModal({ custom_id: 'm', title: 'M', components } as never);
      } catch (err) {
        codes[name] = err instanceof DiscordAPIError ? Number(err.code) : -1;
      }
    });
    for (const [name] of bad) {
      w.fake.slash({ channelId: w.text, userId: w.alice, name: 'ping', options: { word: name } });
      for (let t = 0; t < 200 && codes[name] === undefined; t++) await new Promise((r) => setTimeout(r, 10));
    }
    expect(codes).toEqual(Object.fromEntries(bad.map(([n]) => [n, 50035])));
  });

  it('records multipart uploads with their bytes and serves them', async () => {
    const w = await setup();
    const channel = await textChannel(w);
    const sent = await channel.send({ content: 'report', files: [new AttachmentBuilder(Buffer.from('hello file'), { name: 'hello.txt' })] });
    const request = await w.fake.waitForRequest('POST', `/channels/${w.text}/messages`);
    expect(request.multipart).toBe(true);
    expect(request.files[0]?.filename).toBe('hello.txt');
    expect(request.files[0]?.data.toString()).toBe('hello file');
    expect((request.body as { content?: string }).content).toBe('report');
    const attachment = sent.attachments.first();
    expect(attachment?.name).toBe('hello.txt');
    expect(await (await fetch(attachment?.url ?? '')).text()).toBe('hello file');
  });

  it('makes discord.js wait out a 429 and retry', async () => {
    const w = await setup();
    const channel = await textChannel(w);
    const rule = w.fake.rateLimitNext({ method: 'POST', path: /^\/channels\/\d+\/messages$/ }, { retryAfter: 0.2 });
    const started = Date.now();
    const sent = await channel.send('after the limit');
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(rule.served).toBe(true);
    const posts = w.fake.requestsMatching('POST', /^\/channels\/\d+\/messages$/);
    expect(posts.map((r) => r.status)).toEqual([429, 200]);
    expect(posts[0]?.response).toMatchObject({ retry_after: 0.2, global: false });
    expect(w.fake.message(w.text, sent.id)?.content).toBe('after the limit');
  });

  it('resumes after a dropped connection and replays what it missed', async () => {
    const w = await setup();
    w.fake.dropConnection();
    // Posted while the client is disconnected: must be replayed on RESUME.
    const created = nextEvent<[Message]>(w.client, Events.MessageCreate);
    const missed = w.fake.post({ channelId: w.text, userId: w.alice, content: 'while you were away' });
    const [message] = await created;
    expect(message.id).toBe(missed.id);
    expect(w.fake.resumeCount).toBe(1);
    expect(w.fake.identifyCount).toBe(1);
    expect(w.fake.gatewayLog.some((e) => e.replay && e.t === 'MESSAGE_CREATE')).toBe(true);
    const after = nextEvent<[Message]>(w.client, Events.MessageCreate);
    const later = w.fake.post({ channelId: w.text, userId: w.bob, content: 'later' });
    expect((await after)[0].id).toBe(later.id);
  });

  it('handles polls, threads and select menus', async () => {
    const w = await setup();
    const channel = await textChannel(w);
    const poll = await channel.send({ poll: { question: { text: 'Lunch?' }, answers: [{ text: 'Pizza' }, { text: 'Sushi' }], duration: 1, allowMultiselect: false } });
    const voted = nextEvent<[{ id: number }, string]>(w.client, Events.MessagePollVoteAdd);
    w.fake.vote({ channelId: w.text, messageId: poll.id, userId: w.alice, answerId: 2 });
    const [answer, voter] = await voted;
    expect([answer.id, voter]).toEqual([2, w.alice]);
    await poll.poll?.end();
    expect(w.fake.message(w.text, poll.id)?.poll?.results).toEqual({ is_finalized: true, answer_counts: [{ id: 2, count: 1, me_voted: false }] });
    expect(w.fake.channelMessages(w.text).at(-1)?.type).toBe(46); // POLL_RESULT

    const created = nextEvent<[{ id: string }, boolean]>(w.client, Events.ThreadCreate);
    const thread = await poll.startThread({ name: 'lunch talk' });
    expect(thread.id).toBe(poll.id); // threads started from a message share its id
    expect((await created)[1]).toBe(true);

    const menu = await channel.send({
      content: 'Pick',
      components: [new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(new StringSelectMenuBuilder().setCustomId('pick').addOptions({ label: 'A', value: 'a' }, { label: 'B', value: 'b' }))],
    });
    w.client.on(Events.InteractionCreate, async (i: Interaction) => {
      if (!i.isStringSelectMenu()) return;
      await i.deferUpdate();
      await i.editReply({ content: `picked ${i.values.join()}`, components: [] });
    });
    const h = w.fake.select({ userId: w.bob, message: menu, customId: 'pick', values: ['b'] });
    expect((await h.reply()).via).toBe('edit-original');
    expect(w.fake.message(w.text, menu.id)?.content).toBe('picked b');
    expect(() => w.fake.select({ userId: w.bob, message: poll, customId: 'pick', values: ['z'] })).toThrow();
  });

  it('enforces permissions, DMs and commands like Discord', async () => {
    const w = await setup();
    // Slash-command registration through REST keeps ids and validates.
    const registered = await w.client.application?.commands.set([{ name: 'stats', description: 'Show stats' }], w.guild.id);
    expect(registered?.first()?.id).toBe(w.fake.commands(w.guild.id)[0]?.id);
    await expect(w.client.application?.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toMatchObject({ code: 50035 });
    // Closed DMs.
    w.fake.setDmsClosed(w.bob);
    const bob = await w.client.users.fetch(w.bob);
    await expect(bob.send('hi')).rejects.toMatchObject({ code: 50007, status: 403 });
    // A user who shares no server with the bot (alice, once she left) cannot be DMed either.
    const alice0 = await w.client.users.fetch(w.alice);
    await alice0.send('before');
    w.fake.leave(w.guild.id, w.alice);
    await expect(alice0.send('after')).rejects.toMatchObject({ code: 50007, status: 403 });
    w.fake.addMember(w.guild.id, { id: w.alice, username: 'alice' });
    // Timeouts are recorded; without Moderate Members they fail with 50013.
    const guild = w.client.guilds.cache.get(w.guild.id);
    const alice = await guild?.members.fetch(w.alice);
    await alice?.timeout(60_000, 'spam');
    expect(w.fake.member(w.guild.id, w.alice)?.communication_disabled_until).not.toBeNull();
    w.fake.setBotPermissions(w.guild.id, 0n);
    await w.fake.waitFor(() => guild?.members.me?.permissions.has('ModerateMembers') === false || undefined);
    await expect(alice?.timeout(null)).rejects.toMatchObject({ code: 50013 });
    // Unknown routes answer Discord's 404.
    await expect(w.client.rest.get('/nope')).rejects.toMatchObject({ status: 404, code: 0 });
  });

  it('deletes roles like Discord: GUILD_ROLE_DELETE, taken from its members; not @everyone, a managed role or one above the bot', async () => {
    const w = await setup();
    const guild = w.client.guilds.cache.get(w.guild.id)!;
    const raiders = w.fake.addRole(w.guild.id, { name: 'Raiders' });
    const crafters = w.fake.addRole(w.guild.id, { name: 'Crafters' });
    w.fake.setMemberRoles(w.guild.id, w.alice, [raiders.id, crafters.id]);
    await w.fake.waitFor(() => guild.roles.cache.has(crafters.id) || undefined);
    const position = (id: string) => w.fake.roles(w.guild.id).find((r) => r.id === id)?.position;
    expect(position(raiders.id)).toBe(2);

    // The bot deletes one through REST: 204, and the gateway says so.
    const deleted = nextEvent(w.client, Events.GuildRoleDelete);
    await guild.roles.delete(crafters.id);
    expect((await deleted)[0]).toMatchObject({ id: crafters.id });
    expect(guild.roles.cache.has(crafters.id)).toBe(false);
    expect(w.fake.member(w.guild.id, w.alice)?.roles).toEqual([raiders.id]);
    expect(position(raiders.id)).toBe(1); // the roles above it moved down

    // Someone deletes another in the server's settings.
    w.fake.deleteRole(w.guild.id, raiders.id);
    await w.fake.waitFor(() => !guild.roles.cache.has(raiders.id) || undefined);
    expect(w.fake.member(w.guild.id, w.alice)?.roles).toEqual([]);

    await expect(guild.roles.delete(raiders.id)).rejects.toMatchObject({ status: 404, code: 10011 });
    await expect(w.client.rest.delete(`/guilds/${w.guild.id}/roles/${w.guild.id}`)).rejects.toMatchObject({ status: 400, code: 50028 });
    const botRole = guild.members.me!.roles.botRole!;
    await expect(guild.roles.delete(botRole.id)).rejects.toMatchObject({ status: 400, code: 50028 });
    const admins = w.fake.addRole(w.guild.id, { name: 'Admins', position: (botRole.position ?? 1) + 1 });
    await expect(w.client.rest.delete(`/guilds/${w.guild.id}/roles/${admins.id}`)).rejects.toMatchObject({ status: 403, code: 50013 });
  });
});
