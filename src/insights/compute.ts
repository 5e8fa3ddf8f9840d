// The whole report of docs/metrics.md from its rows: the folds (fold-hours.ts, metrics.ts), then the figures.
import { ActiveDays } from './active-days.js';
import { foldHours } from './fold-hours.js';
import {
  foldQuarters,
  foldVoice,
  MemberIndex,
  quarterGrid,
  reportWindow,
  topChannels,
  topContributors,
  type FlagReactionRow,
  type HourBlock,
  type MemberEventRow,
  type QuarterCounts,
  type ReviewFigures,
  type VoiceSessionRow,
} from './metrics.js';
import { churnRisk, cohortTriangle, engagementFigures, flagFigures, memberFigures, newMemberFigures } from './member-figures.js';
import type { Report } from './report-types.js';

export interface ReportInput {
  guildId: string;
  timezone: string;
  from: string;
  to: string;
  asOf: number;
  /** Packed rollup hours in [scanStart, scanEnd) of reportWindow(), read once (a block may be freed when the next is asked for). */
  hours: Iterable<HourBlock>;
  /** Rollup integer -> member or channel snowflake. */
  ids: readonly string[];
  quarters: Iterable<QuarterCounts>;
  voice: readonly VoiceSessionRow[];
  /** All joins and leaves of the guild (first joins and membership need the whole history). */
  memberEvents: readonly MemberEventRow[];
  /** Reactions with the flag emoji before the period's end. */
  flagReactions: readonly FlagReactionRow[];
  flagThreshold: number;
  review: ReviewFigures;
  gaps: ReadonlyArray<{ from: number; to: number }>;
  /** Surveys open in the period, with their submitted responses and scores (the surveys slice's figures). */
  surveys?: NonNullable<Report['surveys']>;
  /**
   * Members who opted out: never named in the top members or the at-risk list, also while their
   * opt-out's deletion is still running (or waiting to be retried) and their rows are still there.
   */
  optedOut?: ReadonlySet<string>;
}

/** The whole report of docs/metrics.md from its rows. */
export function computeReport(input: ReportInput): Report {
  const w = reportWindow(input.from, input.to, input.timezone);
  const grid = quarterGrid(w, input.timezone);
  // Members as integers once: the rollup's ids, then joins and voice sessions by their index.
  const index = new MemberIndex(input.ids);
  index.resolve(input.memberEvents, input.voice);
  const eventMembers = index.ofAll(input.memberEvents, (e) => e.userId);
  const voiceMembers = index.ofAll(input.voice, (s) => s.userId);
  const active = new ActiveDays(w.firstDay, w.toDay, index.size);
  const members = memberFigures(input.memberEvents, eventMembers, w);
  const joinAt = new Float64Array(index.size).fill(Number.NaN);
  members.cohortJoins.forEach((at, m) => (joinAt[m] = at));
  const { tallies, activated } = foldHours(input.hours, input.ids.length, w, grid, active, joinAt);
  const voiceMinutes = foldVoice(input.voice, voiceMembers, w, grid, input.asOf, active);
  const q = foldQuarters(input.quarters, w, grid);
  const engagement = engagementFigures(active, w);
  return {
    schema: 'pulse.report.v1',
    guild_id: input.guildId,
    timezone: input.timezone,
    period: { from: input.from, to: input.to },
    as_of: new Date(input.asOf).toISOString(),
    members: { joined: members.joined, left: members.left, net: members.joined - members.left },
    new_members: newMemberFigures(members.cohortJoins, activated, input.memberEvents, eventMembers, input.asOf),
    activity: {
      messages: q.messages,
      reactions: q.reactions,
      threads_created: q.threads,
      voice_minutes: voiceMinutes,
      active_members: engagement.active_members,
      dau: engagement.dau,
      dau_avg: engagement.dau_avg,
      wau_end: engagement.wau_end,
      mau_end: engagement.mau_end,
      stickiness: engagement.stickiness,
      reactions_per_message: q.messages === 0 ? 0 : q.reactions / q.messages,
    },
    hour_of_week: q.hourOfWeek,
    top_contributors: topContributors(tallies, index, input.optedOut),
    top_channels: topChannels(tallies, index),
    cohorts: cohortTriangle(input.memberEvents, eventMembers, active, w, input.timezone),
    churn_risk: churnRisk(input.memberEvents, eventMembers, active, w, index, input.optedOut),
    flags: { ...flagFigures(input.flagReactions, input.flagThreshold, w), ...input.review },
    surveys: input.surveys ?? [],
    gaps: input.gaps
      .filter((g) => g.from < w.periodEnd && g.to > w.periodStart)
      .map((g) => ({ from: new Date(g.from).toISOString(), to: new Date(g.to).toISOString() })),
  };
}
