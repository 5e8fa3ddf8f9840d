// The feedback slice's privacy entries (see src/privacy/registry.ts): votes and thread-message
// records go (staff answers stay, naming nobody); items stay as the server's record with the
// member replaced by a placeholder; staff status changes stay whole, as the history other
// members' items depend on.
import { languageCodes, t, type Language } from '../i18n/index.js';
import { countWith, eachKey, iso, type PrivacyEntry, scanWith } from '../privacy/registry.js';
import { ANONYMOUS_AUTHOR } from './feedback.js';
import { itemsAnonymised } from './store.js';

const votes: PrivacyEntry = {
  name: 'feedback_votes',
  table: 'feedback_votes',
  columns: ['user_id'],
  label: 'privacy.entry.feedbackVotes',
  fate: 'deleted',
  why: "the item's score loses your vote",
  count: countWith(`SELECT count(*) FROM feedback_votes v JOIN feedback_items i ON i.id = v.item_id WHERE i.guild_id = ? AND v.user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT v.item_id, i.title, v.value, v.voted_at FROM feedback_votes v JOIN feedback_items i ON i.id = v.item_id WHERE i.guild_id = ? AND v.user_id = ? ORDER BY v.item_id`);
    for (const v of s.iterate(guildId, userId) as Iterable<{ item_id: number; title: string; value: number; voted_at: number }>) {
      yield { item_id: v.item_id, item: v.title, vote: v.value > 0 ? 'up' : 'down', voted_at: iso(v.voted_at) };
    }
  },
  scan: scanWith(`SELECT v.item_id FROM feedback_votes v JOIN feedback_items i ON i.id = v.item_id WHERE i.guild_id = ? AND v.user_id = ?`),
  apply(write, _guildId, userId, keys) {
    const remove = write.prepare(`DELETE FROM feedback_votes WHERE item_id = ? AND user_id = ?`);
    const changed = keys.filter(([id]) => remove.run(id, userId).changes > 0).map(([id]) => Number(id));
    // Their posts still count the vote ("▲ 1", "Upvote (1)"): re-rendered now, as after an
    // author's opt-out (or, should that be cut short, on the next start: staleItemIds).
    itemsAnonymised(write, changed);
  },
};

/**
 * How "Capture as feedback" titled a message with no text before it stopped naming its author
 * ("Feedback from alice"), per language, as the catalogues said it (the same in every version).
 */
const NAMED_FALLBACK: Record<Language, string> = { en: 'Feedback from ', es: 'Sugerencia de ', ru: 'Отзыв от ' };

/**
 * The title a captured item of an opting-out author takes instead of its own, or null to keep
 * its own: a title Pulse made of their username goes. Such a title is known by its prefix in
 * a language together with that language's "no text" details, which only that capture wrote (a
 * message with text gives its own first line as title and its text as details); a staff member
 * cannot edit either.
 */
export function unnamedCaptureTitle(title: string, details: string): string | null {
  for (const lang of languageCodes) {
    if (details !== t(lang, 'feedback.capture.noText') || !title.startsWith(NAMED_FALLBACK[lang])) continue;
    const unnamed = t(lang, 'feedback.capture.fallbackTitleAnonymous');
    return unnamed === title ? null : unnamed;
  }
  return null;
}

const items: PrivacyEntry = {
  name: 'feedback_items',
  table: 'feedback_items',
  columns: ['author_id'],
  label: 'privacy.entry.feedbackItems',
  fate: 'anonymised',
  why: "the item stays (other members voted and replied on it) with its author replaced by a placeholder; its title and details stay in the server's feedback channel, but for the title Pulse gave a message of yours with no text, which named you and becomes \"Feedback from a member\"; staff can delete it",
  count: countWith(`SELECT count(*) FROM feedback_items WHERE guild_id = ? AND author_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT id, title, details, category, status, created_at, opened_at, source_message_id IS NOT NULL AS captured, source_channel_id, source_message_id FROM feedback_items WHERE guild_id = ? AND author_id = ? ORDER BY id`);
    type Row = { id: number; title: string; details: string; category: string; status: string; created_at: number; opened_at: number | null; captured: number; source_channel_id: string | null; source_message_id: string | null };
    // The item's status history: the decisions staff made on it and the reasons they gave the
    // author; not who made them (another member's id).
    const history = read.prepare(`SELECT from_status, to_status, reason, at FROM feedback_status_changes WHERE item_id = ? ORDER BY id`);
    type Change = { from_status: string; to_status: string; reason: string | null; at: number };
    // All rows first: the history's statement cannot run while the items' one is still iterating.
    for (const r of s.all(guildId, userId) as Row[]) {
      // A captured item names the member's message it came from; it stays 'captured' when its
      // capturer opted out (captured_by cleared): the source message says so.
      const from = r.source_message_id === null ? {} : { source_channel_id: r.source_channel_id, source_message_id: r.source_message_id };
      const changes = (history.all(r.id) as Change[]).map((c) => ({ from: c.from_status, to: c.to_status, reason: c.reason, at: iso(c.at) }));
      yield { item_id: r.id, title: r.title, details: r.details, category: r.category, status: r.status, created_at: iso(r.created_at), opened_at: iso(r.opened_at), source: r.captured ? 'captured' : 'submitted', ...from, status_changes: changes };
    }
  },
  scan: scanWith(`SELECT id FROM feedback_items WHERE guild_id = ? AND author_id = ?`),
  apply(write, _guildId, userId, keys) {
    const read = write.prepare(`SELECT title, details, source_message_id FROM feedback_items WHERE id = ? AND author_id = ?`);
    const rename = write.prepare(`UPDATE feedback_items SET author_id = ?, title = ? WHERE id = ? AND author_id = ?`);
    const renamed: number[] = [];
    for (const [id] of keys) {
      const row = read.get(id, userId) as { title: string; details: string; source_message_id: string | null } | undefined;
      if (!row) continue;
      const title = row.source_message_id === null ? null : unnamedCaptureTitle(row.title, row.details);
      if (rename.run(ANONYMOUS_AUTHOR, title ?? row.title, id, userId).changes > 0) renamed.push(Number(id));
    }
    // Their posts still show the member as the author (and a captured one may carry their name
    // in its title and thread name): re-rendered now (or, should that be cut short, on the next start).
    itemsAnonymised(write, renamed);
  },
};

