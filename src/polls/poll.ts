// Polls' pure rules: option parsing, vote decisions, tallies, bars, CSV and native-poll limits.
import { z } from 'zod';
import { formatList, formatPercent, msg, t as translate, type Language, type Text } from '../i18n/index.js';
import { charCount, fitLines, MAX_CONTENT, plainText, plainTextWithin, truncate } from '../text.js';

export const LIMITS = {
  minChoices: 2,
  maxChoices: 20,
  choiceLength: 80,
  questionLength: 300,
  minDurationMs: 60_000,
  maxDurationMs: 30 * 24 * 3_600_000,
  /** Past this many choices the message shows a select menu instead of buttons. */
  maxButtons: 5,
  native: { answers: 10, answerLength: 55, questionLength: 300, minHours: 1, maxHours: 32 * 24 },
} as const;

export type PollStatus = 'open' | 'closed';

/** A poll as the rest of the slice sees it. */
export interface Poll {
  id: number;
  guildId: string;
  channelId: string;
  messageId: string | null;
  authorId: string;
  question: string;
  choices: string[];
  multiple: boolean;
  /** How many choices one member may pick: 1 for single-choice polls. */
  maxChoices: number;
  anonymous: boolean;
  hideResults: boolean;
  roleId: string | null;
  createdAt: number;
  closesAt: number | null;
  status: PollStatus;
  closedAt: number | null;
}

// ------------------------------------------------------------------ parsing

type Parsed<T> = { ok: true; value: T } | { ok: false; error: Text };

/** `A | B | C` -> trimmed choices; 2..20, each 1..80 chars, no case-insensitive duplicates. */
export function parseChoices(raw: string): Parsed<string[]> {
  const parts = raw.split('|').map((c) => c.trim().replace(/\s+/g, ' '));
  if (parts.length < LIMITS.minChoices) {
    return { ok: false, error: msg('polls.create.tooFew', { min: LIMITS.minChoices }) };
  }
  if (parts.length > LIMITS.maxChoices) return { ok: false, error: msg('polls.create.tooMany', { max: LIMITS.maxChoices, count: parts.length }) };
  const seen = new Map<string, number>();
  for (const [i, choice] of parts.entries()) {
    if (choice.length === 0) return { ok: false, error: msg('polls.create.emptyChoice', { n: i + 1 }) };
    // Counted as Discord counts a button's label (an emoji is one character).
    if (charCount(choice) > LIMITS.choiceLength) {
      return { ok: false, error: msg('polls.create.longChoice', { n: i + 1, length: charCount(choice), max: LIMITS.choiceLength }) };
    }
    const key = choice.toLocaleLowerCase('en-US');
    const first = seen.get(key);
    if (first !== undefined) return { ok: false, error: msg('polls.create.sameChoices', { a: first + 1, b: i + 1, choice }) };
    seen.set(key, i);
  }
  return { ok: true, value: parts };
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `2h`, `3d`, `1d12h` -> milliseconds, 1 minute to 30 days. */
export function parseDuration(raw: string, maxMs: number = LIMITS.maxDurationMs): Parsed<number> {
  const text = raw.trim().toLowerCase().replace(/\s+/g, '');
  const bad: Parsed<number> = { ok: false, error: msg('polls.create.badDuration', { duration: truncate(raw, 40) }) };
  if (!/^(\d{1,5}[mhd])+$/.test(text)) return bad;
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/(\d{1,5})([mhd])/g)) ms += Number(amount) * (UNIT_MS[unit ?? ''] ?? 0);
  if (ms < LIMITS.minDurationMs) return { ok: false, error: msg('polls.create.tooShort') };
  if (ms > maxMs) return { ok: false, error: msg('polls.create.tooLong', { days: Math.floor(maxMs / 86_400_000) }) };
  return { ok: true, value: ms };
}

/** The raw options of `/poll create`, as Discord delivers them (null when not given). */
export const createOptionsSchema = z.object({
  // The option's max_length counts as Discord does (an emoji is one character): so does this check.
  question: z.string().trim().min(1).refine((q) => charCount(q) <= LIMITS.questionLength),
  choices: z.string(),
  multiple: z.boolean().nullable(),
  maxChoices: z.number().int().nullable(),
  anonymous: z.boolean().nullable(),
  hideResults: z.boolean().nullable(),
  duration: z.string().nullable(),
  roleId: z.string().regex(/^\d{17,20}$/).nullable(),
  native: z.boolean().nullable(),
});
export type CreateOptionsInput = z.input<typeof createOptionsSchema>;

