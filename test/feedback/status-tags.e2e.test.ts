// Forum status tags in the server's language: created with its label, and found again by their
// label in any of Pulse's languages (after a language change, or an English tag of older versions),
// so no second tag is made for the same status.
import type { APIGuildForumTag, APIThreadChannel } from 'discord-api-types/v10';
import { ChannelType } from 'discord.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TestBot } from '../support/bot.js';
import { FEEDBACK, feedbackFeatures } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const STATUS_NAMES = ['open', 'abierta', 'открыт', 'planned', 'planificada', 'запланирован'];

/** A forum feedback channel (with these tags already on it) on a server whose language setting is `language`. */
async function setup(language: 'es' | 'ru', availableTags: APIGuildForumTag[] = []): Promise<TestBot> {
  const b = (bot = await TestBot.start({ features: feedbackFeatures() }));
  b.fake.addChannel(b.ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum, availableTags });
  await vi.waitFor(() => expect(b.app.client.channels.cache.has(FEEDBACK)).toBe(true));
  await setLanguage(b, language, { staff_role: b.ids.staffRoleId, feedback_channel: FEEDBACK });
  return b;
}

async function setLanguage(b: TestBot, language: string, more: Record<string, string> = {}): Promise<void> {
  const set = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { language, ...more } }).reply();
  expect(set.content).toBe('Settings saved.');
}

async function submit(b: TestBot, title: string): Promise<void> {
  const opened = b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'feedback', subcommand: 'submit' });
  const modal = (await opened.reply()).modal as unknown as { components: Array<{ component: { custom_id: string; options?: Array<{ label: string }> } }> };
  const first = modal.components.find((c) => c.component.custom_id === 'category')?.component.options?.[0]?.label;
  await opened.submitModal({ title, details: `${title}, please.`, category: [first!] }).reply();
}

const forumTags = () => (bot!.fake.channel(FEEDBACK) as unknown as { available_tags: APIGuildForumTag[] }).available_tags;
/** The forum's tags that name a status (in any language). */
const statusTags = () => forumTags().filter((t) => STATUS_NAMES.includes(t.name.toLowerCase()));

/** The names of the tags on item `id`'s post. */
async function tagsOf(b: TestBot, id: number): Promise<string[]> {
  const row = await b.db.selectFrom('feedback_items').select('thread_id').where('id', '=', id).executeTakeFirstOrThrow();
  const thread = b.fake.channel(row.thread_id!) as APIThreadChannel;
  return (thread.applied_tags ?? []).map((tag) => forumTags().find((t) => t.id === tag)?.name ?? tag).sort();
}

const status = (b: TestBot, item: number, to: string) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.moderator, name: 'feedback', subcommand: 'status', options: { item, status: to } }).reply();

describe('forum status tags', () => {
  it('a Spanish server gets "Abierta"; after a switch to Russian the same tag is used again, new ones come in Russian', async () => {
    const b = await setup('es');
    await submit(b, 'Modo oscuro');
    expect(await tagsOf(b, 1)).toEqual(['Abierta', 'Idea']);
    const abierta = statusTags().find((t) => t.name === 'Abierta')!.id;

    await setLanguage(b, 'ru');
    await submit(b, 'Календарь');
    await vi.waitFor(async () => expect(await tagsOf(b, 2)).toEqual(['Abierta', 'Idea']));
    expect(statusTags().map((t) => t.name)).toEqual(['Abierta']); // no "Открыт" next to it
    // A status the forum has no tag for yet: created in the server's language now.
    expect((await status(b, 1, 'planned')).ephemeral).toBe(true);
    await vi.waitFor(async () => expect(await tagsOf(b, 1)).toEqual(['Idea', 'Запланирован']));
    // Back to open: the Spanish tag again.
    await status(b, 1, 'open');
    await vi.waitFor(async () => expect(await tagsOf(b, 1)).toEqual(['Abierta', 'Idea']));
    expect(statusTags().map((t) => t.name)).toEqual(['Abierta', 'Запланирован']);
    expect(statusTags().find((t) => t.name === 'Abierta')!.id).toBe(abierta);
    expect(b.errors).toEqual([]);
  });

  it('an English "Open" tag already on the forum (older versions, or named by hand) is used on a Spanish server', async () => {
    const open: APIGuildForumTag = { id: '900000000000000777', name: 'open', moderated: true, emoji_id: null, emoji_name: null };
    const b = await setup('es', [open]);
    await submit(b, 'Modo oscuro');
    expect(await tagsOf(b, 1)).toEqual(['Idea', 'open']);
    expect(statusTags()).toEqual([open]);
    expect(b.errors).toEqual([]);
  });
});
