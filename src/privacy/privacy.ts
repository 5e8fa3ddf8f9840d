// What Pulse does with a member's rows, table by table, as plain data: the one list that
// /privacy show, export, opt-out and docs/privacy.md follow. Pure.
import { t, type Language, type MessageKey } from '../i18n/index.js';

/** What `/privacy opt-out` does to a table's rows about the member. */
export type Fate = 'deleted' | 'anonymised' | 'kept';

export interface PrivacyEntryInfo {
  /** A stable name, used as the export's key: usually the table (and column) name. */
  readonly name: string;
  readonly table: string;
  /** The columns that hold the member's id. */
  readonly columns: readonly string[];
  /** What the rows say about the member, for people: a catalogue key (privacy.entry.*). */
  readonly label: MessageKey;
  readonly fate: Fate;
  /** Why a row is kept or how it is anonymised. */
  readonly why?: string;
  /**
   * A summary of other entries' rows (the hourly rollups): /privacy show names it without a
   * count (counting would decode every hour of the server) and export gives it through them.
   */
  readonly summary?: true;
}

const FATE_WORDS: Record<Fate, MessageKey> = { deleted: 'privacy.fate.deleted', anonymised: 'privacy.fate.anonymised', kept: 'privacy.fate.kept' };

/** One line of /privacy show, in the member's language. */
export function showLine(entry: PrivacyEntryInfo, count: number, lang: Language): string {
  if (entry.summary) return t(lang, 'privacy.show.summaryLine', { what: t(lang, entry.label), fate: t(lang, FATE_WORDS[entry.fate]) });
  return t(lang, 'privacy.show.line', { what: t(lang, entry.label), count, fate: t(lang, FATE_WORDS[entry.fate]) });
}

/** Discord's limits for one embed's description and for all embeds of a message together. */
export const DESCRIPTION_MAX = 4096;
export const EMBEDS_TOTAL_MAX = 6000;

/**
 * The lines of `/privacy show` as embed descriptions of at most `max` characters each, whole
 * lines, in order: one member's list can pass one description in a long language (every entry,
 * large counts, Spanish), and then continues in the next embed of the same answer.
 */
export function showDescriptions(lines: readonly string[], max = DESCRIPTION_MAX): string[] {
  const out: string[] = [];
  let current: string[] = [];
  let length = 0;
  for (const line of lines) {
    const added = (current.length ? 1 : 0) + line.length;
    if (current.length && length + added > max) {
      out.push(current.join('\n'));
      current = [];
      length = 0;
    }
    current.push(line.slice(0, max));
    length += (current.length > 1 ? 1 : 0) + Math.min(line.length, max);
  }
  if (current.length) out.push(current.join('\n'));
  return out;
}

/** Entries whose opt-out changes rows, in the order the opt-out job runs them. */
export function optOutOrder<T extends PrivacyEntryInfo>(entries: readonly T[]): T[] {
  return entries.filter((e) => e.fate !== 'kept');
}

/** The columns that may still name a member after opt-out: what the documentation says is kept. */
export function keptColumns(entries: readonly PrivacyEntryInfo[]): Set<string> {
  return new Set(entries.filter((e) => e.fate === 'kept').flatMap((e) => e.columns.map((c) => `${e.table}.${c}`)));
}
