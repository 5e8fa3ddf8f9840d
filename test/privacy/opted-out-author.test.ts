// Flags on an opted-out member's messages are the flaggers' (METRICS.md: a flag is a member's
// reaction on another member's message): they keep counting, whether the author opted out before
// the reactions were recorded or after (the opt-out job), and past reports do not change. The
// author is stored as a placeholder (`~`), which no figure, list or member's data counts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import { memberTotal, MemberTotals } from '../../src/activity/totals-store.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import type { Report } from '../../src/insights/report-types.js';
import { privacyEntries } from '../../src/privacy/entries.js';
import { optOutOrder } from '../../src/privacy/privacy.js';
import { testDatabase } from '../support/db.js';
import { G, message, reaction, u } from '../activity/payloads.js';

const AUTHOR = u(1);
const FLAGGER = u(2);

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'pulse-opted-out-author-'));
  database = await testDatabase();
});
afterEach(async () => {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
});

// The author's two messages: three members flag the first (the threshold), one the second; a
// third member's message gets two flags, and the author reacts to it.
const m1 = message(AUTHOR, '2026-11-02T10:00:00Z');
const m2 = message(AUTHOR, '2026-11-02T10:01:00Z');
const m3 = message(u(5), '2026-11-02T10:02:00Z');
const lines = [
  m1,
  m2,
  m3,
  ...[2, 3, 4].map((n) => reaction(u(n), m1.d.id, AUTHOR, `2026-11-02T11:0${n}:00Z`, '🚩')),
  reaction(FLAGGER, m2.d.id, AUTHOR, '2026-11-02T11:05:00Z', '🚩'),
  reaction(FLAGGER, m3.d.id, u(5), '2026-11-02T11:06:00Z', '🚩'),
  reaction(u(3), m3.d.id, u(5), '2026-11-02T11:07:00Z', '🚩'),
  reaction(AUTHOR, m3.d.id, u(5), '2026-11-02T11:08:00Z', '👍'),
];
const FLAGS = { reactions: 6, messages_flagged: 3, flaggers: 3, reached_threshold: 1 };

async function replay(): Promise<void> {
  const path = joinPath(dir, 'events.jsonl');
  writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  await replayFile(database, path);
}
const report = () => buildReport(database, { guildId: G, from: '2026-11-02', to: '2026-11-08', asOf: Date.parse('2026-11-23T12:00:00Z') });
const optOut = () => database.sqlite.prepare('INSERT INTO activity_opt_outs (guild_id, user_id, at) VALUES (?, ?, ?)').run(G, AUTHOR, 0);

/** The opt-out job's steps, every entry's scan then its writes (as OptOutRunner runs them), then the totals' fold. */
function runOptOutJob(): void {
  for (const entry of optOutOrder(privacyEntries)) {
    if (!entry.scan || !entry.apply) continue;
    const keys = [...entry.scan(database.sqlite, G, AUTHOR)];
    if (keys.length) entry.apply(database.sqlite, G, AUTHOR, keys);
  }
  new MemberTotals(database.sqlite).foldSome({ budgetMs: Number.POSITIVE_INFINITY });
}

/** What /privacy show and export give a member (the activity entries'). */
function memberView(userId: string) {
  return privacyEntries
    .filter((e) => e.table.startsWith('activity_'))
    .map((e) => ({ name: e.name, count: e.summary ? null : e.count(database.sqlite, G, userId), rows: [...e.exportRows(database.sqlite, G, userId)] }));
}

/** No placeholder (`~`, or an opted-out member's `~n`) anywhere a report names members. */
function expectNoPlaceholder(r: Report): void {
  expect(JSON.stringify(r)).not.toMatch(/"~/);
  expect(database.sqlite.prepare(`SELECT count(*) FROM activity_ids WHERE id = '~'`).pluck().get()).toBe(0);
  expect(memberTotal(database.sqlite, G, '~', 'reactions_received')).toBe(0);
}

describe("flags on an opted-out member's messages", () => {
  it('count as they do for anyone (the reference)', async () => {
    await replay();
    expect((await report()).flags).toMatchObject(FLAGS);
  });

  it('count when the author opted out before they were recorded', async () => {
    optOut();
    await replay();
    const r = await report();
    expect(r.flags).toMatchObject(FLAGS);
    expect(r.activity.messages).toBe(1); // the author's own messages are not recorded
    expect(database.sqlite.prepare('SELECT DISTINCT message_author_id FROM activity_reactions WHERE message_id IN (?, ?)').pluck().all(m1.d.id, m2.d.id)).toEqual(['~']);
    expectNoPlaceholder(r);
  });

  it('keep counting after the opt-out job ran: the past report does not change, nor the flagger’s own data', async () => {
    await replay();
    const before = await report();
    const flaggerBefore = memberView(FLAGGER);
    optOut();
    runOptOutJob();
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_messages WHERE user_id = ?').pluck().get(AUTHOR)).toBe(0);
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_reactions WHERE ? IN (user_id, message_author_id)').pluck().get(AUTHOR)).toBe(0);
    const after = await report();
    expect(after.flags).toEqual(before.flags);
    expect(after.flags).toMatchObject(FLAGS);
    expectNoPlaceholder(after);
    // The flagger's /privacy show and export are the same (their reactions are theirs).
    expect(memberView(FLAGGER)).toEqual(flaggerBefore);
    // And the author's are empty but for the opt-out itself.
    expect(memberView(AUTHOR).filter((v) => v.rows.length || v.count).map((v) => v.name)).toEqual(['activity_opt_outs']);
  });
});
