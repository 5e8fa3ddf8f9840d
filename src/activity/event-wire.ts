// A chunk of activity events as one flat array, for the replay's hand-off between threads: the
// structured clone copies a few thousand strings and numbers instead of a thousand objects with
// their keys (about half the bytes, a fraction of the time to rebuild on the storing side).
//
// With a dictionary (WireStrings on the sending side, WireTable on the receiving one), the
// strings that repeat among few values (guild, channel, emoji) cross once and then as their
// number. Member ids cross as they are: numbering tens of thousands of members cost the parsing
// thread, which sets the replay's pace, a lookup in a map that size per id (~10% of its time),
// more than their copies and hashes cost the storing thread (5 alternating pairs of pulse replay:
// 124-139k -> 125-144k lines/s, the parsing thread done 17-166 ms sooner). Pure.
import type { ActivityEvent } from './events.js';

/** Per event: its kind's code, then its fields in a fixed order (see flattenEvents). */
export type EventWire = Array<string | number | boolean | null>;

/**
 * Strings past this many cross as they are (a file of more distinct channels and emoji than any
 * guild has): the two tables stay bounded (~50 bytes a string on each side).
 */
const MAX_STRINGS = 200_000;

/** The sending side's dictionary: a string's number, given the first time it is seen. */
export class WireStrings {
  private readonly codes = new Map<string, number>();
  private fresh: string[] = [];

  constructor(private readonly max = MAX_STRINGS) {}

  /** The string's number, or the string itself once the dictionary is full. */
  code(s: string): number | string {
    let n = this.codes.get(s);
    if (n === undefined) {
      if (this.codes.size >= this.max) return s;
      n = this.codes.size;
      this.codes.set(s, n);
      this.fresh.push(s);
    }
    return n;
  }

  // The guild and the emoji rarely change from one event to the next: asked for again, the last
  // one's number is given without a lookup.
  private guildKey: string | undefined;
  private guildCode: number | string = 0;
  private emojiKey: string | undefined;
  private emojiCode: number | string = 0;

  guild(s: string): number | string {
    if (s !== this.guildKey) this.guildCode = this.code((this.guildKey = s));
    return this.guildCode;
  }

  emoji(s: string): number | string {
    if (s !== this.emojiKey) this.emojiCode = this.code((this.emojiKey = s));
    return this.emojiCode;
  }

  /** The strings numbered since the last take, in order: they cross with the chunk that uses them. */
  take(): string[] {
    const fresh = this.fresh;
    this.fresh = [];
    return fresh;
  }
}

/** The receiving side's table: each number's string, in the order WireStrings gave them. */
export class WireTable {
  private readonly strings: string[] = [];

  add(fresh: readonly string[]): void {
    for (const s of fresh) this.strings.push(s);
  }

  get(v: string | number): string {
    return typeof v === 'number' ? this.strings[v]! : v;
  }
}

/** Without a dictionary: every string crosses as it is. */
const PLAIN = { code: (s: string) => s, guild: (s: string) => s, emoji: (s: string) => s, get: (v: string | number) => v as string };

const MESSAGE = 0;
const MESSAGE_DELETE = 1;
const REACTION = 2;
const REACTION_REMOVE = 3;
const THREAD = 4;
const VOICE = 5;
const JOIN = 6;
const LEAVE = 7;
const VOICE_ROSTER = 8;
const THREAD_PARENT = 9;
const NON_MEMBER = 10;
const REACTIONS_CLEAR = 11;
const GUILD_GONE = 12;
const GUILD_BACK = 13;

/**
 * Appends the events to `w` (a new array by default). Guild, channel and emoji fields go through
 * `strings` when given (member, message and thread ids cross as they are: see the header).
 */
export function flattenEvents(events: readonly ActivityEvent[], strings?: WireStrings, w: EventWire = []): EventWire {
  const d = strings ?? PLAIN;
  const c = (s: string) => d.code(s);
  const cn = (s: string | null) => (s === null ? null : d.code(s));
  // (Member ids: as they are.)
  const g = (s: string) => d.guild(s);
  const em = (s: string) => d.emoji(s);
  for (const e of events) {
    switch (e.kind) {
      case 'message':
        w.push(MESSAGE, g(e.guildId), e.at, e.messageId, c(e.channelId), e.userId, e.replyToId, e.hasAttachment);
        break;
      case 'message-delete':
        w.push(MESSAGE_DELETE, g(e.guildId), e.at, e.messageId, c(e.channelId));
        break;
      case 'reaction':
        w.push(REACTION, g(e.guildId), e.at, e.messageId, c(e.channelId), e.userId, em(e.emoji), e.messageAuthorId);
        break;
      case 'reaction-remove':
        w.push(REACTION_REMOVE, g(e.guildId), e.at, e.messageId, c(e.channelId), e.userId, em(e.emoji));
        break;
      case 'thread':
        w.push(THREAD, g(e.guildId), e.at, e.threadId, c(e.channelId), e.userId);
        break;
      case 'voice':
        w.push(VOICE, g(e.guildId), e.at, e.userId, cn(e.channelId));
        break;
      case 'join':
      case 'leave':
        w.push(e.kind === 'join' ? JOIN : LEAVE, g(e.guildId), e.at, e.userId);
        break;
      case 'voice-roster':
        // (The ids' count, then the ids; pushed one by one: a spread of a big list overflows the stack.)
        w.push(VOICE_ROSTER, g(e.guildId), e.at, e.endAt, e.userIds.length);
        for (const id of e.userIds) w.push(id);
        break;
      case 'thread-parent':
        w.push(THREAD_PARENT, g(e.guildId), e.at, e.threadId, c(e.parentId));
        break;
      case 'non-member':
        w.push(NON_MEMBER, g(e.guildId), e.at, e.id);
        break;
      case 'reactions-clear':
        w.push(REACTIONS_CLEAR, g(e.guildId), e.at, e.messageId, c(e.channelId), e.emoji === null ? null : em(e.emoji));
        break;
      case 'guild-gone':
        w.push(GUILD_GONE, g(e.guildId), e.at, e.unavailable);
        break;
      case 'guild-back':
        w.push(GUILD_BACK, g(e.guildId), e.at);
        break;
    }
  }
  return w;
}

