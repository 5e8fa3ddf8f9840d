// What feedback looks like on Discord (pure): the post's embed and buttons, notices, lists, CSV.
import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIEmbedField } from 'discord-api-types/v10';
import { encodeCustomId } from '../discord/custom-id.js';
import { csvCell, isClosed, messageLink, postMarker, STATUS_LABEL, type Status, type Tally } from './feedback.js';
import type { ListedItem } from './figures-store.js';
import type { Item, StatusChange, ThreadFigures } from './store.js';

/** Every user-visible text of this file, in one place. */
export const text = {
  upvote: (n: number) => `Upvote (${n})`,
  downvote: (n: number) => `Downvote (${n})`,
  from: 'From',
  category: 'Category',
  status: 'Status',
  votes: 'Votes',
  score: (t: Tally) => `▲ ${t.up} · ▼ ${t.down} · score ${t.score > 0 ? '+' : ''}${t.score}`,
  captured: (link: string, by: string) => `Captured from [this message](${link}) by <@${by}>.`,
  duplicateOf: (id: number) => `Duplicate of #${id}`,
  reason: 'Why',
  closedNote: 'Voting is closed on this item.',
  notice: (item: Item, status: Status, reason: string | null, link: string | null, original: number | null) =>
    [
      `Your feedback **#${item.id} ${item.title}** is now **${STATUS_LABEL[status]}**.`,
      original !== null ? `It was merged into **#${original}**: your votes and discussion continue there.` : null,
      reason ? `Why: ${reason}` : null,
      link,
    ]
      .filter((l): l is string => l !== null)
      .join('\n'),
  threadNotice: (authorId: string, status: Status, reason: string | null, original: number | null) =>
    [
      `<@${authorId}> this item is now **${STATUS_LABEL[status]}** (your DMs are closed, so I'm telling you here).`,
      original !== null ? `See #${original}.` : null,
      reason ? `Why: ${reason}` : null,
    ]
      .filter((l): l is string => l !== null)
      .join('\n'),
  threadStatus: (status: Status, by: string, reason: string | null, original: number | null) =>
    `Status: **${STATUS_LABEL[status]}** (by <@${by}>)${original !== null ? ` · duplicate of #${original}` : ''}${reason ? `\nWhy: ${reason}` : ''}`,
  gone: { message: 'its post was deleted', thread: 'its thread was deleted' },
} as const;

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

export function postEmbed(view: PostView): APIEmbed {
  const { item, votes } = view;
  const description = [item.details];
  if (item.capturedBy && item.sourceChannelId && item.sourceMessageId) {
    description.push('', text.captured(messageLink(item.guildId, item.sourceChannelId, item.sourceMessageId), item.capturedBy));
  }
  const fields: APIEmbedField[] = [
    { name: text.from, value: `<@${item.authorId}>`, inline: true },
    { name: text.category, value: item.category, inline: true },
    { name: text.status, value: item.duplicateOf !== null && item.status === 'duplicate' ? text.duplicateOf(item.duplicateOf) : STATUS_LABEL[item.status], inline: true },
    { name: text.votes, value: text.score(votes), inline: false },
  ];
  if (view.lastReason) fields.push({ name: text.reason, value: view.lastReason.slice(0, 1024), inline: false });
  return {
    title: item.title.slice(0, 256),
    description: description.join('\n').slice(0, 4096),
    color: COLORS[item.status],
    fields,
    footer: { text: postMarker(item.id) },
  };
}

export function voteButtons(item: Pick<Item, 'id' | 'status'>, votes: Tally): Array<APIActionRowComponent<APIButtonComponent>> {
  const closed = isClosed(item.status);
  return [
    {
      type: ComponentType.ActionRow,
      components: [
        { type: ComponentType.Button, style: ButtonStyle.Success, custom_id: encodeCustomId(VOTE_KIND, item.id, 'up'), label: text.upvote(votes.up), emoji: { name: '👍' }, disabled: closed },
        { type: ComponentType.Button, style: ButtonStyle.Danger, custom_id: encodeCustomId(VOTE_KIND, item.id, 'down'), label: text.downvote(votes.down), emoji: { name: '👎' }, disabled: closed },
      ],
    },
  ];
}

