// What feedback looks like on Discord (pure): the post's embed and buttons, notices, lists, CSV.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import { toCsv } from '../csv.js';
import { encodeCustomId } from '../discord/custom-id.js';
import { languageCodes, msg, render, storedText, t, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { discordTime, ellipsize, plainText, plainTextWithin, truncate } from '../text.js';
import { ANONYMOUS_AUTHOR, isClosed, messageLink, postMarker, type Status, type Tally } from './feedback.js';
import type { HistoryEntry, ListedItem } from './figures-store.js';
import type { Item, StatusChange, ThreadFigures } from './store.js';

/** The item's author as shown: a mention, or "anonymous" after their opt-out. */
const authorOf = (lang: Language, authorId: string) => (authorId === ANONYMOUS_AUTHOR ? t(lang, 'feedback.field.anonymousAuthor') : `<@${authorId}>`);

/** Status names as members read them, by catalogue key. */
export const STATUS_KEY: Record<Status, MessageKey> = {
  open: 'feedback.status.open',
  under_review: 'feedback.status.underReview',
  planned: 'feedback.status.planned',
  in_progress: 'feedback.status.inProgress',
  done: 'feedback.status.done',
  declined: 'feedback.status.declined',
  duplicate: 'feedback.status.duplicate',
};

export const statusName = (lang: Language, status: Status) => t(lang, STATUS_KEY[status]);

const lines = (parts: Array<string | null>) => parts.filter((l): l is string => l !== null).join('\n');

/** The texts Pulse posts for everyone (post, thread) or sends the author, in the server's language. */
export const text = {
  score: (lang: Language, v: Tally) => t(lang, 'feedback.post.score', { up: v.up, down: v.down, score: `${v.score > 0 ? '+' : ''}${v.score}` }),
  /** The DM to the author: their own title is shown as written. */
  notice: (lang: Language, item: Item, status: Status, reason: string | null, link: string | null, original: number | null) =>
    lines([
      t(lang, 'feedback.notice.now', { id: item.id, title: plainText(item.title), status: statusName(lang, status) }),
      original !== null ? t(lang, 'feedback.notice.merged', { original }) : null,
      reason ? t(lang, 'feedback.why', { reason }) : null,
      link,
    ]),
  threadNotice: (lang: Language, authorId: string, status: Status, reason: string | null, original: number | null) =>
    lines([
      t(lang, 'feedback.thread.dmClosed', { author: authorId, status: statusName(lang, status) }),
      original !== null ? t(lang, 'feedback.thread.see', { original }) : null,
      reason ? t(lang, 'feedback.why', { reason }) : null,
    ]),
  threadStatus: (lang: Language, status: Status, by: string, reason: string | null, original: number | null) =>
    lines([
      t(lang, 'feedback.thread.status', { status: statusName(lang, status), by }) + (original !== null ? ` · ${t(lang, 'feedback.duplicateOf', { id: original })}` : ''),
      reason ? t(lang, 'feedback.why', { reason }) : null,
    ]),
} as const;

/** The categories a server starts with, in its language (created on first use, then the server's own). */
export const defaultCategories = (lang: Language): string[] => (['feedback.category.idea', 'feedback.category.bug', 'feedback.category.other'] as const).map((key) => t(lang, key));

/** The footer that marks an item's post, in the server's language: found by it after a crash. */
export const postFooter = (lang: Language, id: number) => t(lang, 'feedback.post.footer', { id });

/**
 * Whether a post's footer marks item `id`: in any of Pulse's languages (the server's may have
 * changed since), or as posts said before footers were translated ("Feedback #N").
 */
export function isPostMarker(footer: string | undefined, id: number): boolean {
  if (footer === undefined) return false;
  return footer === postMarker(id) || languageCodes.some((lang) => footer === postFooter(lang, id));
}

const GONE_KEY: Record<'message' | 'thread', MessageKey> = { message: 'feedback.show.gonePost', thread: 'feedback.show.goneThread' };

const COLORS: Record<Status, number> = {
  open: 0x5865f2,
  under_review: 0xfee75c,
  planned: 0x3ba55c,
  in_progress: 0xeb459e,
  done: 0x57f287,
  declined: 0xed4245,
  duplicate: 0x99aab5,
};

export const VOTE_KIND = 'fb-vote';

export interface PostView {
  item: Item;
  votes: Tally;
  lastReason: string | null;
}

/**
 * The item's post, in the server's language. The title and details are the member's own text,
 * posted under Pulse's name: shown as typed, markdown escaped (as polls and flags do), so no
 * masked link hides where it goes and no heading or small print is made of them; line breaks stay.
 */
export function postEmbed(view: PostView, lang: Language = 'en'): APIEmbed {
  const { item, votes } = view;
  const captured =
    item.capturedBy && item.sourceChannelId && item.sourceMessageId
      ? `\n\n${t(lang, 'feedback.post.captured', { link: messageLink(item.guildId, item.sourceChannelId, item.sourceMessageId), by: item.capturedBy })}`
      : '';
  const fields: APIEmbedField[] = [
    { name: t(lang, 'feedback.field.from'), value: authorOf(lang, item.authorId), inline: true },
    { name: t(lang, 'feedback.field.category'), value: item.category, inline: true },
    { name: t(lang, 'feedback.field.status'), value: item.duplicateOf !== null && item.status === 'duplicate' ? t(lang, 'feedback.duplicateOf', { id: item.duplicateOf }) : statusName(lang, item.status), inline: true },
    { name: t(lang, 'feedback.field.votes'), value: text.score(lang, votes), inline: false },
  ];
  if (view.lastReason) fields.push({ name: t(lang, 'feedback.field.why'), value: truncate(view.lastReason, 1024), inline: false });
  return {
    title: plainTextWithin(item.title, 256),
    description: plainTextWithin(item.details, 4096 - captured.length) + captured,
    color: COLORS[item.status],
    fields,
    footer: { text: postFooter(lang, item.id) },
  };
}

export function voteButtons(item: Pick<Item, 'id' | 'status'>, votes: Tally, lang: Language = 'en'): Array<APIActionRowComponent<APIButtonComponent>> {
  const closed = isClosed(item.status);
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, custom_id: encodeCustomId(VOTE_KIND, item.id, 'up'), label: t(lang, 'feedback.button.upvote', { count: votes.up }), emoji: { name: '👍' }, disabled: closed },
        { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: encodeCustomId(VOTE_KIND, item.id, 'down'), label: t(lang, 'feedback.button.downvote', { count: votes.down }), emoji: { name: '👎' }, disabled: closed },
      ],
    },
  ];
}

