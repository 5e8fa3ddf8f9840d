// Text the fake refuses like Discord: strings that are not valid Unicode (a lone surrogate, what a
// cut through an emoji leaves) anywhere in a request, lengths counted in code points as Discord
// counts them, autocomplete choices (name, value and its type) and modal select placeholders.
import { once } from 'node:events';
import { ChannelType, Client, DiscordAPIError, Events, GatewayIntentBits, type Interaction } from 'discord.js';
import { ApplicationCommandOptionType, Routes, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import { code } from '../support/discord-code.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Half an emoji: what `'🍕'.slice(0, 1)` leaves. */
const LONE = '🍕'.slice(0, 1);

async function setup() {
  const fake = await FakeDiscord.start();
  cleanups.push(() => fake.close());
  const guild = fake.addGuild({ name: 'Text Guild' });
  const text = fake.addChannel(guild.id, { name: 'general' }).id;
  const forumId = fake.addChannel(guild.id, { name: 'ideas', type: ChannelType.GuildForum }).id;
  const alice = fake.addMember(guild.id, { username: 'alice' }).user.id;
  fake.setCommands([
    {
      name: 'pick',
      description: 'Pick something',
      options: [
        { type: ApplicationCommandOptionType.String, name: 'word', description: 'A word', required: false, autocomplete: true },
        { type: ApplicationCommandOptionType.Integer, name: 'id', description: 'An id', required: false, autocomplete: true },
      ],
    },
  ]);
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login('any-token');
  await ready;
  const send = (body: Record<string, unknown>, channelId = text) => client.rest.post(Routes.channelMessages(channelId), { body }) as Promise<APIMessage>;
  return { fake, guild, text, forumId, alice, client, send };
}

/** What Discord answered each of the bot's interaction responses, by the word the member typed. */
async function answers(w: Awaited<ReturnType<typeof setup>>, cases: Record<string, (i: Interaction) => Promise<unknown>>, start: (name: string) => void) {
  const codes: Record<string, number | string> = {};
  w.client.on(Events.InteractionCreate, async (i: Interaction) => {
    const name = i.isAutocomplete() ? String(i.options.getFocused()) : i.isChatInputCommand() ? (i.options.getString('word') ?? '') : '';
    const answer = cases[name];
    if (!answer) return;
    try {
      await answer(i);
      codes[name] = 'ok';
    } catch (err) {
      codes[name] = err instanceof DiscordAPIError ? Number(err.code) : String(err);
    }
  });
  for (const name of Object.keys(cases)) {
    start(name);
    for (let t = 0; t < 300 && codes[name] === undefined; t++) await new Promise((r) => setTimeout(r, 10));
  }
  return codes;
}

describe('text rules in the fake', () => {
  it('refuses a lone surrogate in content, embeds, components, thread and channel names (50035); whole emoji pass', async () => {
    const w = await setup();
    const row = (c: Record<string, unknown>) => ({ type: 1, components: [c] });
    expect(await code(w.send({ content: 'Pizza 🍕', embeds: [{ title: '🍕', fields: [{ name: '🍕', value: '🍕' }] }] }))).toBe('ok');
    const bad: Record<string, Record<string, unknown>> = {
      content: { content: `Pizza ${LONE}` },
      'lone low half': { content: `x${'🍕'.slice(1)}` },
      'embed title': { embeds: [{ title: `a${LONE}` }] },
      'embed field value': { embeds: [{ fields: [{ name: 'n', value: `v${LONE}` }] }] },
      'embed footer': { embeds: [{ footer: { text: LONE } }] },
      'button label': { content: 'x', components: [row({ type: 2, style: 1, label: `B${LONE}`, custom_id: 'b' })] },
      'button custom_id': { content: 'x', components: [row({ type: 2, style: 1, label: 'B', custom_id: `b${LONE}` })] },
      'select option label': { content: 'x', components: [row({ type: 3, custom_id: 's', options: [{ label: `O${LONE}`, value: 'o' }] })] },
    };
    const codes: Record<string, number | string> = {};
    for (const [name, body] of Object.entries(bad)) codes[name] = await code(w.send(body));
    expect(codes).toEqual(Object.fromEntries(Object.keys(bad).map((n) => [n, 50035])));
    expect(w.fake.channelMessages(w.text)).toHaveLength(1);

    // Threads: on a message, in a forum, and a rename.
    const sent = await w.send({ content: 'start' });
    expect(await code(w.client.rest.post(Routes.threads(w.text, sent.id), { body: { name: `Idea ${LONE}` } }))).toBe(50035);
    expect(await code(w.client.rest.post(Routes.threads(w.forumId), { body: { name: `Idea ${LONE}`, message: { content: 'x' } } }))).toBe(50035);
    expect(await code(w.client.rest.post(Routes.threads(w.forumId), { body: { name: 'Idea', message: { content: `x${LONE}` } } }))).toBe(50035);
    const thread = (await w.client.rest.post(Routes.threads(w.text, sent.id), { body: { name: 'Idea 🍕' } })) as { id: string };
    expect(await code(w.client.rest.patch(Routes.channel(thread.id), { body: { name: `Renamed ${LONE}` } }))).toBe(50035);
    expect(await code(w.client.rest.patch(Routes.channel(w.forumId), { body: { available_tags: [{ name: `T${LONE}` }] } }))).toBe(50035);
    // And an edit.
    expect(await code(w.client.rest.patch(Routes.channelMessage(w.text, sent.id), { body: { content: `edited ${LONE}` } }))).toBe(50035);
  });

  it('counts lengths in code points, as Discord does: 2000 emoji are a valid message, 2001 are not', async () => {
    const w = await setup();
    expect(await code(w.send({ content: '🍕'.repeat(2000) }))).toBe('ok');
    expect(await code(w.send({ content: '🍕'.repeat(2001) }))).toBe(50035);
    const sent = await w.send({ content: 'start' });
    expect(await code(w.client.rest.post(Routes.threads(w.text, sent.id), { body: { name: '🍕'.repeat(100) } }))).toBe('ok');
    const other = await w.send({ content: 'again' });
    expect(await code(w.client.rest.post(Routes.threads(w.text, other.id), { body: { name: '🍕'.repeat(101) } }))).toBe(50035);
  });

  it('checks modals: title and labels in code points, no lone surrogate, select placeholders ≤ 150', async () => {
    const w = await setup();
    const text = (extra: Record<string, unknown> = {}) => ({ type: 18, label: 'Label', component: { type: 4, custom_id: 't', style: 1 }, ...extra });
    const select = (extra: Record<string, unknown>) => ({ type: 18, label: 'Pick', component: { type: 3, custom_id: 's', options: [{ label: 'A', value: 'a' }], ...extra } });
    const modal = (title: string, components: unknown[]) => (i: Interaction) => (i.isChatInputCommand() ? i.showModal({ custom_id: 'm', title, components } as never) : Promise.resolve());
    const cases: Record<string, (i: Interaction) => Promise<unknown>> = {
      'title of 45 emoji': modal('🍕'.repeat(45), [text()]),
      'label of 45 emoji': modal('M', [text({ label: '🍕'.repeat(45) })]),
      'placeholder 150': modal('M', [select({ placeholder: 'x'.repeat(150) })]),
      'title of 46 emoji': modal('🍕'.repeat(46), [text()]),
      'title lone surrogate': modal(`Survey ${LONE}`, [text()]),
      'label lone surrogate': modal('M', [text({ label: `Q${LONE}` })]),
      'description lone surrogate': modal('M', [text({ description: `D${LONE}` })]),
      'option lone surrogate': modal('M', [select({ options: [{ label: `A${LONE}`, value: 'a' }] })]),
      'placeholder 151': modal('M', [select({ placeholder: 'x'.repeat(151) })]),
      'user select placeholder 151': modal('M', [{ type: 18, label: 'Who', component: { type: 5, custom_id: 'u', placeholder: 'x'.repeat(151) } }]),
    };
    const codes = await answers(w, cases, (name) => w.fake.slash({ channelId: w.text, userId: w.alice, name: 'pick', options: { word: name } }));
    expect(codes).toEqual({
      'title of 45 emoji': 'ok',
      'label of 45 emoji': 'ok',
      'placeholder 150': 'ok',
      'title of 46 emoji': 50035,
      'title lone surrogate': 50035,
      'label lone surrogate': 50035,
      'description lone surrogate': 50035,
      'option lone surrogate': 50035,
      'placeholder 151': 50035,
      'user select placeholder 151': 50035,
    });
  });

  it('checks autocomplete choices: name 1-100, a string value ≤ 100, the value of the option type, no lone surrogate', async () => {
    const w = await setup();
    const respond = (choices: unknown[]) => (i: Interaction) => (i.isAutocomplete() ? i.respond(choices as never) : Promise.resolve());
    const word: Record<string, (i: Interaction) => Promise<unknown>> = {
      good: respond([{ name: 'n'.repeat(100), value: 'v'.repeat(100) }, { name: '🍕'.repeat(100), value: '🍕'.repeat(100) }]),
      'empty name': respond([{ name: '', value: 'v' }]),
      'name 101': respond([{ name: 'n'.repeat(101), value: 'v' }]),
      'value 101': respond([{ name: 'n', value: 'v'.repeat(101) }]),
      'number for a string option': respond([{ name: 'n', value: 5 }]),
      'name lone surrogate': respond([{ name: `Pizza ${LONE}`, value: 'v' }]),
      'value lone surrogate': respond([{ name: 'n', value: `v${LONE}` }]),
    };
    const codes = await answers(w, word, (value) => w.fake.autocomplete({ channelId: w.text, userId: w.alice, name: 'pick', focused: 'word', value }));
    expect(codes).toEqual({ good: 'ok', ...Object.fromEntries(Object.keys(word).slice(1).map((n) => [n, 50035])) });

    // An integer option takes integers.
    const ids: Record<string, (i: Interaction) => Promise<unknown>> = {
      '1': respond([{ name: '#1 Idea', value: 1 }]),
      '2': respond([{ name: '#2 Idea', value: '2' }]),
      '3': respond([{ name: '#3 Idea', value: 3.5 }]),
    };
    const idCodes = await answers(w, ids, (value) => w.fake.autocomplete({ channelId: w.text, userId: w.alice, name: 'pick', focused: 'id', value }));
    expect(idCodes).toEqual({ '1': 'ok', '2': 50035, '3': 50035 });
  });
});
