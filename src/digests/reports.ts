// The figures of a digest come from the insights slice's buildReport.
import type { Database } from '../db/open.js';
import { buildReport } from '../insights/report.js';
import type { ReportMaker } from './content.js';

/** Reports from the app's database (the Database handle takes buildReport's fast path). */
export function insightsReports(database: Database): ReportMaker {
  return (query) => buildReport(database, query);
}
