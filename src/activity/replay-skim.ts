// The replay's fast path for one line: reads its bytes once, checks that they are JSON as
// JSON.parse would, and builds only what the replay reads: the top-level `at`, `t` and `d`, and
// in `d` the fields of the tracked dispatches' schemas (events.ts), nested objects pruned the
// same way. JSON.parse of a ~920-byte gateway line builds ~40 objects the replay throws away
// (~4.5 µs a line, and most of the parsing thread's garbage collection); the skim takes ~2.5 µs
// and leaves a few short strings.
//
// It gives up (undefined) on anything it is not sure of: a line that is not an object, invalid
// JSON, an escaped key, deep nesting. The caller then takes the line through JSON.parse, which
// gives the answer or the error: the skim never decides that a line is bad, and what it returns
// is what normalize() would read from JSON.parse's value. Pure.
import { trackedTypes } from './events.js';

/**
 * What to keep of a value. VALUE: the whole value (a container is handed to JSON.parse, rare).
 * COUNT: an array's length only, as an array of that many nulls (`attachments`: normalize reads
 * its length, and its schema accepts any elements). TYPE: a string as '' (`joined_at`, and a
 * message's `timestamp`, which a replay does not read: only their type is checked). A Shape: an
 * object's listed fields. Names: a string, as one of the listed constants when it is one. A value
 * of another type than the one named is kept whole, so its error message is the same.
 */
const VALUE = 0;
const COUNT = 1;
const TYPE = 2;
type Keep = typeof VALUE | typeof COUNT | typeof TYPE | Shape | Names;

/** Strings found by their bytes (an unescaped key or string, never made into a string to look up), each with its value. */
class ByBytes<T> {
  private readonly byLength: Array<Array<{ bytes: Uint8Array; value: T }>> = [];

  constructor(entries: ReadonlyArray<readonly [string, T]>) {
    for (const [text, value] of entries) {
      const bytes = new TextEncoder().encode(text);
      (this.byLength[bytes.length] ??= []).push({ bytes, value });
    }
  }

  /** The value of the string whose bytes are buf[start, end), or undefined. */
  find(buf: Uint8Array, start: number, end: number): T | undefined {
    const candidates = this.byLength[end - start];
    if (candidates === undefined) return undefined;
    next: for (const c of candidates) {
      const b = c.bytes;
      for (let i = 0; i < b.length; i++) if (buf[start + i] !== b[i]) continue next;
      return c.value;
    }
    return undefined;
  }
}

/**
 * Strings often seen (the dispatch types): the line's `t` is then the program's own constant
 * string, whose hash is known and which compares by identity (a new string per line was hashed to
 * look up its type, ~2% of the parsing thread).
 */
class Names extends ByBytes<string> {
  constructor(names: readonly string[]) {
    super(names.map((name) => [name, name] as const));
  }
}

/** An object's wanted keys (no string is made for the other keys). */
class Shape extends ByBytes<{ key: string; keep: Keep }> {
  constructor(fields: Record<string, Keep>) {
    super(Object.entries(fields).map(([key, keep]) => [key, { key, keep }] as const));
  }
}

const USER = new Shape({ id: VALUE, bot: VALUE });
const MEMBER = new Shape({ user: USER, joined_at: TYPE });
/** Every field a tracked dispatch's schema (events.ts) reads, for all of them at once. */
const D = new Shape({
  id: VALUE,
  // (MESSAGE_DELETE_BULK's message ids.)
  ids: VALUE,
  guild_id: VALUE,
  channel_id: VALUE,
  type: VALUE,
  author: USER,
  webhook_id: VALUE,
  // (A replay's events are at their line's `at`: a message's timestamp is only checked to be a string.)
  timestamp: TYPE,
  message_reference: new Shape({ message_id: VALUE }),
  attachments: COUNT,
  user_id: VALUE,
  message_id: VALUE,
  message_author_id: VALUE,
  member: MEMBER,
  emoji: new Shape({ id: VALUE, name: VALUE }),
  parent_id: VALUE,
  owner_id: VALUE,
  newly_created: VALUE,
  unavailable: VALUE,
  voice_states: VALUE,
  members: VALUE,
  threads: VALUE,
  user: USER,
});
const LINE = new Shape({ at: VALUE, t: new Names(trackedTypes), d: D });

/** Thrown inside the skim to give up; never escapes it. */
const GIVE_UP = new Error('skim: not sure');
/** Deeper values are left to JSON.parse (the skim recurses). */
const MAX_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** One line's skim; see the header. `end` excludes the line's newline (and CR). */
export function skimLine(buf: Buffer, start: number, end: number): Record<string, unknown> | undefined {
  skim.buf = buf;
  skim.pos = start;
  skim.end = end;
  try {
    skim.ws();
    if (skim.pos >= end || buf[skim.pos] !== 0x7b /* { */) return undefined;
    const value = skim.object(LINE, 0);
    skim.ws();
    return skim.pos === end ? value : undefined;
  } catch {
    return undefined; // GIVE_UP (or anything unforeseen): JSON.parse decides
  } finally {
    skim.buf = EMPTY; // do not hold the chunk's buffer
  }
}

