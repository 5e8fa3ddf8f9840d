// `pulse privacy-opt-out` at its edges: ids of 20 digits and --wait 3600 are taken; the records
// it says the job will delete or anonymise leave out what opt-out keeps; a bot whose last
// heartbeat is older than 30 s is not running (nothing to wait for); privacy-export's file is
// valid JSON and the row count it prints is the file's.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityStore } from '../../src/activity/store.js';
import { runCli } from '../../src/cli.js';
import { openDatabase } from '../../src/db/open.js';
import { cliDatabase, removeCliDatabase } from './cli-setup.js';

const GUILD = '111111111111111111';
const ANA = '222222222222222201';
/** A member id of 20 digits (Discord's ids grow past 19 digits in time). */
const LONG = '12345678901234567890';

describe('pulse privacy-opt-out edges', () => {
  let dir: string;
  let printed: string[];
  beforeEach(async () => void ({ dir, printed } = await cliDatabase('pulse-privacy-edges-')));
  afterEach(() => removeCliDatabase(dir));
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` });
  const jobs = () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    try {
      return database.sqlite.prepare(`SELECT user_id FROM privacy_opt_out_jobs ORDER BY user_id`).pluck().all();
    } finally {
      database.sqlite.close();
    }
  };

  it('takes a 20-digit member id and --wait 3600', async () => {
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', LONG, '--wait', '3600'], env())).toBe(0);
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^Opted out member ${LONG} in server ${GUILD}, who has no records in Pulse`))]);
    expect(jobs()).toEqual([LONG]);
  });

  it('counts only the records the job deletes or anonymises: a member with kept rows only has 0', async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    // A poll the member created: kept on opt-out (polls.author_id), as docs/privacy.md says.
    database.sqlite
      .prepare(`INSERT INTO polls (guild_id, channel_id, author_id, question, choices, multiple, max_choices, anonymous, hide_results, created_at, status) VALUES (?, ?, ?, 'Lunch?', '["a","b"]', 0, 1, 0, 0, ?, 'open')`)
      .run(GUILD, '333333333333333301', LONG, Date.now());
    database.sqlite.close();
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', LONG, '--wait', '0'], env())).toBe(0);
    expect(printed).toEqual([`Opted out member ${LONG} in server ${GUILD} (0 records to delete or anonymise). The bot is not running: it does so when it next starts (npm start), and records nothing about the member meanwhile.`]);
  });

  it('a bot whose last heartbeat is 31 s old is not running: said at once, without waiting', async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    const store = new ActivityStore(database.sqlite);
    store.beginListening(Date.now() - 60_000);
    database.sqlite.prepare(`UPDATE activity_listening SET heartbeat_at = ?`).run(Date.now() - 31_000);
    database.sqlite.close();
    const started = Date.now();
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', '2'], env())).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^Opted out member ${ANA} in server ${GUILD} \\(\\d+ records to delete or anonymise\\)\\. The bot is not running: `))]);
    expect(jobs()).toEqual([ANA]);
  });

  it('privacy-export says how many rows it wrote, as the file holds them, in valid JSON', async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    const at = Date.parse('2026-11-02T12:00:00Z');
    new ActivityStore(database.sqlite).applyBatch(
      [0, 1, 2].map((i) => ({ kind: 'message' as const, guildId: GUILD, at: at + i * 60_000, messageId: String(810000000000000000n + BigInt(i)), channelId: '333333333333333301', userId: LONG, replyToId: null, hasAttachment: false })),
    );
    database.sqlite.close();
    const out = join(dir, 'long.json');
    expect(await runCli(['privacy-export', '--guild', GUILD, '--user', LONG, '--out', out], env())).toBe(0);
    const data = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(data['activity_messages']).toHaveLength(3);
    const rows = Object.values(data).filter(Array.isArray).reduce((n, list) => n + (list as unknown[]).length, 0);
    expect(rows).toBeGreaterThanOrEqual(3);
    expect(printed).toEqual([`Wrote ${out}: ${rows} rows. Give it to the member privately: it is everything Pulse keeps about them in this server.`]);
  });
});
