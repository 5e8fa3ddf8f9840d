// `pulse replay` reads what a GUILD_CREATE says of the gateway's state as the live bot does: who
// is in voice (everyone else has left), the active threads' parents (for ignored channels), and
// the bots among its members.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { updateSettings } from '../../src/settings/store.js';
import { testDatabase } from '../support/db.js';
import { C, G, leave, message, reaction, thread, u, voice, VOICE } from './payloads.js';

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'pulse-replay-state-'));
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

let files = 0;
function file(lines: unknown[]): string {
  const path = joinPath(dir, `events-${++files}.jsonl`);
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  return path;
}
const week = { guildId: G, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-23T12:00:00Z') };

const sessions = () => database.sqlite.prepare('SELECT user_id, started_at, ended_at FROM activity_voice_sessions ORDER BY started_at, user_id').raw().all();

describe('pulse replay of a GUILD_CREATE', () => {
  it('ends the sessions of members it does not list in voice, at its instant; one listed keeps one open session', async () => {
    await replayFile(
      database,
      file([
        voice(u(1), VOICE, '2026-11-02T10:00:00Z'),
        voice(u(2), VOICE, '2026-11-02T10:00:00Z'),
        { at: '2026-11-02T11:00:00Z', t: 'GUILD_CREATE', d: { id: G, voice_states: [{ user_id: u(2), channel_id: VOICE }], members: [] } },
        voice(u(2), null, '2026-11-02T11:30:00Z'),
      ]),
    );
    expect(database.sqlite.prepare('SELECT user_id, started_at, ended_at FROM activity_voice_sessions ORDER BY user_id').raw().all()).toEqual([
      [u(1), Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-02T11:00:00Z')],
      [u(2), Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-02T11:30:00Z')],
    ]);
    expect((await buildReport(database, week)).activity.voice_minutes).toBe(60 + 90);
  });

  it('ignores the messages in the threads it lists under an ignored channel', async () => {
    const STAFF = '400000000000000077';
    const listed = '500000000000000042';
    await updateSettings(database.db, G, { ignoredChannelIds: [STAFF] }, 0);
    const outcome = await replayFile(
      database,
      file([
        { at: '2026-11-02T10:00:00Z', t: 'GUILD_CREATE', d: { id: G, voice_states: [], threads: [{ id: listed, parent_id: STAFF, name: 'mods' }] } },
        message(u(1), '2026-11-02T10:01:00Z', { channel_id: listed }),
        message(u(1), '2026-11-02T10:02:00Z'),
      ]),
    );
    expect(outcome).toMatchObject({ ingested: 1, ignored: 1 });
    expect((await buildReport(database, week)).activity.messages).toBe(1);
  });

  it('knows the bots it lists before they post: a bot’s first thread does not count', async () => {
    await replayFile(
      database,
      file([
        { at: '2026-11-02T10:00:00Z', t: 'GUILD_CREATE', d: { id: G, voice_states: [], members: [{ user: { id: u(9), bot: true } }] } },
        thread(u(9), '2026-11-02T10:01:00Z'),
        thread(u(1), '2026-11-02T10:02:00Z'),
      ]),
    );
    expect(database.sqlite.prepare('SELECT user_id FROM activity_threads').pluck().all()).toEqual([u(1)]);
  });
});

describe('pulse replay, as the live bot', () => {
  it('a GUILD_DELETE ends the guild’s voice sessions at its instant; an outage (unavailable) is its gap until the next GUILD_CREATE', async () => {
    const at = (hm: string) => Date.parse(`2026-11-02T${hm}:00Z`);
    const lines = file([
      voice(u(1), VOICE, '2026-11-02T10:00:00Z'),
      voice(u(2), VOICE, '2026-11-02T10:00:00Z'),
      { at: '2026-11-02T10:30:00Z', t: 'GUILD_DELETE', d: { id: G, unavailable: true } },
      { at: '2026-11-02T11:00:00Z', t: 'GUILD_CREATE', d: { id: G, voice_states: [{ user_id: u(2), channel_id: VOICE }], members: [] } },
      voice(u(2), null, '2026-11-02T11:30:00Z'),
      voice(u(3), VOICE, '2026-11-02T12:00:00Z'),
      { at: '2026-11-02T12:10:00Z', t: 'GUILD_DELETE', d: { id: G } }, // the bot removed
    ]);
    await replayFile(database, lines);
    const expected = [
      [u(1), at('10:00'), at('10:30')],
      [u(2), at('10:00'), at('10:30')],
      [u(2), at('11:00'), at('11:30')],
      [u(3), at('12:00'), at('12:10')],
    ];
    expect(sessions()).toEqual(expected);
    const gaps = () => database.sqlite.prepare('SELECT started_at, ended_at, reason, guild_id FROM activity_gaps').raw().all();
    expect(gaps()).toEqual([[at('10:30'), at('11:00'), 'unavailable', G]]);
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_member_events').pluck().get()).toBe(0);
    // Twice: nothing changes.
    await replayFile(database, lines);
    expect(sessions()).toEqual(expected);
    expect(gaps()).toEqual([[at('10:30'), at('11:00'), 'unavailable', G]]);
  });

  it('a removal (GUILD_DELETE without unavailable) is the guild’s gap until it is added again, as live; once only, replayed twice', async () => {
    const at = (iso: string) => Date.parse(iso);
    const lines = file([
      message(u(1), '2026-11-02T10:00:00Z'),
      voice(u(2), VOICE, '2026-11-02T10:00:00Z'),
      { at: '2026-11-03T10:00:00Z', t: 'GUILD_DELETE', d: { id: G, unavailable: true } }, // an outage, then removed while down
      { at: '2026-11-03T11:00:00Z', t: 'GUILD_DELETE', d: { id: G } },
      { at: '2026-11-04T11:00:00Z', t: 'GUILD_DELETE', d: { id: G } }, // the same again: the removal keeps its start
      { at: '2026-11-06T11:00:00Z', t: 'GUILD_CREATE', d: { id: G, voice_states: [], members: [] } }, // added again
      message(u(1), '2026-11-06T12:00:00Z'),
    ]);
    const gaps = () => database.sqlite.prepare('SELECT started_at, ended_at, reason, guild_id FROM activity_gaps ORDER BY started_at').raw().all();
    const expected = [
      [at('2026-11-03T10:00:00Z'), at('2026-11-03T11:00:00Z'), 'unavailable', G],
      [at('2026-11-03T11:00:00Z'), at('2026-11-06T11:00:00Z'), 'removed', G],
    ];
    for (let run = 0; run < 2; run++) {
      await replayFile(database, lines);
      expect(gaps()).toEqual(expected);
      expect(database.sqlite.prepare('SELECT count(*) FROM activity_guild_outages').pluck().get()).toBe(0);
      expect(sessions()).toEqual([[u(2), at('2026-11-02T10:00:00Z'), at('2026-11-03T10:00:00Z')]]);
    }
    const r = await buildReport(database, week);
    expect(r.activity.dau.map((d) => d.count)).toEqual([2, 1, 0, 0, 1, 0, 0]); // u(2) in voice into Tuesday
    expect(r.gaps).toEqual([
      { from: '2026-11-03T10:00:00.000Z', to: '2026-11-03T11:00:00.000Z' },
      { from: '2026-11-03T11:00:00.000Z', to: '2026-11-06T11:00:00.000Z' },
    ]);
  });

  it('a removal not followed by a GUILD_CREATE is listed as a gap up to as-of', async () => {
    await replayFile(database, file([message(u(1), '2026-11-02T10:00:00Z'), { at: '2026-11-05T10:00:00Z', t: 'GUILD_DELETE', d: { id: G } }]));
    expect(database.sqlite.prepare('SELECT guild_id, started_at, reason FROM activity_guild_outages').raw().all()).toEqual([[G, Date.parse('2026-11-05T10:00:00Z'), 'removed']]);
    expect((await buildReport(database, { ...week, asOf: Date.parse('2026-11-07T00:00:00Z') })).gaps).toEqual([{ from: '2026-11-05T10:00:00.000Z', to: '2026-11-07T00:00:00.000Z' }]);
    // A report of the days before it began lists nothing.
    expect((await buildReport(database, { ...week, to: '2026-11-04', asOf: Date.parse('2026-11-07T00:00:00Z') })).gaps).toEqual([]);
  });

  it('a leave ends the member’s voice session; a move into an ignored voice channel ends it too', async () => {
    const QUIET = '400000000000000088';
    await updateSettings(database.db, G, { ignoredChannelIds: [QUIET] }, 0);
    await replayFile(
      database,
      file([
        voice(u(1), VOICE, '2026-11-02T10:00:00Z'),
        voice(u(2), VOICE, '2026-11-02T10:00:00Z'),
        voice(u(1), QUIET, '2026-11-02T10:02:00Z'),
        leave(u(2), '2026-11-02T10:05:00Z'),
        voice(u(1), null, '2026-11-02T11:02:00Z'),
      ]),
    );
    expect(sessions()).toEqual([
      [u(1), Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-02T10:02:00Z')],
      [u(2), Date.parse('2026-11-02T10:00:00Z'), Date.parse('2026-11-02T10:05:00Z')],
    ]);
    expect((await buildReport(database, week)).activity.voice_minutes).toBe(2 + 5);
  });

  it('a bulk delete marks each message deleted; reactions cleared at once (all, or one emoji) are marked removed', async () => {
    const m = [message(u(1), '2026-11-02T10:00:00Z'), message(u(2), '2026-11-02T10:00:01Z'), message(u(3), '2026-11-02T10:00:02Z')];
    const [a, b, c] = m.map((x) => x.d.id);
    await replayFile(
      database,
      file([
        ...m,
        reaction(u(4), a!, u(1), '2026-11-02T10:01:00Z', '👍'),
        reaction(u(5), a!, u(1), '2026-11-02T10:01:00Z', '🎉'),
        reaction(u(4), b!, u(2), '2026-11-02T10:01:00Z', '🎉'),
        { at: '2026-11-02T10:02:00Z', t: 'MESSAGE_DELETE_BULK', d: { ids: [b, c], guild_id: G, channel_id: C } },
        { at: '2026-11-02T10:03:00Z', t: 'MESSAGE_REACTION_REMOVE_EMOJI', d: { guild_id: G, channel_id: C, message_id: a, emoji: { id: null, name: '🎉' } } },
        { at: '2026-11-02T10:04:00Z', t: 'MESSAGE_REACTION_REMOVE_ALL', d: { guild_id: G, channel_id: C, message_id: a } },
      ]),
    );
    expect(database.sqlite.prepare('SELECT message_id, deleted_at FROM activity_messages ORDER BY message_id').raw().all()).toEqual([
      [a, null],
      [b, Date.parse('2026-11-02T10:02:00Z')],
      [c, Date.parse('2026-11-02T10:02:00Z')],
    ]);
    expect(database.sqlite.prepare('SELECT message_id, user_id, removed_at FROM activity_reactions ORDER BY message_id, user_id').raw().all()).toEqual([
      [a, u(4), Date.parse('2026-11-02T10:04:00Z')],
      [a, u(5), Date.parse('2026-11-02T10:03:00Z')],
      [b, u(4), null],
    ]);
  });
});
