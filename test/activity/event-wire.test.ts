// The replay's hand-off between threads: every kind of event crosses as a flat array and comes
// back equal, field for field, through a real structured clone.
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { flattenEvents, unflattenEvents, WireStrings, WireTable } from '../../src/activity/event-wire.js';
import type { ActivityEvent } from '../../src/activity/events.js';

const G = '100000000000000001';
const events: ActivityEvent[] = [
  { kind: 'message', guildId: G, at: 1_793_000_000_123, messageId: '31', channelId: '41', userId: '21', replyToId: null, hasAttachment: false },
  { kind: 'message', guildId: G, at: 0, messageId: '32', channelId: '41', userId: '22', replyToId: '31', hasAttachment: true },
  { kind: 'message-delete', guildId: G, at: 1_793_000_001_000, messageId: '31', channelId: '41' },
  { kind: 'reaction', guildId: G, at: 1_793_000_002_000, messageId: '32', channelId: '41', userId: '21', emoji: '👍', messageAuthorId: '22' },
  { kind: 'reaction', guildId: G, at: 1_793_000_002_001, messageId: '32', channelId: '41', userId: '23', emoji: '9000000000000001', messageAuthorId: null },
  { kind: 'reaction', guildId: G, at: 1_793_000_002_002, messageId: '32', channelId: '41', userId: '24', emoji: '', messageAuthorId: null },
  { kind: 'reaction-remove', guildId: G, at: 1_793_000_003_000, messageId: '32', channelId: '41', userId: '21', emoji: '🏳️‍🌈' },
  { kind: 'thread', guildId: G, at: 1_793_000_004_000, threadId: '51', channelId: '41', userId: '21' },
  { kind: 'voice', guildId: G, at: 1_793_000_005_000, userId: '21', channelId: '61' },
  { kind: 'voice', guildId: G, at: 1_793_000_006_000, userId: '21', channelId: null },
  { kind: 'join', guildId: G, at: 1_793_000_007_000, userId: '25' },
  { kind: 'leave', guildId: '100000000000000002', at: 1_793_000_008_000, userId: '25' },
  { kind: 'message', guildId: G, at: 1.5, messageId: '33', channelId: '42', userId: '\u0000\u001f"\\', replyToId: null, hasAttachment: false },
  { kind: 'voice-roster', guildId: G, at: 1_793_000_009_000, endAt: 1_793_000_008_500, userIds: ['21', '22'] },
  { kind: 'voice-roster', guildId: G, at: 1_793_000_009_001, endAt: 1_793_000_009_001, userIds: [] },
  { kind: 'thread-parent', guildId: G, at: 1_793_000_010_000, threadId: '52', parentId: '41' },
  { kind: 'non-member', guildId: G, at: 1_793_000_011_000, id: '71' },
  { kind: 'reactions-clear', guildId: G, at: 1_793_000_012_000, messageId: '32', channelId: '41', emoji: null },
  { kind: 'reactions-clear', guildId: G, at: 1_793_000_012_001, messageId: '32', channelId: '41', emoji: '👍' },
  { kind: 'guild-gone', guildId: G, at: 1_793_000_013_000, unavailable: true },
  { kind: 'guild-gone', guildId: '100000000000000002', at: 1_793_000_013_001, unavailable: false },
  { kind: 'guild-back', guildId: G, at: 1_793_000_014_000 },
];

function cloned<T>(value: T): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const got = receiveMessageOnPort(port2);
  port1.close();
  return got!.message as T;
}

describe('event wire', () => {
  it('gives back every kind of event, in order, after a structured clone', () => {
    const wire = flattenEvents(events);
    expect(wire.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))).toBe(true);
    expect(unflattenEvents(cloned(wire))).toEqual(events);
  });

  it('keeps each kind exact on its own (no field taken from a neighbour)', () => {
    for (const e of events) expect(unflattenEvents(flattenEvents([e]))).toStrictEqual([e]);
    expect(unflattenEvents(flattenEvents([]))).toEqual([]);
  });

  it('with a dictionary: repeated strings cross once, then as numbers, chunk after chunk', () => {
    const strings = new WireStrings();
    const table = new WireTable();
    const send = (chunk: ActivityEvent[]) => cloned({ events: flattenEvents(chunk, strings), strings: strings.take() });
    const first = send(events.slice(0, 7));
    const second = send(events.slice(7));
    const third = send(events);
    // Guild, channel and emoji fields are numbers; member, message and thread ids stay strings.
    expect(new Set(first.events.filter((v) => typeof v === 'string'))).toEqual(new Set(['31', '32', '21', '22', '23', '24']));
    expect(first.strings).not.toContain('21');
    expect(first.strings).toContain(G);
    expect(third.strings).toEqual([]); // nothing new the third time
    expect(second.strings).not.toContain(G);
    for (const chunk of [first, second, third]) table.add(chunk.strings);
    expect([...unflattenEvents(first.events, table), ...unflattenEvents(second.events, table)]).toEqual(events);
    expect(unflattenEvents(third.events, table)).toEqual(events);
  });

  it('a full dictionary sends the strings it has no number for as they are', () => {
    const strings = new WireStrings(2);
    const table = new WireTable();
    const wire = flattenEvents(events, strings);
    table.add(strings.take());
    expect(wire.filter((v) => v === 0 || v === 1).length).toBeGreaterThan(0);
    expect(wire).toContain('61'); // past the first two strings
    expect(unflattenEvents(cloned(wire), table)).toEqual(events);
  });

  it('refuses a wire it did not write', () => {
    expect(() => unflattenEvents([99, G, 0])).toThrow(/no event kind 99/);
  });
});
