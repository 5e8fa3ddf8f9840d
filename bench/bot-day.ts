// `npm run bench`, the bot day (its own process, so its peak RSS is the bot's): on the bench
// database at argv[2], the live ingest path runs at a steady 2,000 events/s from gateway-shaped
// JSON (messages, reactions, voice, threads, joins and leaves), a simulated interaction arrives
// every 20 ms and is acknowledged after the settings read a handler does, and in the same window
// a 90-day /insights, a monthly digest with its chart, /privacy show, an export and the opt-out
// of the heaviest member run through the worker pool and the opt-out job, as in the app.
// Prints `name value unit` lines.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { pino } from 'pino';
import { Ingestor } from '../src/activity/ingest.js';
import { ActivityStore } from '../src/activity/store.js';
import { numberedTotals } from '../src/activity/totals-store.js';
import { UPKEPT_MERGE_AT, writerUpkeep } from '../src/activity/upkeep.js';
import { ActivityWriter } from '../src/activity/writer.js';
import { followCheckpoints } from '../src/db/checkpoints.js';
import { writeStep } from '../src/db/exclusive.js';
import { openDatabase } from '../src/db/open.js';
import { openReadOnly } from '../src/db/read-only.js';
import { buildDigest } from '../src/digests/content.js';
import { digestFigures, insightsReports } from '../src/digests/reports.js';
import { privacyEntries, privacyEntry } from '../src/privacy/entries.js';
import { OptOutRunner } from '../src/privacy/service.js';
import { beginOptOut, finishOptOut } from '../src/privacy/store.js';
import { getSettings } from '../src/settings/store.js';
import { WorkerPool } from '../src/workers/pool.js';
import { GATEWAY_LOCK_WAIT_MS } from '../src/db/exclusive.js';
import { t } from '../src/i18n/index.js';
import { BENCH_GUILD, channelId, rng, snowflake, userId } from './generate.js';

const path = process.argv[2];
if (!path) throw new Error('usage: bench/bot-day.ts DATABASE');
// Every module the bot loads (discord.js, every slice), so the RSS counts the bot's code; what
// is not here is discord.js's caches of a live gateway session (no gateway in this process).
await import('../src/app.js');
const rssLoaded = process.memoryUsage().rss;
const END = Date.parse('2026-11-01T00:00:00Z');
const RATE = 2000;
const logger = pino({ level: 'silent' });
const database = openDatabase(path);
// As the app: the pool's first worker runs the checkpoints.
const pool = new WorkerPool({ databasePath: path, size: Number(process.env.PULSE_WORKERS ?? '1'), logger, inline: database, niceness: Number(process.env.BENCH_WORKER_NICE ?? '0'), checkpointMs: 1000 });
const checkpoints = followCheckpoints(database, pool);
pool.warm();
// As the activity feature: the pool merges the hours in parts (the writer only as a backstop).
const store = new ActivityStore(database.sqlite, { gate: database.gate, mergeAt: UPKEPT_MERGE_AT });
// The longest main-thread turn of each kind in the window (where a stall would come from).
const longest = new Map<string, number>();
let measuring = false;
function timedTurn<A extends unknown[], R>(label: string, fn: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    const t0 = performance.now();
    try {
      return fn(...args);
    } finally {
      if (measuring) longest.set(label, Math.max(longest.get(label) ?? 0, performance.now() - t0));
    }
  };
}
// The longest writer flushes: when in the window, how many events, and the GC inside them.
const slowFlushes: Array<{ ms: number; at: number; events: number; from: number; to: number }> = [];
const applyBatch = timedTurn('writer flush', store.applyBatch.bind(store));
store.applyBatch = (events) => {
  const t0 = performance.now();
  const out = applyBatch(events);
  const t1 = performance.now();
  if (measuring) slowFlushes.push({ ms: t1 - t0, at: (t0 - windowStart) / 1000, events: events.length, from: t0, to: t1 });
  if (slowFlushes.length > 3) slowFlushes.sort((x, y) => y.ms - x.ms).pop();
  return out;
};
const writer = new ActivityWriter(store, { logger, lockWaitMs: GATEWAY_LOCK_WAIT_MS });
const ingestor = new Ingestor(writer);

