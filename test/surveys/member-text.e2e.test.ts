// Authors' and members' text in surveys, through the fake Discord (which refuses half an emoji
// like Discord): modal titles and labels cut without splitting an emoji, the page note only for
// surveys of several pages, text answers counted as Discord counts them, titles shown as written.
import { afterEach, describe, expect, it } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';
import { isWellFormed } from '../../src/text.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => surveysFeature(ctx)];

async function start(definition: unknown) {
  const b = (bot = await TestBot.start({ features }));
  const slash = (subcommand: string, options: Record<string, string | number>, uploads?: Record<string, string>) =>
    b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
  const created = await slash('create', { file: 's.json' }, { 's.json': JSON.stringify(definition) });
  await slash('start', { survey: 1 });
  const card = b.fake.channelMessages(b.ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1')!;
  const take = b.fake.click({ userId: b.ids.alice, message: card, customId: 'v1:survey-take:1' });
  const modal = (await take.reply()).modal as unknown as { title: string; components: Array<{ label: string; description?: string }> } | undefined;
  return { b, created, take, modal };
}

describe('survey text', () => {
  it('a one-page survey’s modal shows its whole title of 45 characters: no room kept for a “(1/1)” it does not show', async () => {
    const title = 'Quarterly community happiness check-in survey';
    expect(title).toHaveLength(45);
    const { modal } = await start({ title, questions: [{ id: 'q', type: 'yesno', label: 'Happy?' }] });
    expect(modal?.title).toBe(title);
  });

  it('titles, labels and descriptions full of emoji are cut without splitting one, and the modal opens', async () => {
    const { b, created, modal } = await start({
      title: `a${'🎉'.repeat(60)}`,
      questions: [
        { id: 'q1', type: 'yesno', label: `b${'🍕'.repeat(22)}`, description: '🌮'.repeat(50), required: false },
        { id: 'q2', type: 'yesno', label: 'Second' },
      ],
      pages: [['q1'], ['q2']],
    });
    expect(created.content).toMatch(/^Survey #1 /);
    expect(modal).toBeDefined();
    expect(isWellFormed(modal!.title)).toBe(true);
    expect(modal!.title).toMatch(/^a(🎉)+… \(1\/2\)$/);
    expect(modal!.title.length).toBeLessThanOrEqual(45);
    expect(isWellFormed(modal!.components[0]!.label)).toBe(true);
    expect(isWellFormed(modal!.components[0]!.description!)).toBe(true);
    expect(b.errors).toEqual([]);
  });

  it('takes a text answer as long as the field allows, counting emoji as Discord does', async () => {
    const { b, take } = await start({ title: 'Words', questions: [{ id: 'why', type: 'short', label: 'Why?' }] });
    // 300 characters for the form's max_length (600 UTF-16 units).
    const answer = '🍕'.repeat(300);
    const saved = await take.submitModal({ why: answer }).reply();
    expect(saved.content).not.toContain('too long');
    const draft = await b.db.selectFrom('survey_responses').select('draft').where('survey_id', '=', 1).where('respondent', '=', b.ids.alice).executeTakeFirstOrThrow();
    expect(JSON.parse(draft.draft!)).toEqual({ why: answer });
  });

  it('shows the survey’s title as written in “created”: its markdown escaped inside the bold', async () => {
    const { created } = await start({ title: 'Vote **now** [here](http://evil.example)', questions: [{ id: 'q', type: 'yesno', label: 'Happy?' }] });
    expect(created.content).toContain('**Vote \\*\\*now\\*\\* \\[here\\](http://evil.example)**');
  });

  it('shows the survey’s title as written in the reminder: its markdown escaped inside the bold', async () => {
    const { b, take } = await start({ title: 'Vote **now** [here](http://evil.example)', questions: [{ id: 'why', type: 'short', label: 'Why?' }, { id: 'ok', type: 'yesno', label: 'OK?' }], pages: [['why'], ['ok']] });
    await take.submitModal({ why: 'because' }).reply();
    // Reminders reach drafts left for an hour.
    b.clock.advance(3_600_000);
    const reminded = await b.fake.slash({ channelId: b.ids.general, userId: b.ids.ownerId, name: 'survey', subcommand: 'remind', options: { survey: 1 } }).reply(10_000);
    expect(reminded.content).toContain('Reminders sent to 1 member');
    const dm = b.fake.dmChannelId(b.ids.alice)!;
    expect(b.fake.channelMessages(dm).map((m) => m.content)).toEqual([expect.stringContaining('You started the survey **Vote \\*\\*now\\*\\* \\[here\\](http://evil.example)** but did not submit it')]);
  });
});
