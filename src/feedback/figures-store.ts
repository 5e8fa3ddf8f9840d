// Feedback reads across items: lists with votes and first answers, and the rows of the answer-time figures.
import { sql, type SqlBool } from 'kysely';
import type { Executor } from '../db/schema.js';
import { ANONYMOUS_AUTHOR, CLOSED, isStatus, type Status, type Tally } from './feedback.js';
import { feedbackFigures, type FeedbackFigures, type FigureItem } from './figures.js';
import { toItem, type Item, type StatusChange, type ThreadFigures } from './store.js';

/**
 * A thread message that is not the item's author's own: staff answering their own item is no
 * answer. When both opted out, both are '~' (ANONYMOUS_AUTHOR): the staff reply still counts.
 */
const notTheAuthors = sql<SqlBool>`(m.user_id <> i.author_id OR i.author_id = ${ANONYMOUS_AUTHOR})`;

export interface ListedItem extends Item {
  votes: Tally;
  /** First staff response (reply or status change), or null. */
  firstResponseAt: number | null;
}

/**
 * A guild's newest `limit` item rows, newest first. The other reads of a list take the guild's
 * items from the smallest of their ids on (exactly these items, and any newer one, which is
 * ignored): no list of ids is bound, however many items.
 */
async function newestRows(db: Executor, guildId: string, limit: number) {
  const rows = await db.selectFrom('feedback_items').selectAll().where('guild_id', '=', guildId).orderBy('id', 'desc').limit(limit).execute();
  return { rows, fromId: rows.at(-1)?.id ?? 0 };
}

/**
 * The votes, first staff reply and first staff status change of a guild's items from `fromId`
 * on (of the `only` ones among them, when given), counted and grouped in SQL: one row per item,
 * however many votes or messages it has.
 */
async function itemFigures(db: Executor, guildId: string, fromId: number, only?: readonly number[]) {
  const votes = await db
    .selectFrom('feedback_votes as v')
    .innerJoin('feedback_items as i', 'i.id', 'v.item_id')
    .select(['v.item_id', sql<number>`sum(case when v.value > 0 then 1 else 0 end)`.as('up'), sql<number>`sum(case when v.value < 0 then 1 else 0 end)`.as('down')])
    .where('i.guild_id', '=', guildId)
    .where('i.id', '>=', fromId)
    .$if(only !== undefined, (qb) => qb.where('i.id', 'in', only!))
    .groupBy('v.item_id')
    .execute();
  const replies = await db
    .selectFrom('feedback_thread_messages as m')
    .innerJoin('feedback_items as i', 'i.id', 'm.item_id')
    .select((eb) => ['m.item_id', eb.fn.min<number>('m.at').as('at')])
    .where('i.guild_id', '=', guildId)
    .where('i.id', '>=', fromId)
    .$if(only !== undefined, (qb) => qb.where('i.id', 'in', only!))
    .where('m.staff', '=', 1)
    .where(notTheAuthors)
    .groupBy('m.item_id')
    .execute();
  const changes = await db
    .selectFrom('feedback_status_changes as c')
    .innerJoin('feedback_items as i', 'i.id', 'c.item_id')
    .select((eb) => ['c.item_id', eb.fn.min<number>('c.at').as('at')])
    .where('i.guild_id', '=', guildId)
    .where('i.id', '>=', fromId)
    .$if(only !== undefined, (qb) => qb.where('i.id', 'in', only!))
    .where('c.by_staff', '=', 1)
    .groupBy('c.item_id')
    .execute();
  const tallies = new Map<number, Tally>(votes.map((v) => [v.item_id, { up: Number(v.up), down: Number(v.down), score: Number(v.up) - Number(v.down) }]));
  const firstReply = new Map<number, number>(replies.map((r) => [r.item_id, r.at]));
  const first = new Map<number, number>(firstReply);
  for (const c of changes) {
    const prev = first.get(c.item_id);
    if (prev === undefined || c.at < prev) first.set(c.item_id, c.at);
  }
  return { tallies, firstReply, first };
}

const NO_VOTES: Tally = { up: 0, down: 0, score: 0 };

