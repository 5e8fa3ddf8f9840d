// The per-member limit on feedback items (/settings feedback_daily_limit): one member cannot
// flood the feedback channel through /feedback submit or "Capture as feedback". Refused before
// the form opens, checked again as the item is claimed; staff are exempt; 24 hours are rolling.
import { Locale } from 'discord.js';
import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../support/bot.js';
import { startWithFeedbackChannel } from './setup.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const items = (b: TestBot) => b.db.selectFrom('feedback_items').select(['id', 'author_id', 'captured_by', 'title', 'created_at']).orderBy('id').execute();
const setLimit = (b: TestBot, limit: number) =>
  b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'set', options: { feedback_daily_limit: limit } }).reply();
const open = (b: TestBot, userId: string, locale?: Locale) => b.fake.slash({ channelId: b.ids.general, userId, name: 'feedback', subcommand: 'submit', ...(locale ? { locale } : {}) });
async function submit(b: TestBot, userId: string, title: string) {
  const opened = open(b, userId);
  await opened.reply();
  return opened.submitModal({ title, details: `${title}, please.`, category: ['Idea'] }).reply();
}
const capture = (b: TestBot, userId: string, message: { id: string; channel_id: string }) =>
  b.fake.messageCommand({ channelId: b.ids.general, userId, name: 'Capture as feedback', message }).reply();
const refusal = (count: number, next: number) => `You've reached the limit of ${count} feedback items in 24 hours. You can add the next one <t:${next / 1000}:R>.`;

