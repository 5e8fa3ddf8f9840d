import { describe, expect, it } from 'vitest';
import { decodeCustomId, encodeCustomId, idArg } from '../../src/discord/custom-id.js';

describe('custom_id codec', () => {
  it('round-trips a kind and its arguments', () => {
    const id = encodeCustomId('poll-vote', '1234567890123456789', 3);
    expect(id).toBe('v1:poll-vote:1234567890123456789:3');
    expect(decodeCustomId(id)).toEqual({ kind: 'poll-vote', args: ['1234567890123456789', '3'] });
    expect(decodeCustomId(encodeCustomId('ping'))).toEqual({ kind: 'ping', args: [] });
  });

  it('refuses to build ids that would not decode', () => {
    expect(() => encodeCustomId('Bad Kind')).toThrow();
    expect(() => encodeCustomId('ok', 'has:colon')).toThrow();
    expect(() => encodeCustomId('ok', ...Array.from({ length: 4 }, () => 'x'.repeat(30)))).toThrow(/longer than 100/);
  });

  it.each([
    ['', 'empty'],
    ['v2:poll-vote:1', 'another version'],
    ['poll-vote:1', 'no version'],
    ['v1', 'no kind'],
    ['v1:Poll:1', 'bad kind'],
    ['v1:poll:1 OR 1=1', 'tampered argument'],
    ['v1:poll:' + 'x'.repeat(95), 'too long'],
  ])('rejects %j (%s)', (raw) => {
    expect(decodeCustomId(raw)).toBeNull();
  });

  it('rejects what is not a string', () => {
    expect(decodeCustomId(undefined)).toBeNull();
    expect(decodeCustomId(42)).toBeNull();
  });

  // One way to write an id: what encodeCustomId writes. Anything else is a tampered id.
  it.each(['0x1', '1e3', ' 1', '01', '1.0', '', '-1', '+1', '9007199254740993', '１'])('parses ids strictly: refuses %j', (raw) => {
    expect(idArg.int.safeParse(raw).success).toBe(false);
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['9007199254740991', Number.MAX_SAFE_INTEGER],
  ])('parses ids strictly: reads %j', (raw, value) => {
    expect(idArg.int.parse(raw)).toBe(value);
  });
});
