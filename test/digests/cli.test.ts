// `pulse digest`: writes the embed JSON and the chart PNG for the last complete period.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { replayFile } from '../../src/activity/replay.js';
import { UsageError } from '../../src/command-line.js';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { migrate, openDatabase } from '../../src/db/open.js';
import type { ReportQuery } from '../../src/digests/content.js';
import { digestCli } from '../../src/digests/cli.js';
import { recordNativeVote } from '../../src/polls/store.js';
import { closeSurvey, createSurvey, openSurvey } from '../../src/surveys/store.js';
import { busyReport } from './fixtures.js';

describe('pulse digest', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pulse-digest-'));
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
  });

  const config = () => loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'pulse.db')}` }, { needsDiscord: false });

  /** Something recorded for the guild: without it the command says there is no data. */
  async function seedActivity(): Promise<void> {
    const path = join(dir, 'join.jsonl');
    writeFileSync(path, `${JSON.stringify({ at: '2026-10-02T10:00:00Z', t: 'GUILD_MEMBER_ADD', d: { guild_id: '200000000000000001', user: { id: '200000000000000101' } } })}\n`);
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await replayFile(database, path);
    await database.close();
  }

  it('says so and writes nothing for a server with no recorded activity', async () => {
    const database = openDatabase(join(dir, 'pulse.db'));
    await migrate(database.db);
    await database.close();
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const command = digestCli(() => () => busyReport('2026-11-16', '2026-11-22'), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    const out = join(dir, 'out');
    expect(await command.run(['--guild', '200000000000000001', '--out', out], config())).toBe(1);
    expect(errors[0]).toMatch(/^No activity is recorded for server 200000000000000001 in /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a DATABASE_URL naming no file (and creates none), and an --out that is a file', async () => {
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void errors.push(a.join(' ')));
    const command = digestCli(() => () => busyReport('2026-11-16', '2026-11-22'), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    const missing = loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'typo', 'pulse.db')}` }, { needsDiscord: false });
    expect(await command.run(['--guild', '200000000000000001'], missing)).toBe(1);
    expect(errors).toEqual([`No database at ${join(dir, 'typo', 'pulse.db')} (DATABASE_URL).`]);
    expect(existsSync(join(dir, 'typo'))).toBe(false);

    await seedActivity();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'mine');
    await expect(command.run(['--guild', '200000000000000001', '--out', file], config())).rejects.toThrow(new UsageError(`--out must be a folder: ${file} is a file.`));
    expect(readFileSync(file, 'utf8')).toBe('mine');
  });

  it('writes under data/digests/ when no --out is given', async () => {
    await seedActivity();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const command = digestCli(() => (q) => busyReport(q.from, q.to, { timezone: q.timezone }), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
      expect(await command.run(['--guild', '200000000000000001'], config())).not.toBe(1);
      expect(existsSync(join(dir, 'data', 'digests', 'digest-200000000000000001-week-2026-11-16', 'digest.png'))).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });

  it('writes embed.json, report.json and digest.png for the last complete month', async () => {
    await seedActivity();
    const queries: ReportQuery[] = [];
    const command = digestCli(() => (q) => {
      queries.push(q);
      return busyReport(q.from, q.to, { timezone: q.timezone });
    }, new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    expect(command.needsDiscord).toBe(false);
    const out = join(dir, 'out');
    await command.run(['--guild', '200000000000000001', '--period', 'month', '--tz', 'America/New_York', '--out', out], config());
    expect(queries.map((q) => [q.from, q.to, q.timezone])).toEqual([
      ['2026-10-01', '2026-10-31', 'America/New_York'],
      ['2026-09-01', '2026-09-30', 'America/New_York'],
    ]);
    const embed = JSON.parse(readFileSync(join(out, 'embed.json'), 'utf8')) as { title: string };
    expect(embed.title).toBe('Monthly digest: October 2026');
    expect(readFileSync(join(out, 'digest.png')).subarray(1, 4).toString()).toBe('PNG');
    expect(existsSync(join(out, 'report.json'))).toBe(true);
  });

  it('--tz is taken as /settings takes a zone (any case, spaces, a city, an old name) and used by its current name', async () => {
    await seedActivity();
    const queries: ReportQuery[] = [];
    const command = digestCli(() => (q) => {
      queries.push(q);
      return busyReport(q.from, q.to, { timezone: q.timezone });
    }, new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    for (const [typed, zone] of [['america/new york', 'America/New_York'], ['Calcutta', 'Asia/Kolkata']] as const) {
      const out = join(dir, `out-${zone.replace('/', '-')}`);
      await command.run(['--guild', '200000000000000001', '--period', 'day', '--tz', typed, '--out', out], config());
      const embed = JSON.parse(readFileSync(join(out, 'embed.json'), 'utf8')) as { footer: { text: string } };
      expect(embed.footer.text).toContain(zone);
      expect(queries.at(-1)?.timezone).toBe(zone);
    }
  });

  it("embed.json is the embed the bot posts: with the period's surveys", async () => {
    await seedActivity();
    // A survey staff ran in October, as the surveys slice stores it.
    const database = openDatabase(join(dir, 'pulse.db'));
    const at = (iso: string) => Date.parse(iso);
    const definition = { title: 'Team pulse', anonymous: false, responses: 'one' as const, editable: false, questions: [{ id: 'ok', type: 'yesno' as const, label: 'All good?', required: true }] };
    const survey = (await createSurvey(database.db, { guildId: '200000000000000001', authorId: '200000000000000101', definition, now: at('2026-10-05T10:00:00Z') }))!;
    await openSurvey(database.db, survey.id, { channelId: '200000000000000201', roleId: null, closesAt: null, now: at('2026-10-06T10:00:00Z') });
    await closeSurvey(database.db, survey.id, at('2026-10-20T10:00:00Z'), null, 10);
    await database.close();

    const command = digestCli(() => (q) => busyReport(q.from, q.to, { timezone: q.timezone }), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    const out = join(dir, 'out');
    await command.run(['--guild', '200000000000000001', '--period', 'month', '--out', out], config());
    const embed = JSON.parse(readFileSync(join(out, 'embed.json'), 'utf8')) as { fields: Array<{ name: string; value: string }> };
    const surveys = embed.fields.find((f) => f.name === '📋 Surveys');
    expect(surveys?.value).toMatch(/Team pulse/);
    expect(surveys?.value).toMatch(/closed/);
  });

  it('embed.json counts the votes on native polls cast in the period', async () => {
    await seedActivity();
    const database = openDatabase(join(dir, 'pulse.db'));
    const vote = (messageId: string, userId: string, iso: string) =>
      recordNativeVote(database.db, { guildId: '200000000000000001', channelId: '200000000000000201', messageId, userId, answerId: 1 }, Date.parse(iso));
    await vote('200000000000000301', '200000000000000101', '2026-10-05T10:00:00Z');
    await vote('200000000000000301', '200000000000000102', '2026-10-06T10:00:00Z');
    await vote('200000000000000302', '200000000000000102', '2026-10-20T10:00:00Z');
    await vote('200000000000000303', '200000000000000103', '2026-11-02T10:00:00Z'); // November: not in October's digest
    await database.close();

    const command = digestCli(() => (q) => busyReport(q.from, q.to, { timezone: q.timezone }), new ManualClock(Date.parse('2026-11-23T14:00:00Z')));
    const out = join(dir, 'out');
    await command.run(['--guild', '200000000000000001', '--period', 'month', '--out', out], config());
    const embed = JSON.parse(readFileSync(join(out, 'embed.json'), 'utf8')) as { fields: Array<{ name: string; value: string }> };
    expect(embed.fields.find((f) => f.name === '🗳️ Polls closed')?.value).toBe('None in this period.\nNative polls: 3 votes by 2 members in 2 polls');
  });

  it.each([
    [[], '--guild'],
    [['--guild', '12'], '--guild'],
    [['--guild', '200000000000000001', '--period', 'year'], '--period'],
    [['--guild', '200000000000000001', '--tz', 'Mars/Base'], '--tz'],
    [['--guild', '200000000000000001', '--bogus'], 'bogus'],
  ])('refuses %j', async (args, mention) => {
    const run = digestCli(() => () => busyReport('2026-11-16', '2026-11-22')).run(args, config());
    await expect(run).rejects.toThrow(UsageError);
    await expect(digestCli(() => () => busyReport('2026-11-16', '2026-11-22')).run(args, config())).rejects.toThrow(mention);
  });
});
