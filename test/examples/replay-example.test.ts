// examples/replay.jsonl: one line of every event type Pulse reads, replayed, with the figures a reader can check by hand.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { trackedTypes } from '../../src/activity/events.js';
import { replayFile } from '../../src/activity/replay.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { testDatabase } from '../support/db.js';

const FILE = 'examples/replay.jsonl';
let database: Database | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe('examples/replay.jsonl', () => {
  it('covers every tracked event type, plus a skipped one', () => {
    const types = new Set(readFileSync(FILE, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { t: string }).t));
    for (const t of trackedTypes) expect(types, t).toContain(t);
    expect(types).toContain('TYPING_START');
  });

  it('replays into the figures docs/metrics.md defines, and a second replay changes nothing', async () => {
    database = await testDatabase();
    const first = await replayFile(database, FILE);
    // 20 lines: the typing event is skipped, the bot's message ignored; clearing the reactions of
    // ben's message changes nothing (its 👍 was taken back already): a duplicate; the server's
    // removal (GUILD_DELETE) ends no session (nobody is in voice) and counts nowhere; the other 16
    // lines store 17 events (the bulk delete is two). The
    // later removals and deletions change no figure: a message deleted was still sent, a reaction
    // removed was still added.
    expect(first).toMatchObject({ lines: 20, ingested: 17, duplicates: 1, ignored: 1, skippedTypes: { TYPING_START: 1 }, badLines: 0 });
    const report = () => buildReport(database!, { guildId: '111111111111111111', from: '2026-10-05', to: '2026-10-11', timezone: 'UTC', asOf: Date.parse('2026-10-20T00:00:00Z') });
    const r = await report();
    // newbie joined (and wrote within a week, and stayed); cy left.
    expect(r.members).toEqual({ joined: 1, left: 1, net: 0 });
    expect(r.new_members).toEqual({ cohort: 1, activated: 1, pending: 0, retained_week1: 1, activation_rate: 1, week1_retention: 1 });
    // Messages sent: ana's, ben's reply and newbie's (deleted later, still sent); the bot's does not count.
    // Reactions added: 👍 (removed later) and 🚩. Voice: ben 08:00-08:30 (in voice at connect), ana 45 min.
    expect(r.activity).toMatchObject({ messages: 3, reactions: 2, threads_created: 1, voice_minutes: 75, active_members: 4, wau_end: 4, mau_end: 4 });
    expect(r.activity.dau.map((d) => d.count)).toEqual([4, 1, 0, 0, 0, 0, 0]);
    expect(r.activity.dau_avg).toBeCloseTo(5 / 7, 10);
    expect(r.activity.stickiness).toBeCloseTo(5 / 30 / 4, 10);
    expect(r.activity.reactions_per_message).toBeCloseTo(2 / 3, 10);
    expect(r.hour_of_week[0]!.slice(9, 11)).toEqual([2, 1]);
    expect(r.top_contributors).toEqual([
      { user_id: '222222222222222201', messages: 1 },
      { user_id: '222222222222222202', messages: 1 },
      { user_id: '222222222222222204', messages: 1 },
    ]);
    expect(r.flags).toMatchObject({ reactions: 1, messages_flagged: 1, flaggers: 1, reached_threshold: 0 });

    const again = await replayFile(database, FILE);
    expect(again).toMatchObject({ ingested: 0, duplicates: 18 });
    expect(await report()).toEqual(r);
  });
});
