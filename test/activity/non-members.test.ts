// Bots and webhooks are never members, whichever process saw them (METRICS.md: a flag is on
// *another member's* message; every webhook message and everything a bot does is ignored). A
// reaction to a message names its author only by id, and a thread's creation does not say whether
// its owner is a bot: Pulse keeps the ids of the bots and webhooks it has seen
// (activity_non_members), so a later `pulse replay` or a restarted bot knows them too.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Ingestor } from '../../src/activity/ingest.js';
import { linesOf } from '../../src/activity/lines.js';
import { replayFile } from '../../src/activity/replay.js';
import { LineParser } from '../../src/activity/replay-lines.js';
import { ActivityStore, knownNonMembers } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import type { Database } from '../../src/db/open.js';
import { buildReport } from '../../src/insights/report.js';
import { testDatabase } from '../support/db.js';
import { G, message, reaction, thread, u } from './payloads.js';

const BOT = u(90);
const HOOK = '500000000000000001';

let dir: string;
let database: Database;
beforeEach(async () => {
  dir = mkdtempSync(joinPath(tmpdir(), 'pulse-non-members-'));
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
/** Three members 🚩 a message (the threshold is 3), at 11:0n. */
const threeFlags = (messageId: string, author: string) => [2, 3, 4].map((n) => reaction(u(n), messageId, author, `2026-11-02T11:0${n}:00Z`, '🚩'));
const stored = () => database.sqlite.prepare('SELECT user_id FROM activity_non_members ORDER BY user_id').pluck().all();

describe('bots and webhooks across replays', () => {
  it("a bot seen in one replay: flags on its message in a later replay are no member's flags", async () => {
    const botMessage = message(BOT, '2026-11-02T10:00:00Z', { author: { id: BOT, bot: true } });
    await replayFile(database, file([botMessage, message(u(1), '2026-11-02T10:01:00Z')]));
    expect(stored()).toEqual([BOT]);
    const outcome = await replayFile(database, file(threeFlags(botMessage.d.id, BOT)));
    expect(outcome).toMatchObject({ lines: 3, ingested: 3 }); // the members' reactions are theirs
    const r = await buildReport(database, week);
    expect(r.activity.reactions).toBe(3);
    expect(r.flags).toMatchObject({ reactions: 0, messages_flagged: 0, flaggers: 0, reached_threshold: 0 });
  });

  it('a webhook’s message: flags on it count nowhere, in the same replay or a later one', async () => {
    const hookMessage = message(HOOK, '2026-11-02T10:00:00Z', { webhook_id: HOOK, author: { id: HOOK, username: 'Announcer' } });
    const later = message(HOOK, '2026-11-03T10:00:00Z', { webhook_id: HOOK, author: { id: HOOK, username: 'Announcer' } });
    await replayFile(database, file([hookMessage, ...threeFlags(hookMessage.d.id, HOOK)]));
    expect(stored()).toEqual([HOOK]);
    await replayFile(database, file([2, 3, 4].map((n) => reaction(u(n), later.d.id, HOOK, `2026-11-03T11:0${n}:00Z`, '🚩'))));
    const r = await buildReport(database, week);
    expect(r.activity).toMatchObject({ messages: 0, reactions: 6 });
    expect(r.flags).toMatchObject({ reactions: 0, messages_flagged: 0, flaggers: 0, reached_threshold: 0 });
  });

  it('a bot learned of after flags on its message were stored: reports leave those flags out too', async () => {
    const early = message(BOT, '2026-11-02T10:00:00Z', { author: { id: BOT, bot: true } });
    // The capture starts after the bot's message: the flags come first, its next message later.
    await replayFile(database, file([...threeFlags(early.d.id, BOT), message(BOT, '2026-11-02T12:00:00Z', { author: { id: BOT, bot: true } })]));
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_reactions WHERE message_author_id = ?').pluck().get(BOT)).toBe(3);
    expect((await buildReport(database, week)).flags).toMatchObject({ reactions: 0, reached_threshold: 0 });
  });

  it("a bot seen in one replay: its thread in a later replay is no member's thread", async () => {
    await replayFile(database, file([message(BOT, '2026-11-02T10:00:00Z', { author: { id: BOT, bot: true } })]));
    await replayFile(database, file([thread(BOT, '2026-11-03T10:00:00Z'), thread(u(1), '2026-11-03T10:01:00Z')]));
    expect(database.sqlite.prepare('SELECT user_id FROM activity_threads').pluck().all()).toEqual([u(1)]);
    expect((await buildReport(database, week)).activity.threads_created).toBe(1);
  });

  it('a bot is handed to the storing thread once, when first seen, and not at all when stored before', () => {
    const botLines = [1, 2, 3].map((n) => message(BOT, `2026-11-02T10:0${n}:00Z`, { author: { id: BOT, bot: true } }));
    const text = botLines.map((l) => JSON.stringify(l)).join('\n') + '\n';
    const first = new LineParser().parse(linesOf(text));
    expect(first).toMatchObject({ ignored: 3, events: [{ kind: 'non-member', guildId: G, id: BOT, at: Date.parse('2026-11-02T10:01:00Z') }] });
    expect(new LineParser([BOT]).parse(linesOf(text))).toMatchObject({ ignored: 3, events: [] });
  });
});

describe('bots and webhooks across restarts of the bot', () => {
  it('a restarted bot knows the bots and webhooks the previous run saw', () => {
    const start = () => {
      const writer = new ActivityWriter(new ActivityStore(database.sqlite, { gate: database.gate }), { timer: false });
      // As the activity feature starts it.
      return { writer, ingestor: new Ingestor(writer, knownNonMembers(database.sqlite)) };
    };
    const feed = (run: ReturnType<typeof start>, ...dispatches: Array<{ t: string; at: string; d: unknown }>) => {
      for (const x of dispatches) run.ingestor.ingest({ t: x.t, d: x.d, at: Date.parse(x.at) });
      return run.writer.flush();
    };
    const botMessage = message(BOT, '2026-11-02T10:00:00Z', { author: { id: BOT, bot: true } });
    const hookMessage = message(HOOK, '2026-11-02T10:00:00Z', { webhook_id: HOOK, author: { id: HOOK, username: 'Announcer' } });
    expect(feed(start(), botMessage, hookMessage)).toEqual({ stored: 0, duplicates: 0, ignored: 0 });
    expect(stored()).toEqual([BOT, HOOK].sort());
    const restarted = start();
    feed(restarted, ...threeFlags(botMessage.d.id, BOT), ...threeFlags(hookMessage.d.id, HOOK), thread(BOT, '2026-11-02T12:00:00Z'));
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_reactions WHERE message_author_id IS NOT NULL').pluck().get()).toBe(0);
    expect(database.sqlite.prepare('SELECT count(*) FROM activity_threads').pluck().get()).toBe(0);
  });
});
