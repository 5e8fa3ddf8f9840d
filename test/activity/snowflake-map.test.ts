// SnowflakeMap against a Map of the same keys: snowflakes of every length (leading zeros
// included), placeholders and other strings, through growth and deletes.
import { describe, expect, it } from 'vitest';
import { SnowflakeMap } from '../../src/activity/snowflake-map.js';

let seed = 5;
// (The high bits of the generator: its low ones repeat with a short period.)
const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), Math.floor(seed / 65536) % n);
const digits = (n: number) => Array.from({ length: n }, () => String(rand(10))).join('');

describe('SnowflakeMap', () => {
  it('gives what a Map gives, for every kind of key, through growth and deletes', () => {
    const map = new SnowflakeMap();
    const reference = new Map<string, number>();
    const keys: string[] = [
      '0', '00', '000', '1', '01', '001', '123', '0123', '9'.repeat(20), '0'.repeat(20), '1'.repeat(21), '', '~5', '~', 'abc', '12a', '-1', '1.5', ' 1', '１２',
      '18446744073709551615', '18446744073709551616', '9007199254740993', '9007199254740992',
    ];
    for (let i = 0; i < 60_000; i++) keys.push(`8000000000000${String(i).padStart(5, '0')}`);
    for (let i = 0; i < 20_000; i++) keys.push(digits(1 + rand(20)));
    for (let i = 0; i < 300; i++) keys.push(`~${i}`);
    for (const [i, key] of keys.entries()) {
      map.set(key, i);
      reference.set(key, i);
      if (i % 7 === 0) {
        // Deletes along the way (some present, some not), and a value changed.
        const gone = keys[rand(i + 1)]!;
        expect(map.delete(gone), gone).toBe(reference.delete(gone));
        const changed = keys[rand(i + 1)]!;
        if (reference.has(changed)) {
          map.set(changed, -i);
          reference.set(changed, -i);
        }
      }
    }
    expect(map.size).toBe(reference.size);
    for (const key of keys) expect(map.get(key), key).toBe(reference.get(key));
    for (let i = 0; i < 5_000; i++) {
      const probe = digits(1 + rand(22));
      expect(map.get(probe), probe).toBe(reference.get(probe));
    }
    // Everything deleted: empty, and usable again.
    for (const key of [...reference.keys()]) expect(map.delete(key)).toBe(true);
    expect(map.size).toBe(0);
    for (const key of keys.slice(0, 1000)) expect(map.get(key)).toBeUndefined();
    map.set('123', 7);
    expect(map.get('123')).toBe(7);
    expect(map.get('0123')).toBeUndefined();
  });

  it('adds a list of ids as set() would, numbered in order, after what it holds', () => {
    const map = new SnowflakeMap();
    const reference = new Map<string, number>();
    // Some ids set one by one first (the list continues their numbering), then a list of
    // snowflakes of every length, placeholders and one-character ids, first and last included.
    for (let i = 0; i < 100; i++) {
      map.set(`7000000000000${i}`, i);
      reference.set(`7000000000000${i}`, i);
    }
    const listed = ['5', '~3', ...Array.from({ length: 30_000 }, () => digits(1 + rand(20))), '0123', '123', '~17', '9'.repeat(20), '12'];
    expect(map.addList(listed.join(' '), 100, listed.length)).toBe(listed.length);
    for (const [i, key] of listed.entries()) reference.set(key, 100 + i);
    expect(map.size).toBe(reference.size);
    for (const key of [...reference.keys(), '7000000000000100', '1234']) expect(map.get(key), key).toBe(reference.get(key));
    expect(map.addList('', 0, 0)).toBe(0);
    expect(map.size).toBe(reference.size);
  });

  it('stays right through churn in a small table (runs that wrap past its end)', () => {
    const wrong: string[] = [];
    for (let round = 0; round < 300; round++) {
      const map = new SnowflakeMap();
      const reference = new Map<string, number>();
      const pool = Array.from({ length: 60 }, () => digits(1 + rand(19)));
      for (let op = 0; op < 200; op++) {
        const key = pool[rand(pool.length)]!;
        if (rand(3) === 0) {
          if (map.delete(key) !== reference.delete(key)) wrong.push(`delete ${key}`);
        } else if (reference.size < 45 || reference.has(key)) {
          map.set(key, op);
          reference.set(key, op);
        }
        for (const k of pool) if (map.get(k) !== reference.get(k)) wrong.push(`round ${round} op ${op}: ${k}`);
      }
      if (map.size !== reference.size) wrong.push(`round ${round}: size`);
    }
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});
