// Feedback items' pure rules: statuses and their transitions, the vote tally, ids and limits.
import { charCount, ellipsize } from '../text.js';

export const STATUSES = ['open', 'under_review', 'planned', 'in_progress', 'done', 'declined', 'duplicate'] as const;
export type Status = (typeof STATUSES)[number];

/** The pipeline, in order; done/declined/duplicate are decisions that close the item. */
export const PIPELINE: readonly Status[] = ['open', 'under_review', 'planned', 'in_progress', 'done'];
export const CLOSED: readonly Status[] = ['done', 'declined', 'duplicate'];

/** The author of an item whose author opted out of Pulse (never a Discord id). */
export const ANONYMOUS_AUTHOR = '~';

export function isStatus(value: unknown): value is Status {
  return typeof value === 'string' && (STATUSES as readonly string[]).includes(value);
}

export function isClosed(status: Status): boolean {
  return CLOSED.includes(status);
}

/**
 * Whether a member may see an item in /feedback show, list and autocomplete: staff see every
 * item; others see posted items and their own (submitted or captured by them) while Discord has
 * not taken it, but never another member's item that was not posted.
 */
export function canSeeItem(item: { postState: string; authorId: string; capturedBy: string | null }, viewer: { userId: string; staff: boolean }): boolean {
  return viewer.staff || item.postState === 'posted' || item.authorId === viewer.userId || item.capturedBy === viewer.userId;
}

/** English status names: a post's title prefix when no language is given, and the forum tag names of older versions (still found again); members read statuses from the catalogue. */
export const STATUS_LABEL: Record<Status, string> = {
  open: 'Open',
  under_review: 'Under review',
  planned: 'Planned',
  in_progress: 'In progress',
  done: 'Done',
  declined: 'Declined',
  duplicate: 'Duplicate',
};

/**
 * What a status change does:
 * - `unchanged`: same status (and same original for a duplicate): nothing happens (idempotent);
 * - `advance`: forward along the pipeline, the item stays open;
 * - `revise`: back along the pipeline while the item is still open;
 * - `close`: an open item gets a decision (done, declined, duplicate): the thread is archived;
 * - `redecide`: a decision is replaced by another decision (the thread stays archived);
 * - `reopen`: a decision is revised back to an open status: the thread is unarchived.
 */
export type TransitionKind = 'unchanged' | 'advance' | 'revise' | 'close' | 'redecide' | 'reopen';

export function transition(from: Status, to: Status): TransitionKind {
  if (from === to) return 'unchanged';
  const wasClosed = isClosed(from);
  const willClose = isClosed(to);
  if (wasClosed && willClose) return 'redecide';
  if (wasClosed) return 'reopen';
  if (willClose) return 'close';
  return PIPELINE.indexOf(to) > PIPELINE.indexOf(from) ? 'advance' : 'revise';
}

export type DuplicateCheck =
  | { ok: true; originalId: number }
  | { ok: false; reason: 'self' | 'missing' | 'other-guild' | 'chain' };

/** An item may be marked a duplicate of another item of the same server that is not itself a duplicate. */
export function checkDuplicate(
  itemId: number,
  guildId: string,
  original: { id: number; guildId: string; status: Status } | undefined,
): DuplicateCheck {
  if (!original) return { ok: false, reason: 'missing' };
  if (original.id === itemId) return { ok: false, reason: 'self' };
  if (original.guildId !== guildId) return { ok: false, reason: 'other-guild' };
  if (original.status === 'duplicate') return { ok: false, reason: 'chain' };
  return { ok: true, originalId: original.id };
}

// ---------------------------------------------------------------- votes

export type VoteValue = 1 | -1;

export interface Tally {
  up: number;
  down: number;
  score: number;
}

export function tally(values: Iterable<number>): Tally {
  let up = 0;
  let down = 0;
  for (const v of values) {
    if (v > 0) up++;
    else if (v < 0) down++;
  }
  return { up, down, score: up - down };
}

/**
 * A click on Upvote/Downvote: a first click votes, a click on the other button changes the
 * vote, a click on the same button withdraws it (one vote per member).
 */
export function decideVote(current: VoteValue | null, clicked: VoteValue): { next: VoteValue | null; change: 'cast' | 'changed' | 'withdrawn' } {
  if (current === null) return { next: clicked, change: 'cast' };
  if (current === clicked) return { next: null, change: 'withdrawn' };
  return { next: clicked, change: 'changed' };
}

/**
 * Votes moved from a duplicate to its original: a member who already voted on the original
 * keeps that vote; the others' votes move over as they were.
 */
export function mergeVotes(original: ReadonlyMap<string, VoteValue>, duplicate: ReadonlyMap<string, VoteValue>): Map<string, VoteValue> {
  const out = new Map(original);
  for (const [user, value] of duplicate) if (!out.has(user)) out.set(user, value);
  return out;
}

// ---------------------------------------------------------------- limits and text

export const LIMITS = { title: 100, details: 4000, category: 40, categories: 10, reason: 500 } as const;


/** Normalises a category name: trimmed, single spaces; null when empty or too long. */
export function categoryName(raw: string): string | null {
  const name = raw.trim().replace(/\s+/g, ' ');
  if (name.length === 0 || charCount(name) > LIMITS.category) return null;
  return name;
}

/** Title for a captured message: its first non-empty line, cut to the title limit. */
export function captureTitle(content: string, fallback: string): string {
  const line = content.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? '';
  const text = line.length > 0 ? line : fallback;
  return ellipsize(text, LIMITS.title);
}

/** The thread/post name: "[Planned] Title · #12", within Discord's 100 characters. */
export function postName(id: number, status: Status, title: string, label: string = STATUS_LABEL[status]): string {
  const prefix = status === 'open' ? '' : `[${label}] `;
  const suffix = ` · #${id}`;
  const room = 100 - prefix.length - suffix.length;
  const t = ellipsize(title, room);
  return `${prefix}${t}${suffix}`;
}

/**
 * The marker of an item's post (its embed footer) as posts said it before footers were translated;
 * still recognised when looking for a post after a crash (render.ts isPostMarker).
 */
export function postMarker(id: number): string {
  return `Feedback #${id}`;
}

/** A link to a message on Discord. */
export function messageLink(guildId: string, channelId: string, messageId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}/${messageId}`;
}

/** A link to a channel or thread on Discord. */
export function channelLink(guildId: string, channelId: string): string {
  return `https://discord.com/channels/${guildId}/${channelId}`;
}

