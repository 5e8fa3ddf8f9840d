// `npm run bench`: ingestion throughput, 90-day report time, database size, peak RSS (of the
// report in its own process, and of this one), on a
// generated guild of 50,000 members and 10 million events over 90 days (cached in bench/out/).
// BENCH_SCALE=0.05 runs a quick check at 5% of the events.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Ingestor } from '../src/activity/ingest.js';
import { ActivityStore } from '../src/activity/store.js';
import { ActivityWriter } from '../src/activity/writer.js';
import { BOT_ENV, BOT_NODE_FLAGS } from '../src/bot-process.js';
import { migrate, openDatabase } from '../src/db/open.js';
import { bundle } from '../scripts/build.mjs';
import { BENCH_GUILD, channelId, fill, rng, snowflake, userId } from './generate.js';

const scale = Number(process.env.BENCH_SCALE ?? '1');
const MEMBERS = 50_000;
const EVENTS = Math.round(10_000_000 * scale);
const DAYS = 90;
const END = Date.parse('2026-11-01T00:00:00Z');
const INGEST = Math.max(50_000, Math.round(200_000 * Math.min(1, scale * 4)));
/** A busy evening: four times the generated guild's average hourly rate. */
const INGEST_PER_HOUR = Math.max(1000, Math.round(((EVENTS / DAYS / 24) * 4)));

const print = (name: string, value: number, unit: string) => console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
const info = (text: string) => console.error(`# ${text}`);