// The heaviest member, from the per-member totals, before the measured window (on a connection
// of its own: reading them on this one would fill the main connection's page cache as the bot's
// never is). One pass over the totals' rows keeping only the top: a map of every member by id,
// built here, was still garbage in this heap when the window began (54 MB used, 29 MB after its
// first full collection), and the bot never builds one.
const heavy = await (async () => {
  const read = openReadOnly(path);
  try {
    let top = { number: -1, events: -1 };
    for (const [number, [messages, reactions]] of numberedTotals(read.sqlite, BENCH_GUILD)) if (messages + reactions > top.events) top = { number, events: messages + reactions };
    const user_id = read.sqlite.prepare(`SELECT id FROM activity_ids WHERE guild_id = ? AND idx = ?`).pluck().get(BENCH_GUILD, top.number) as string;
    return { user_id };
  } finally {
    await read.close();
  }
})();

// Gateway-shaped payloads, as JSON text (parsed on arrival like the gateway's).
const rand = rng(99);
let seq = 9_000_000;
// BOTDAY_START_DAYS: days after the generated 90 at which the live bot's clock starts. Default
// 12: after the hours `npm run bench` ingests (days 0-2) and replays (days 10-11) before it, so the
// bot writes its own hours as a live bot does; 2 puts it in the ingested hours (left in many
// uncompacted parts), which shows what busy uncompacted hours cost.
let clock = END + Number(process.env.BOTDAY_START_DAYS ?? '12') * 86_400_000;
function payload(): string {
  const at = (clock += 500);
  const member = Math.floor(50_000 * Math.pow(rand(), 2.2));
  const user = { id: userId(member) };
  const x = rand();
  let t: string;
  let d: unknown;
  if (x < 0.55) [t, d] = ['MESSAGE_CREATE', { id: snowflake(at, seq++), guild_id: BENCH_GUILD, channel_id: channelId(member % 50), author: user, timestamp: new Date(at).toISOString(), attachments: [], type: 0, member: {} }];
  else if (x < 0.88) [t, d] = ['MESSAGE_REACTION_ADD', { guild_id: BENCH_GUILD, channel_id: channelId(1), message_id: snowflake(at - 5000, seq - 3), user_id: user.id, message_author_id: userId(member % 100), emoji: { id: null, name: '👍' }, member: { user } }];
  else if (x < 0.95) [t, d] = ['VOICE_STATE_UPDATE', { guild_id: BENCH_GUILD, channel_id: rand() < 0.5 ? channelId(60) : null, user_id: user.id, session_id: 's', member: { user } }];
  else if (x < 0.97) [t, d] = ['THREAD_CREATE', { id: snowflake(at, seq++), guild_id: BENCH_GUILD, parent_id: channelId(2), owner_id: user.id, newly_created: true, type: 11 }];
  else if (x < 0.99) [t, d] = ['GUILD_MEMBER_ADD', { guild_id: BENCH_GUILD, user: { id: userId(60_000 + seq++) }, joined_at: new Date(at).toISOString() }];
  else [t, d] = ['GUILD_MEMBER_REMOVE', { guild_id: BENCH_GUILD, user }];
  return JSON.stringify({ t, d, op: 0, s: seq });
}

