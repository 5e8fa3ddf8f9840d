// The packed records of one guild-hour: one per (member, channel) active in it. Pure.
// Six little-endian u32 words per record:
//   0 member idx · 1 channel idx · 2 m0 | m1 << 16 · 3 m2 | m3 << 16 (messages per quarter,
//   saturating at 65,535) · 4 quarters mask << 24 | first message ms into the hour ·
//   5 last message ms into the hour (NONE when the record has no message).
import { HOUR, QUARTER, type QuarterRow, type RollupKind } from './rollup.js';

export const WORDS = 6;
export const NONE = 0x3fffff; // > 3,600,000: "no message"
const OFFSET_MASK = 0x3fffff;
const MAX16 = 0xffff;

/** A view on a stored blob (copied when unaligned). */
export function decode(blob: Uint8Array | null | undefined): Uint32Array {
  if (!blob || blob.byteLength === 0) return new Uint32Array(0);
  if (blob.byteOffset % 4 === 0) return new Uint32Array(blob.buffer, blob.byteOffset, blob.byteLength / 4);
  return new Uint32Array(new Uint8Array(blob).buffer);
}

/**
 * Frees a blob's memory at once instead of at the next garbage collection, when the view owns its
 * whole ArrayBuffer (better-sqlite3 copies each blob into its own): detaching it releases the
 * backing store, so the next blob reuses the same memory. Streaming ~80 MB of blobs otherwise
 * piles them up until V8's external-memory limit (~64 MB) forces a full GC, and a first run pays
 * a page fault for every fresh page.
 */
export function release(view: Uint8Array | Uint32Array): void {
  const buffer = view.buffer as ArrayBufferLike & { transfer?: (length: number) => ArrayBuffer; detached?: boolean };
  if (view.byteOffset !== 0 || buffer.byteLength !== view.byteLength || buffer.detached || typeof buffer.transfer !== 'function') return;
  buffer.transfer(0);
}

export function encode(words: Uint32Array): Buffer {
  return Buffer.from(words.buffer, words.byteOffset, words.byteLength);
}

/** What a batch adds to one (member, channel) record of an hour. */
export interface RecordDelta {
  member: number;
  channel: number;
  quarters: number;
  m: [number, number, number, number];
  first: number; // ms into the hour, NONE if no message
  last: number;
}

/** An index table's size for `records` records: a power of two, at least twice as many slots. */
function tableSize(records: number): number {
  let size = 128;
  while (size < records * 2) size *= 2;
  return size;
}

/** Where (member, channel) starts probing in a table of `mask + 1` slots. */
function home(member: number, channel: number, mask: number): number {
  const h = Math.imul(member ^ Math.imul(channel, 0x85ebca77), 0x9e3779b1);
  return (h ^ (h >>> 15)) & mask;
}

/** An hour's records, growable and indexed by (member, channel), for merging batch after batch. */
export class HourRecordSet {
  private words: Uint32Array;
  private used: number;
  /**
   * The index: an open-addressing table of record offsets + 1 (0: empty), probed from
   * (member, channel)'s home slot and compared against the record's own words; at most half
   * full. (A Map keyed by member * 2^26 + channel cost the writer a heap number and a hash of
   * it per event: ~5% of `pulse replay`'s storing thread.)
   */
  private slots: Int32Array;

  constructor(existing: Uint32Array) {
    this.words = new Uint32Array(Math.max(existing.length * 2, WORDS * 64));
    this.words.set(existing);
    this.used = existing.length;
    this.slots = new Int32Array(tableSize(existing.length / WORDS));
    for (let i = 0; i < existing.length; i += WORDS) this.place(i);
  }

  /** Puts the record at word offset `at` in the index (its (member, channel) not in it yet). */
  private place(at: number): void {
    const mask = this.slots.length - 1;
    let i = home(this.words[at]!, this.words[at + 1]!, mask);
    while (this.slots[i] !== 0) i = (i + 1) & mask;
    this.slots[i] = at + 1;
  }

