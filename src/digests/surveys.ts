// Surveys open or closed in a digest's period, read from the surveys slice (read-only).
import type { Executor } from '../db/schema.js';
import { surveySummaries } from '../surveys/figures.js';
import { addDays, startOfDay } from '../zone.js';
import type { SurveySource } from './content.js';

export function periodSurveys(db: Executor): SurveySource {
  return (q) => surveySummaries(db, q.guildId, startOfDay(q.from, q.timezone), startOfDay(addDays(q.to, 1), q.timezone));
}