async function main(): Promise<void> {
  const dir = join(import.meta.dirname, 'out');
  mkdirSync(dir, { recursive: true });
  const cached = join(dir, `guild-${EVENTS}-live.db`);
  if (!existsSync(cached)) {
    info(`generating ${EVENTS.toLocaleString('en-US')} events for ${MEMBERS.toLocaleString('en-US')} members over ${DAYS} days…`);
    const tmp = `${cached}.tmp`;
    rmSync(tmp, { force: true });
    const database = openDatabase(tmp);
    await migrate(database.db);
    const started = performance.now();
    let last = started;
    const store = new ActivityStore(database.sqlite);
    fill(store, { members: MEMBERS, events: EVENTS, days: DAYS, end: END }, (n) => {
      if (performance.now() - last > 5000) {
        last = performance.now();
        info(`  ${n.toLocaleString('en-US')} events, ${Math.round(n / ((last - started) / 1000)).toLocaleString('en-US')}/s`);
      }
    });
    const parts = database.sqlite.prepare('SELECT count(*) FROM activity_hours').pluck().get() as number;
    // What the bot's background compaction does between flushes.
    while (store.compactSome(Number.MAX_SAFE_INTEGER, 1000) > 0);
    store.totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY });
    info(`rollup parts written by the live batch size: ${parts.toLocaleString('en-US')}, compacted to ${(database.sqlite.prepare('SELECT count(*) FROM activity_hours').pluck().get() as number).toLocaleString('en-US')} hours`);
    database.sqlite.pragma('wal_checkpoint(TRUNCATE)');
    await database.close();
    renameSync(tmp, cached);
    info(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  const sizeBytes = statSync(cached).size;

  // Work on a copy so the cache stays pristine.
  const work = join(dir, 'work.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
  const copy = openDatabase(cached);
  await copy.sqlite.backup(work);
  await copy.close();
  // Let the 1 GB copy reach the disk first: its write-back would compete with the measurements.
  toDisk(work);
  const database = openDatabase(work);
  await migrate(database.db);
  const counts = database.sqlite
    .prepare(`SELECT (SELECT sum(length(records)) / 24 FROM activity_hours) AS hours, (SELECT count(*) FROM activity_messages) AS messages`)
    .get() as { hours: number; messages: number };
  info(`database: ${(sizeBytes / 1e6).toFixed(0)} MB, ${counts.messages.toLocaleString('en-US')} messages, ${counts.hours.toLocaleString('en-US')} member-channel-hour records`);

  // The measured processes run the built bundle, as `npm start` and `npm run pulse` do (plain
  // JavaScript in every thread: no TypeScript loader in their memory).
  const built = await bundle(join(dir, 'dist'), ['bench/report.ts', 'bench/replay.ts', 'bench/bot-day.ts']);
  // The report and the bot day stand for the bot: they run as `pulse start` runs it, with
  // BOT_NODE_FLAGS (2 MB semi-spaces: up to ~100 MB less RSS across the threads, for more
  // frequent, shorter scavenges) and BOT_ENV (glibc's malloc in two arenas). The replay runs as
  // `npm run pulse -- replay` does: with Node's defaults.
  const run = (name: string) => {
    const bot = name !== 'replay';
    const flags = bot ? BOT_NODE_FLAGS : [];
    return spawnSync(process.execPath, [...flags, join(built, `${name}.mjs`), work, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...(bot ? BOT_ENV : {}) } });
  };

  // Report: in its own process (bench/report.ts), so its peak RSS is the report's alone, not the
  // generator's or the ingestion's.
  await database.close();
  const child = run('report');
  if (child.status !== 0) throw new Error(`bench/report.ts failed (${child.status})`);
  const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as { period: { from: string; to: string }; times: number[]; kolkata: number; dauAvg: number; mau: number; messages: number; peakRssMb: number };
  const { times, kolkata } = r;
  info(`report ${r.period.from}..${r.period.to}: DAU avg ${r.dauAvg.toFixed(0)}, MAU ${r.mau}, messages ${r.messages}; runs ${times.map((t) => t.toFixed(3)).join(', ')} s`);
  const reopened = openDatabase(work);

  // Ingestion: raw gateway payloads through zod, the ingestor and the real writer (the bot's
  // batch size), after the generated days at four times the guild's average rate, then the
  // same events again (all duplicates).
  const makeDispatches = (from: number, seqBase: number, seed: number) => {
    const rand = rng(seed);
    const out: Array<{ t: string; d: unknown; at: number }> = [];
    for (let i = 0; i < INGEST; i++) {
      const at = from + Math.floor((i / INGEST_PER_HOUR) * 3_600_000);
      const member = Math.floor(MEMBERS * Math.pow(rand(), 2.2));
      const user = { id: userId(member) };
      if (i % 3 === 2) {
        out.push({ t: 'MESSAGE_REACTION_ADD', at, d: { guild_id: BENCH_GUILD, channel_id: channelId(1), message_id: snowflake(at - 1000, seqBase + i - 1), user_id: user.id, message_author_id: userId(1), emoji: { id: null, name: '👍' }, member: { user } } });
      } else {
        out.push({ t: 'MESSAGE_CREATE', at, d: { id: snowflake(at, seqBase + i), guild_id: BENCH_GUILD, channel_id: channelId(rand() < 0.7 ? member % 50 : i % 50), author: user, timestamp: new Date(at).toISOString(), attachments: [] } });
      }
    }
    return out;
  };
  const ingest = (dispatches: Array<{ t: string; d: unknown; at: number }>) => {
    const store = new ActivityStore(reopened.sqlite);
    const writer = new ActivityWriter(store, { timer: false, batchSize: 1000 });
    const ingestor = new Ingestor(writer);
    const started = performance.now();
    for (const d of dispatches) {
      ingestor.ingest(d);
      if (writer.pending >= 1000) writer.flush();
    }
    writer.flush();
    const seconds = (performance.now() - started) / 1000;
    return { rate: dispatches.length / seconds, totals: writer.totals };
  };
  let dispatches = makeDispatches(END, 3_000_000, 7);
  const fresh = ingest(dispatches);
  const again = ingest(dispatches);
  info(`ingested ${dispatches.length.toLocaleString('en-US')}: stored ${fresh.totals.stored}, then duplicates ${again.totals.duplicates}`);
  // New events again on the now warm connection: the steady state of a running bot, whose
  // page cache holds the B-tree pages the writer touches (the first run starts cold).
  dispatches = makeDispatches(END + 2 * 86_400_000, 3_500_000, 8);
  const warm = ingest(dispatches);
  dispatches = [];
  // The bot's background turn folds the per-member totals' log every 2 s; these untimed runs
  // have none, so their ~400 batch rows are folded here, as the bot would have by now (left
  // in the log, the replay measured next folded them, 64 rows a step: ~25% of its time).
  new ActivityStore(reopened.sqlite).totals.foldSome({ budgetMs: Number.POSITIVE_INFINITY, rows: 1000 });

  print('ingest_events_per_s', Math.round(warm.rate), 'events/s');
  print('ingest_cold_events_per_s', Math.round(fresh.rate), 'events/s');
  print('ingest_duplicates_per_s', Math.round(again.rate), 'events/s');
  print('report_90d_first_s', times[0]!, 's');
  print('report_90d_median_s', [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)]!, 's');
  print('report_90d_kolkata_s', kolkata, 's');
  print('db_size_per_million_events', sizeBytes / 1e6 / (EVENTS / 1e6), 'MB');
  print('db_size', sizeBytes / 1e6, 'MB');
  print('events', EVENTS, 'events');
  print('rollup_records', counts.hours, 'records');
  print('peak_rss_report', r.peakRssMb, 'MB');
  print('peak_rss_bench', process.resourceUsage().maxRSS / 1024, 'MB');
  await reopened.close();
  // The same before each measured process: the ingest's writes (and then the replay's) reach the
  // disk first, or their write-back slows the next process's own writes (the replay: ~20%).
  toDisk(work);

  // `pulse replay` end to end, in its own process (its peak RSS is the replay's).
  const replay = run('replay');
  if (replay.status !== 0) throw new Error(`bench/replay.ts failed (${replay.status})`);
  process.stdout.write(replay.stdout);

  toDisk(work);
  // The bot day: live ingest, interactions and every heavy command at once, in its own process.
  const day = run('bot-day');
  if (day.status !== 0) throw new Error(`bench/bot-day.ts failed (${day.status})`);
  process.stdout.write(day.stdout);
  for (const suffix of ['', '-wal', '-shm']) rmSync(work + suffix, { force: true });
}

await main();

/** Flushes a file's written pages to the disk. */
function toDisk(path: string): void {
  const fd = openSync(path, 'r');
  fsyncSync(fd);
  closeSync(fd);
}
