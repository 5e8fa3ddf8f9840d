// The packed hour records: merging is additive, keeps first/last messages, and saturates.
import { describe, expect, it } from 'vitest';
import { decode, encode, excessParts, HourRecordSet, NONE, PIECE_BYTES, piecesFor, splitByMember, without, WORDS, type RecordDelta } from '../../src/activity/hour-records.js';

/** An hour's records with deltas applied (a copy: the set's view changes on the next apply). */
const merge = (existing: Uint32Array, deltas: RecordDelta[]) => new HourRecordSet(existing).apply(deltas).view().slice();

const d = (member: number, channel: number, patch: Partial<RecordDelta> = {}): RecordDelta => ({ member, channel, quarters: 1, m: [1, 0, 0, 0], first: 100, last: 100, ...patch });

describe('hour records', () => {
  it('merges by (member, channel): counts add, quarters OR, first/last widen', () => {
    let r = merge(new Uint32Array(0), [d(1, 9), d(2, 9, { quarters: 4, m: [0, 0, 0, 0], first: NONE, last: NONE })]);
    r = merge(decode(encode(r)), [d(1, 9, { quarters: 8, m: [0, 0, 0, 3], first: 3_000_000, last: 3_500_000 }), d(1, 8)]);
    expect(r.length).toBe(3 * WORDS);
    expect([...r.subarray(0, WORDS)]).toEqual([1, 9, 1, 3 << 16, ((1 | 8) << 24) | 100, 3_500_000]);
    expect([...r.subarray(WORDS, 2 * WORDS)]).toEqual([2, 9, 0, 0, (4 << 24) | NONE, NONE]);
    const r2 = merge(r, [d(2, 9, { first: 50, last: 60 })]);
    expect([...r2.subarray(WORDS, 2 * WORDS)]).toEqual([2, 9, 1, 0, ((4 | 1) << 24) | 50, 60]);
  });

  it('finds every (member, channel) among 60,000 records, across its index growing and from a stored part', () => {
    // 60,000 pairs: 200 members in 300 channels each (probes cross records of the same member),
    // integers past 2^16; each pair seen again after the index grew past it.
    const pairs: Array<[number, number]> = [];
    for (let m = 0; m < 200; m++) for (let c = 0; c < 300; c++) pairs.push([70_000 + m * 13, 100_000 + c * 7]);
    const expected = new Map<string, number>();
    const set = new HourRecordSet(new Uint32Array(0));
    for (let i = 0; i < pairs.length * 2; i++) {
      // Pair i, then (later, once the index has grown) pair i / 2 again.
      const [member, channel] = pairs[i < pairs.length ? i : (i - pairs.length) * 2 % pairs.length]!;
      set.add(member, channel, 1000, true);
      const k = `${member},${channel}`;
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
    const count = (records: Uint32Array) => {
      const seen = new Map<string, number>();
      for (let i = 0; i < records.length; i += WORDS) {
        const k = `${records[i]},${records[i + 1]}`;
        expect(seen.has(k), k).toBe(false); // one record per pair
        seen.set(k, records[i + 2]! & 0xffff);
      }
      return seen;
    };
    expect(count(set.view())).toEqual(expected);
    // A stored part indexed afresh: one more message each lands on the same records.
    const again = new HourRecordSet(decode(encode(set.view().slice())));
    for (const k of expected.keys()) {
      const [member, channel] = k.split(',').map(Number) as [number, number];
      again.add(member, channel, 1000, true);
      expected.set(k, expected.get(k)! + 1);
    }
    expect(count(again.view())).toEqual(expected);
  });

  it('saturates message counts at 65,535 per quarter', () => {
    const r = merge(merge(new Uint32Array(0), [d(1, 1, { m: [65_000, 0, 0, 0] })]), [d(1, 1, { m: [1_000, 0, 0, 0] })]);
    expect(r[2]! & 0xffff).toBe(65_535);
  });

  it('removes one member', () => {
    const r = merge(new Uint32Array(0), [d(1, 1), d(2, 1), d(1, 2)]);
    expect([...without(r, 1)]).toEqual([...r.subarray(WORDS, 2 * WORDS)]);
  });

  it('splits a big merge into pieces by member: every record once, each member in one piece', () => {
    // 1,000 members in 3 channels each: 3,000 records, 72,000 bytes; pieces of at most 16 KB.
    const r = merge(new Uint32Array(0), Array.from({ length: 3000 }, (_, i) => d(i % 1000, Math.floor(i / 1000))));
    const pieces = splitByMember(r, 16 * 1024);
    expect(pieces).toHaveLength(piecesFor(r.byteLength, 16 * 1024));
    expect(pieces).toHaveLength(5);
    const rows = (x: Uint32Array) => Array.from({ length: x.length / WORDS }, (_, i) => [...x.subarray(i * WORDS, (i + 1) * WORDS)].join(','));
    expect(pieces.flatMap(rows).sort()).toEqual(rows(r).sort());
    for (const piece of pieces) {
      expect(piece.byteLength).toBeLessThanOrEqual(16 * 1024);
      const members = new Set(rows(piece).map((row) => Number(row.split(',')[0]) % 5));
      expect(members.size).toBe(1); // member modulo 5: one piece each
    }
    expect(splitByMember(r)).toEqual([r]); // under PIECE_BYTES: one piece, as is
  });

  it('counts the parts an hour has beyond its merged pieces', () => {
    expect(excessParts(1, 40_000, 40_000)).toBe(0);
    expect(excessParts(3, 40_000, 30_000)).toBe(2);
    expect(excessParts(9, 8 * PIECE_BYTES + 1, PIECE_BYTES)).toBe(0); // a merged busy hour
    expect(excessParts(10, 8 * PIECE_BYTES + 1, PIECE_BYTES)).toBe(1);
    expect(excessParts(1, 3 * PIECE_BYTES, 3 * PIECE_BYTES)).toBe(1); // one part to split
  });
});
