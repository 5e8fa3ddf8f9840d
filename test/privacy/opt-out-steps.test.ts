// The opt-out job's write steps follow the time they take: they start at 1 key, quick ones
// double up to the entry's step size, a slow one halves the next; every key is written once, in
// order. A job that fails tells the member and is tried again after a while, until it is done.
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { OptOutRunner } from '../../src/privacy/service.js';

const job = { guildId: '1', userId: '2', requestedAt: 0, notifyToken: null };

function runner(keys: number, costMs: (slice: number) => number, retryDelaysMs?: number[]) {
  const slices: number[] = [];
  const written: unknown[] = [];
  const told: string[] = [];
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
    notify: async () => void told.push('done'),
    notifyFailed: async (_job, errorId) => void told.push(`failed ${errorId}`),
  }, retryDelaysMs ? { retryDelaysMs } : {});
  return { r, slices, written, told };
}

describe('opt-out steps', () => {
  it('stay under the time they aim at (8 ms): at 0.2 ms a key, no step passes 40 keys', async () => {
    const { r, slices, written } = runner(300, (n) => n / 5);
    const outcome = await r.start(job);
    expect(written).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(slices.slice(0, 5)).toEqual([1, 2, 4, 8, 16]);
    expect(Math.max(...slices) / 5).toBeLessThanOrEqual(8);
    expect(outcome).toMatchObject({ keys: 300, steps: slices.length });
  });

  it('grow to the full step size while steps are quick', async () => {
    const { r, slices } = runner(256, () => 1);
    await r.start(job);
    // Chunks arrive 64 keys at a time: the first is written as 1 + 2 + 4 + 8 + 16 + 32 + 1.
    expect(slices).toEqual([1, 2, 4, 8, 16, 32, 1, 64, 64, 64]);
  });

  it('halve after a slow one, and grow back', async () => {
    let calls = 0;
    const { r, slices } = runner(400, () => (++calls === 6 ? 50 : 1));
    await r.start(job);
    // The sixth step (32 keys) is slow: the next is 16 keys, but only 1 is left of the chunk; then 32 and up.
    expect(slices.slice(0, 10)).toEqual([1, 2, 4, 8, 16, 32, 1, 32, 32, 64]);
  });

  it('a step that throws fails the job: the member is told with an id, and it is tried again until done', async () => {
    let calls = 0;
    const { r, written, told } = runner(100, () => {
      if (++calls === 3 || calls === 5) throw new Error('disk I/O error');
      return 1;
    }, [20, 40]);
    expect(await r.start(job)).toBeUndefined(); // failed: a retry is waiting
    expect(told).toEqual([expect.stringMatching(/^failed [0-9a-f]{8}$/)]);
    await vi.waitFor(() => expect(told).toHaveLength(3), { timeout: 2000 });
    expect(told[1]).toMatch(/^failed [0-9a-f]{8}$/);
    expect(told[1]).not.toBe(told[0]);
    expect(told[2]).toBe('done');
    // Every key written; those before a failure again (each step is idempotent).
    expect(new Set(written).size).toBe(100);
    await r.stop();
  });

  it('stop() cancels a waiting retry: the job resumes on the next start instead', async () => {
    const { r, told, written } = runner(10, () => {
      throw new Error('disk I/O error');
    }, [50]);
    await r.start(job);
    await r.stop();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(told).toHaveLength(1);
    expect(written).toHaveLength(1); // the one failed step, not tried again
  });
});
