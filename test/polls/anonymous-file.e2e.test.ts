// Anonymous polls at rest: after /poll close, neither the database file nor its WAL keeps the
// poll's voter key or a voter's hashed id, not even in free space left by the rows rewritten while
// the poll was open (the message id, the shown tally, votes cast and withdrawn, pages split by
// other polls' rows).
import { existsSync, readFileSync } from 'node:fs';
import type { APIMessage } from 'discord-api-types/v10';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureFactory } from '../../src/feature.js';
import { pollsFeature, type PollsFeature } from '../../src/polls/discord.js';
import { settingsRoutes } from '../../src/settings/discord.js';
import { TestBot } from '../support/bot.js';

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.close();
  bot = undefined;
});

const features: FeatureFactory[] = [(ctx) => ({ name: 'settings', routes: settingsRoutes(ctx) }), (ctx) => pollsFeature(ctx)];

function service(b: TestBot) {
  return (b.app.features.find((f) => f.name === 'polls') as PollsFeature).service;
}

/** The database file and its WAL, as someone holding the files would read them. */
function fileBytes(b: TestBot): Buffer {
  return Buffer.concat([b.databasePath, `${b.databasePath}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
}

describe('anonymous poll, the database file after close', () => {
  it('keeps neither the voter key nor any hashed voter, even after many rewrites of the poll row', async () => {
    bot = await TestBot.start({ features });
    const { ids, fake } = bot;
    const create = (userId: string, options: Record<string, string | boolean>) => fake.slash({ channelId: ids.general, userId, name: 'poll', subcommand: 'create', options }).reply();
    expect((await create(ids.alice, { question: 'Move the meeting?', choices: 'Yes | No | Later', anonymous: true })).content).toMatch(/Poll #1 posted/);
    const message = fake.channelMessages(ids.general).find((m) => m.author.id === fake.appId) as APIMessage;
    const key = (await bot.db.selectFrom('polls').select('voter_key').where('id', '=', 1).executeTakeFirstOrThrow()).voter_key!;
    expect(key.length).toBe(32);

    const voters = Array.from({ length: 12 }, (_, i) => fake.addMember(ids.guildId, { username: `voter${i}` }).user.id);
    const hashes = new Set<string>();
    for (const [i, voter] of voters.entries()) {
      expect((await fake.click({ userId: voter, message, customId: `v1:poll-vote:1:${i % 3}` }).reply()).content).toMatch(/You voted for/);
      for (const r of await bot.db.selectFrom('poll_votes').select('voter').where('poll_id', '=', 1).execute()) hashes.add(r.voter);
      // Each shown tally rewrites the poll row (and its key) in place.
      await service(bot).live.flush();
      // Other polls with long questions share and split the pages the anonymous poll's rows are on.
      if (i % 2 === 1) await create(ids.bob, { question: `${'Where should the team lunch be held next month, and who books it? '.repeat(4)}#${i}`, choices: 'Here | There' });
    }
    expect(hashes.size).toBe(12);

    expect((await fake.slash({ channelId: ids.general, userId: ids.alice, name: 'poll', subcommand: 'close', options: { poll: 1 } }).reply()).content).toBe('Poll #1 is closed.');
    // (The WAL is emptied right after the close; a second later when a checkpoint was running then.)
    await vi.waitFor(
      () => {
        const files = fileBytes(bot!);
        expect(files.includes(key)).toBe(false);
        expect([...hashes].filter((h) => files.includes(Buffer.from(h)))).toEqual([]);
      },
      { timeout: 3000 },
    );
    expect(bot.errors).toEqual([]);
  });
});
