// "Capture as feedback" on a message with no text: its title names no one (a username there
// stayed public after its author opted out), and an item captured before that, whose title Pulse
// made of the author's username, loses it at their opt-out: row, post and thread name.
import { ChannelType, Routes } from 'discord.js';
import type { APIMessage, APIThreadChannel } from 'discord-api-types/v10';
import { afterEach, describe, expect, it } from 'vitest';
import { unnamedCaptureTitle } from '../../src/feedback/privacy-store.js';
import { TestBot } from '../support/bot.js';
import { optOut } from '../support/privacy.js';
import { FEEDBACK } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

/** The whole app (privacy included) with a forum feedback channel set by staff. */
async function start(): Promise<TestBot> {
  const b = await TestBot.start();
  b.fake.addChannel(b.ids.guildId, { id: FEEDBACK, name: 'feedback', type: ChannelType.GuildForum });
  await b.fake.waitFor(() => b.app.client.channels.cache.has(FEEDBACK));
  const set = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { staff_role: b.ids.staffRoleId, feedback_channel: FEEDBACK } }).reply();
  expect(set.content).toBe('Settings saved.');
  return b;
}

const row = (b: TestBot, item: number) => b.app.database.sqlite.prepare(`SELECT title, author_id, thread_id, message_id FROM feedback_items WHERE id = ?`).get(item) as { title: string; author_id: string; thread_id: string; message_id: string };
function post(b: TestBot, item: number): APIMessage {
  const r = row(b, item);
  const message = b.fake.message(r.thread_id, r.message_id);
  if (!message) throw new Error(`no post for item ${item}`);
  return message;
}
const threadName = (b: TestBot, item: number) => (b.fake.channel(row(b, item).thread_id) as APIThreadChannel).name;
const from = (b: TestBot, item: number) => post(b, item).embeds[0]?.fields?.find((f) => f.name === 'From')?.value;

async function capture(b: TestBot, message: APIMessage): Promise<string | undefined> {
  return (await b.fake.messageCommand({ channelId: b.ids.general, userId: b.ids.bob, name: 'Capture as feedback', message }).reply()).content;
}

describe('the fallback title of a captured message with no text', () => {
  it('never names the author, and an old title that did loses the name at their opt-out (row, post, thread)', async () => {
    bot = await start();
    const b = bot;
    const { ids, fake } = b;
    // A new capture of Alice's image: the title names no one.
    const image = fake.post({ channelId: ids.general, userId: ids.alice, content: '' });
    expect(await capture(b, image)).toMatch(/^Captured as \*\*#1\*\*/);
    expect(row(b, 1).title).toBe('Feedback from a member');
    expect(threadName(b, 1)).toBe('Feedback from a member · #1');
    expect(post(b, 1).embeds[0]?.title).toBe('Feedback from a member');
    expect(from(b, 1)).toBe(`<@${ids.alice}>`);

    // Item #2 as a capture made before this fix left it: titled with her username, its thread too.
    const older = fake.post({ channelId: ids.general, userId: ids.alice, content: '' });
    expect(await capture(b, older)).toMatch(/^Captured as \*\*#2\*\*/);
    b.app.database.sqlite.prepare(`UPDATE feedback_items SET title = 'Feedback from alice' WHERE id = 2`).run();
    await b.app.client.rest.patch(Routes.channel(row(b, 2).thread_id), { body: { name: 'Feedback from alice · #2' } });
    // And one with text that only looks like such a title: the member's own words stay.
    const words = fake.post({ channelId: ids.general, userId: ids.alice, content: 'Feedback from alice' });
    expect(await capture(b, words)).toMatch(/^Captured as \*\*#3\*\*/);

    await optOut(b, ids.alice);
    await b.fake.waitFor(() => [1, 2, 3].every((i) => from(b, i) === 'anonymous'), 10_000);
    await b.fake.waitFor(() => threadName(b, 2) === 'Feedback from a member · #2', 10_000);
    expect(row(b, 2)).toMatchObject({ title: 'Feedback from a member', author_id: '~' });
    expect(post(b, 2).embeds[0]?.title).toBe('Feedback from a member');
    for (const item of [1, 2]) {
      expect(JSON.stringify(post(b, item))).not.toContain('alice');
      expect(threadName(b, item)).not.toContain('alice');
      expect(row(b, item).title).not.toContain('alice');
    }
    expect(row(b, 3).title).toBe('Feedback from alice');
    // Bob's export of what he captured shows no name either.
    expect(b.app.database.sqlite.prepare(`SELECT title FROM feedback_items WHERE captured_by = ? ORDER BY id`).pluck().all(ids.bob)).toEqual(['Feedback from a member', 'Feedback from a member', 'Feedback from alice']);
    expect(b.errors).toEqual([]);
  });

  it('recognises the old generated titles in every language by their "no text" details only', () => {
    expect(unnamedCaptureTitle('Feedback from alice', '(This message has no text: see the original.)')).toBe('Feedback from a member');
    expect(unnamedCaptureTitle('Sugerencia de alice', '(Este mensaje no tiene texto: mira el original).')).toBe('Sugerencia de un miembro');
    expect(unnamedCaptureTitle('Отзыв от alice', '(В этом сообщении нет текста: см. оригинал.)')).toBe('Отзыв участника');
    // Already naming no one; a title with text of its own; another language's details.
    expect(unnamedCaptureTitle('Feedback from a member', '(This message has no text: see the original.)')).toBeNull();
    expect(unnamedCaptureTitle('Feedback from alice', 'Feedback from alice')).toBeNull();
    expect(unnamedCaptureTitle('Feedback from alice', '(Este mensaje no tiene texto: mira el original).')).toBeNull();
  });
});