export interface PollSpec {
  question: string;
  choices: string[];
  multiple: boolean;
  maxChoices: number;
  anonymous: boolean;
  hideResults: boolean;
  durationMs: number | null;
  roleId: string | null;
}

/** Validates `/poll create`'s options; errors are written for the member. */
export function parseCreateOptions(input: CreateOptionsInput): Parsed<PollSpec> {
  const parsed = createOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.path[0] === 'question') {
      return { ok: false, error: issue.code === 'too_small' ? msg('polls.create.emptyQuestion') : msg('polls.create.longQuestion', { max: LIMITS.questionLength }) };
    }
    return { ok: false, error: msg('polls.create.invalid') };
  }
  const o = parsed.data;
  const choices = parseChoices(o.choices);
  if (!choices.ok) return choices;
  let durationMs: number | null = null;
  if (o.duration !== null && o.duration.trim() !== '') {
    // A native poll may run longer than Pulse's own (Discord allows 32 days).
    const d = parseDuration(o.duration, o.native ? LIMITS.native.maxHours * 3_600_000 : LIMITS.maxDurationMs);
    if (!d.ok) return d;
    durationMs = d.value;
  }
  const multiple = o.multiple ?? false;
  let maxChoices = multiple ? choices.value.length : 1;
  if (o.maxChoices !== null) {
    if (!multiple) return { ok: false, error: msg('polls.create.maxChoicesNeedsMultiple') };
    if (o.maxChoices < 1 || o.maxChoices > choices.value.length) {
      return { ok: false, error: msg('polls.create.maxChoicesRange', { max: choices.value.length }) };
    }
    maxChoices = o.maxChoices;
  }
  return {
    ok: true,
    value: {
      question: o.question,
      choices: choices.value,
      multiple,
      maxChoices,
      anonymous: o.anonymous ?? false,
      hideResults: o.hideResults ?? false,
      durationMs,
      roleId: o.roleId,
    },
  };
}

// ------------------------------------------------------------------ native polls

export interface NativePlan {
  question: string;
  answers: string[];
  durationHours: number;
  allowMultiselect: boolean;
}

/**
 * What a native Discord poll can carry of these options. Everything it cannot do is named
 * in `problems`, so the member hears about it rather than having an option silently dropped.
 */
export function nativePlan(spec: PollSpec): { plan: NativePlan; problems: Text[] } {
  const n = LIMITS.native;
  const problems: Text[] = [];
  if (spec.anonymous) problems.push(msg('polls.native.anonymous'));
  if (spec.hideResults) problems.push(msg('polls.native.hideResults'));
  if (spec.roleId) problems.push(msg('polls.native.role'));
  if (spec.choices.length > n.answers) problems.push(msg('polls.native.tooManyChoices', { count: spec.choices.length, max: n.answers }));
  const long = spec.choices.findIndex((c) => charCount(c) > n.answerLength);
  if (long >= 0) problems.push(msg('polls.native.longChoice', { n: long + 1, max: n.answerLength }));
  if (charCount(spec.question) > n.questionLength) problems.push(msg('polls.native.longQuestion', { max: n.questionLength }));
  if (spec.multiple && spec.maxChoices < spec.choices.length) problems.push(msg('polls.native.maxChoices'));
  const hours = spec.durationMs === null ? 24 : spec.durationMs / 3_600_000;
  if (hours < n.minHours) problems.push(msg('polls.native.tooShort'));
  else if (!Number.isInteger(hours)) problems.push(msg('polls.native.minutes'));
  return {
    plan: { question: spec.question, answers: spec.choices, durationHours: Math.min(Math.max(Math.round(hours), n.minHours), n.maxHours), allowMultiselect: spec.multiple },
    problems,
  };
}

// ------------------------------------------------------------------ voting

export type VoteRefusal = 'closed' | 'role' | 'limit' | 'bad-choice';

export type VoteDecision =
  | { kind: 'refused'; reason: VoteRefusal; message: Text }
  /** Replace the member's choices with `next` (empty = withdraw). */
  | { kind: 'set'; next: number[]; added: number[]; removed: number[] };

export interface VoterContext {
  now: number;
  /** Whether the member has the poll's role now (true when the poll has none). */
  hasRole: boolean;
  /** The poll's role was deleted from the server: nobody has it now, so nobody can vote. */
  roleGone?: boolean;
}