/** A guild's items with votes and first responses (newest first, at most `limit`). */
export async function listItems(db: Executor, guildId: string, limit = 1000): Promise<ListedItem[]> {
  const { rows, fromId } = await newestRows(db, guildId, limit);
  if (rows.length === 0) return [];
  const { tallies, first } = await itemFigures(db, guildId, fromId);
  return rows.map((r) => ({ ...toItem(r), votes: tallies.get(r.id) ?? NO_VOTES, firstResponseAt: first.get(r.id) ?? null }));
}

/** Who reads a list: an item not on Discord is listed to staff, its author and its capturer only (canSeeItem). */
export interface Viewer {
  userId: string;
  staff: boolean;
}

/** What /feedback list asks for: its filters, its order and how many items it shows. */
export interface ListQuery {
  viewer: Viewer;
  status: Status | null;
  category: string | null;
  /** 'top': best score first; 'new': newest first; 'waiting': open items no staff answered, longest waiting first. */
  sort: 'top' | 'new' | 'waiting';
  limit: number;
}

/**
 * /feedback list over all of a server's items, however many and however old: filtered, counted
 * and sorted in SQL (the votes grouped per item), then the first `limit` with their figures.
 * `total` is how many items match in all.
 */
export async function findItems(db: Executor, guildId: string, q: ListQuery): Promise<{ items: ListedItem[]; total: number }> {
  // A category matches as the member typed it, in any case, as JavaScript folds case (SQLite's
  // lower() folds ASCII only): the few category names of the server's items are matched here.
  let categories: string[] | null = null;
  if (q.category !== null) {
    const wanted = q.category.trim().toLowerCase();
    const names = await db.selectFrom('feedback_items').select('category').distinct().where('guild_id', '=', guildId).execute();
    categories = names.map((n) => n.category).filter((c) => c.toLowerCase() === wanted);
    if (categories.length === 0) return { items: [], total: 0 };
  }
  const votes = db
    .selectFrom('feedback_votes as fv')
    .innerJoin('feedback_items as fi', 'fi.id', 'fv.item_id')
    .select(['fv.item_id', sql<number>`sum(case when fv.value > 0 then 1 else 0 end)`.as('up'), sql<number>`sum(case when fv.value < 0 then 1 else 0 end)`.as('down')])
    .where('fi.guild_id', '=', guildId)
    .groupBy('fv.item_id');
  const matching = db
    .selectFrom('feedback_items as i')
    .leftJoin(votes.as('v'), 'v.item_id', 'i.id')
    .where('i.guild_id', '=', guildId)
    .$if(!q.viewer.staff, (qb) => qb.where((eb) => eb.or([eb('i.post_state', '=', 'posted'), eb('i.author_id', '=', q.viewer.userId), eb('i.captured_by', '=', q.viewer.userId)])))
    .$if(q.status !== null, (qb) => qb.where('i.status', '=', q.status!))
    .$if(categories !== null, (qb) => qb.where('i.category', 'in', categories!))
    // Waiting: open, and neither a staff reply (not the author's own) nor a staff status change yet.
    .$if(q.sort === 'waiting', (qb) =>
      qb
        .where('i.status', 'not in', [...CLOSED])
        .where((eb) =>
          eb.not(
            eb.exists(
              eb.selectFrom('feedback_thread_messages as m').select('m.item_id').whereRef('m.item_id', '=', 'i.id').where('m.staff', '=', 1).where(notTheAuthors),
            ),
          ),
        )
        .where((eb) => eb.not(eb.exists(eb.selectFrom('feedback_status_changes as c').select('c.item_id').whereRef('c.item_id', '=', 'i.id').where('c.by_staff', '=', 1)))),
    );
  const counted = await matching.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirst();
  const total = Number(counted?.total ?? 0);
  if (total === 0) return { items: [], total: 0 };
  const up = sql<number>`coalesce(v.up, 0)`;
  const score = sql<number>`coalesce(v.up, 0) - coalesce(v.down, 0)`;
  const ordered =
    q.sort === 'waiting'
      ? matching.orderBy(sql`coalesce(i.opened_at, i.created_at)`).orderBy('i.id')
      : q.sort === 'new'
        ? matching.orderBy('i.id', 'desc')
        : matching.orderBy(score, 'desc').orderBy(up, 'desc').orderBy('i.id');
  const rows = await ordered.selectAll('i').limit(q.limit).execute();
  if (rows.length === 0) return { items: [], total };
  const { tallies, first } = await itemFigures(db, guildId, 0, rows.map((r) => r.id));
  return { items: rows.map((r) => ({ ...toItem(r), votes: tallies.get(r.id) ?? NO_VOTES, firstResponseAt: first.get(r.id) ?? null })), total };
}

