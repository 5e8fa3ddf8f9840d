// Message bodies the fake refuses like Discord: nonces (and enforce_nonce), per-component and
// per-embed limits, and forum posts without a tag where the forum requires one.
import { once } from 'node:events';
import { ChannelFlags, ChannelType, Client, Events, GatewayIntentBits, type ForumChannel } from 'discord.js';
import { Routes, type APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import { code } from '../support/discord-code.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  let clock = Date.parse('2026-03-02T10:00:00Z');
  const fake = await FakeDiscord.start({ now: () => clock });
  cleanups.push(() => fake.close());
  const guild = fake.addGuild({ name: 'Rules Guild' });
  const text = fake.addChannel(guild.id, { name: 'general' }).id;
  const other = fake.addChannel(guild.id, { name: 'other' }).id;
  const forumId = fake.addChannel(guild.id, { name: 'ideas', type: ChannelType.GuildForum, flags: ChannelFlags.RequireTag }).id;
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login('any-token');
  await ready;
  const send = (body: Record<string, unknown>, channelId = text) => client.rest.post(Routes.channelMessages(channelId), { body }) as Promise<APIMessage>;
  const advance = (ms: number) => {
    clock += ms;
  };
  return { fake, guild, text, other, forumId, client, send, advance };
}

const creates = (fake: FakeDiscord, channelId: string) => fake.gatewayLog.filter((e) => e.t === 'MESSAGE_CREATE' && (e.d as APIMessage).channel_id === channelId).length;