const EMPTY = Buffer.alloc(0);

class Skim {
  buf: Buffer = EMPTY;
  pos = 0;
  end = 0;
  /** Of the last string scanned: 1 it has an escape, 2 it has a non-ASCII byte. */
  private flags = 0;

  ws(): void {
    const b = this.buf;
    let i = this.pos;
    while (i < this.end) {
      const c = b[i]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
    this.pos = i;
  }

  /** Expects `byte` (after whitespace) and steps over it. */
  private expect(byte: number): void {
    this.ws();
    if (this.pos >= this.end || this.buf[this.pos] !== byte) throw GIVE_UP;
    this.pos++;
  }

  /** The object at pos ('{'), keeping the shape's fields; pos ends after its '}'. */
  object(shape: Shape, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const b = this.buf;
    const out: Record<string, unknown> = {};
    this.pos++; // '{'
    this.ws();
    if (this.pos < this.end && b[this.pos] === 0x7d /* } */) {
      this.pos++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.pos >= this.end || b[this.pos] !== QUOTE) throw GIVE_UP;
      const keyStart = this.pos + 1;
      this.string();
      const keyEnd = this.pos - 1;
      if (this.flags & 1) throw GIVE_UP; // an escaped key might be a wanted one
      // (A key with non-ASCII bytes is none of the wanted ones.)
      const field = this.flags === 0 ? shape.find(b, keyStart, keyEnd) : undefined;
      this.expect(0x3a /* : */);
      this.ws();
      // A repeated key: the last one wins, as in JSON.parse.
      if (field) out[field.key] = this.keep(field.keep, depth + 1);
      else this.skip(depth + 1);
      this.ws();
      if (this.pos >= this.end) throw GIVE_UP;
      const c = b[this.pos++];
      if (c === 0x7d /* } */) return out;
      if (c !== 0x2c /* , */) throw GIVE_UP;
    }
  }

  /** The value at pos, kept as `keep` says. */
  private keep(keep: Keep, depth: number): unknown {
    if (this.pos >= this.end) throw GIVE_UP;
    const c = this.buf[this.pos];
    if (c === 0x7b /* { */) return keep instanceof Shape ? this.object(keep, depth) : this.whole(depth);
    if (c === 0x5b /* [ */) return keep === COUNT ? new Array<null>(this.count(depth)).fill(null) : this.whole(depth);
    if (c === QUOTE && keep === TYPE) {
      this.string();
      return '';
    }
    if (c === QUOTE && keep instanceof Names) {
      const start = this.pos;
      this.string();
      return (this.flags === 0 ? keep.find(this.buf, start + 1, this.pos - 1) : undefined) ?? this.scanned(start);
    }
    return this.primitive();
  }

  /** A container at pos, as JSON.parse gives it (its bytes checked first by the skip). */
  private whole(depth: number): unknown {
    const start = this.pos;
    this.skip(depth);
    return JSON.parse(this.buf.toString('utf8', start, this.pos));
  }

  /** The array at pos: how many elements it has. */
  private count(depth: number): number {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const b = this.buf;
    this.pos++; // '['
    this.ws();
    if (this.pos < this.end && b[this.pos] === 0x5d /* ] */) {
      this.pos++;
      return 0;
    }
    for (let n = 1; ; n++) {
      this.ws();
      this.skip(depth + 1);
      this.ws();
      if (this.pos >= this.end) throw GIVE_UP;
      const c = b[this.pos++];
      if (c === 0x5d /* ] */) return n;
      if (c !== 0x2c /* , */) throw GIVE_UP;
    }
  }

  /** Steps over the value at pos, checking it. */
  private skip(depth: number): void {
    if (this.pos >= this.end) throw GIVE_UP;
    const c = this.buf[this.pos];
    if (c === QUOTE) this.string();
    else if (c === 0x7b /* { */) this.skipObject(depth);
    else if (c === 0x5b /* [ */) this.count(depth);
    else this.scalar();
  }

