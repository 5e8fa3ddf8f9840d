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
import { G, message, thread, u, voice, VOICE } from './payloads.js';

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