// ---------------------------------------------------------------- lists, show, export

const t = (ms: number | null) => (ms === null ? '–' : `<t:${Math.floor(ms / 1000)}:R>`);

export function listLine(item: ListedItem): string {
  const where = item.threadId ? ` <#${item.threadId}>` : '';
  return `**#${item.id}** ${item.title.slice(0, 80)} · ${item.category} · ${STATUS_LABEL[item.status]} · ${item.votes.score >= 0 ? '+' : ''}${item.votes.score}${item.firstResponseAt === null && !isClosed(item.status) ? ` · waiting since ${t(item.openedAt ?? item.createdAt)}` : ''}${where}`;
}

export function showEmbed(item: Item, votes: Tally, history: StatusChange[], thread: ThreadFigures, firstResponseAt: number | null): APIEmbed {
  const lines = history.map((c) => `${t(c.at)} ${STATUS_LABEL[c.from]} → **${STATUS_LABEL[c.to]}** by <@${c.by}>${c.duplicateOf !== null ? ` (duplicate of #${c.duplicateOf})` : ''}${c.reason ? `: ${c.reason.slice(0, 120)}` : ''}`);
  const fields: APIEmbedField[] = [
    { name: text.from, value: `<@${item.authorId}>${item.capturedBy ? ` (captured by <@${item.capturedBy}>)` : ''}`, inline: true },
    { name: text.category, value: item.category, inline: true },
    { name: text.status, value: STATUS_LABEL[item.status], inline: true },
    { name: text.votes, value: text.score(votes), inline: true },
    { name: 'Thread', value: `${thread.messages} messages · ${thread.participants} participants${item.threadId ? ` · <#${item.threadId}>` : ''}`, inline: true },
    { name: 'First staff answer', value: firstResponseAt === null ? 'not yet' : t(firstResponseAt), inline: true },
    { name: 'History', value: (lines.join('\n') || 'no status change yet').slice(0, 1024) },
  ];
  if (item.gone) fields.push({ name: 'Note', value: `This item's post is gone: ${text.gone[item.gone]}.` });
  if (item.postState !== 'posted') fields.push({ name: 'Note', value: item.postState === 'pending' ? 'Not posted yet; Pulse retries.' : `Could not be posted: ${item.postError ?? 'unknown error'}` });
  return { title: `#${item.id} ${item.title}`.slice(0, 256), description: item.details.slice(0, 2000), color: COLORS[item.status], fields };
}

export interface ExportRow {
  item: Item;
  votes: Tally;
  history: StatusChange[];
  thread: ThreadFigures;
  firstResponseAt: number | null;
  firstDecisionAt: number | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const minutes = (from: number | null, to: number | null) => (from === null || to === null ? null : Math.round(((to - from) / 60_000) * 10) / 10);

export const CSV_HEADER = ['item', 'title', 'author_id', 'captured_by', 'category', 'status', 'duplicate_of', 'opened_at', 'upvotes', 'downvotes', 'score', 'thread_messages', 'thread_participants', 'minutes_to_first_staff_response', 'minutes_to_decision', 'status_history'];

/** The export: one line per item, cells neutralised against spreadsheet formulas. */
export function exportCsv(rows: readonly ExportRow[]): string {
  const lines = [CSV_HEADER.join(',')];
  for (const r of rows) {
    const history = r.history.map((c) => `${iso(c.at)} ${c.from}->${c.to} by ${c.by}${c.duplicateOf !== null ? ` dup #${c.duplicateOf}` : ''}${c.reason ? `: ${c.reason}` : ''}`).join(' | ');
    lines.push(
      [
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
      ]
        .map((v) => csvCell(v))
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
