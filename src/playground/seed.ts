// Live seeding: people in the stand-in server use the real bot (settings, chat, polls, a flag
// case) before the visitor arrives. Each seeder is one small function; add one to `seeders`.
import type { FakeDiscord, InteractionReply, SlashOptionValue } from '../fake-discord/index.js';
import { ids, type World } from './world.js';

export interface SeedContext {
  fake: FakeDiscord;
  world: World;
  now: number;
  /** Runs a slash command as `userId` in `channelId` and returns the bot's answer (throws on an error answer). */
  slash(userId: string, channelId: string, name: string, subcommand: string | undefined, options?: Record<string, SlashOptionValue>): Promise<InteractionReply>;
}

export type Seeder = (ctx: SeedContext) => Promise<void>;

const MINUTE = 60_000;

/** The owner configures Pulse as the README tells them to. */
export const configure: Seeder = async ({ slash }) => {
  await slash(ids.owner, ids.staff, 'settings', 'set', { staff_role: ids.moderatorRole, staff_channel: ids.staff, mod_channel: ids.mod, feedback_channel: ids.feedback, flag_threshold: 3 });
};

const chatter: Array<[number, string, string?]> = [
  [1, 'morning all! finally finished the tileset I was working on'],
  [2, 'oh nice, post it in #showcase?'],
  [1, 'here it is', 'image'],
  [3, 'the water tiles are so good'],
  [0, 'reminder: game jam sign-ups close friday 🎮'],
  [4, 'is anyone using aseprite 1.3 yet? the tilemap mode is great'],
  [2, 'yes! switched last week'],
  [5, 'welcome to the new folks who joined this week 👋'],
];

/** A few recent messages so the channels look alive (one with an image). */
export const chat: Seeder = async ({ fake, world, now }) => {
  const start = now - 50 * MINUTE;
  for (const [i, [who, text, extra]] of chatter.entries()) {
    const author = world.members[who + 2]!;
    fake.post({
      channelId: ids.general,
      userId: author.id,
      content: text,
      at: new Date(start + i * 5 * MINUTE),
      ...(extra === 'image' ? { attachments: [{ filename: 'tileset.svg', contentType: 'image/svg+xml', data: tileset() }] } : {}),
    });
  }
};

/** Polls: one open with votes, one closed. */
export const polls: Seeder = async ({ fake, world, slash }) => {
  const open = await slash(ids.moderator, ids.general, 'poll', 'create', { question: 'Theme for the winter game jam?', choices: 'Frozen in time | One button | Tiny worlds | Light and shadow', duration: '3d' });
  const closed = await slash(ids.owner, ids.announcements, 'poll', 'create', { question: 'Move the weekly meetup to Thursdays?', choices: 'Yes | No | No preference' });
  const voters = world.members.slice(6, 40);
  for (const [poll, channelId, picks] of [
    [open, ids.general, [0, 2, 2, 1, 3, 2, 0, 2, 1, 2, 3, 2]],
    [closed, ids.announcements, [0, 0, 1, 0, 2, 0, 0, 1]],
  ] as const) {
    const id = /Poll #(\d+)/.exec(poll.content ?? '')?.[1];
    const message = fake.channelMessages(channelId).findLast((m) => m.author.id === fake.appId && m.embeds.some((e) => e.author?.name?.startsWith(`Poll #${id}`)));
    if (!id || !message) throw new Error(`seeding: no poll message (${poll.content ?? ''})`);
    for (const [k, choice] of picks.entries()) {
      await fake.click({ userId: voters[k * 2 + (channelId === ids.general ? 0 : 1)]!.id, message, customId: `v1:poll-vote:${id}:${choice}` }).reply();
    }
    if (poll === closed) await slash(ids.owner, ids.announcements, 'poll', 'close', { poll: Number(id) });
  }
};

/** A spam message three members flag with 🚩: a review case opens in #mod-review. */
export const flagCase: Seeder = async ({ fake, world, now }) => {
  const spammer = world.members[world.members.length - 1]!;
  const spam = fake.post({ channelId: ids.general, userId: spammer.id, content: 'FREE NITRO for everyone!!! claim here → nitro-gift.example', at: new Date(now - 3 * MINUTE) });
  for (const flagger of world.members.slice(3, 6)) fake.react({ channelId: ids.general, messageId: spam.id, userId: flagger.id, emoji: '🚩' });
  await fake.waitFor(() => fake.channelMessages(ids.mod).some((m) => m.author.id === fake.appId), 10_000);
};

/** A member's idea in the #feedback forum, through the /feedback submit form, and a few upvotes. */
export const feedback: Seeder = async ({ fake, world }) => {
  const author = world.members[5]!;
  const form = fake.slash({ userId: author.id, channelId: ids.general, name: 'feedback', subcommand: 'submit' });
  await form.response(10_000);
  if (!form.modal) throw new Error('seeding: /feedback submit showed no form');
  const reply = await form.submitModal({ title: 'A channel for game jam team-ups', details: 'Finding a team in #general gets lost in the chat. A channel (or a forum) only for team-ups, with a tag per role (art, code, sound), would help newcomers join the jam.', category: 'Idea' }, { userId: author.id }).reply(15_000);
  const post = fake.channels(world.guildId).find((c) => (c as { parent_id?: string | null }).parent_id === ids.feedback);
  const starter = post && fake.channelMessages(post.id).find((m) => m.author.id === fake.appId);
  const upvote = /"custom_id":"([^"]*fb-vote:[^"]*:up)"/.exec(JSON.stringify(starter?.components ?? []))?.[1];
  if (!starter || !upvote) throw new Error(`seeding: no feedback post (${reply.content ?? ''})`);
  for (const voter of world.members.slice(8, 13)) await fake.click({ userId: voter.id, message: starter, customId: upvote }).reply();
};

/** In order; surveys add theirs here. */
export const seeders: Seeder[] = [configure, chat, polls, feedback, flagCase];

function tileset(): string {
  const colors = ['#2d6a4f', '#40916c', '#74c69d', '#1d3557', '#457b9d', '#a8dadc', '#e9c46a', '#f4a261'];
  const cells: string[] = [];
  for (let y = 0; y < 8; y++) for (let x = 0; x < 12; x++) cells.push(`<rect x="${x * 20}" y="${y * 20}" width="20" height="20" fill="${colors[(x * 3 + y * 5 + ((x * y) % 3)) % colors.length]!}"/>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">${cells.join('')}</svg>`;
}