/** What item autocomplete needs of an item: who may see it, its number, title and status. */
export interface ItemChoice {
  id: number;
  title: string;
  status: Status;
  postState: string;
  authorId: string;
  capturedBy: string | null;
}

/** A guild's newest `limit` items for autocomplete, newest first: no votes, no answers. */
export async function itemChoices(db: Executor, guildId: string, limit = 500): Promise<ItemChoice[]> {
  const rows = await db
    .selectFrom('feedback_items')
    .select(['id', 'title', 'status', 'post_state', 'author_id', 'captured_by'])
    .where('guild_id', '=', guildId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(choiceOf);
}

const choiceOf = (r: { id: number; title: string; status: string; post_state: string; author_id: string; captured_by: string | null }): ItemChoice => ({
  id: r.id,
  title: r.title,
  status: isStatus(r.status) ? r.status : 'open',
  postState: r.post_state,
  authorId: r.author_id,
  capturedBy: r.captured_by,
});

/** Whether a suggestion fits what the member typed (lower case, no "#"): its number begins so, or its title holds it. */
export const choiceMatches = (i: { id: number; title: string }, typed: string) => typed === '' || String(i.id).startsWith(typed) || i.title.toLowerCase().includes(typed);

/**
 * Item autocomplete over all of a guild's items, however old: the newest `count` the viewer may see
 * whose number or title fits `typed` (lower case). Text typed in ASCII is looked for in SQL (LIKE
 * folds ASCII case); then every row is checked as JavaScript folds case, page by page, newest
 * first, until `count` are found.
 */
export async function searchChoices(db: Executor, guildId: string, viewer: Viewer, typed: string, count = 25): Promise<ItemChoice[]> {
  // LIKE's own wildcards in what was typed are matched as themselves.
  const like = typed.replace(/[\\%_]/g, (c) => `\\${c}`);
  const ascii = /^[\x00-\x7f]*$/.test(typed);
  const found: ItemChoice[] = [];
  let before = Number.MAX_SAFE_INTEGER;
  for (;;) {
    const rows = await db
      .selectFrom('feedback_items')
      .select(['id', 'title', 'status', 'post_state', 'author_id', 'captured_by'])
      .where('guild_id', '=', guildId)
      .where('id', '<', before)
      .$if(!viewer.staff, (qb) => qb.where((eb) => eb.or([eb('post_state', '=', 'posted'), eb('author_id', '=', viewer.userId), eb('captured_by', '=', viewer.userId)])))
      .$if(typed !== '' && ascii, (qb) => qb.where(sql<boolean>`(cast(id as text) like ${`${like}%`} escape '\\' or title like ${`%${like}%`} escape '\\')`))
      .orderBy('id', 'desc')
      .limit(CHOICE_PAGE)
      .execute();
    for (const r of rows) if (found.length < count && choiceMatches(r, typed)) found.push(choiceOf(r));
    if (found.length >= count || rows.length < CHOICE_PAGE) return found;
    before = rows.at(-1)!.id;
  }
}

const CHOICE_PAGE = 1000;

/** How many items a guild has (the export says how many it left out). */
export async function countItems(db: Executor, guildId: string): Promise<number> {
  const row = await db.selectFrom('feedback_items').select((eb) => eb.fn.countAll<number>().as('n')).where('guild_id', '=', guildId).executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** A status change as the export writes it. */
export type HistoryEntry = Pick<StatusChange, 'at' | 'from' | 'to' | 'by' | 'byStaff' | 'reason' | 'duplicateOf'>;

export interface ExportedItem extends ListedItem {
  history: HistoryEntry[];
  thread: ThreadFigures;
}

/**
 * Everything /feedback export writes of a guild's items (the newest `limit`, oldest first), in
 * a fixed number of queries however many items: the figures grouped in SQL, the histories in
 * one read.
 */
export async function exportItems(db: Executor, guildId: string, limit = 10_000): Promise<ExportedItem[]> {
  const { rows, fromId } = await newestRows(db, guildId, limit);
  if (rows.length === 0) return [];
  const { tallies, firstReply, first } = await itemFigures(db, guildId, fromId);
  const threads = await db
    .selectFrom('feedback_thread_messages as m')
    .innerJoin('feedback_items as i', 'i.id', 'm.item_id')
    .select((eb) => ['m.item_id', eb.fn.countAll<number>().as('messages'), eb.fn.count<number>('m.user_id').distinct().as('participants')])
    .where('i.guild_id', '=', guildId)
    .where('i.id', '>=', fromId)
    .groupBy('m.item_id')
    .execute();
  const changes = await db
    .selectFrom('feedback_status_changes as c')
    .innerJoin('feedback_items as i', 'i.id', 'c.item_id')
    .select(['c.item_id', 'c.at', 'c.from_status', 'c.to_status', 'c.by_user', 'c.by_staff', 'c.reason', 'c.duplicate_of'])
    .where('i.guild_id', '=', guildId)
    .where('i.id', '>=', fromId)
    .orderBy('c.id')
    .execute();
  const counts = new Map(threads.map((t) => [t.item_id, t]));
  const histories = new Map<number, HistoryEntry[]>(rows.map((r) => [r.id, []]));
  for (const c of changes) {
    histories.get(c.item_id)?.push({
      at: c.at,
      from: isStatus(c.from_status) ? c.from_status : 'open',
      to: isStatus(c.to_status) ? c.to_status : 'open',
      by: c.by_user,
      byStaff: c.by_staff === 1,
      reason: c.reason,
      duplicateOf: c.duplicate_of,
    });
  }
  return rows
    .map((r) => ({
      ...toItem(r),
      votes: tallies.get(r.id) ?? NO_VOTES,
      firstResponseAt: first.get(r.id) ?? null,
      history: histories.get(r.id)!,
      thread: { messages: Number(counts.get(r.id)?.messages ?? 0), participants: Number(counts.get(r.id)?.participants ?? 0), firstStaffReplyAt: firstReply.get(r.id) ?? null },
    }))
    .reverse();
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
    .where(notTheAuthors)
    .execute();
  const out = new Map<number, FigureItem>(items.map((i) => [i.id, { id: i.id, category: i.category, openedAt: i.opened_at!, changes: [], staffReplies: [] }]));
  for (const c of changes) {
    const item = out.get(c.item_id);
    if (item && isStatus(c.to_status)) (item.changes as Array<FigureItem['changes'][number]>).push({ at: c.at, to: c.to_status, byStaff: c.by_staff === 1 });
  }
  for (const r of replies) (out.get(r.item_id)?.staffReplies as number[] | undefined)?.push(r.at);
  return [...out.values()];
}


/**
 * The top-voted open items (score above zero), best first: for the digest and /insights. Over all
 * of the guild's posted, open items still on Discord, however old, scored in SQL.
 */
export async function topOpenItems(db: Executor, guildId: string, count = 3): Promise<Array<{ id: number; title: string; score: number }>> {
  const score = sql<number>`sum(case when v.value > 0 then 1 when v.value < 0 then -1 else 0 end)`;
  const rows = await db
    .selectFrom('feedback_items as i')
    .innerJoin('feedback_votes as v', 'v.item_id', 'i.id')
    .select(['i.id', 'i.title', score.as('score')])
    .where('i.guild_id', '=', guildId)
    .where('i.post_state', '=', 'posted')
    .where('i.gone', 'is', null)
    .where('i.status', 'not in', [...CLOSED])
    .groupBy('i.id')
    .having(score, '>', 0)
    .orderBy(score, 'desc')
    .orderBy('i.id')
    .limit(count)
    .execute();
  return rows.map((r) => ({ id: r.id, title: r.title, score: Number(r.score) }));
}

/** The report's `feedback` block (docs/metrics.md) for the period [start, end) as of `asOf`. */
export async function feedbackReport(db: Executor, guildId: string, period: { start: number; end: number }, asOf: number, waitingHours: number): Promise<FeedbackFigures> {
  const items = await figureItems(db, guildId, asOf);
  return feedbackFigures(items, { start: period.start, end: period.end, asOf, waitingMs: waitingHours * 3_600_000 });
}
