// System messages (joins, "started a thread", pins, boosts, …) are not members' messages: only
// MESSAGE_CREATE of type 0 (default) and 19 (reply) count, on the live path and in `pulse replay`.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { MessageType } from 'discord-api-types/v10';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { normalize } from '../../src/activity/events.js';
import { replayFile } from '../../src/activity/replay.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { testDatabase } from '../support/db.js';
import { C, G, join, message, u } from './payloads.js';

// Every message type Discord documents (the numeric members of the enum).
const ALL_TYPES = Object.values(MessageType).filter((v): v is MessageType => typeof v === 'number');
const MEMBER_TYPES = new Set<number>([MessageType.Default, MessageType.Reply]);
const at = '2026-11-02T10:00:00Z';

describe('normalize: message types', () => {
  it('knows every documented type (guards against an empty list)', () => {
    expect(ALL_TYPES.length).toBeGreaterThan(30);
    expect(ALL_TYPES).toContain(MessageType.UserJoin);
    expect(ALL_TYPES).toContain(MessageType.ThreadCreated);
  });

  it.each(ALL_TYPES.map((type) => [MessageType[type], type] as const))('type %s (%i)', (_name, type) => {
    const m = message(u(1), at, { type });
    const result = normalize(m.t, m.d, Date.parse(at));
    if (MEMBER_TYPES.has(type)) {
      expect(result).toMatchObject({ status: 'events', events: [{ kind: 'message', userId: u(1) }] });
    } else {
      expect(result).toEqual({ status: 'ignored', reason: 'system' });
    }
  });

  it('takes a line without `type` as a default message, and refuses a type that is not an integer', () => {
    const m = message(u(1), at);
    expect(normalize(m.t, m.d, 0)).toMatchObject({ status: 'events' });
    const bad = message(u(1), at, { type: '7' });
    expect(normalize(bad.t, bad.d, 0)).toMatchObject({ status: 'invalid', reason: expect.stringMatching(/^type/) });
  });
});

describe('pulse replay: system messages count nowhere', () => {
  let database: Database;
  let dir: string;
  beforeEach(async () => {
    database = await testDatabase();
    dir = mkdtempSync(joinPath(tmpdir(), 'pulse-system-'));
  });
  afterEach(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a joiner with only a join message is neither active nor activated; a member posting counts once', async () => {
    const joiner = u(10);
    const poster = u(11);
    const lines = [
      join(joiner, '2026-11-02T09:00:00Z'),
      // The join message Discord posts in the system channel, with the joiner as author.
      message(joiner, '2026-11-02T09:00:01Z', { type: MessageType.UserJoin }),
      join(poster, '2026-11-02T09:05:00Z'),
      message(poster, '2026-11-02T09:05:01Z', { type: MessageType.UserJoin }),
      message(poster, '2026-11-03T10:00:00Z', { type: MessageType.Default }),
      message(poster, '2026-11-03T10:01:00Z', { type: MessageType.Reply, message_reference: { message_id: '399999999999999999' } }),
      // Every other system type, authored by a third member, on a different hour.
      ...ALL_TYPES.filter((t) => !MEMBER_TYPES.has(t)).map((type) => message(u(12), '2026-11-04T15:00:00Z', { type })),
    ];
    const file = joinPath(dir, 'replay.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const outcome = await replayFile(database, file);
    expect(outcome.badLines).toBe(0);
    expect(outcome.ignored).toBe(lines.length - 4); // all but the two joins and the two real messages
    expect(database.sqlite.prepare('SELECT user_id FROM activity_messages ORDER BY at').pluck().all()).toEqual([poster, poster]);

    const r = await buildReport(database, { guildId: G, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-16T00:00:00Z') });
    expect(r.members.joined).toBe(2);
    expect(r.new_members).toMatchObject({ cohort: 2, activated: 1, activation_rate: 0.5 });
    expect(r.activity.messages).toBe(2);
    expect(r.activity.active_members).toBe(1);
    expect(r.top_contributors).toEqual([{ user_id: poster, messages: 2 }]);
    expect(r.top_channels).toEqual([{ channel_id: C, messages: 2, active_members: 1 }]);
    expect(r.hour_of_week.flat().reduce((a, b) => a + b, 0)).toBe(2);
    expect(r.activity.dau.filter((d) => d.count > 0)).toEqual([{ date: '2026-11-03', count: 1 }]);
  });
});
