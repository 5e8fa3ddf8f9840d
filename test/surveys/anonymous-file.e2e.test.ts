// Anonymous surveys at rest: a member's draft (their id next to the answers saved so far) is
// rewritten at every saved page; after submit and close, no earlier version of it stays in the
// database file or its WAL, not even in free space.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { surveysFeature } from '../../src/surveys/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => surveysFeature(ctx)];

const definition = {
  title: 'Team pulse',
  questions: [
    { id: 'team', type: 'single', label: 'Your team', options: ['Red', 'Blue'] },
    { id: 'mood', type: 'short', label: 'How are you?' },
    { id: 'lead', type: 'short', label: 'Anything about your lead?' },
  ],
  pages: [['team', 'mood'], ['lead']],
};

/** The database file and its WAL, as someone holding the files would read them. */
function fileBytes(b: TestBot): Buffer {
  return Buffer.concat([b.databasePath, `${b.databasePath}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('anonymous survey, the database file', () => {
  it('keeps no member id next to their answers after submit and close', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const slash = (subcommand: string, options: Record<string, string | number | boolean>, uploads?: Record<string, string>) =>
      fake.slash({ channelId: ids.general, userId: ids.ownerId, name: 'survey', subcommand, options, ...(uploads ? { uploads } : {}) }).reply(10_000);
    await slash('create', { file: 's.json', anonymous: true }, { 's.json': JSON.stringify(definition) });
    await slash('start', { survey: 1 });
    const card = fake.channelMessages(ids.general).find((m) => m.embeds[0]?.footer?.text === 'Survey #1')!;

    const members = Array.from({ length: 12 }, (_, i) => fake.addMember(ids.guildId, { username: `m${i}` }).user.id);
    const mood = (i: number) => `mood-${i}: tired of this place`;
    // Answers of all lengths: the drafts grow by different amounts and their pages split.
    const lead = (i: number) => `lead-${i} ${'listens '.repeat((i * 7) % 25)}`.trim();
    // Everyone saves page 1, then everyone page 2 (the drafts share pages), then they submit.
    const saved1 = [];
    for (const [i, member] of members.entries()) {
      const take = fake.click({ userId: member, message: card, customId: 'v1:survey-take:1' });
      await take.reply();
      saved1.push((await take.submitModal({ team: String(i % 2), mood: mood(i) }).reply()).message!);
    }
    const saved2 = [];
    for (const [i, member] of members.entries()) {
      const open2 = fake.click({ userId: member, message: saved1[i]!, customId: 'v1:survey-open:1:1' });
      await open2.reply();
      saved2.push((await open2.submitModal({ lead: lead(i) }).reply()).message!);
    }
    // All but the last two submit; theirs are drafts the close deletes.
    for (const [i, member] of members.slice(0, -2).entries()) {
      expect((await fake.click({ userId: member, message: saved2[i]!, customId: 'v1:survey-submit:1' }).reply()).content).toMatch(/stored without your name/);
    }

    // A member's page-1 answer never has their id within the 80 bytes before it (where a draft
    // row puts it): right after the submits (but in the two drafts still in progress), and after close.
    const linked = (files: Buffer) =>
      members.filter((member, i) => {
        const text = Buffer.from(mood(i));
        for (let at = files.indexOf(text); at >= 0; at = files.indexOf(text, at + 1)) {
          if (files.subarray(Math.max(0, at - 80), at).includes(member)) return true;
        }
        return false;
      });
    expect(fileBytes(bot).includes(Buffer.from(mood(0)))).toBe(true); // the answers are there, without names
    // (The WAL is emptied after each submit; tried again a second later when a checkpoint was running.)
    await vi.waitFor(() => expect(linked(fileBytes(bot!))).toEqual(members.slice(-2)), { timeout: 3000 });
    expect((await slash('close', { survey: 1 })).content).toMatch(/closed/i);
    await vi.waitFor(() => expect(linked(fileBytes(bot!))).toEqual([]), { timeout: 3000 });
    expect(await bot.db.selectFrom('survey_responses').select('respondent').where('respondent', 'is not', null).execute()).toEqual([]);
    expect(bot.errors).toEqual([]);
  });
});
