// The fake's forum channels, tags, threads and closed DMs, driven by a real discord.js client.
import { once } from 'node:events';
import { ChannelType, Client, Events, GatewayIntentBits, type ForumChannel, type Message } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from '../../src/fake-discord/index.js';
import { code } from '../support/discord-code.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup() {
  const fake = await FakeDiscord.start();
  cleanups.push(() => fake.close());
  const guild = fake.addGuild({ name: 'Forum Guild' });
  const forumId = fake.addChannel(guild.id, { name: 'ideas', type: ChannelType.GuildForum }).id;
  const alice = fake.addMember(guild.id, { username: 'alice' }).user.id;
  const client = new Client({ intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages], rest: { api: fake.apiUrl } });
  cleanups.push(() => client.destroy());
  const ready = once(client, Events.ClientReady);
  await client.login('any-token');
  await ready;
  const forum = (await client.channels.fetch(forumId)) as ForumChannel;
  return { fake, guild, forum, alice, client };
}

describe('forum channels in the fake', () => {
  it('tags: PATCH available_tags (≤ 20, names ≤ 20), posts with applied tags (≤ 5, known ids), moderated tags need Manage Threads', async () => {
    const { fake, guild, forum } = await setup();
    const updated = await forum.setAvailableTags([{ name: 'Open', moderated: true }, { name: 'Idea' }]);
    const tags = updated.availableTags;
    expect(tags.map((t) => [t.name, t.moderated])).toEqual([['Open', true], ['Idea', false]]);
    expect(tags.every((t) => /^\d{17,20}$/.test(t.id))).toBe(true);
    expect(fake.channel(forum.id)).toMatchObject({ available_tags: [{ name: 'Open', moderated: true }, { name: 'Idea', moderated: false }] });
    expect(await code(forum.setAvailableTags(Array.from({ length: 21 }, (_, i) => ({ name: `t${i}` }))))).toBe(50035);
    expect(await code(forum.setAvailableTags([{ name: 'x'.repeat(21) }]))).toBe(50035);

    const post = await forum.threads.create({ name: 'Dark mode', message: { content: 'Please' }, appliedTags: [tags[0]!.id, tags[1]!.id] });
    expect(post.appliedTags.sort()).toEqual([tags[0]!.id, tags[1]!.id].sort());
    const starter = fake.message(post.id, post.id);
    expect(starter?.content).toBe('Please');
    expect(await code(forum.threads.create({ name: 'Bad', message: { content: 'x' }, appliedTags: ['123456789012345678'] }))).toBe(50035);
    const six = await forum.setAvailableTags([...tags, ...['a', 'b', 'c', 'd'].map((name) => ({ name }))]);
    expect(await code(post.setAppliedTags(six.availableTags.slice(0, 6).map((t) => t.id)))).toBe(50035);

    // Without Manage Threads the bot (owner of the post) may change unmoderated tags only.
    fake.setBotPermissions(guild.id, 0x400n | 0x800n | 0x4000n | 0x10000n | 0x4000000000n);
    await new Promise((r) => setTimeout(r, 50));
    expect(await code(post.setAppliedTags([tags[1]!.id]))).toBe(50013); // removes moderated "Open"
    expect(await code(post.setAppliedTags([tags[0]!.id, tags[1]!.id, six.availableTags[2]!.id]))).toBe('ok');
  });

  it('thread messages arrive as MESSAGE_CREATE in the thread with the member; archived threads reopen on a message unless locked; deletions dispatch', async () => {
    const { fake, forum, alice, client } = await setup();
    const post = await forum.threads.create({ name: 'Calendar', message: { content: 'Sync please' } });
    const seen = once(client, Events.MessageCreate) as Promise<[Message]>;
    fake.post({ channelId: post.id, userId: alice, content: 'Yes' });
    const [message] = await seen;
    expect(message.channelId).toBe(post.id);
    expect(message.member?.id).toBe(alice);

    await post.setArchived(true);
    fake.post({ channelId: post.id, userId: alice, content: 'Still wanted' });
    expect(fake.channel(post.id)).toMatchObject({ thread_metadata: { archived: false } });

    await post.edit({ archived: true, locked: true });
    expect(await code(post.send('from the bot'))).toBe(50083);

    const deleted = once(client, Events.ThreadDelete);
    fake.deleteChannel(post.id);
    await deleted;
    expect(fake.channel(post.id)).toBeUndefined();
  });

  it('a user with closed DMs: 50007 Cannot send messages to this user', async () => {
    const { fake, alice, client } = await setup();
    fake.setDmsClosed(alice);
    const user = await client.users.fetch(alice);
    expect(await code(user.send('hello'))).toBe(50007);
    fake.setDmsClosed(alice, false);
    expect(await code(user.send('hello'))).toBe('ok');
  });
});
