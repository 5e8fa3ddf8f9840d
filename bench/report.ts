// `npm run bench` runs this in its own process (so the generator's and the ingestion's memory
// do not count): the 90-day report of the bench guild, five times in New York and once in
// Kolkata, on the database at argv[2]. Prints one JSON line: times (s), a summary, peak RSS (MB)
// and the largest V8 heap (MB, heapTotal after a run).
import { openDatabase } from '../src/db/open.js';
import { buildReport } from '../src/insights/report.js';
import { BENCH_GUILD } from './generate.js';

const DAYS = 90;
const END = Date.parse('2026-11-01T00:00:00Z');

const path = process.argv[2];
if (!path) throw new Error('usage: bench/report.ts DATABASE');
const database = openDatabase(path);
// Report: 90 days ending the last generated day, as of the next noon.
const asOf = END + 12 * 3_600_000;
const period = { from: new Date(END - DAYS * 86_400_000).toISOString().slice(0, 10), to: new Date(END - 86_400_000).toISOString().slice(0, 10) };
const times: number[] = [];
let report;
let heapMb = 0;
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  report = await buildReport(database, { guildId: BENCH_GUILD, ...period, timezone: 'America/New_York', asOf });
  times.push((performance.now() - t0) / 1000);
  heapMb = Math.max(heapMb, process.memoryUsage().heapTotal / 1e6);
}
const t0 = performance.now();
await buildReport(database, { guildId: BENCH_GUILD, ...period, timezone: 'Asia/Kolkata', asOf });
const kolkata = (performance.now() - t0) / 1000;
await database.close();
console.log(
  JSON.stringify({
    period,
    times,
    kolkata,
    dauAvg: report!.activity.dau_avg,
    mau: report!.activity.mau_end,
    messages: report!.activity.messages,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    heapTotalMb: Math.round(heapMb),
  }),
);
