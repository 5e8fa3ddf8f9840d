// The figures of a digest come from the insights slice's buildReport, and its chart from the
// chart renderer: in the app, both reports and the chart are one job of the worker pool (a
// Database handle runs the reports in place).
import type { Database } from '../db/open.js';
import { buildReport } from '../insights/report.js';
import { WorkerPool } from '../workers/pool.js';
import type { FiguresSource, ReportMaker } from './content.js';

/** Reports in the app's worker pool, or from a Database handle in place (buildReport's fast path). */
export function insightsReports(source: Database | WorkerPool): ReportMaker {
  if (source instanceof WorkerPool) return (query) => source.run('report', query);
  return (query) => buildReport(source, query);
}

/** Both reports and the chart of a digest as one job of the pool. */
export function digestFigures(pool: WorkerPool): FiguresSource {
  return async (current, previous, language) => {
    const out = await pool.run('digest-figures', { current, previous, language });
    return { report: out.report, previous: out.previous, png: Buffer.from(out.png.buffer, out.png.byteOffset, out.png.byteLength) };
  };
}
