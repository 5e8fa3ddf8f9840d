// The pure rules of flagging and review: who counts, thresholds, case transitions, outcomes, medians.
import { languageCodes, msg, t, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { snowflakeTime } from '../discord/snowflake.js';
import { retrySchedule } from '../retry.js';
import { truncateChars } from '../text.js';

export type FlagSource = 'reaction' | 'command';

export const flagReasons = ['spam', 'harassment', 'off-topic', 'other'] as const;
export type FlagReason = (typeof flagReasons)[number];

/** 'closing': a moderator decided, and the Discord side (delete, warn, timeout) is being carried out. */
export type CaseStatus = 'open' | 'claimed' | 'closing' | 'closed';
export const caseOutcomes = ['dismissed', 'deleted', 'timed_out', 'warned', 'resolved'] as const;
export type CaseOutcome = (typeof caseOutcomes)[number];

/** What a moderator can press on a case. Timeouts carry their length. */
export const caseActions = ['claim', 'dismiss', 'delete', 'warn', 'resolve', 't10m', 't1h', 't1d'] as const;
export type CaseAction = (typeof caseActions)[number];

export const timeoutMs = { t10m: 10 * 60_000, t1h: 60 * 60_000, t1d: 24 * 60 * 60_000 } as const;
export type TimeoutAction = keyof typeof timeoutMs;

/**
 * Actions with a Discord side: the case is 'closing' (the action recorded as pending) until it
 * ran, so a process killed in between redoes it on start. Claim, resolve and dismiss close at once.
 */
export function hasDiscordSide(action: CaseAction): boolean {
  return action === 'delete' || action === 'warn' || action in timeoutMs;
}

/** Whether a case takes no more review steps (closed, or its close being carried out). */
export function isSettled(status: CaseStatus): boolean {
  return status === 'closed' || status === 'closing';
}

/** The end of a timeout decided at `decidedAt`: a redo after a restart keeps the moderator's end. */
export function timeoutUntil(action: TimeoutAction, decidedAt: number): number {
  return decidedAt + timeoutMs[action];
}

/** Failed case posts are tried again after these waits (then every hour), at most POST_ATTEMPTS_MAX posts in all. */
const POST_BACKOFF_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;
export const POST_ATTEMPTS_MAX = 10;

/** When to try a case post again after `attempts` tries; null once the bound is reached. */
export const nextPostRetry = retrySchedule(POST_BACKOFF_MS, POST_ATTEMPTS_MAX);

export const EXCERPT_MAX = 200;
export const DETAILS_MAX = 300;
const DAY_MS = 24 * 60 * 60_000;


export type IgnoreReason = 'self' | 'bot' | 'blocked' | 'daily_limit' | 'too_old';

export interface FlagCandidate {
  flaggerId: string;
  /** Null when Discord did not say who wrote the message. */
  authorId: string | null;
  flaggerIsBot: boolean;
  blocked: boolean;
  /** Flags this member made in the last 24 hours (withdrawn ones included). */
  flagsLastDay: number;
  dailyLimit: number;
  messageId: string;
  maxAgeHours: number;
  now: number;
}

/** Whether a new flag counts, or why it is ignored. An existing flag being re-added skips the limit. */
export function flagVerdict(c: FlagCandidate): { counts: true } | { counts: false; reason: IgnoreReason } {
  if (c.flaggerIsBot) return { counts: false, reason: 'bot' };
  if (c.authorId !== null && c.authorId === c.flaggerId) return { counts: false, reason: 'self' };
  if (c.blocked) return { counts: false, reason: 'blocked' };
  const created = snowflakeTime(c.messageId);
  if (Number.isNaN(created) || c.now - created > c.maxAgeHours * 60 * 60_000) return { counts: false, reason: 'too_old' };
  if (c.flagsLastDay >= c.dailyLimit) return { counts: false, reason: 'daily_limit' };
  return { counts: true };
}

/** The window the daily limit looks at: a rolling day, so no time zone is baked in. */
export function dailyWindowStart(now: number): number {
  return now - DAY_MS;
}

/** A case opens when distinct counted flaggers reach the threshold, or at once on a staff flag. */
export function reachesThreshold(distinctFlaggers: number, threshold: number, staffFlag = false): boolean {
  if (staffFlag) return true;
  return distinctFlaggers > 0 && distinctFlaggers >= threshold;
}

export function isActioned(outcome: CaseOutcome | null): boolean {
  return outcome === 'deleted' || outcome === 'timed_out' || outcome === 'warned';
}

export function outcomeOf(action: Exclude<CaseAction, 'claim'>): CaseOutcome {
  switch (action) {
    case 'dismiss':
      return 'dismissed';
    case 'delete':
      return 'deleted';
    case 'warn':
      return 'warned';
    case 'resolve':
      return 'resolved';
    case 't10m':
    case 't1h':
    case 't1d':
      return 'timed_out';
  }
}

export type Transition = { ok: true; next: CaseStatus } | { ok: false; why: 'claimed' | 'closed' };

/** Claim only an open case; any close from open or claimed; nothing after close. */
export function transition(status: CaseStatus, action: CaseAction): Transition {
  if (isSettled(status)) return { ok: false, why: 'closed' };
  if (action === 'claim') return status === 'open' ? { ok: true, next: 'claimed' } : { ok: false, why: 'claimed' };
  return { ok: true, next: 'closed' };
}

/** The statuses a case may be in for the action to apply: the WHERE of the atomic update. */
export function allowedFrom(action: CaseAction): CaseStatus[] {
  return action === 'claim' ? ['open'] : ['open', 'claimed'];
}

/** Median of the values; the mean of the middle two for an even count; null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length % 2 === 1) return sorted[mid]!;
  return (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function minutesBetween(from: number, to: number): number {
  return (to - from) / 60_000;
}

/**
 * Reads the reason typed in the flag modal. Known words (and a few spellings) map to a reason;
 * anything else becomes "other" and keeps the typed text, so the member's words are not lost.
 * The modal names the reasons in the member's language: each language's names are known words.
 */
export function parseReason(typed: string): { reason: FlagReason; extra: string | null } {
  const text = typed.trim();
  const known = reasonAliases().get(aliasKey(text));
  if (known) return { reason: known, extra: null };
  return { reason: 'other', extra: text.length ? truncateChars(text, DETAILS_MAX) : null };
}

const aliasKey = (text: string) => text.toLowerCase().replace(/[\s_]+/g, '-');
let aliases: Map<string, FlagReason> | undefined;
function reasonAliases(): Map<string, FlagReason> {
  if (aliases) return aliases;
  aliases = new Map<string, FlagReason>(
    Object.entries({
      scam: 'spam',
      ads: 'spam',
      harass: 'harassment',
      abuse: 'harassment',
      offtopic: 'off-topic',
      ot: 'off-topic',
      publicidad: 'spam',
      estafa: 'spam',
      реклама: 'spam',
      оффтоп: 'off-topic',
      офтоп: 'off-topic',
      оскорбления: 'harassment',
    } satisfies Record<string, FlagReason>),
  );
  for (const lang of languageCodes) for (const reason of flagReasons) aliases.set(aliasKey(t(lang, reasonKey[reason])), reason);
  return aliases;
}

/** At most EXCERPT_MAX characters of one line-ish text, or null when there is none. */
export function excerpt(content: string | null | undefined, max = EXCERPT_MAX): string | null {
  if (!content) return null;
  const flat = content.replace(/\s+/g, ' ').trim();
  if (!flat) return null;
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** "12 min", "3 h 5 min", "2 d 4 h" (in the language): short ages for the queue and the case message. */
export function formatDuration(ms: number, lang: Language = 'en'): string {
  const minutes = Math.max(0, Math.round(ms / 60_000));
  if (minutes < 60) return t(lang, 'flags.duration.minutes', { count: minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? t(lang, 'flags.duration.hoursMinutes', { hours, minutes: minutes % 60 }) : t(lang, 'flags.duration.hours', { count: hours });
  const days = Math.floor(hours / 24);
  return hours % 24 ? t(lang, 'flags.duration.daysHours', { days, hours: hours % 24 }) : t(lang, 'flags.duration.days', { count: days });
}

/** How each outcome is named on the case and in replies. */
export const outcomeKey: Record<CaseOutcome, MessageKey> = {
  dismissed: 'flags.outcome.dismissed',
  deleted: 'flags.outcome.deleted',
  timed_out: 'flags.outcome.timedOut',
  warned: 'flags.outcome.warned',
  resolved: 'flags.outcome.resolved',
};

/** How each reason is named (the stored value stays the English code). */
export const reasonKey: Record<FlagReason, MessageKey> = {
  spam: 'flags.reason.spam',
  harassment: 'flags.reason.harassment',
  'off-topic': 'flags.reason.offTopic',
  other: 'flags.reason.other',
};

export interface FlaggerRecord {
  userId: string;
  outcome: CaseOutcome;
}

/**
 * Flaggers whose flags on closed cases were mostly dismissed: at least `minFlags` such flags and
 * more than half dismissed. Worst ratio first, then most flags, then id for a stable order.
 */
export function mostlyDismissed(records: readonly FlaggerRecord[], minFlags = 3): Array<{ userId: string; dismissed: number; total: number }> {
  const by = new Map<string, { dismissed: number; total: number }>();
  for (const r of records) {
    const row = by.get(r.userId) ?? { dismissed: 0, total: 0 };
    row.total += 1;
    if (r.outcome === 'dismissed') row.dismissed += 1;
    by.set(r.userId, row);
  }
  return [...by.entries()]
    .filter(([, v]) => v.total >= minFlags && v.dismissed * 2 > v.total)
    .map(([userId, v]) => ({ userId, ...v }))
    .sort((a, b) => b.dismissed / b.total - a.dismissed / a.total || b.total - a.total || a.userId.localeCompare(b.userId));
}

export const statsPeriods = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS } as const;
export type StatsPeriod = keyof typeof statsPeriods;

/** The link to a flagged message. */
export function jumpLink(c: { guildId: string; channelId: string; messageId: string }): string {
  return `https://discord.com/channels/${c.guildId}/${c.channelId}/${c.messageId}`;
}

/** What the loser of a race (or a late click) is told. */
export function refusal(c: { id: number; status: CaseStatus; closedBy: string | null; claimedBy: string | null; outcome: CaseOutcome | null }): Text {
  if (isSettled(c.status)) return msg('flags.case.alreadyResolved', { id: c.id, user: c.closedBy ?? '', outcome: msg(c.outcome ? outcomeKey[c.outcome] : 'flags.outcome.resolved') });
  return msg('flags.case.alreadyClaimed', { id: c.id, user: c.claimedBy ?? '' });
}
