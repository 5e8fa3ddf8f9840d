// Members' and owners' text on the case, in the queue and in the warning: whole lines within
// Discord's limits (with the count of what is left out), never half an emoji, no markdown of its own.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import { renderCase } from '../../src/flags/discord-case.js';
import { parseReason } from '../../src/flags/flags.js';
import { review } from '../../src/flags/review-service.js';
import { FlagService, type FlagPorts } from '../../src/flags/service.js';
import { openCase, setReviewMessage, type FlagCase, type Flagger } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { TestBot } from '../support/bot.js';
import { testDatabase } from '../support/db.js';
import { isWellFormed } from '../../src/text.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const GUILD = '900000000000000001';
const CHANNEL = '900000000000000100';
const MOD = '900000000000000102';
const AUTHOR = '900000000000000201';


const aCase = (over: Partial<FlagCase> = {}): FlagCase =>
  ({ id: 4, guildId: GUILD, channelId: CHANNEL, messageId: '900000000000000500', authorId: AUTHOR, excerpt: 'hello', status: 'open', openedAt: NOW - 60_000, ...over }) as FlagCase;
const flagger = (i: number, details: string | null): Flagger => ({ userId: `90000000000000${String(1000 + i)}`, sources: ['command'], reason: 'other', details, firstAt: NOW });
const flaggersField = (embed: { fields?: Array<{ name: string; value: string }> }) => embed.fields!.find((f) => f.name.startsWith('Flaggers'))!;

describe('the case message', () => {
  it('lists whole flagger lines within the field, then how many are not listed: "Flaggers (9)" accounts for all 9', () => {
    const flaggers = Array.from({ length: 9 }, (_, i) => flagger(i, `reason ${i} ${'spam and more spam '.repeat(10)}`));
    const { embeds } = renderCase('en', aCase(), flaggers, NOW);
    const field = flaggersField(embeds[0]!.toJSON());
    expect(field.name).toBe('Flaggers (9)');
    expect(field.value.length).toBeLessThanOrEqual(1024);
    const lines = field.value.split('\n');
    const listed = lines.slice(0, -1);
    // Every listed line is a whole flagger line (its details end with the ellipsis), in order.
    listed.forEach((line, i) => {
      expect(line).toMatch(new RegExp(`^<@${flaggers[i]!.userId}> — [^:]+: reason ${i} (spam and more )+`));
      expect(line.endsWith('…')).toBe(true);
    });
    expect(lines.at(-1)).toBe(`…and ${9 - listed.length} more`);
    expect(listed.length).toBeGreaterThan(4);
  });

  it('cuts a flagger’s details with an ellipsis, never through an emoji', () => {
    const details = `a${'🍕'.repeat(200)}`;
    const { embeds } = renderCase('en', aCase(), [flagger(1, details)], NOW);
    const value = flaggersField(embeds[0]!.toJSON()).value;
    expect(isWellFormed(value)).toBe(true);
    expect(value).toMatch(/: a(🍕)+…$/);
  });

  it('keeps details typed up to the modal’s limit, counted as Discord counts (300 emoji are 300 characters)', () => {
    expect(parseReason('🍕'.repeat(300)).extra).toBe('🍕'.repeat(300));
    const cut = parseReason(`a${'🍕'.repeat(400)}`).extra!;
    expect(isWellFormed(cut)).toBe(true);
    expect([...cut]).toHaveLength(300);
  });
});

describe('the warning', () => {
  let database: Database;
  beforeEach(async () => {
    database = await testDatabase();
    await updateSettings(database.db, GUILD, { modChannelId: MOD }, NOW);
  });
  afterEach(async () => {
    await database.close();
  });

  it("shows the server's name as written inside the bold: its markdown escaped", async () => {
    const dms: string[] = [];
    const ports: FlagPorts = {
      botUserId: () => '900000000000000999',
      postCase: async () => 'posted',
      findCase: async () => null,
      editCase: async () => 'edited',
      reactionUsers: async () => ({ users: [], complete: true }),
      deleteMessage: async () => true,
      timeout: async () => undefined,
      async dm(_userId, text) {
        dms.push(text);
        return 'sent';
      },
      postPinging: async () => undefined,
      guildName: () => '**Free** [nitro](http://evil.example) ~~here~~',
      guildLocale: () => null,
    };
    const service = new FlagService({ db: database.db, clock: new ManualClock(NOW), logger: pino({ level: 'silent' }), ports });
    const c = (await openCase(database.db, { guildId: GUILD, channelId: CHANNEL, messageId: '900000000000000500', authorId: AUTHOR, excerpt: null, openedBy: null }, NOW))!;
    await review(service, c.id, 'warn', '900000000000000205', 'en', 'Keep it civil.');
    await service.drain();
    expect(dms).toHaveLength(1);
    expect(dms[0]).toContain('The moderators of **\\*\\*Free\\*\\* \\[nitro\\](http://evil.example) \\~\\~here\\~\\~** are warning you');
  });
});

describe('/flags queue', () => {
  let bot: TestBot;
  beforeEach(async () => {
    bot = await TestBot.start();
    await updateSettings(bot.db, bot.ids.guildId, { modChannelId: bot.ids.modChannel, staffRoleId: bot.ids.staffRoleId }, bot.clock.now());
  });
  afterEach(async () => {
    await bot.close();
  });

  it('lists whole lines (no link cut in two) within the embed, then how many open cases are not listed', async () => {
    const { ids } = bot;
    // 23 claimed cases, a few days old: 20 long lines are more than the 4,096 characters of a description.
    for (let i = 0; i < 23; i++) {
      const c = (await openCase(bot.db, { guildId: ids.guildId, channelId: ids.general, messageId: `9000000000000${String(10000 + i)}`, authorId: ids.alice, excerpt: null, openedBy: null }, bot.clock.now() - 3 * 86_400_000 - 3_600_000))!;
      await setReviewMessage(bot.db, c.id, ids.modChannel, `9000000000000${String(20000 + i)}`);
      await bot.db.updateTable('flag_cases').set({ status: 'claimed', claimed_by: ids.moderator, claimed_at: bot.clock.now() }).where('id', '=', c.id).execute();
    }
    const reply = await bot.fake.slash({ channelId: ids.modChannel, userId: ids.moderator, name: 'flags', subcommand: 'queue' }).reply();
    const embed = reply.embeds[0]!;
    expect(embed.title).toBe('Review queue (23 open)');
    const description = embed.description!;
    expect(description.length).toBeLessThanOrEqual(4096);
    const lines = description.split('\n');
    const listed = lines.slice(0, -1);
    for (const line of listed) expect(line).toMatch(/^\*\*#\d+\*\* · .* · \[case\]\(https:\/\/discord\.com\/channels\/\d+\/\d+\/\d+\)$/);
    const next = Number(/^\*\*#(\d+)\*\*/.exec(listed.at(-1)!)![1]) + 1;
    expect(lines.at(-1)).toBe(`…and ${23 - listed.length} more: \`/flags queue from:${next}\`.`);
    expect(listed.length).toBeLessThan(20);
  });
});