// ---------------------------------------------------------------- lists, show, export

const when = (ms: number | null) => (ms === null ? '–' : discordTime(ms, 'R'));

/** Reasons stored in English before they were kept as Texts, read back as the Texts they are now. */
const OLDER_REASONS = new Map<string, Text>([
  ['closed by staff before it was posted: Pulse will not post it unless it is reopened', msg('feedback.unposted.closed')],
  ['Unknown Channel (10003): the feedback channel is gone or hidden from Pulse', msg('feedback.unposted.channelGone', { code: '10003' })],
  ['Missing Access (50001)', msg('feedback.unposted.channelGone', { code: '50001' })],
  ['Missing Permissions (50013)', msg('feedback.unposted.refused', { code: '50013' })],
]);
/** The permissions posting an item checks, to read an older "Missing Permissions (50013): View Channel, …" back. */
const POST_PERMISSIONS: readonly MessageKey[] = ['perm.viewChannel', 'perm.sendMessages', 'perm.embedLinks', 'perm.readMessageHistory', 'perm.createPublicThreads', 'perm.manageThreads', 'perm.manageChannels'];

function olderMissing(reason: string): Text | null {
  const prefix = 'Missing Permissions (50013): ';
  if (!reason.startsWith(prefix)) return null;
  const keys = reason.slice(prefix.length).split(', ').map((name) => POST_PERMISSIONS.find((key) => t('en', key) === name));
  return keys.every((key) => key !== undefined) ? msg('feedback.unposted.missing', { missing: keys.map((key) => msg(key!)), code: '50013' }) : null;
}

/**
 * Why an item is not posted, in the reader's language: the Text Pulse kept (or an older English
 * reason it knows), else Discord's own words as they came.
 */
function postErrorIn(lang: Language, reason: string | null): string {
  if (reason === null) return t(lang, 'feedback.show.unknownError');
  const text = storedText(reason) ?? OLDER_REASONS.get(reason) ?? olderMissing(reason);
  return text ? render(lang, text) : reason;
}

/**
 * Why an item is not on Discord, for its line in /feedback list: still being posted, or refused.
 * Discord's refusal is for staff only (as in /feedback show); its author reads that staff can see why.
 */
function notPosted(item: ListedItem, lang: Language, staff: boolean): string {
  if (item.postState === 'posted') return '';
  if (item.postState === 'pending') return ` · ${t(lang, 'feedback.list.pending')}`;
  if (!staff) return ` · ${t(lang, 'feedback.list.failedMember')}`;
  return ` · ${t(lang, 'feedback.list.failed', { error: plainText(ellipsize(postErrorIn(lang, item.postError), 100)) })}`;
}

/** One line of /feedback list, in the reader's language; `staff` when the reader is staff. */
export function listLine(item: ListedItem, lang: Language = 'en', staff = false): string {
  const where = item.threadId ? ` <#${item.threadId}>` : '';
  const waiting = item.firstResponseAt === null && !isClosed(item.status) ? ` · ${t(lang, 'feedback.list.waitingSince', { since: when(item.openedAt ?? item.createdAt) })}` : '';
  return `**#${item.id}** ${plainText(ellipsize(item.title, 80))} · ${item.category} · ${statusName(lang, item.status)} · ${item.votes.score >= 0 ? '+' : ''}${item.votes.score}${notPosted(item, lang, staff)}${waiting}${where}`;
}

