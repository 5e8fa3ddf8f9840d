// Start-up's redo of a moderator action a stop cut short (resumePending) leaves the cases of a
// server Pulse is not in (it left, or Discord has it down) as they are: Discord would refuse the
// redo, and the case would reopen with the moderator's decision lost.
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/open.js';
import { resumePending } from '../../src/flags/review-service.js';
import { FlagService, type FlagPorts } from '../../src/flags/service.js';
import { applyCaseAction, getCase, openCase, setReviewMessage } from '../../src/flags/store.js';
import { testDatabase } from '../support/db.js';

const NOW = Date.parse('2026-11-02T12:00:00Z');
const HERE = '900000000000000001';
const GONE = '930000000000000001';

let database: Database;
beforeEach(async () => {
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
});

/** A service whose Discord is in HERE only, and refuses everything in GONE (50001, Missing Access). */
function service(): { service: FlagService; calls: string[] } {
  const calls: string[] = [];
  const refuse = (port: string) => {
    calls.push(port);
    throw Object.assign(new Error('Missing Access'), { code: 50001, status: 403 });
  };
  const ports: FlagPorts = {
    botUserId: () => '900000000000000999',
    postCase: async () => refuse('postCase'),
    findCase: async () => refuse('findCase'),
    editCase: async () => refuse('editCase'),
    reactionUsers: async () => refuse('reactionUsers'),
    deleteMessage: async () => refuse('deleteMessage'),
    timeout: async () => refuse('timeout'),
    dm: async () => refuse('dm'),
    postPinging: async () => refuse('postPinging'),
    guildName: (guildId) => (guildId === HERE ? 'Server' : null),
    guildLocale: () => null,
  };
  return { service: new FlagService({ db: database.db, clock: new ManualClock(NOW), logger: pino({ level: 'silent' }), ports }), calls };
}

/** A posted case in the server whose delete a moderator decided, the process killed before it was done. */
async function cutShortDelete(guildId: string): Promise<number> {
  const c = (await openCase(database.db, { guildId, channelId: `${guildId.slice(0, 3)}000000000000100`, messageId: `${guildId.slice(0, 3)}000000000000555`, authorId: 'author', excerpt: null, openedBy: null }, NOW - 60_000))!;
  await setReviewMessage(database.db, c.id, `${guildId.slice(0, 3)}000000000000102`, `${guildId.slice(0, 3)}000000000000777`);
  expect(await applyCaseAction(database.db, c.id, 'delete', 'deleted', 'moderator', NOW - 30_000)).toBe(true);
  return c.id;
}

describe('resumePending in a server Pulse is not in', () => {
  it('asks Discord nothing and keeps the case closing, with the decision, for a start that finds the server', async () => {
    const id = await cutShortDelete(GONE);
    const before = (await getCase(database.db, id))!;
    const { service: s, calls } = service();
    await resumePending(s);
    await s.drain();
    expect(calls).toEqual([]);
    const after = (await getCase(database.db, id))!;
    expect(after).toMatchObject({ status: 'closing', pendingAction: 'delete', outcome: 'deleted', closedBy: 'moderator', note: null });
    expect(after.changes).toBe(before.changes);
    const events = await database.db.selectFrom('flag_case_events').select('kind').where('case_id', '=', id).execute();
    expect(events.map((e) => e.kind)).not.toContain('action_failed');
  });

  it('still redoes the cut-short action of a server Pulse is in', async () => {
    const gone = await cutShortDelete(GONE);
    const here = await cutShortDelete(HERE);
    const { service: s, calls } = service();
    await resumePending(s);
    await s.drain();
    // The delete is tried in HERE (this fake refuses it: the case reopens, as any refused redo does); GONE waits.
    expect(calls[0]).toBe('deleteMessage');
    expect((await getCase(database.db, here))!.status).toBe('open');
    expect((await getCase(database.db, gone))!.status).toBe('closing');
  });
});
