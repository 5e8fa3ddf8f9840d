// Builds the pure report's input from hand-written events with the writer's own rollup (BatchRollup).
import { BatchRollup } from '../../src/activity/hour-records.js';
import type { RollupKind } from '../../src/activity/rollup.js';
import { computeReport } from '../../src/insights/compute.js';
import type { FlagReactionRow, MemberEventRow, VoiceSessionRow } from '../../src/insights/metrics.js';
import type { Report } from '../../src/insights/report-types.js';

export const G = '100000000000000001';
export const ms = (iso: string) => Date.parse(iso);

export interface Fixture {
  from: string;
  to: string;
  tz?: string;
  asOf?: string;
  /** [kind, user, ISO instant, channel?] */
  events?: Array<[RollupKind, string, string, string?]>;
  /** [user, start, end | null] */
  voice?: Array<[string, string, string | null]>;
  /** [user, 'join' | 'leave', ISO] */
  members?: Array<[string, 'join' | 'leave', string]>;
  /** [message, flagger, author, ISO] */
  flags?: Array<[string, string, string | null, string]>;
  threshold?: number;
}

export function report(f: Fixture): Report {
  // Packed by the writer's own rollup code, with integer ids.
  const ids: string[] = [];
  const idx = new Map<string, number>();
  const delta = new BatchRollup((_g, id) => idx.get(id) ?? (idx.set(id, ids.push(id) - 1), ids.length - 1));
  for (const [kind, user, at, channel] of f.events ?? []) delta.add(kind, G, user, channel ?? 'c1', ms(at));
  const voice: VoiceSessionRow[] = (f.voice ?? []).map(([userId, s, e]) => ({ userId, startedAt: ms(s), endedAt: e === null ? null : ms(e) }));
  const memberEvents: MemberEventRow[] = (f.members ?? []).map(([userId, kind, at]) => ({ userId, kind, at: ms(at) }));
  const flagReactions: FlagReactionRow[] = (f.flags ?? []).map(([messageId, userId, authorId, at]) => ({ messageId, userId, authorId, at: ms(at) }));
  const hours = [...delta.hours.values()].map((h) => ({ bucket: h.bucket, records: h.set.view() }));
  return computeReport({
    guildId: G,
    timezone: f.tz ?? 'UTC',
    from: f.from,
    to: f.to,
    asOf: ms(f.asOf ?? '2026-11-23T12:00:00Z'),
    hours,
    ids,
    quarters: [...delta.quarters.values()],
    voice,
    memberEvents,
    flagReactions,
    flagThreshold: f.threshold ?? 3,
    review: { resolved: 0, actioned: 0, dismissed: 0, median_minutes_to_resolution: null },
    gaps: [],
  });
}

export const dauOf = (r: Report) => r.activity.dau.map((d) => d.count);
