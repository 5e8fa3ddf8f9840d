// Start-up reconciliation against live reactions: a flag added or removed while Discord answers
// the reaction list (the list may not show it yet) keeps the member's latest word.
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import { FlagService, type FlagPorts, type ReactionEvent } from '../../src/flags/service.js';
import { activeReactionFlaggers, getCaseByMessage } from '../../src/flags/store.js';
import { testDatabase } from '../support/db.js';

let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

const GUILD = '900000000000000001';
const CHANNEL = '900000000000000100';
const AUTHOR = '900000000000000299';
const [A, B, C, D, E] = ['900000000000000201', '900000000000000202', '900000000000000203', '900000000000000204', '900000000000000205'];
const emoji = { id: null, name: '🚩' };

/**
 * A service whose reaction list is `listed`; while Discord "answers" the first read, the gateway
 * delivers `during` (the member's change reaches Pulse before the answer does).
 */
async function setup(listed: string[], during: (messageId: string) => ReactionEvent) {
  database = await testDatabase();
  const clock = new ManualClock(Date.parse('2026-11-02T12:00:00Z'));
  const messageId = String(BigInt(clock.now() - 60_000 - 1_420_070_400_000) << 22n);
  let service!: FlagService;
  let reads = 0;
  const ports: FlagPorts = {
    botUserId: () => '900000000000000999',
    postCase: async () => '900000000000000777',
    findCase: async () => null,
    editCase: async () => 'edited' as const,
    async reactionUsers() {
      const users = listed.map((id) => ({ id, bot: false }));
      if (reads++ === 0) {
        service.onReaction(during(messageId));
        // The gateway's event is handled on its own turns while the answer is still on its way.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return { users, complete: true };
    },
    deleteMessage: async () => true,
    timeout: async () => undefined,
    dm: async () => 'sent',
    postPinging: async () => undefined,
    guildName: () => 'G',
    guildLocale: () => null,
  };
  service = new FlagService({ db: database.db, clock, logger: pino({ level: 'silent' }), ports });
  for (const u of [A, B, C]) service.onReaction(add(messageId, u));
  await service.lock.idle();
  expect(await getCaseByMessage(database.db, messageId)).toBeDefined();
  return { service, messageId, db: database.db };
}

const add = (messageId: string, userId: string): ReactionEvent => ({ kind: 'add', guildId: GUILD, channelId: CHANNEL, messageId, userId, userIsBot: false, authorId: AUTHOR, emoji });
const remove = (messageId: string, userId: string): ReactionEvent => ({ kind: 'remove', guildId: GUILD, messageId, userId, emoji });

describe('start-up reconciliation racing live reactions', () => {
  it('a flag added while the reactions are read stays active (the list did not show it yet)', async () => {
    const { service, messageId, db } = await setup([A, B, C, E], (id) => add(id, D));
    await service.reconcile();
    await service.drain();
    // E reacted while Pulse was down (joined by the list); D reacted during the read.
    expect((await activeReactionFlaggers(db, messageId)).sort()).toEqual([A, B, C, D, E]);
  });

  it('a flag removed while the reactions are read stays withdrawn (the list still showed it)', async () => {
    const { service, messageId, db } = await setup([A, B, C], (id) => remove(id, C));
    await service.reconcile();
    await service.drain();
    expect((await activeReactionFlaggers(db, messageId)).sort()).toEqual([A, B]);
    const c = (await getCaseByMessage(db, messageId))!;
    const events = await db.selectFrom('flag_case_events').select(['kind', 'actor_id']).where('case_id', '=', c.id).where('kind', '=', 'flag_withdrawn').execute();
    expect(events).toEqual([{ kind: 'flag_withdrawn', actor_id: C }]);
  });
});