describe('feedback_daily_limit', () => {
  it("refuses a member's third item at the slash command, before the form, until the first leaves the 24 hours", async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    expect((await setLimit(b, 2)).content).toBe('Settings saved.');
    const t0 = b.clock.now();
    expect((await submit(b, b.ids.alice, 'Dark mode')).content).toMatch(/^Thanks! Your feedback is \*\*#1\*\*/);
    b.clock.advance(10 * MIN);
    expect((await submit(b, b.ids.alice, 'Calendar')).content).toMatch(/^Thanks! Your feedback is \*\*#2\*\*/);

    b.clock.advance(MIN);
    const third = await open(b, b.ids.alice).reply();
    expect(third.modal).toBeUndefined();
    expect(third.ephemeral).toBe(true);
    expect(third.content).toBe(refusal(2, t0 + DAY));
    // In the member's language, the count a plural.
    const ru = await open(b, b.ids.alice, Locale.Russian).reply();
    expect(ru.modal).toBeUndefined();
    expect(ru.content).toBe(`Вы достигли лимита: 2 отзыва за 24 часа. Следующий можно будет добавить <t:${(t0 + DAY) / 1000}:R>.`);
    expect(await items(b)).toHaveLength(2);

    // Others are not limited by alice's items.
    expect((await submit(b, b.ids.bob, 'Polls')).content).toMatch(/^Thanks! Your feedback is \*\*#3\*\*/);

    // Just before the first item leaves the window: still refused; at that instant, the form opens.
    b.clock.set(t0 + DAY - 1);
    expect((await open(b, b.ids.alice).reply()).modal).toBeUndefined();
    b.clock.set(t0 + DAY);
    expect((await submit(b, b.ids.alice, 'Night theme')).content).toMatch(/^Thanks! Your feedback is \*\*#4\*\*/);
    // Now the second one is the oldest counted.
    expect((await open(b, b.ids.alice).reply()).content).toBe(refusal(2, t0 + 10 * MIN + DAY));
    expect((await items(b)).map((i) => i.title)).toEqual(['Dark mode', 'Calendar', 'Polls', 'Night theme']);
    expect(b.errors).toEqual([]);
  });

  it('a form opened under the limit is refused on submit once the limit is reached meanwhile, nothing stored', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await setLimit(b, 2);
    const t0 = b.clock.now();
    await submit(b, b.ids.alice, 'Dark mode');
    // Two forms open at once: both under the limit when opened.
    const first = open(b, b.ids.alice);
    const second = open(b, b.ids.alice);
    expect((await first.reply()).modal).toBeDefined();
    expect((await second.reply()).modal).toBeDefined();
    expect((await first.submitModal({ title: 'Calendar', details: 'Please', category: ['Idea'] }).reply()).content).toMatch(/\*\*#2\*\*/);
    const refused = await second.submitModal({ title: 'Polls', details: 'Please', category: ['Idea'] }).reply();
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(refusal(2, t0 + DAY));
    expect((await items(b)).map((i) => i.title)).toEqual(['Dark mode', 'Calendar']);
    expect(b.errors).toEqual([]);
  });

  it('a capture counts for the capturer, not for the author; a capture of a captured message costs nothing', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    await setLimit(b, 2);
    const t0 = b.clock.now();
    const one = b.fake.post({ channelId: b.ids.general, userId: b.ids.carol, content: 'We need a calendar' });
    const two = b.fake.post({ channelId: b.ids.general, userId: b.ids.carol, content: 'And polls' });
    const three = b.fake.post({ channelId: b.ids.general, userId: b.ids.alice, content: 'And a dark mode' });
    expect((await capture(b, b.ids.dave, one)).content).toMatch(/^Captured as \*\*#1\*\*/);
    b.clock.advance(MIN);
    expect((await submit(b, b.ids.dave, 'Night theme')).content).toMatch(/\*\*#2\*\*/);

    // dave added two: a third capture and /feedback submit are refused, nothing stored.
    const refused = await capture(b, b.ids.dave, three);
    expect(refused.ephemeral).toBe(true);
    expect(refused.content).toBe(refusal(2, t0 + DAY));
    expect((await open(b, b.ids.dave).reply()).content).toBe(refusal(2, t0 + DAY));
    // Pointing to the item a message already is costs nothing.
    expect((await capture(b, b.ids.dave, one)).content).toMatch(/^This message is already feedback item \*\*#1\*\*/);

    // carol, whose messages were captured, has added nothing: she may submit (and capture) two.
    expect((await capture(b, b.ids.carol, two)).content).toMatch(/^Captured as \*\*#3\*\*/);
    expect((await submit(b, b.ids.carol, 'Calendar sync')).content).toMatch(/\*\*#4\*\*/);
    expect((await open(b, b.ids.carol).reply()).modal).toBeUndefined();

    expect((await items(b)).map((i) => [i.author_id, i.captured_by])).toEqual([
      [b.ids.carol, b.ids.dave],
      [b.ids.dave, null],
      [b.ids.carol, b.ids.carol],
      [b.ids.carol, null],
    ]);
    expect(b.errors).toEqual([]);
  });

  it('staff are not limited (the staff role, or Manage Server)', async () => {
    const b = (bot = await startWithFeedbackChannel('text'));
    await setLimit(b, 1);
    for (const title of ['One', 'Two', 'Three']) expect((await submit(b, b.ids.moderator, title)).content).toMatch(/^Thanks!/);
    const source = b.fake.post({ channelId: b.ids.general, userId: b.ids.carol, content: 'We need a calendar' });
    expect((await capture(b, b.ids.ownerId, source)).content).toMatch(/^Captured as \*\*#4\*\*/);
    expect((await submit(b, b.ids.ownerId, 'Five')).content).toMatch(/\*\*#5\*\*/);
    expect(await items(b)).toHaveLength(5);
    expect(b.errors).toEqual([]);
  });
});

describe('/settings feedback_daily_limit', () => {
  const field = (reply: { embeds: Array<{ fields?: Array<{ name: string; value: string }> }> }, name: string) => reply.embeds[0]?.fields?.find((f) => f.name === name)?.value;
  const stored = (b: TestBot) => b.db.selectFrom('guild_settings').select('feedback_daily_limit').where('guild_id', '=', b.ids.guildId).executeTakeFirstOrThrow();

  it('is shown with its default (10), set and cleared, in English and Spanish', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const shown = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'show' }).reply();
    expect(field(shown, 'Feedback items per member per day')).toBe('10');
    expect(await stored(b)).toEqual({ feedback_daily_limit: 10 });

    const set = await setLimit(b, 3);
    expect(set.ephemeral).toBe(true);
    expect(field(set, 'Feedback items per member per day')).toBe('3');
    expect(await stored(b)).toEqual({ feedback_daily_limit: 3 });

    // Spanish: the localized command, option and choice; the field in Spanish.
    const es = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'ajustes', subcommand: 'cambiar', options: { limite_diario_sugerencias: 25 }, locale: Locale.SpanishES }).reply();
    // (The server's language for Pulse is English and was never set: the Spanish reader is told so.)
    expect(es.content).toBe('Ajustes guardados.\nLo que ven todos se publica en inglés, el idioma del servidor para Pulse; cámbialo con `/ajustes cambiar idioma`.');
    expect(field(es, 'Sugerencias por miembro y día')).toBe('25');
    expect(await stored(b)).toEqual({ feedback_daily_limit: 25 });
    const cleared = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'ajustes', subcommand: 'restablecer', options: { ajuste: 'feedback_daily_limit' }, locale: Locale.SpanishES }).reply();
    expect(cleared.content).toBe('Ajuste restablecido a su valor por defecto.\nLo que ven todos se publica en inglés, el idioma del servidor para Pulse; cámbialo con `/ajustes cambiar idioma`.');
    expect(field(cleared, 'Sugerencias por miembro y día')).toBe('10');
    expect(await stored(b)).toEqual({ feedback_daily_limit: 10 });

    // English clear too, after a change.
    await setLimit(b, 4);
    const enCleared = await b.fake.slash({ channelId: b.ids.staffChannel, userId: b.ids.ownerId, name: 'settings', subcommand: 'clear', options: { setting: 'feedback_daily_limit' } }).reply();
    expect(enCleared.content).toBe('Setting reset to its default.');
    expect(field(enCleared, 'Feedback items per member per day')).toBe('10');
    expect(b.errors).toEqual([]);
  });

  it('is refused to a member, changing nothing', async () => {
    const b = (bot = await startWithFeedbackChannel('forum'));
    const member = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.alice, name: 'settings', subcommand: 'set', options: { feedback_daily_limit: 1 } }).reply();
    expect(member.ephemeral).toBe(true);
    expect(member.content).toBe('Only staff can do this: members with Manage Server or the staff role set in `/settings`.');
    expect(await stored(b)).toEqual({ feedback_daily_limit: 10 });
    expect(b.errors).toEqual([]);
  });
});