  /** The word offset of (member, channel)'s record, appending an empty one when it is new. */
  private slot(member: number, channel: number): number {
    const mask = this.slots.length - 1;
    const w = this.words;
    for (let i = home(member, channel, mask); ; i = (i + 1) & mask) {
      const found = this.slots[i]!;
      if (found === 0) break;
      if (w[found - 1] === member && w[found] === channel) return found - 1;
    }
    if (this.used + WORDS > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words.subarray(0, this.used));
      this.words = grown;
    }
    const at = this.used;
    this.used += WORDS;
    const words = this.words;
    words[at] = member;
    words[at + 1] = channel;
    words[at + 2] = 0;
    words[at + 3] = 0;
    words[at + 4] = NONE;
    words[at + 5] = NONE;
    if ((this.used / WORDS) * 2 > this.slots.length) {
      // Twice the records it has: rebuilt in a table twice as big.
      this.slots = new Int32Array(this.slots.length * 2);
      for (let r = 0; r < this.used; r += WORDS) this.place(r);
    } else this.place(at);
    return at;
  }

  apply(deltas: Iterable<RecordDelta>): this {
    for (const d of deltas) {
      const at = this.slot(d.member, d.channel);
      const w = this.words;
      const m0 = Math.min(MAX16, (w[at + 2]! & MAX16) + d.m[0]);
      const m1 = Math.min(MAX16, (w[at + 2]! >>> 16) + d.m[1]);
      const m2 = Math.min(MAX16, (w[at + 3]! & MAX16) + d.m[2]);
      const m3 = Math.min(MAX16, (w[at + 3]! >>> 16) + d.m[3]);
      w[at + 2] = (m0 | (m1 << 16)) >>> 0;
      w[at + 3] = (m2 | (m3 << 16)) >>> 0;
      const first = w[at + 4]! & OFFSET_MASK;
      const mask = w[at + 4]! >>> 24;
      const last = w[at + 5]!;
      const newFirst = first === NONE ? d.first : d.first === NONE ? first : Math.min(first, d.first);
      const newLast = last === NONE ? d.last : d.last === NONE ? last : Math.max(last, d.last);
      w[at + 4] = (((mask | d.quarters) << 24) | newFirst) >>> 0;
      w[at + 5] = newLast;
    }
    return this;
  }

  /** Adds one event of a member in a channel, `offset` ms into the hour (a message when `message`). */
  add(member: number, channel: number, offset: number, message: boolean): void {
    const at = this.slot(member, channel);
    const q = Math.floor(offset / QUARTER);
    const w = this.words;
    let w4 = w[at + 4]!;
    if (message) {
      const word = at + 2 + (q >> 1);
      const shift = (q & 1) * 16;
      const n = (w[word]! >>> shift) & MAX16;
      if (n < MAX16) w[word] = (w[word]! + (1 << shift)) >>> 0;
      const first = w4 & OFFSET_MASK;
      const last = w[at + 5]!;
      if (first === NONE || offset < first) w4 = (w4 & ~OFFSET_MASK) | offset;
      if (last === NONE || offset > last) w[at + 5] = offset;
    }
    w[at + 4] = (w4 | (1 << (24 + q))) >>> 0;
  }

  /** Merges another part's stored records (as deltas). */
  applyRecords(records: Uint32Array): this {
    const d: RecordDelta = { member: 0, channel: 0, quarters: 0, m: [0, 0, 0, 0], first: NONE, last: NONE };
    const one = [d];
    for (let i = 0; i < records.length; i += WORDS) {
      d.member = records[i]!;
      d.channel = records[i + 1]!;
      d.m[0] = records[i + 2]! & MAX16;
      d.m[1] = records[i + 2]! >>> 16;
      d.m[2] = records[i + 3]! & MAX16;
      d.m[3] = records[i + 3]! >>> 16;
      d.quarters = records[i + 4]! >>> 24;
      d.first = records[i + 4]! & OFFSET_MASK;
      d.last = records[i + 5]!;
      this.apply(one);
    }
    return this;
  }

  /** The records as stored (a view: encode or copy before the next apply). */
  view(): Uint32Array {
    return this.words.subarray(0, this.used);
  }
}

/** Several parts of one hour as one set of records (the first part as is, the others merged in). */
export function mergeParts(parts: Iterable<Uint32Array>): Uint32Array {
  let set: HourRecordSet | undefined;
  for (const records of parts) {
    if (set) set.applyRecords(records);
    else set = new HourRecordSet(records);
  }
  return set ? set.view() : new Uint32Array(0);
}

/**
 * A merged hour's records as pieces of about `maxBytes` at most, split by member number (member
 * modulo the number of pieces): a member's records are all in one piece, so an opt-out step
 * rewrites one piece of a big hour, not all of it. Readers fold every piece as they fold parts.
 */