function refusalFor(poll: Poll, voter: VoterContext): VoteDecision | null {
  if (poll.status !== 'open' || (poll.closesAt !== null && voter.now >= poll.closesAt)) {
    return { kind: 'refused', reason: 'closed', message: msg('polls.vote.closed') };
  }
  if (poll.roleId && !voter.hasRole) {
    // A deleted role would show as "@deleted-role": say what happened, and who can still close the poll.
    if (voter.roleGone) return { kind: 'refused', reason: 'role', message: msg('polls.vote.roleDeleted', { id: poll.id }) };
    return { kind: 'refused', reason: 'role', message: msg('polls.vote.role', { role: poll.roleId }) };
  }
  return null;
}

const sorted = (xs: Iterable<number>) => [...new Set(xs)].sort((a, b) => a - b);

function setDecision(current: number[], next: number[]): VoteDecision {
  const before = new Set(current);
  const after = new Set(next);
  return { kind: 'set', next: sorted(next), added: sorted(next.filter((c) => !before.has(c))), removed: sorted(current.filter((c) => !after.has(c))) };
}

/**
 * A click on a choice's button: toggles it. Single choice: a click on another choice moves
 * the vote there. Multiple: adds up to maxChoices, refusing one more.
 */
export function decideClick(poll: Poll, current: number[], choice: number, voter: VoterContext): VoteDecision {
  if (!Number.isInteger(choice) || choice < 0 || choice >= poll.choices.length) {
    return { kind: 'refused', reason: 'bad-choice', message: msg('polls.vote.badChoice') };
  }
  const mine = sorted(current);
  // Withdrawing is always allowed while the poll is open, even after losing the role.
  if (mine.includes(choice)) {
    const closed = refusalFor(poll, { ...voter, hasRole: true });
    return closed ?? setDecision(mine, mine.filter((c) => c !== choice));
  }
  const refusal = refusalFor(poll, voter);
  if (refusal) return refusal;
  if (poll.maxChoices <= 1) return setDecision(mine, [choice]);
  if (mine.length >= poll.maxChoices) {
    return {
      kind: 'refused',
      reason: 'limit',
      message: msg('polls.vote.limitClick', { max: poll.maxChoices, mine: mine.map((c) => plainText(poll.choices[c] ?? '')).join(', ') }),
    };
  }
  return setDecision(mine, [...mine, choice]);
}

/** A select menu's submission: it replaces the member's choices. */
export function decideSelection(poll: Poll, current: number[], selection: number[], voter: VoterContext): VoteDecision {
  const next = sorted(selection);
  if (next.some((c) => !Number.isInteger(c) || c < 0 || c >= poll.choices.length)) {
    return { kind: 'refused', reason: 'bad-choice', message: msg('polls.vote.badChoice') };
  }
  if (next.length === 0) return withdrawAll(poll, current, voter);
  const refusal = refusalFor(poll, voter);
  if (refusal) return refusal;
  if (next.length > poll.maxChoices) {
    return { kind: 'refused', reason: 'limit', message: msg('polls.vote.limitSelect', { max: poll.maxChoices }) };
  }
  return setDecision(sorted(current), next);
}

/** The "withdraw my vote" button. */
export function withdrawAll(poll: Poll, current: number[], voter: VoterContext): VoteDecision {
  const closed = refusalFor(poll, { ...voter, hasRole: true });
  return closed ?? setDecision(sorted(current), []);
}

/**
 * What the voter is told after a vote was recorded, within a message's 2,000 characters: when
 * every pick in full (escaped) would not fit, each pick is shortened alike, so all are still named.
 */
export function voteReceipt(lang: Language, poll: Poll, next: number[]): string {
  if (next.length === 0) return translate(lang, 'polls.vote.withdrawn');
  const menu = poll.choices.length > LIMITS.maxButtons;
  const again = translate(lang, menu ? 'polls.vote.againMenu' : 'polls.vote.againButton');
  // A menu's selection replaces the voter's earlier picks, so there is no "pick N more" with it.
  const more =
    poll.maxChoices > 1 && next.length < poll.maxChoices
      ? menu
        ? translate(lang, 'polls.vote.menuReplaces', { count: poll.maxChoices })
        : translate(lang, 'polls.vote.more', { count: poll.maxChoices - next.length })
      : '';
  const secret = poll.anonymous ? translate(lang, 'polls.vote.secret') : '';
  const receipt = (names: string) => translate(lang, 'polls.vote.recorded', { names, again }) + more + secret;
  const picks = next.map((c) => poll.choices[c] ?? '?');
  // "A, B and C" as the language writes a list ("A, B y C", "A, B и C").
  const full = receipt(formatList(lang, picks.map((p) => `**${plainText(p)}**`)));
  if (full.length <= MAX_CONTENT) return full;
  // The room left by the sentence around the names, shared by the picks (each in ** **, between the list's separators).
  const separators = formatList(lang, picks.map(() => '')).length;
  const each = Math.floor((MAX_CONTENT - receipt('').length - separators) / picks.length) - 4;
  return receipt(formatList(lang, picks.map((p) => `**${plainTextWithin(p, Math.max(1, each))}**`)));
}