// The main thread's longest garbage collection pause (a stall source of its own).
let gcMax = { ms: 0, kind: 0 };
const gcSpans: Array<[number, number]> = [];
const gcs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    if (measuring) gcSpans.push([e.startTime, e.startTime + e.duration]);
    if (e.duration > gcMax.ms) gcMax = { ms: e.duration, kind: ((e as { detail?: { kind?: number } }).detail?.kind ?? 0) };
  }
});
const gcWithin = (from: number, to: number) => gcSpans.reduce((ms, [a, b]) => ms + Math.max(0, Math.min(b, to) - Math.max(a, from)), 0);
gcs.observe({ entryTypes: ['gc'] });
const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
// Where the longest stalls were, and whether this thread was on a CPU through them: a tick every
// 5 ms compares the wall time since the last tick with the main thread's own CPU time. A stall
// the thread spent running is Pulse's work; one it spent off the CPU is the host's (or the
// kernel's) scheduling, which no code change here can shorten.
const TICK_MS = 5;
const stalls: Array<{ ms: number; at: number; cpuMs: number }> = [];
let lastTick = { wall: performance.now(), cpu: process.threadCpuUsage() };
const tickTimer = setInterval(() => {
  const now = { wall: performance.now(), cpu: process.threadCpuUsage() };
  const ms = now.wall - lastTick.wall - TICK_MS;
  if (measuring && ms > 15) {
    const cpuMs = (now.cpu.user + now.cpu.system - lastTick.cpu.user - lastTick.cpu.system) / 1000;
    stalls.push({ ms, at: (lastTick.wall - windowStart) / 1000, cpuMs });
    if (stalls.length > 3) stalls.sort((x, y) => y.ms - x.ms).pop();
  }
  lastTick = now;
}, TICK_MS);
let peakRss = process.memoryUsage().rss;
let peakAt = 0;
let windowStart = performance.now();
const rssTimer = setInterval(() => {
  const rss = process.memoryUsage().rss;
  if (rss > peakRss) [peakRss, peakAt] = [rss, performance.now() - windowStart];
}, 50);
let ingested = 0;
const ingestTimer = setInterval(
  timedTurn('gateway events (20)', () => {
    for (let i = 0; i < RATE / 100; i++) {
      const packet = JSON.parse(payload()) as { t: string; d: unknown };
      ingestor.ingest({ t: packet.t, d: packet.d, at: clock });
      ingested++;
    }
  }),
  10,
);
// The writer's background turn, every 2 s, as the activity feature takes it (which finds the
// hours in parts on start): on this thread, the totals' fold and the storing of merged hours.
store.findPartedHours();
store.totals.foldSome = timedTurn('totals fold', store.totals.foldSome.bind(store.totals));
store.applyMergedHour = timedTurn('merged hour stored', store.applyMergedHour.bind(store));
const upkeep = writerUpkeep(store, pool, logger);
const maintenance = setInterval(() => upkeep.turn(clock), 2000);
const acks: number[] = [];
const interactionTimer = setInterval(() => {
  const arrived = performance.now();
  void getSettings(database.db, BENCH_GUILD).then(() => acks.push(performance.now() - arrived));
}, 20);

const runner = new OptOutRunner({
  entries: privacyEntries,
  logger,
  dropAtTheDoor: (g, u) => store.markOptedOut(g, u),
  record: (job) => beginOptOut(database.db, job),
  scan: async (entry, guildId, userId, size, onKeys) =>
    void (await pool.run('privacy-scan', { guildId, userId, entry, size }, { onChunk: timedTurn('opt-out keys arriving', (c: unknown) => onKeys(c as unknown[][])), timeoutMs: 600_000 })),
  write: (entry, guildId, userId, keys) => writeStep(database.sqlite, database.gate, timedTurn(`opt-out step (${entry})`, () => privacyEntry(entry).apply!(database.sqlite, guildId, userId, keys))),
  finish: async (job) => {
    store.forgetMember(job.guildId, job.userId);
    return finishOptOut(database.db, job);
  },
  notify: async () => undefined,
});

const spans: string[] = [];
const timed = async (work: () => Promise<unknown>, label = '') => {
  const t0 = performance.now();
  await work();
  if (label) spans.push(`${label} ${((t0 - windowStart) / 1000).toFixed(1)}-${((performance.now() - windowStart) / 1000).toFixed(1)} s`);
  return (performance.now() - t0) / 1000;
};
const asOf = END + 12 * 3_600_000;
const q = { guildId: BENCH_GUILD, timezone: 'America/New_York', asOf };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const exportPath = join(tmpdir(), `pulse-bench-export-${process.pid}.json`);
let optOut: { keys: number; steps: number; maxStepMs: number; maxStepEntry?: string } = { keys: 0, steps: 0, maxStepMs: 0 };

