// Recurring surveys: opens the latest due run of each schedule, exactly once (claimed by a unique key).
import { lastRunAtOrBefore, nextRuns } from '../digests/schedule.js';
import { getSettings, settingsChangedAt } from '../settings/store.js';
import { sameZone } from '../zone.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import type { Logger } from '../log.js';
import { activeSchedules, createSurvey, hasOpenRun, latestRunKey, restartInZone, type Survey, type SurveySchedule } from './store.js';

type Deps = { db: Executor; clock: Clock; logger: Logger };

/**
 * Opens the latest due run of each recurring schedule, once: the (schedule, run) unique key
 * claims it, so a restart or a second tick cannot open it again. Runs missed while the bot
 * was down are caught up only if they would still be open now; older ones are skipped. A run
 * never opens while the schedule's previous run is still open (a run open almost a whole
 * period, a day shortened by a clock change): it waits for that one to close, and then opens
 * if it would still be open.
 */
export async function openDueRuns(deps: Deps): Promise<Survey[]> {
  const now = deps.clock.now();
  const opened: Survey[] = [];
  for (const schedule of await activeSchedules(deps.db)) {
    try {
      const { timezone } = await getSettings(deps.db, schedule.guildId);
      const activeSince = await activeSinceIn(deps, schedule, timezone, now);
      const dueAt = lastRunAtOrBefore(schedule.timing, timezone, now);
      if (dueAt === null || dueAt < activeSince || dueAt + schedule.openForMs <= now) continue;
      if (await hasOpenRun(deps.db, schedule.id)) continue;
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

/**
 * The schedule's activeSince in the server's zone `zone`, as for digests (digests/runner.ts).
 * A run's key is the instant it fell due, so the same "09:00 run" is another key in another
 * zone: when the zone changed since the schedule was set, it starts again from the change (at
 * the latest now), so a run the new zone puts before the change is not opened. Nor is the run
 * of the new zone nearest the last run opened: that is the same run, in the other zone (today's
 * 09:00, opened at 09:00 UTC, is not opened again at 09:00 in New York).
 *
 * Except the latest run of the new zone, when it fell due before the change, is later than that
 * same run and would still be open: the old zone had not opened it yet (a change east on the
 * due day, before the run, to a zone where its time has passed; or back to a zone just after its
 * time), and no other run would. It opens at the change (once the previous run has closed)
 * and closes when it would have in the new zone.
 */
async function activeSinceIn(deps: Deps, schedule: SurveySchedule, zone: string, now: number): Promise<number> {
  if (sameZone(schedule.zone, zone)) return schedule.activeSince;
  const changedAt = (await settingsChangedAt(deps.db, schedule.guildId)) ?? now;
  let since = Math.min(now, changedAt);
  let same: number | null = null;
  const last = await latestRunKey(deps.db, schedule.id);
  if (last !== null) {
    const before = lastRunAtOrBefore(schedule.timing, zone, last);
    const after = nextRuns(schedule.timing, zone, last, 1)[0];
    same = after === undefined || (before !== null && last - before <= after - last) ? before : after;
    if (same !== null) since = Math.max(since, same + 1);
  }
  const dueAt = lastRunAtOrBefore(schedule.timing, zone, now);
  if (dueAt !== null && dueAt < since && (same === null || dueAt > same) && dueAt + schedule.openForMs > now) since = dueAt;
  // Never before the schedule's own activeSince (set up after that run fell due).
  const restarted = await restartInZone(deps.db, schedule, zone, since);
  deps.logger.info({ guild: schedule.guildId, schedule: schedule.id, from: schedule.zone, to: zone, activeSince: restarted?.activeSince }, 'surveys.zone-changed');
  return restarted?.activeSince ?? now;
}
