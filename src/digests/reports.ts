// The figures of a digest come from the insights slice's buildReport, and its chart from the
// chart renderer: both in the worker pool in the app (a Database handle runs them in place).
import type { Database } from '../db/open.js';
import { buildReport } from '../insights/report.js';
import { WorkerPool } from '../workers/pool.js';
import type { ChartSource, ReportMaker } from './content.js';

/** Reports in the app's worker pool, or from a Database handle in place (buildReport's fast path). */
export function insightsReports(source: Database | WorkerPool): ReportMaker {
  if (source instanceof WorkerPool) return (query) => source.run('report', query);
  return (query) => buildReport(source, query);
}

/** Renders the digest's chart in the pool, in the digest's language. */
export function digestChart(pool: WorkerPool): ChartSource {
  return async (report, previous, language) => {
    const png = await pool.run('digest-chart', { report, previous, language });
    return Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  };
}