export function splitByMember(records: Uint32Array, maxBytes = PIECE_BYTES): Uint32Array[] {
  const k = piecesFor(records.byteLength, maxBytes);
  if (k === 1) return [records];
  const sizes = new Uint32Array(k);
  for (let i = 0; i < records.length; i += WORDS) sizes[records[i]! % k]! += WORDS;
  const pieces = Array.from(sizes, (n) => new Uint32Array(n));
  const at = new Uint32Array(k);
  for (let i = 0; i < records.length; i += WORDS) {
    const c = records[i]! % k;
    const piece = pieces[c]!;
    let o = at[c]!;
    for (let w = 0; w < WORDS; w++) piece[o++] = records[i + w]!;
    at[c] = o;
  }
  return pieces.filter((piece) => piece.length > 0);
}

/**
 * The most a merged piece of an hour holds (~5,000 records): rewriting one is a few ms. A busy
 * hour of a big server (~1 MB) is stored in several.
 */
export const PIECE_BYTES = 128 * 1024;

/** How many pieces a merge of `bytes` of records makes (splitByMember). */
export function piecesFor(bytes: number, maxBytes = PIECE_BYTES): number {
  return Math.max(1, Math.ceil(bytes / maxBytes));
}

/**
 * Parts of an hour beyond what merging them would leave (its pieces): 0 for a compact hour. A
 * part far bigger than a piece (merged before pieces existed) counts as one to split.
 */
export function excessParts(parts: number, bytes: number, biggest: number): number {
  return Math.max(parts - piecesFor(bytes), biggest > 2 * PIECE_BYTES ? 1 : 0);
}

/** The records without one member's. */
export function without(records: Uint32Array, member: number): Uint32Array {
  let hits = 0;
  for (let i = 0; i < records.length; i += WORDS) if (records[i] === member) hits++;
  if (hits === 0) return records;
  // Copies the runs between the member's records (no per-record allocation).
  const out = new Uint32Array(records.length - hits * WORDS);
  let o = 0;
  let from = 0;
  for (let i = 0; i < records.length; i += WORDS) {
    if (records[i] !== member) continue;
    if (i > from) out.set(records.subarray(from, i), o);
    o += i - from;
    from = i + WORDS;
  }
  if (from < records.length) out.set(records.subarray(from), o);
  return out;
}

/**
 * A write batch's rollup increments, straight into packed records per guild-hour (integer ids,
 * no per-event objects), and per guild quarter-hour counts.
 */
export class BatchRollup {
  readonly hours = new Map<string, { guildId: string; bucket: number; set: HourRecordSet }>();
  readonly quarters = new Map<string, QuarterRow>();
  private lastGuild = '';
  private lastBucket = Number.NaN;
  private lastSet: HourRecordSet | undefined;
  private lastQuarterBucket = Number.NaN;
  /** The batch's channels' integers in the guild of the last event: a few dozen, looked up per event. */
  private channels = new Map<string, number>();
  private channelsGuild = '';
  private lastQuarter: QuarterRow | undefined;

  constructor(private readonly idx: (guildId: string, id: string) => number) {}

  /** Adds one event; returns the member's integer. */
  add(kind: RollupKind, guildId: string, userId: string, channelId: string, at: number): number {
    const bucket = Math.floor(at / HOUR);
    const offset = at - bucket * HOUR;
    if (guildId !== this.lastGuild || bucket !== this.lastBucket || !this.lastSet) {
      const k = guildId + '|' + bucket;
      let h = this.hours.get(k);
      if (!h) this.hours.set(k, (h = { guildId, bucket, set: new HourRecordSet(new Uint32Array(0)) }));
      if (guildId !== this.lastGuild) this.lastQuarter = undefined;
      this.lastGuild = guildId;
      this.lastBucket = bucket;
      this.lastSet = h.set;
    }
    // A batch's events crowd into few channels: a small map, instead of the guild's dictionary of
    // every member and channel.
    if (guildId !== this.channelsGuild) {
      this.channels = new Map();
      this.channelsGuild = guildId;
    }
    let channel = this.channels.get(channelId);
    if (channel === undefined) this.channels.set(channelId, (channel = this.idx(guildId, channelId)));
    const member = this.idx(guildId, userId);
    this.lastSet.add(member, channel, offset, kind === 'message');
    const qb = bucket * 4 + Math.floor(offset / QUARTER);
    let g = this.lastQuarter;
    if (!g || qb !== this.lastQuarterBucket) {
      const qk = guildId + '|' + qb;
      g = this.quarters.get(qk);
      if (!g) this.quarters.set(qk, (g = { guildId, bucket: qb, messages: 0, reactions: 0, threads: 0 }));
      this.lastQuarter = g;
      this.lastQuarterBucket = qb;
    }
    if (kind === 'message') g.messages++;
    else if (kind === 'reaction') g.reactions++;
    else g.threads++;
    return member;
  }
}