const captured: PrivacyEntry = {
  name: 'feedback_items.captured_by',
  table: 'feedback_items',
  columns: ['captured_by'],
  label: 'privacy.entry.feedbackCaptured',
  fate: 'anonymised',
  why: "the item is the author's; who captured it is cleared",
  count: countWith(`SELECT count(*) FROM feedback_items WHERE guild_id = ? AND captured_by = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT id, title, status, created_at FROM feedback_items WHERE guild_id = ? AND captured_by = ? ORDER BY id`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ id: number; title: string; status: string; created_at: number }>) {
      yield { item_id: r.id, title: r.title, status: r.status, captured_at: iso(r.created_at) };
    }
  },
  scan: scanWith(`SELECT id FROM feedback_items WHERE guild_id = ? AND captured_by = ?`),
  apply: eachKey(`UPDATE feedback_items SET captured_by = NULL WHERE id = ? AND captured_by = ?`),
};

const threadMessages: PrivacyEntry = {
  name: 'feedback_thread_messages',
  table: 'feedback_thread_messages',
  columns: ['user_id'],
  label: 'privacy.entry.feedbackThreadMessages',
  fate: 'anonymised',
  why: "your replies as staff stay, with you replaced by a placeholder, so the items you answered keep their first staff answer; your other messages' records are deleted",
  count: countWith(`SELECT count(*) FROM feedback_thread_messages m JOIN feedback_items i ON i.id = m.item_id WHERE i.guild_id = ? AND m.user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT m.item_id, m.message_id, m.at, m.staff FROM feedback_thread_messages m JOIN feedback_items i ON i.id = m.item_id WHERE i.guild_id = ? AND m.user_id = ? ORDER BY m.at`);
    // `staff`: whether the member counted as staff when they wrote it (for the staff reply figures).
    for (const r of s.iterate(guildId, userId) as Iterable<{ item_id: number; message_id: string; at: number; staff: number }>) yield { item_id: r.item_id, message_id: r.message_id, at: iso(r.at), staff: r.staff === 1 };
  },
  scan: scanWith(`SELECT m.message_id, m.staff FROM feedback_thread_messages m JOIN feedback_items i ON i.id = m.item_id WHERE i.guild_id = ? AND m.user_id = ?`),
  apply(write, _guildId, userId, keys) {
    // A staff answer is the item's record (its first staff answer, its answer times): it stays,
    // naming nobody; any other message's record goes.
    const anonymise = write.prepare(`UPDATE feedback_thread_messages SET user_id = ? WHERE message_id = ? AND user_id = ?`);
    const remove = write.prepare(`DELETE FROM feedback_thread_messages WHERE message_id = ? AND user_id = ?`);
    for (const [messageId, staff] of keys) {
      if (staff === 1) anonymise.run(ANONYMOUS_AUTHOR, messageId, userId);
      else remove.run(messageId, userId);
    }
  },
};

const statusChanges: PrivacyEntry = {
  name: 'feedback_status_changes',
  table: 'feedback_status_changes',
  columns: ['by_user'],
  label: 'privacy.entry.feedbackStatusChanges',
  fate: 'kept',
  why: "a staff decision on someone's item: its history must stay whole",
  count: countWith(`SELECT count(*) FROM feedback_status_changes c JOIN feedback_items i ON i.id = c.item_id WHERE i.guild_id = ? AND c.by_user = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT c.item_id, c.from_status, c.to_status, c.reason, c.at FROM feedback_status_changes c JOIN feedback_items i ON i.id = c.item_id WHERE i.guild_id = ? AND c.by_user = ? ORDER BY c.id`);
    for (const r of s.iterate(guildId, userId) as Iterable<{ item_id: number; from_status: string; to_status: string; reason: string | null; at: number }>) {
      yield { item_id: r.item_id, from: r.from_status, to: r.to_status, reason: r.reason, at: iso(r.at) };
    }
  },
};

export const feedbackPrivacy: readonly PrivacyEntry[] = [votes, threadMessages, captured, items, statusChanges];
