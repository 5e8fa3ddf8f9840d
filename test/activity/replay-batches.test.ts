// `pulse replay` stores in bigger transactions than the live writer: a file spanning several of
// its batches (and many guild-hours) leaves exactly what the live path's 1,000-event batches do.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decode, HourRecordSet } from '../../src/activity/hour-records.js';
import { Ingestor } from '../../src/activity/ingest.js';
import { replayFile } from '../../src/activity/replay.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import { migrate, openDatabase, type Database } from '../../src/db/open.js';
import { testDatabase } from '../support/db.js';
import { G, join, leave, message, reaction, voice } from './payloads.js';

const member = (n: number) => `2000000000${String(n).padStart(8, '0')}`;
const channel = (n: number) => `4000000000000000${String(n).padStart(2, '0')}`;

/** ~46,000 dispatches over ~13 hours: messages in 20 channels, reactions, deletes, voice, joins, re-deliveries. */
function dispatches(): Array<{ t: string; at: string; d: Record<string, unknown> }> {
  const out: Array<{ t: string; at: string; d: Record<string, unknown> }> = [];
  const start = Date.parse('2026-11-02T00:00:00Z');
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const sent: Array<{ id: string; author: string }> = [];
  for (let i = 0; i < 46_000; i++) {
    const at = new Date(start + i * 1000).toISOString();
    const who = member(Math.floor(3000 * rand() * rand()));
    const x = rand();
    if (x < 0.6) {
      const m = message(who, at, { channel_id: channel(Math.floor(rand() * 20)), attachments: rand() < 0.1 ? [{ id: '1' }] : [] });
      sent.push({ id: m.d.id, author: who });
      out.push(m);
    } else if (x < 0.85 && sent.length) {
      const target = sent[Math.floor(rand() * sent.length)]!;
      out.push(reaction(who, target.id, target.author, at, rand() < 0.5 ? '👍' : '🎉'));
    } else if (x < 0.88 && sent.length) {
      const target = sent[Math.floor(rand() * sent.length)]!;
      out.push({ t: 'MESSAGE_DELETE', at, d: { id: target.id, guild_id: G, channel_id: channel(0) } });
    } else if (x < 0.94) {
      out.push(voice(who, rand() < 0.5 ? channel(60) : null, at));
    } else if (x < 0.97) {
      out.push(rand() < 0.7 ? join(who, at) : leave(who, at));
    } else if (out.length) {
      out.push(out[Math.floor(rand() * out.length)]!); // a re-delivery
    }
  }
  return out;
}

/** Everything the activity tables hold, with each guild-hour's parts folded into its records. */
function contents(database: Database) {
  const all = (sql: string) => database.sqlite.prepare(sql).raw().all();
  const hours = new Map<string, HourRecordSet>();
  for (const [guild, bucket, blob] of all('SELECT guild_id, bucket, records FROM activity_hours ORDER BY guild_id, bucket, part') as Array<[string, number, Buffer]>) {
    const key = `${guild}|${bucket}`;
    const set = hours.get(key);
    if (set) set.applyRecords(decode(blob));
    else hours.set(key, new HourRecordSet(new Uint32Array(0)).applyRecords(decode(blob)));
  }
  const records = [...hours].map(([key, set]) => {
    const words = [...set.view()];
    const rows: number[][] = [];
    for (let i = 0; i < words.length; i += 6) rows.push(words.slice(i, i + 6));
    return [key, rows.sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!)];
  });
  return {
    messages: all('SELECT * FROM activity_messages ORDER BY message_id'),
    reactions: all('SELECT * FROM activity_reactions ORDER BY guild_id, emoji, message_id, user_id, at'),
    sessions: all('SELECT * FROM activity_voice_sessions ORDER BY guild_id, user_id, started_at'),
    memberEvents: all('SELECT * FROM activity_member_events ORDER BY guild_id, user_id, at, kind'),
    ids: all('SELECT * FROM activity_ids ORDER BY guild_id, idx'),
    quarters: all('SELECT * FROM activity_guild_quarters ORDER BY guild_id, bucket'),
    records,
  };
}

describe('pulse replay: bigger transactions, same result', () => {
  let replayed: Database;
  let live: Database;
  let dir: string;
  beforeEach(async () => {
    replayed = await testDatabase();
    live = await testDatabase();
    dir = mkdtempSync(joinPath(tmpdir(), 'pulse-replay-batches-'));
  });
  afterEach(async () => {
    await replayed.close();
    await live.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a file of several replay batches stores what the live writer stores', async () => {
    const lines = dispatches();
    const file = joinPath(dir, 'replay.jsonl');
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const outcome = await replayFile(replayed, file);

    const writer = new ActivityWriter(new ActivityStore(live.sqlite), { timer: false, batchSize: 1000 });
    const ingestor = new Ingestor(writer);
    for (const l of lines) ingestor.ingest({ t: l.t, d: l.d, at: Date.parse(l.at) });
    writer.flush();

    expect(outcome).toMatchObject({ lines: lines.length, badLines: 0, ingested: writer.totals.stored, duplicates: writer.totals.duplicates });
    expect(outcome.ingested).toBeGreaterThan(40_000); // more than two of the replay's transactions
    const expected = contents(live);
    expect(expected.records.length).toBeGreaterThan(10);
    expect(contents(replayed)).toEqual(expected);
  }, 60_000);

  it('keeps the WAL bounded: a checkpoint between batches lets the next one start the WAL over', async () => {
    const file = joinPath(dir, 'replay.jsonl');
    writeFileSync(file, dispatches().map((l) => JSON.stringify(l)).join('\n') + '\n');
    // The WAL after a replay, before the close (which checkpoints and removes it): its size in
    // bytes, and its header's checkpoint sequence number (one more at each start over). The
    // checkpoint thread's timer is set far off: only the replay's own checkpoints run.
    const walAfter = async (name: string, restartWalEvery: number) => {
      const database = openDatabase(joinPath(dir, `${name}.db`));
      try {
        await migrate(database.db);
        database.sqlite.pragma('wal_checkpoint(TRUNCATE)'); // the migrations' frames out of the way
        const outcome = await replayFile(database, file, { restartWalEvery, checkpointMs: 3_600_000 });
        const wal = readFileSync(joinPath(dir, `${name}.db-wal`));
        return { outcome, bytes: wal.byteLength, sequence: wal.readUInt32BE(12) };
      } finally {
        await database.close();
      }
    };
    const unbounded = await walAfter('unbounded', Number.POSITIVE_INFINITY);
    const bounded = await walAfter('bounded', 2);
    expect(bounded.outcome).toEqual(unbounded.outcome);
    expect(bounded.outcome.ingested).toBeGreaterThan(40_000); // nine batches and a last one
    // Started over after each checkpoint (each copied everything): after batches 2, 4, 6 and 8,
    // and after the last (the tenth), by the totals' final fold.
    expect(bounded.sequence - unbounded.sequence).toBe(5);
    // Two batches' frames against ten.
    expect(bounded.bytes * 3).toBeLessThan(unbounded.bytes);
  }, 60_000);
});
