// Feedback reads across items: lists with votes and first answers, and the rows of the answer-time figures.
import type { Executor } from '../db/schema.js';
import { isClosed, isStatus, tally, type Tally } from './feedback.js';
import { feedbackFigures, type FeedbackFigures, type FigureItem } from './figures.js';
import { toItem, type Item } from './store.js';

export interface ListedItem extends Item {
  votes: Tally;
  /** First staff response (reply or status change), or null. */
  firstResponseAt: number | null;
}

/** A guild's items with votes and first responses (newest first, at most `limit`). */
export async function listItems(db: Executor, guildId: string, limit = 1000): Promise<ListedItem[]> {
  const rows = await db.selectFrom('feedback_items').selectAll().where('guild_id', '=', guildId).orderBy('id', 'desc').limit(limit).execute();
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const votes = await db.selectFrom('feedback_votes').select(['item_id', 'value']).where('item_id', 'in', ids).execute();
  const replies = await db
    .selectFrom('feedback_thread_messages as m')
    .innerJoin('feedback_items as i', 'i.id', 'm.item_id')
    .select((eb) => ['m.item_id', eb.fn.min<number>('m.at').as('at')])
    .where('m.item_id', 'in', ids)
    .where('m.staff', '=', 1)
    .whereRef('m.user_id', '!=', 'i.author_id')
    .groupBy('m.item_id')
    .execute();
  const changes = await db
    .selectFrom('feedback_status_changes')
    .select((eb) => ['item_id', eb.fn.min<number>('at').as('at')])
    .where('item_id', 'in', ids)
    .where('by_staff', '=', 1)
    .groupBy('item_id')
    .execute();
  const byItem = new Map<number, number[]>();
  for (const v of votes) byItem.set(v.item_id, [...(byItem.get(v.item_id) ?? []), v.value]);
  const first = new Map<number, number>();
  for (const r of [...replies, ...changes]) {
    const prev = first.get(r.item_id);
    if (prev === undefined || r.at < prev) first.set(r.item_id, r.at);
  }
  return rows.map((r) => ({ ...toItem(r), votes: tally(byItem.get(r.id) ?? []), firstResponseAt: first.get(r.id) ?? null }));
}

/** The rows the answer-time figures need: posted items opened before `asOf`. */
export async function figureItems(db: Executor, guildId: string, asOf: number): Promise<FigureItem[]> {
  const items = await db
    .selectFrom('feedback_items')
    .select(['id', 'category', 'opened_at', 'author_id'])
    .where('guild_id', '=', guildId)
    .where('opened_at', 'is not', null)
    .where('opened_at', '<=', asOf)
    .orderBy('id')
    .execute();
  if (items.length === 0) return [];
  const changes = await db
    .selectFrom('feedback_status_changes as c')
    .innerJoin('feedback_items as i', 'i.id', 'c.item_id')
    .select(['c.item_id', 'c.at', 'c.to_status', 'c.by_staff'])
    .where('i.guild_id', '=', guildId)
    .orderBy('c.id')
    .execute();
  const replies = await db
    .selectFrom('feedback_thread_messages as m')
    .innerJoin('feedback_items as i', 'i.id', 'm.item_id')
    .select(['m.item_id', 'm.at'])
    .where('i.guild_id', '=', guildId)
    .where('m.staff', '=', 1)
    .whereRef('m.user_id', '!=', 'i.author_id')
    .execute();
  const out = new Map<number, FigureItem>(items.map((i) => [i.id, { id: i.id, category: i.category, openedAt: i.opened_at!, changes: [], staffReplies: [] }]));
  for (const c of changes) {
    const item = out.get(c.item_id);
    if (item && isStatus(c.to_status)) (item.changes as Array<FigureItem['changes'][number]>).push({ at: c.at, to: c.to_status, byStaff: c.by_staff === 1 });
  }
  for (const r of replies) (out.get(r.item_id)?.staffReplies as number[] | undefined)?.push(r.at);
  return [...out.values()];
}


/** The top-voted open items (score above zero), best first: for the digest and /insights. */
export async function topOpenItems(db: Executor, guildId: string, count = 3): Promise<Array<{ id: number; title: string; score: number }>> {
  return (await listItems(db, guildId, 500))
    .filter((i) => i.postState === 'posted' && !isClosed(i.status) && i.votes.score > 0)
    .sort((a, b) => b.votes.score - a.votes.score || a.id - b.id)
    .slice(0, count)
    .map((i) => ({ id: i.id, title: i.title, score: i.votes.score }));
}

/** The report's `feedback` block (docs/metrics.md) for the period [start, end) as of `asOf`. */
export async function feedbackReport(db: Executor, guildId: string, period: { start: number; end: number }, asOf: number, waitingHours: number): Promise<FeedbackFigures> {
  const items = await figureItems(db, guildId, asOf);
  return feedbackFigures(items, { start: period.start, end: period.end, asOf, waitingMs: waitingHours * 3_600_000 });
}