/**
 * /feedback show, in the reader's language. Why a post failed is Discord's raw error: for staff
 * only (it is in the logs too); others read that staff can see why.
 */
export function showEmbed(item: Item, votes: Tally, history: StatusChange[], thread: ThreadFigures, firstResponseAt: number | null, lang: Language = 'en', staff = false): APIEmbed {
  const historyLines = history.map(
    (c) =>
      `${when(c.at)} ${t(lang, 'feedback.show.change', { from: statusName(lang, c.from), to: statusName(lang, c.to), by: c.by })}${c.duplicateOf !== null ? ` (${t(lang, 'feedback.duplicateOf', { id: c.duplicateOf })})` : ''}${c.reason ? `: ${ellipsize(c.reason, 120)}` : ''}`,
  );
  const fields: APIEmbedField[] = [
    { name: t(lang, 'feedback.field.from'), value: `${authorOf(lang, item.authorId)}${item.capturedBy ? ` ${t(lang, 'feedback.show.capturedBy', { by: item.capturedBy })}` : ''}`, inline: true },
    { name: t(lang, 'feedback.field.category'), value: item.category, inline: true },
    { name: t(lang, 'feedback.field.status'), value: statusName(lang, item.status), inline: true },
    { name: t(lang, 'feedback.field.votes'), value: text.score(lang, votes), inline: true },
    { name: t(lang, 'feedback.field.thread'), value: t(lang, 'feedback.show.threadValue', { messages: thread.messages, participants: thread.participants }) + (item.threadId ? ` · <#${item.threadId}>` : ''), inline: true },
    { name: t(lang, 'feedback.field.firstAnswer'), value: firstResponseAt === null ? t(lang, 'feedback.show.notYet') : when(firstResponseAt), inline: true },
    { name: t(lang, 'feedback.field.history'), value: truncate(historyLines.join('\n') || t(lang, 'feedback.show.noChange'), 1024) },
  ];
  if (item.gone) fields.push({ name: t(lang, 'feedback.field.note'), value: t(lang, GONE_KEY[item.gone]) });
  // Why the latest change did not reach the thread (Discord's refusal, or the retries ran out): for staff.
  const last = history.at(-1);
  if (staff && last?.applyError) fields.push({ name: t(lang, 'feedback.field.note'), value: truncate(t(lang, 'feedback.show.applyFailed', { status: statusName(lang, last.to), error: last.applyError }), 1024) });
  if (item.postState !== 'posted') {
    const failed = staff ? t(lang, 'feedback.show.failed', { error: postErrorIn(lang, item.postError) }) : t(lang, 'feedback.show.failedMember');
    fields.push({ name: t(lang, 'feedback.field.note'), value: item.postState === 'pending' ? t(lang, 'feedback.show.pending') : failed });
  }
  // The member's title and details as on the post: markdown escaped.
  const title = `#${item.id} `;
  return { title: title + plainTextWithin(item.title, 256 - title.length), description: plainTextWithin(item.details, 2000), color: COLORS[item.status], fields };
}

export interface ExportRow {
  item: Item;
  votes: Tally;
  history: readonly HistoryEntry[];
  thread: ThreadFigures;
  firstResponseAt: number | null;
  firstDecisionAt: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const minutes = (from: number | null, to: number | null) => (from === null || to === null ? null : Math.round(((to - from) / 60_000) * 10) / 10);

export const CSV_HEADER = ['item', 'title', 'author_id', 'captured_by', 'category', 'status', 'duplicate_of', 'opened_at', 'upvotes', 'downvotes', 'score', 'thread_messages', 'thread_participants', 'minutes_to_first_staff_response', 'minutes_to_decision', 'status_history'];

/** The export: one line per item (src/csv.ts's format). */
export function exportCsv(rows: readonly ExportRow[]): string {
  return toCsv(
    CSV_HEADER,
    rows.map((r) => {
      const history = r.history.map((c) => `${iso(c.at)} ${c.from}->${c.to} by ${c.by}${c.duplicateOf !== null ? ` dup #${c.duplicateOf}` : ''}${c.reason ? `: ${c.reason}` : ''}`).join(' | ');
      return [
        r.item.id,
        r.item.title,
        r.item.authorId,
        r.item.capturedBy,
        r.item.category,
        r.item.status,
        r.item.duplicateOf,
        iso(r.item.openedAt),
        r.votes.up,
        r.votes.down,
        r.votes.score,
        r.thread.messages,
        r.thread.participants,
        minutes(r.item.openedAt, r.firstResponseAt),
        minutes(r.item.openedAt, r.firstDecisionAt),
        history,
      ];
    }),
  );
}