// ------------------------------------------------------------------ tallies

export interface Ballot {
  voter: string;
  choice: number;
}

export interface Tally {
  /** Votes per choice, by index. */
  counts: number[];
  /** Distinct members who voted. */
  voters: number;
  /** Choices with the most votes (several on a tie); empty when nobody voted. */
  leaders: number[];
}

/**
 * Counts ballots: one per (voter, choice); duplicates and unknown choices are ignored; a
 * voter's choices beyond the poll's limit (kept in stored order) are ignored too.
 */
export function tally(choiceCount: number, maxChoices: number, ballots: Iterable<Ballot>): Tally {
  const counts = Array.from({ length: choiceCount }, () => 0);
  const byVoter = new Map<string, Set<number>>();
  for (const { voter, choice } of ballots) {
    if (!Number.isInteger(choice) || choice < 0 || choice >= choiceCount) continue;
    const mine = byVoter.get(voter) ?? new Set<number>();
    if (mine.has(choice) || mine.size >= Math.max(1, maxChoices)) continue;
    mine.add(choice);
    byVoter.set(voter, mine);
    counts[choice] = (counts[choice] ?? 0) + 1;
  }
  return fromCounts(counts, [...byVoter.values()].filter((s) => s.size > 0).length);
}

/** A tally from stored counts (closed anonymous polls keep only these). */
export function fromCounts(counts: number[], voters: number): Tally {
  const top = Math.max(0, ...counts);
  return { counts, voters, leaders: top === 0 ? [] : counts.flatMap((n, i) => (n === top ? [i] : [])) };
}

/** Share of voters who picked a choice, 0..1 (multiple-choice shares add up past 1). */
export function share(count: number, voters: number): number {
  return voters === 0 ? 0 : count / voters;
}

/** A text bar: `▓▓▓▓▓░░░░░` for a 0..1 fraction, rounded to the nearest cell. */
export function renderBar(fraction: number, width = 10): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  const filled = Math.round(f * width);
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
}

/** One line per choice: bar, percentage of voters and count. */
export function resultLines(lang: Language, choices: string[], t: Tally): string[] {
  return choices.map((choice, i) => {
    const n = t.counts[i] ?? 0;
    const lead = t.leaders.includes(i) ? ' 🏆' : '';
    return `**${choice}**${lead}\n\`${renderBar(share(n, t.voters))}\` ${translate(lang, 'polls.card.line', { percent: formatPercent(lang, Math.round(share(n, t.voters) * 100) / 100), count: n })}`;
  });
}

/**
 * "B" or "A and B (tie)" or "no votes", within `max` characters (an embed field's 1,024): a tie
 * too long for one sentence gives its count and votes first, then whole names, one a line, and
 * how many more tied (never a name or its bold cut off).
 */
export function describeOutcome(lang: Language, choices: string[], t: Tally, max = 1024): string {
  if (t.leaders.length === 0) return translate(lang, 'polls.outcome.none');
  const names = t.leaders.map((i) => `**${choices[i] ?? '?'}**`);
  const votes = t.counts[t.leaders[0] ?? 0] ?? 0;
  if (names.length === 1) return translate(lang, 'polls.outcome.won', { choice: names[0] ?? '', votes, voters: t.voters });
  const sentence = translate(lang, 'polls.outcome.tie', { choices: formatList(lang, names), votes, voters: t.voters });
  if (sentence.length <= max) return sentence;
  const head = translate(lang, 'polls.outcome.tieHead', { count: names.length, votes, voters: t.voters });
  return fitLines(head, names, (left) => translate(lang, 'polls.outcome.tieMore', { count: left }), 0, max);
}

// ------------------------------------------------------------------ export

/** The link to the poll's message, once it is posted. */
export function pollLink(poll: Pick<Poll, 'guildId' | 'channelId' | 'messageId'>): string | null {
  return poll.messageId ? `https://discord.com/channels/${poll.guildId}/${poll.channelId}/${poll.messageId}` : null;
}

