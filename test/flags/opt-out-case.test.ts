// The opt-out step that deletes a member's flags counts a change on the cases of those messages,
// in the same transaction: the running flags feature hears of them at once (and edits their case
// messages), and should the process stop before the edit, the next start edits them
// (refreshUnshown). The step that anonymises the flagged author counts none: the case shows the
// author from the case itself, which keeps them.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import { flagsPrivacy } from '../../src/flags/privacy-store.js';
import { FlagService, type CaseView, type FlagPorts } from '../../src/flags/service.js';
import { getCase, onCaseFlaggersRemoved, openCase, setReviewMessage, unshownCases } from '../../src/flags/store.js';
import { updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const GUILD = '900000000000000001';
const CHANNEL = '900000000000000100';
const MOD = '900000000000000102';
const ALICE = '900000000000000201';
const BOB = '900000000000000202';
const CAROL = '900000000000000203';
const DAVE = '900000000000000204';
const FLAGGED = '900000000000000555';
const OTHER = '900000000000000556';

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
  await updateSettings(database.db, GUILD, { modChannelId: MOD }, NOW);
});
afterEach(async () => {
  onCaseFlaggersRemoved(database.sqlite, null);
  await database.close();
});

const insertFlag = (messageId: string, userId: string, source: 'command' | 'reaction', reason: string | null, details: string | null) =>
  database.sqlite
    .prepare(`INSERT INTO flags (guild_id, channel_id, message_id, user_id, source, author_id, reason, details, flagged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    .run(GUILD, CHANNEL, messageId, userId, source, BOB, reason, details, NOW - 60_000);

/** Alice's menu flag with details and two reactions on Bob's message, its case posted and shown; and Alice's flag on a message with no case. */
async function seed(): Promise<number> {
  insertFlag(FLAGGED, ALICE, 'command', 'harassment', 'he wrote to me at my home address');
  insertFlag(FLAGGED, CAROL, 'reaction', null, null);
  insertFlag(FLAGGED, DAVE, 'reaction', null, null);
  insertFlag(OTHER, ALICE, 'reaction', null, null);
  const c = (await openCase(database.db, { guildId: GUILD, channelId: CHANNEL, messageId: FLAGGED, authorId: BOB, excerpt: null, openedBy: null }, NOW - 30_000))!;
  await setReviewMessage(database.db, c.id, MOD, '900000000000000777');
  database.sqlite.prepare('UPDATE flag_cases SET shown_changes = changes WHERE id = ?').run(c.id);
  return c.id;
}

/** Runs an entry's opt-out steps for the member as the job does: scan, then apply in one transaction. */
function optOutStep(name: string, userId: string): void {
  const entry = flagsPrivacy.find((e) => e.name === name)!;
  const keys = [...entry.scan!(database.sqlite, GUILD, userId)];
  database.sqlite.transaction(() => entry.apply!(database.sqlite, GUILD, userId, keys))();
}

function service(): { service: FlagService; edits: CaseView[] } {
  const edits: CaseView[] = [];
  const fail = async (): Promise<never> => {
    throw new Error('not expected');
  };
  const ports: FlagPorts = {
    botUserId: () => '900000000000000999',
    postCase: fail,
    findCase: fail,
    async editCase(_channelId, _messageId, view) {
      edits.push(view);
      return 'edited';
    },
    reactionUsers: fail,
    deleteMessage: fail,
    timeout: fail,
    dm: fail,
    postPinging: fail,
    guildName: () => 'Server',
    guildLocale: () => null,
  };
  return { service: new FlagService({ db: database.db, clock: new ManualClock(NOW), logger: pino({ level: 'silent' }), ports }), edits };
}

describe("a flagger's opt-out step and the cases their flags were on", () => {
  it('counts a change on the case in the step itself: a start after a stop edits the case message without the flagger', async () => {
    const id = await seed();
    // No flags feature listening (the process stopped before the edit).
    optOutStep('flags', ALICE);
    expect((await unshownCases(database.db, 10)).map((c) => c.id)).toEqual([id]);
    const { service: s, edits } = service();
    await s.refreshUnshown();
    await s.drain();
    expect(edits).toHaveLength(1);
    expect(edits[0]!.flaggers.map((f) => f.userId)).toEqual([CAROL, DAVE]);
    expect(JSON.stringify(edits[0])).not.toContain('home address');
    expect(await unshownCases(database.db, 10)).toEqual([]);
  });

  it('hands the running flags feature the cases, which edits their messages at once', async () => {
    const id = await seed();
    const { service: s, edits } = service();
    const heard: number[][] = [];
    onCaseFlaggersRemoved(database.sqlite, (ids) => {
      heard.push([...ids]);
      s.flaggersRemoved(ids);
    });
    optOutStep('flags', ALICE);
    // Only the message with a case: the other flag had none.
    expect(heard).toEqual([[id]]);
    await s.drain();
    expect(edits.map((v) => v.flaggers.map((f) => f.userId))).toEqual([[CAROL, DAVE]]);
    const c = (await getCase(database.db, id))!;
    expect(c.shownChanges).toBe(c.changes);
  });

  it("counts nothing when the flagged author's flags get the placeholder: the case message shows the same", async () => {
    const id = await seed();
    const heard: number[][] = [];
    onCaseFlaggersRemoved(database.sqlite, (ids) => void heard.push([...ids]));
    const before = (await getCase(database.db, id))!;
    optOutStep('flags.author_id', BOB);
    expect(database.sqlite.prepare(`SELECT count(*) FROM flags WHERE author_id = '~'`).pluck().get()).toBe(4);
    expect(heard).toEqual([]);
    const after = (await getCase(database.db, id))!;
    expect(after.changes).toBe(before.changes);
    expect(after.authorId).toBe(BOB);
  });
});