/** The events flattenEvents was given, field for field (`table`: the receiving end of its `strings`). */
export function unflattenEvents(w: EventWire, table?: WireTable): ActivityEvent[] {
  const events: ActivityEvent[] = [];
  const d = table ?? PLAIN;
  // Fields that went through the dictionary (t), and those that did not (s: member, message and
  // thread ids).
  const t = (i: number) => d.get(w[i] as string | number);
  const tn = (i: number) => (w[i] === null ? null : d.get(w[i] as string | number));
  const s = (i: number) => w[i] as string;
  const n = (i: number) => w[i] as number;
  const sn = (i: number) => w[i] as string | null;
  for (let i = 0; i < w.length; ) {
    switch (w[i]) {
      case MESSAGE:
        events.push({ kind: 'message', guildId: t(i + 1), at: n(i + 2), messageId: s(i + 3), channelId: t(i + 4), userId: s(i + 5), replyToId: sn(i + 6), hasAttachment: w[i + 7] as boolean });
        i += 8;
        break;
      case MESSAGE_DELETE:
        events.push({ kind: 'message-delete', guildId: t(i + 1), at: n(i + 2), messageId: s(i + 3), channelId: t(i + 4) });
        i += 5;
        break;
      case REACTION:
        events.push({ kind: 'reaction', guildId: t(i + 1), at: n(i + 2), messageId: s(i + 3), channelId: t(i + 4), userId: s(i + 5), emoji: t(i + 6), messageAuthorId: sn(i + 7) });
        i += 8;
        break;
      case REACTION_REMOVE:
        events.push({ kind: 'reaction-remove', guildId: t(i + 1), at: n(i + 2), messageId: s(i + 3), channelId: t(i + 4), userId: s(i + 5), emoji: t(i + 6) });
        i += 7;
        break;
      case THREAD:
        events.push({ kind: 'thread', guildId: t(i + 1), at: n(i + 2), threadId: s(i + 3), channelId: t(i + 4), userId: s(i + 5) });
        i += 6;
        break;
      case VOICE:
        events.push({ kind: 'voice', guildId: t(i + 1), at: n(i + 2), userId: s(i + 3), channelId: tn(i + 4) });
        i += 5;
        break;
      case JOIN:
      case LEAVE:
        events.push({ kind: w[i] === JOIN ? 'join' : 'leave', guildId: t(i + 1), at: n(i + 2), userId: s(i + 3) });
        i += 4;
        break;
      case VOICE_ROSTER: {
        const count = n(i + 4);
        events.push({ kind: 'voice-roster', guildId: t(i + 1), at: n(i + 2), endAt: n(i + 3), userIds: w.slice(i + 5, i + 5 + count) as string[] });
        i += 5 + count;
        break;
      }
      case THREAD_PARENT:
        events.push({ kind: 'thread-parent', guildId: t(i + 1), at: n(i + 2), threadId: s(i + 3), parentId: t(i + 4) });
        i += 5;
        break;
      case NON_MEMBER:
        events.push({ kind: 'non-member', guildId: t(i + 1), at: n(i + 2), id: s(i + 3) });
        i += 4;
        break;
      case REACTIONS_CLEAR:
        events.push({ kind: 'reactions-clear', guildId: t(i + 1), at: n(i + 2), messageId: s(i + 3), channelId: t(i + 4), emoji: tn(i + 5) });
        i += 6;
        break;
      case GUILD_GONE:
        events.push({ kind: 'guild-gone', guildId: t(i + 1), at: n(i + 2), unavailable: w[i + 3] as boolean });
        i += 4;
        break;
      case GUILD_BACK:
        events.push({ kind: 'guild-back', guildId: t(i + 1), at: n(i + 2) });
        i += 3;
        break;
      default:
        throw new Error(`unflattenEvents: no event kind ${String(w[i])} at ${i}`);
    }
  }
  return events;
}
