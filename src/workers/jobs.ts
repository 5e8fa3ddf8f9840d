// The jobs the worker pool runs, each a function of a read handle: reports, digest charts, the
// privacy reads (counts, export, opt-out scans) and the merging of rollup hours. The same code
// runs inline when there is no pool (an in-memory database, PULSE_WORKERS=0).
import { isMainThread } from 'node:worker_threads';
import type { MergedHour } from '../activity/hour-merge-store.js';
import { openReadOnlySibling, type ReadHandle } from '../db/read-only.js';
import type { Language } from '../i18n/index.js';
import type { ReportOptions } from '../insights/report.js';
import type { Report } from '../insights/report-types.js';
import type { QuestionResult } from '../surveys/scoring.js';

export type { ReadHandle };

interface PrivacyQuery {
  guildId: string;
  userId: string;
}

export interface Jobs {
  report: { input: ReportOptions; output: Report };
  'digest-figures': { input: { current: ReportOptions; previous: ReportOptions; language?: Language | undefined }; output: { report: Report; previous: Report; png: Uint8Array } };
  'survey-charts': { input: { questions: readonly QuestionResult[]; language: Language }; output: Array<{ id: string; png: Uint8Array }> };
  'privacy-counts': { input: PrivacyQuery; output: Record<string, number> };
  'privacy-export': { input: PrivacyQuery & { path: string; exportedAt: number; note: string }; output: { rows: number } };
  /** Streams the keys of one entry's rows in chunks of `size`. */
  'privacy-scan': { input: PrivacyQuery & { entry: string; size: number }; output: { keys: number } };
  /** Merges one guild-hour's rollup parts (the main thread stores the result). */
  'merge-hour': { input: { guildId: string; bucket: number; live: boolean }; output: MergedHour | null };
}

export type JobName = keyof Jobs;
export interface JobRequest<K extends JobName = JobName> {
  id: number;
  kind: K;
  input: Jobs[K]['input'];
}

type Handler<K extends JobName> = (input: Jobs[K]['input'], read: ReadHandle, emit: (chunk: unknown) => void) => Promise<Jobs[K]['output']> | Jobs[K]['output'];

/**
 * Lets the worker's message queue in between a long job's parts: an urgent job the pool sent
 * meanwhile (a member's privacy counts) runs there (a job's own awaits settle as microtasks and
 * never let a message in).
 */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A read-only connection of a long streaming job's own (an export, an opt-out scan), in a worker
 * thread: the job pauses while its statement is still open, and an urgent job the pool sends
 * meanwhile (a member's privacy counts, which reads in a transaction) runs on the worker's own
 * connection, which an open statement would keep busy. Inline (the main thread, no pool) there is
 * nobody to let in: undefined, and the job runs through on the handle it was given.
 */
function ownConnection(read: ReadHandle): ReadHandle['sqlite'] | undefined {
  if (isMainThread || !read.sqlite.readonly || read.sqlite.memory) return undefined;
  return openReadOnlySibling(read);
}

// Modules load on a job's first use: a worker starts fast, and the chart renderer (echarts,
// resvg, fonts) loads only where charts are drawn.
const handlers: { [K in JobName]: Handler<K> } = {
  report: async (input, read) => (await import('../insights/report.js')).buildReport(read, input),
  'digest-figures': async ({ current, previous, language }, read) => {
    const [{ buildReport }, { renderDigestPng }] = await Promise.all([import('../insights/report.js'), import('../digests/charts.js')]);
    const report = await buildReport(read, current);
    await pause();
    const before = await buildReport(read, previous);
    await pause();
    return { report, previous: before, png: new Uint8Array(await renderDigestPng(report, before, language)) };
  },
  'survey-charts': async ({ questions, language }) =>
    (await (await import('../surveys/charts.js')).renderQuestionCharts(questions, language)).map((c) => ({ id: c.id, png: new Uint8Array(c.png) })),
  'privacy-counts': async ({ guildId, userId }, read) => {
    const [{ privacyEntries }, { sharingTotals }] = await Promise.all([import('../privacy/entries.js'), import('../activity/totals-store.js')]);
    // Summaries are shown without a count (see PrivacyEntryInfo.summary): no scan of every hour.
    // Four entries count from the member's totals: read once.
    const counts = () => Object.fromEntries(privacyEntries.filter((e) => !e.summary).map((e) => [e.name, e.count(read.sqlite, guildId, userId)]));
    return read.sqlite.transaction(() => sharingTotals(counts))();
  },
  'privacy-export': async ({ guildId, userId, path, exportedAt, note }, read) => {
    const [{ privacyEntries }, { writeExport, writeExportPausing }] = await Promise.all([import('../privacy/entries.js'), import('../privacy/export-file.js')]);
    const own = ownConnection(read);
    if (!own) return { rows: writeExport(read.sqlite, privacyEntries, guildId, userId, exportedAt, path, note) };
    try {
      return { rows: await writeExportPausing(own, privacyEntries, guildId, userId, exportedAt, path, note, pause) };
    } finally {
      own.close();
    }
  },
  'privacy-scan': async ({ guildId, userId, entry, size }, read, emit) => {
    const scan = (await import('../privacy/entries.js')).privacyEntry(entry).scan;
    let keys = 0;
    if (!scan) return { keys };
    // In a worker, on a connection of its own with a pause after each chunk (see ownConnection).
    const own = ownConnection(read);
    try {
      let chunk: unknown[][] = [];
      for (const key of scan(own ?? read.sqlite, guildId, userId)) {
        chunk.push(key);
        keys++;
        if (chunk.length >= size) {
          emit(chunk);
          chunk = [];
          if (own) await pause();
        }
      }
      if (chunk.length) emit(chunk);
    } finally {
      own?.close();
    }
    return { keys };
  },
  'merge-hour': async ({ guildId, bucket, live }, read) => (await import('../activity/hour-merge-store.js')).mergeHourParts(read.sqlite, guildId, bucket, live),
};

export function runJob<K extends JobName>(request: { kind: K; input: Jobs[K]['input'] }, read: ReadHandle, emit: (chunk: unknown) => void): Promise<Jobs[K]['output']> {
  const handler = handlers[request.kind] as Handler<K> | undefined;
  if (!handler) return Promise.reject(new Error(`unknown job ${String(request.kind)}`));
  try {
    return Promise.resolve(handler(request.input, read, emit));
  } catch (err) {
    return Promise.reject(err);
  }
}
