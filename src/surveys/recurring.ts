// Recurring surveys: opens the latest due run of each schedule, exactly once (claimed by a unique key).
import { lastRunAtOrBefore } from '../digests/schedule.js';
import { getSettings } from '../settings/store.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import type { Logger } from '../log.js';
import { activeSchedules, createSurvey, type Survey } from './store.js';

/**
 * Opens the latest due run of each recurring schedule, once: the (schedule, run) unique key
 * claims it, so a restart or a second tick cannot open it again. Runs missed while the bot
 * was down are caught up only if they would still be open now; older ones are skipped.
 */
export async function openDueRuns(deps: { db: Executor; clock: Clock; logger: Logger }): Promise<Survey[]> {
  const now = deps.clock.now();
  const opened: Survey[] = [];
  for (const schedule of await activeSchedules(deps.db)) {
    try {
      const { timezone } = await getSettings(deps.db, schedule.guildId);
      const dueAt = lastRunAtOrBefore(schedule.timing, timezone, now);
      if (dueAt === null || dueAt < schedule.activeSince || dueAt + schedule.openForMs <= now) continue;
      const survey = await createSurvey(deps.db, {
        guildId: schedule.guildId,
        authorId: schedule.createdBy,
        definition: schedule.definition,
        now,
        run: { scheduleId: schedule.id, runKey: new Date(dueAt).toISOString(), channelId: schedule.channelId, roleId: schedule.roleId, closesAt: dueAt + schedule.openForMs },
      });
      if (!survey) continue;
      deps.logger.info({ guild: schedule.guildId, schedule: schedule.id, survey: survey.id, late: now - dueAt > 60_000 }, 'surveys.recurring-opened');
      opened.push(survey);
    } catch (err) {
      deps.logger.error({ err, guild: schedule.guildId, schedule: schedule.id }, 'surveys.recurring-failed');
    }
  }
  return opened;
}
