// The live writer when the database will not take a batch: another process holding the write
// lock (a `pulse replay` next to the bot) or a batch the database refuses. Real SQLite files,
// a second real connection as the other process.
import SQLite from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../src/activity/events.js';
import { ActivityStore } from '../../src/activity/store.js';
import { ActivityWriter } from '../../src/activity/writer.js';
import { withLockWait } from '../../src/db/exclusive.js';
import type { Database } from '../../src/db/open.js';
import type { Logger } from '../../src/log.js';
import { testFileDatabase } from '../support/db.js';

const G = '100000000000000001';
const C = '200000000000000001';
const at = Date.parse('2026-11-02T10:00:00Z');
const message = (n: number): ActivityEvent => ({ kind: 'message', guildId: G, at: at + n, messageId: `9000000000000000${String(n).padStart(2, '0')}`, channelId: C, userId: `30000000000000000${n % 3}`, replyToId: null, hasAttachment: false });

let file: Awaited<ReturnType<typeof testFileDatabase>>;
let database: Database;
let other: SQLite.Database;
let logs: Array<{ level: string; msg: string; fields: Record<string, unknown> }>;
const logger = (level: string) => (fields: Record<string, unknown>, msg: string) => void logs.push({ level, msg, fields });
const capture = { debug: logger('debug'), info: logger('info'), warn: logger('warn'), error: logger('error') } as unknown as Logger;

const stored = () => database.sqlite.prepare('SELECT count(*) FROM activity_messages').pluck().get() as number;
const until = async (done: () => boolean, ms = 3000) => {
  const started = Date.now();
  while (!done()) {
    if (Date.now() - started > ms) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

beforeEach(async () => {
  file = await testFileDatabase('pulse-writer-lock-');
  database = file.database;
  other = new SQLite(database.sqlite.name);
  other.pragma('busy_timeout = 0');
  logs = [];
});
afterEach(async () => {
  if (other.inTransaction) other.exec('ROLLBACK');
  other.close();
  await file.remove();
});

describe('a timed flush while another process holds the write lock', () => {
  it('gives up within its lock wait (not the 5 s busy timeout), keeps its events, and stores them once when the lock is free', async () => {
    const writer = new ActivityWriter(new ActivityStore(database.sqlite, { gate: database.gate }), { flushMs: 5, lockWaitMs: 20, logger: capture });
    other.exec('BEGIN IMMEDIATE');
    const pushed = Date.now();
    for (let n = 0; n < 3; n++) writer.push(message(n));
    await until(() => logs.some((l) => l.msg === 'activity.flush-deferred'));
    expect(Date.now() - pushed).toBeLessThan(2000);
    expect(logs.find((l) => l.msg === 'activity.flush-deferred')).toMatchObject({ level: 'warn', fields: { code: 'SQLITE_BUSY', failures: 1, queued: 3 } });
    expect(writer.pending).toBe(3);
    expect(stored()).toBe(0);
    // The connection's own busy timeout is back for everyone else.
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);

    other.exec('COMMIT');
    await until(() => writer.pending === 0);
    expect(stored()).toBe(3);
    expect(writer.totals).toMatchObject({ stored: 3, duplicates: 0, failed: 0, dropped: 0 });
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    await writer.stop();
  });

  it('tries again later each time, not at every event pushed meanwhile', async () => {
    const store = new ActivityStore(database.sqlite, { gate: database.gate });
    let tries = 0;
    const apply = store.applyBatch.bind(store);
    store.applyBatch = (events, lockWaitMs) => {
      tries++;
      return apply(events, lockWaitMs);
    };
    const writer = new ActivityWriter(store, { flushMs: 5, batchSize: 2, lockWaitMs: 0, logger: capture });
    other.exec('BEGIN IMMEDIATE');
    writer.push(message(0));
    writer.push(message(1));
    await until(() => tries === 1);
    // Full batches pushed during the first back-off (50 ms) do not bring the next try forward.
    for (let n = 2; n < 10; n++) writer.push(message(n));
    await new Promise((resolve) => setTimeout(resolve, 25));
    expect(tries).toBe(1);
    await until(() => tries >= 3);
    expect(logs.filter((l) => l.msg === 'activity.flush-deferred')).toHaveLength(1); // logged once, not at every try
    other.exec('COMMIT');
    await until(() => writer.pending === 0);
    expect(stored()).toBe(10);
    await writer.stop();
  });
});

describe('a batch the database refuses for good', () => {
  it('is dropped and logged, and the batches behind it are stored', async () => {
    // (The first event's message id.)
    database.sqlite.exec(`CREATE TRIGGER poison BEFORE INSERT ON activity_messages WHEN NEW.message_id = '900000000000000000'
      BEGIN SELECT RAISE(ABORT, 'poisoned'); END`);
    const writer = new ActivityWriter(new ActivityStore(database.sqlite, { gate: database.gate }), { flushMs: 5, batchSize: 2, lockWaitMs: 20, logger: capture });
    for (let n = 0; n < 4; n++) writer.push(message(n));
    await until(() => writer.pending === 0);
    expect(stored()).toBe(2);
    expect(writer.totals).toMatchObject({ stored: 2, failed: 2 });
    expect(logs.filter((l) => l.level === 'error')).toMatchObject([{ msg: 'activity.flush-failed', fields: { events: 2 } }]);
    await writer.stop();
  });
});

describe('withLockWait', () => {
  it('fails with SQLITE_BUSY after its wait instead of the busy timeout, and restores the timeout', () => {
    other.exec('BEGIN IMMEDIATE');
    const started = Date.now();
    expect(() => withLockWait(database.sqlite, 10, () => database.sqlite.transaction(() => undefined).immediate())).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(database.sqlite.pragma('busy_timeout', { simple: true })).toBe(5000);
    other.exec('COMMIT');
    expect(withLockWait(database.sqlite, 10, () => database.sqlite.transaction(() => 7).immediate())).toBe(7);
  });
});