// The ingest and interactions in their stride, the worker started (its first job loads it).
// Their rows that opt-out deletes (the hourly summaries aside), counted in the worker.
const heavyCounts = await pool.run('privacy-counts', { guildId: BENCH_GUILD, userId: heavy.user_id });
const heavyEvents = privacyEntries.filter((e) => e.fate === 'deleted' && !e.summary && e.name !== 'activity_member_totals').reduce((sum, e) => sum + (heavyCounts[e.name] ?? 0), 0);
const rssStarted = process.memoryUsage().rss;
await sleep(1000);
loop.reset();
measuring = true;
windowStart = performance.now();
gcMax = { ms: 0, kind: 0 };
const results = await Promise.all([
  timed(() => pool.run('report', { ...q, from: '2026-08-03', to: '2026-10-31' }), 'insights'),
  sleep(300).then(() => timed(() => buildDigest(insightsReports(pool), { ...q, period: { kind: 'month', from: '2026-10-01', to: '2026-10-31' } }, { figures: digestFigures(pool) }), 'digest')),
  sleep(600).then(() => timed(() => pool.run('privacy-counts', { guildId: BENCH_GUILD, userId: heavy.user_id }), 'show')),
  sleep(900).then(() => timed(() => pool.run('privacy-export', { guildId: BENCH_GUILD, userId: heavy.user_id, path: exportPath, exportedAt: asOf, note: t('en', 'privacy.export.note') }), 'export')),
  sleep(1200).then(() =>
    timed(async () => {
      const job = { guildId: BENCH_GUILD, userId: heavy.user_id, requestedAt: asOf, notifyToken: null };
      await runner.optOut(job);
      optOut = (await runner.start(job)) ?? optOut;
    }, 'opt-out'),
  ),
]);
await sleep(1000);
measuring = false;
clearInterval(ingestTimer);
clearInterval(maintenance);
clearInterval(interactionTimer);
clearInterval(rssTimer);
clearInterval(tickTimer);
loop.disable();
gcs.disconnect();
const mem = process.memoryUsage();
const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
// Linux: anonymous memory (heaps, caches) versus file pages (the node binary, mapped files).
try {
  const status = readFileSync('/proc/self/status', 'utf8');
  console.error(`# ${['RssAnon', 'RssFile', 'RssShmem'].map((k) => status.match(new RegExp(`${k}:\\s+(\\d+) kB`))?.[0]?.replace(/\s+/g, ' ')).join(', ')}`);
} catch {
  // Not Linux.
}
for (const [i, thread] of pool.threads.entries()) {
  thread.ref();
  const h = await (thread as unknown as { getHeapStatistics(): Promise<{ total_heap_size: number; used_heap_size: number }> }).getHeapStatistics();
  console.error(`# worker ${i} heap: ${mb(h.used_heap_size)} used of ${mb(h.total_heap_size)}`);
}
console.error(`# rss: the bot's modules loaded ${mb(rssLoaded)}; worker thread started ${mb(rssStarted)}; at the end ${mb(mem.rss)} (main heap ${mb(mem.heapTotal)}, external ${mb(mem.external)})`);
await upkeep.stop();
await writer.stop();
await pool.stop();
await checkpoints?.stop();
const left = database.sqlite.prepare(`SELECT count(*) FROM activity_messages WHERE user_id = ?`).pluck().get(heavy.user_id) as number;
await database.close();
rmSync(exportPath, { force: true });

const sorted = [...acks].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
const print = (name: string, value: number, unit: string) => console.log(`${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);
print('botday_loop_stall_max_ms', loop.max / 1e6, 'ms');
print('botday_loop_stall_p99_ms', loop.percentile(99) / 1e6, 'ms');
print('botday_ack_p50_ms', pct(50), 'ms');
print('botday_ack_p99_ms', pct(99), 'ms');
print('botday_ack_max_ms', sorted[sorted.length - 1] ?? 0, 'ms');
print('botday_insights_90d_s', results[0]!, 's');
print('botday_digest_month_s', results[1]!, 's');
print('botday_privacy_show_s', results[2]!, 's');
print('botday_privacy_export_s', results[3]!, 's');
print('botday_opt_out_s', results[4]!, 's');
print('botday_opt_out_member_rows', heavyEvents, 'rows');
print('botday_opt_out_max_step_ms', optOut.maxStepMs, 'ms');
print('botday_opt_out_rows_left', left, 'rows');
console.error(`# opt-out: ${optOut.keys} keys in ${optOut.steps} steps; longest step in ${optOut.maxStepEntry ?? 'none'}`);
console.error(`# peak RSS at ${(peakAt / 1000).toFixed(1)} s into the window; jobs: ${spans.join(', ')}`);
console.error(`# longest main-thread turns: ${[...longest].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)} ms`).join(', ')}`);
console.error(`# longest writer flushes: ${slowFlushes.map((f) => `${f.ms.toFixed(1)} ms at ${f.at.toFixed(1)} s (${f.events} events, GC ${gcWithin(f.from, f.to).toFixed(1)} ms)`).join(', ')}`);
console.error(`# longest stalls: ${stalls.sort((x, y) => y.ms - x.ms).map((x) => `${x.ms.toFixed(1)} ms at ${x.at.toFixed(1)} s (main thread on a CPU ${x.cpuMs.toFixed(1)} ms of it)`).join(', ') || 'none over 15 ms'}`);
console.error(`# longest main-thread GC pause in the window: ${gcMax.ms.toFixed(1)} ms (kind ${gcMax.kind})`);
print('botday_ingested', ingested, 'events');
print('botday_peak_rss', peakRss / 1024 / 1024, 'MB');