describe('message rules in the fake', () => {
  it('nonce: a string of ≤ 25 characters or an integer; enforce_nonce returns the earlier message for 5 minutes of the fake clock', async () => {
    const { fake, text, other, send, advance } = await setup();
    expect(await code(send({ content: 'x', nonce: 'n'.repeat(26) }))).toBe(50035);
    expect(await code(send({ content: 'x', nonce: 1.5 }))).toBe(50035);
    expect(await code(send({ content: 'x', nonce: true }))).toBe(50035);
    expect(await code(send({ content: 'x', nonce: 'n'.repeat(25) }))).toBe('ok');
    expect(await code(send({ content: 'x', nonce: 12345 }))).toBe('ok');

    const first = await send({ content: 'digest', nonce: 'run-1', enforce_nonce: true });
    await fake.waitFor(() => creates(fake, text) === 3);
    const again = await send({ content: 'digest (retry)', nonce: 'run-1', enforce_nonce: true });
    expect(again.id).toBe(first.id);
    expect(again.content).toBe('digest');
    expect(fake.channelMessages(text)).toHaveLength(3);
    await new Promise((r) => setTimeout(r, 50));
    expect(creates(fake, text)).toBe(3);

    // Another channel, or no enforce_nonce: a new message.
    expect((await send({ content: 'elsewhere', nonce: 'run-1', enforce_nonce: true }, other)).id).not.toBe(first.id);
    expect((await send({ content: 'plain', nonce: 'run-1' })).id).not.toBe(first.id);
    expect(fake.channelMessages(text)).toHaveLength(4);

    // After the window the nonce is forgotten.
    advance(5 * 60_000 + 1);
    const later = await send({ content: 'digest', nonce: 'run-1', enforce_nonce: true });
    expect(later.id).not.toBe(first.id);
    expect(fake.channelMessages(text)).toHaveLength(5);
  });

  it('components: ≤ 5 rows, ≤ 5 buttons or one select per row, button and select limits', async () => {
    const { send } = await setup();
    const button = (i: number, extra: Record<string, unknown> = {}) => ({ type: 2, style: 1, label: `B${i}`, custom_id: `b${i}`, ...extra });
    const row = (...components: unknown[]) => ({ type: 1, components });
    const option = (i: number, extra: Record<string, unknown> = {}) => ({ label: `O${i}`, value: `o${i}`, ...extra });
    const select = (extra: Record<string, unknown> = {}) => ({ type: 3, custom_id: 's', options: [option(1), option(2)], ...extra });
    const good = [row(button(1), button(2), button(3), button(4), button(5)), row(select({ min_values: 0, max_values: 2 })), row({ type: 2, style: 5, label: 'Docs', url: 'https://example.com' })];
    expect(await code(send({ content: 'ok', components: good }))).toBe('ok');
    const bad: Record<string, unknown[]> = {
      'six rows': Array.from({ length: 6 }, (_, i) => row(button(i))),
      'six buttons': [row(...Array.from({ length: 6 }, (_, i) => button(i)))],
      'empty row': [row()],
      'select and button': [row(select(), button(1))],
      'two selects': [row(select(), select({ custom_id: 't' }))],
      'label 81': [row(button(1, { label: 'x'.repeat(81) }))],
      'custom_id 101': [row(button(1, { custom_id: 'x'.repeat(101) }))],
      'empty custom_id': [row(button(1, { custom_id: '' }))],
      'no custom_id': [row({ type: 2, style: 1, label: 'B' })],
      'link without url': [row({ type: 2, style: 5, label: 'L' })],
      'link with custom_id': [row({ type: 2, style: 5, label: 'L', url: 'https://example.com', custom_id: 'l' })],
      'no options': [row(select({ options: [] }))],
      '26 options': [row(select({ options: Array.from({ length: 26 }, (_, i) => option(i)), max_values: 1 }))],
      'option label 101': [row(select({ options: [option(1, { label: 'x'.repeat(101) })] }))],
      'option value 101': [row(select({ options: [option(1, { value: 'x'.repeat(101) })] }))],
      'option description 101': [row(select({ options: [option(1, { description: 'x'.repeat(101) })] }))],
      'placeholder 151': [row(select({ placeholder: 'x'.repeat(151) }))],
      'max_values 26': [row({ type: 5, custom_id: 'u', max_values: 26 })],
      'min_values -1': [row({ type: 5, custom_id: 'u', min_values: -1 })],
      'max_values over options': [row(select({ max_values: 3 }))],
      'top-level button': [button(1)],
    };
    const codes: Record<string, number | string> = {};
    for (const [name, components] of Object.entries(bad)) codes[name] = await code(send({ content: name, components }));
    expect(codes).toEqual(Object.fromEntries(Object.keys(bad).map((n) => [n, 50035])));
    // Components V2 messages may hold more than five rows (the 40-component total still applies).
    const v2 = Array.from({ length: 6 }, (_, i) => row(button(i)));
    expect(await code(send({ flags: 1 << 15, components: v2 }))).toBe('ok');
    expect(await code(send({ flags: 1 << 15, components: [{ type: 17, components: [row(...Array.from({ length: 6 }, (_, i) => button(i)))] }] }))).toBe(50035);
  });

  it('embeds: title 256, description 4096, 25 fields (name 1-256, value 1-1024), footer 2048, author 256; also on edits', async () => {
    const { send, client, text } = await setup();
    const x = (n: number) => 'x'.repeat(n);
    const fields = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `f${i}`, value: 'v' }));
    expect(await code(send({ embeds: [{ title: x(256), description: x(4096 - 256), fields: fields(25), footer: { text: 'f' }, author: { name: 'a' } }] }))).toBe(
      'ok',
    );
    const bad: Record<string, unknown> = {
      'title 257': { title: x(257) },
      'description 4097': { description: x(4097) },
      '26 fields': { fields: fields(26) },
      'field name 257': { fields: [{ name: x(257), value: 'v' }] },
      'empty field name': { fields: [{ name: '', value: 'v' }] },
      'field value 1025': { fields: [{ name: 'n', value: x(1025) }] },
      'empty field value': { fields: [{ name: 'n', value: '' }] },
      'footer 2049': { footer: { text: x(2049) } },
      'author 257': { author: { name: x(257) } },
    };
    const codes: Record<string, number | string> = {};
    for (const [name, embed] of Object.entries(bad)) codes[name] = await code(send({ embeds: [embed] }));
    expect(codes).toEqual(Object.fromEntries(Object.keys(bad).map((n) => [n, 50035])));
    const sent = await send({ content: 'edit me' });
    expect(await code(client.rest.patch(Routes.channelMessage(text, sent.id), { body: { embeds: [{ title: x(257) }] } }))).toBe(50035);
  });

  it('a forum with REQUIRE_TAG refuses posts without a tag (40067) and renders the flag', async () => {
    const { fake, forumId, client } = await setup();
    expect(fake.channel(forumId)).toMatchObject({ flags: ChannelFlags.RequireTag });
    const forum = (await client.channels.fetch(forumId)) as ForumChannel;
    expect(forum.flags.has(ChannelFlags.RequireTag)).toBe(true);
    const [tag] = (await forum.setAvailableTags([{ name: 'Idea' }])).availableTags;
    expect(await code(forum.threads.create({ name: 'Untagged', message: { content: 'x' } }))).toBe(40067);
    expect(await code(forum.threads.create({ name: 'Empty tags', message: { content: 'x' }, appliedTags: [] }))).toBe(40067);
    expect(await code(forum.threads.create({ name: 'Tagged', message: { content: 'x' }, appliedTags: [tag!.id] }))).toBe('ok');
  });
});
