// `pulse privacy-opt-out` while a bot runs on the database: it tells a bot of an older Pulse
// (one that lacks what this command migrated in, and may not pick the job up) from a current one,
// and counts the member's rows without decoding the server's every hour (the summary entry).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ActivityStore } from '../../src/activity/store.js';
import { runCli } from '../../src/cli.js';
import { botMigration, KNOWN_MIGRATION, openDatabase } from '../../src/db/open.js';
import { cliDatabase, removeCliDatabase } from './cli-setup.js';
import { privacyEntry } from '../../src/privacy/entries.js';

const GUILD = '111111111111111111';
const ANA = '222222222222222201';

describe('pulse privacy-opt-out with a bot running', () => {
  let dir: string;
  let printed: string[];
  beforeEach(async () => void ({ dir, printed } = await cliDatabase('pulse-privacy-running-')));
  afterEach(() => removeCliDatabase(dir));
  const env = () => ({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` });

  /** A bot listening now, started by a Pulse that knew migrations up to `mark` (0: one from before the mark). */
  function botRunning(mark: number | 'this'): void {
    const database = openDatabase(join(dir, 'pulse.db'));
    if (mark === 'this') new ActivityStore(database.sqlite).beginListening(Date.now());
    else {
      database.sqlite.prepare(`INSERT INTO activity_listening (started_at, heartbeat_at) VALUES (?, ?)`).run(Date.now(), Date.now());
      database.sqlite.pragma(`user_version = ${mark}`);
    }
    database.sqlite.close();
  }

  it('the bot records, when it starts listening, the latest migration its Pulse knows', () => {
    botRunning('this');
    const database = openDatabase(join(dir, 'pulse.db'));
    try {
      expect(KNOWN_MIGRATION).toBeGreaterThanOrEqual(26);
      expect(botMigration(database.sqlite)).toBe(KNOWN_MIGRATION);
    } finally {
      database.sqlite.close();
    }
  });

  it('says an older running bot must be restarted to carry out the job, without waiting for it', async () => {
    for (const mark of [0, KNOWN_MIGRATION - 1]) {
      printed.length = 0;
      botRunning(mark);
      const started = Date.now();
      expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', '20'], env())).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(printed).toEqual([
        expect.stringMatching(new RegExp(`^Opted out member ${ANA} in server ${GUILD} \\(\\d+ records to delete or anonymise\\)\\. The running bot is an older Pulse: restart it to carry out the job`)),
      ]);
    }
    // The opt-out and its job are recorded all the same, for the restarted bot.
    const database = openDatabase(join(dir, 'pulse.db'));
    try {
      expect(database.sqlite.prepare(`SELECT user_id FROM privacy_opt_out_jobs WHERE guild_id = ?`).pluck().all(GUILD)).toEqual([ANA]);
    } finally {
      database.sqlite.close();
    }
  });

  it('waits for a current running bot (here it never picks the job up: the job is left to it)', async () => {
    botRunning('this');
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', '0'], env())).toBe(0);
    expect(printed).toEqual([expect.stringMatching(/\. The running bot is at it \(privacy\.opt-out-\* in its log\)/)]);
  });

  it("never counts the hourly summary (a decode of every hour of the server) while the bot may run", async () => {
    const hours = vi.spyOn(privacyEntry('activity_hours'), 'count');
    botRunning('this');
    expect(await runCli(['privacy-opt-out', '--guild', GUILD, '--user', ANA, '--wait', '0'], env())).toBe(0);
    // A server and a member Pulse has no rows for: knownServer counts the member's rows too.
    expect(await runCli(['privacy-opt-out', '--guild', '999999999999999999', '--user', ANA, '--wait', '0'], env())).toBe(1);
    expect(await runCli(['privacy-export', '--guild', '999999999999999999', '--user', ANA, '--out', join(dir, 'x.json')], env())).toBe(1);
    expect(hours).not.toHaveBeenCalled();
  });
});