  private skipObject(depth: number): void {
    if (depth > MAX_DEPTH) throw GIVE_UP;
    const b = this.buf;
    this.pos++; // '{'
    this.ws();
    if (this.pos < this.end && b[this.pos] === 0x7d /* } */) {
      this.pos++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.pos >= this.end || b[this.pos] !== QUOTE) throw GIVE_UP;
      this.string();
      this.expect(0x3a /* : */);
      this.ws();
      this.skip(depth + 1);
      this.ws();
      if (this.pos >= this.end) throw GIVE_UP;
      const c = b[this.pos++];
      if (c === 0x7d /* } */) return;
      if (c !== 0x2c /* , */) throw GIVE_UP;
    }
  }

  /** A string, number, true, false or null at pos, as JSON.parse gives it. */
  private primitive(): unknown {
    const b = this.buf;
    const start = this.pos;
    if (b[start] === QUOTE) {
      this.string();
      return this.scanned(start);
    }
    const kind = this.scalar();
    if (kind === 0) return this.pos - start < 16 && isDigits(b, start, this.pos) ? digitsValue(b, start, this.pos) : Number(latin1(b, start, this.pos));
    return kind === 1 ? true : kind === 2 ? false : null;
  }

  /** The string string() just stepped over from `start` (its opening quote), as JSON.parse gives it. */
  private scanned(start: number): string {
    const b = this.buf;
    // (Each string its own: a slice of a string of the whole line would keep the line alive.)
    if (this.flags === 0) return latin1(b, start + 1, this.pos - 1);
    if (this.flags === 2) return b.toString('utf8', start + 1, this.pos - 1);
    return JSON.parse(b.toString('utf8', start, this.pos)) as string; // escapes
  }

  /** Steps over the string at pos ('"'), checking its escapes; sets `flags`. */
  private string(): void {
    const b = this.buf;
    const end = this.end;
    let flags = 0;
    let i = this.pos + 1;
    for (;;) {
      while (i < end && PLAIN[b[i]!] === 1) i++; // the common bytes, one test each
      if (i >= end) throw GIVE_UP;
      const c = b[i]!;
      if (c === QUOTE) break;
      if (c < 0x20) throw GIVE_UP; // a raw control character
      if (c === BACKSLASH) {
        flags |= 1;
        const e = b[i + 1];
        if (e === 0x75 /* u */) {
          if (i + 5 >= end || !isHex(b[i + 2]!) || !isHex(b[i + 3]!) || !isHex(b[i + 4]!) || !isHex(b[i + 5]!)) throw GIVE_UP;
          i += 6;
        } else if (e === QUOTE || e === BACKSLASH || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
          i += 2; // \" \\ \/ \b \f \n \r \t
        } else throw GIVE_UP;
        continue;
      }
      if (c >= 0x80) flags |= 2;
      i++;
    }
    this.pos = i + 1;
    this.flags = flags;
  }

  /** Steps over a number or literal at pos: 0 a number, 1 true, 2 false, 3 null. */
  private scalar(): number {
    const b = this.buf;
    const end = this.end;
    let i = this.pos;
    const c = b[i];
    if (c === 0x74 /* t */ && i + 3 < end && b[i + 1] === 0x72 && b[i + 2] === 0x75 && b[i + 3] === 0x65) {
      this.pos = i + 4;
      return 1;
    }
    if (c === 0x66 /* f */ && i + 4 < end && b[i + 1] === 0x61 && b[i + 2] === 0x6c && b[i + 3] === 0x73 && b[i + 4] === 0x65) {
      this.pos = i + 5;
      return 2;
    }
    if (c === 0x6e /* n */ && i + 3 < end && b[i + 1] === 0x75 && b[i + 2] === 0x6c && b[i + 3] === 0x6c) {
      this.pos = i + 4;
      return 3;
    }
    // -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
    if (b[i] === 0x2d /* - */) i++;
    if (i >= end) throw GIVE_UP;
    if (b[i] === 0x30 /* 0 */) i++;
    else if (isDigit(b[i]!)) while (i < end && isDigit(b[i]!)) i++;
    else throw GIVE_UP;
    if (i < end && b[i] === 0x2e /* . */) {
      i++;
      if (i >= end || !isDigit(b[i]!)) throw GIVE_UP;
      while (i < end && isDigit(b[i]!)) i++;
    }
    if (i < end && (b[i] === 0x65 || b[i] === 0x45) /* e E */) {
      i++;
      if (i < end && (b[i] === 0x2b || b[i] === 0x2d) /* + - */) i++;
      if (i >= end || !isDigit(b[i]!)) throw GIVE_UP;
      while (i < end && isDigit(b[i]!)) i++;
    }
    this.pos = i;
    return 0;
  }
}

/** 1: a byte a string holds as it is (not '"', '\\', a control character or non-ASCII). */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === QUOTE || c === BACKSLASH ? 0 : 1;

/** ASCII bytes as a string: Buffer's own latin1Slice (toString('latin1') adds a few checks a call). */
const latin1 = (b: Buffer, start: number, end: number): string => (b as unknown as { latin1Slice(start: number, end: number): string }).latin1Slice(start, end);

/** Short runs of digits (`type`, a numeric `at`) are read without a string: exact below 2^53. */
function isDigits(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isDigit(b[i]!)) return false;
  return true;
}
function digitsValue(b: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + (b[i]! - 0x30);
  return n;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

const skim = new Skim();
