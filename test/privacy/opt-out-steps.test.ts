// The opt-out job's write steps follow the time they take: a slow step halves the next, quick
// ones grow back to the entry's step size; every key is written once, in order.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { OptOutRunner } from '../../src/privacy/service.js';

const job = { guildId: '1', userId: '2', requestedAt: 0, notifyToken: null };

function runner(keys: number, costMs: (slice: number) => number) {
  const slices: number[] = [];
  const written: unknown[] = [];
  const r = new OptOutRunner({
    entries: [{ name: 'e', table: 'e', columns: ['user_id'], label: 'privacy.entry.messages', fate: 'deleted', stepSize: 64 }],
    logger: pino({ level: 'silent' }),
    dropAtTheDoor: () => undefined,
    record: async () => undefined,
    scan: async (_e, _g, _u, size, onKeys) => {
      const all = Array.from({ length: keys }, (_, i) => [i]);
      for (let i = 0; i < all.length; i += size) onKeys(all.slice(i, i + size));
    },
    write: async (_e, _g, _u, slice) => {
      slices.push(slice.length);
      written.push(...slice.map((k) => k[0]));
      return costMs(slice.length);
    },
    finish: async () => undefined,
    notify: async () => undefined,
  });
  return { r, slices, written };
}

describe('opt-out steps', () => {
  it('halve while a step is slow and grow back when steps are quick', async () => {
    // 1 ms a key: 64 keys take 64 ms, 8 keys 8 ms.
    const { r, slices, written } = runner(300, (n) => n);
    const outcome = await r.start(job);
    expect(written).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(slices.slice(0, 4)).toEqual([64, 32, 16, 8]);
    expect(Math.max(...slices.slice(3))).toBeLessThanOrEqual(8);
    expect(outcome).toMatchObject({ keys: 300, steps: slices.length });
  });

  it('keeps the full step size while steps are quick', async () => {
    const { r, slices } = runner(256, () => 1);
    await r.start(job);
    expect(slices).toEqual([64, 64, 64, 64]);
  });

  it('grows back after a slow patch', async () => {
    let calls = 0;
    const { r, slices } = runner(400, () => (++calls <= 2 ? 50 : 1));
    await r.start(job);
    // Chunks arrive 64 keys at a time: the second is written as 32 + 16 + 16.
    expect(slices.slice(0, 5)).toEqual([64, 32, 16, 16, 64]);
  });
});
