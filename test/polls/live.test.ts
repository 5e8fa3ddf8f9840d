// The live-edit coalescer, driven by hand-fired timers: no timed assertions.
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/polls/live.js';
import { ManualTimers } from './manual-timers.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Coalescer', () => {
  it('turns a burst of marks into one run per key per interval', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    const c = new Coalescer<number>(async (k) => void runs.push(k), 3000, timers);
    for (let i = 0; i < 50; i++) c.mark(1);
    c.mark(2);
    expect(timers.armed.size).toBe(2);
    expect([...timers.armed.values()].every((t) => t.ms === 3000)).toBe(true);
    timers.fire();
    await tick();
    expect(runs.sort()).toEqual([1, 2]);
    c.mark(1);
    expect(timers.armed.size).toBe(1);
  });

  it('flush runs what is pending now and waits for it; forget drops it', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    const c = new Coalescer<number>(async (k) => void runs.push(k), 3000, timers);
    c.mark(1);
    c.mark(2);
    c.forget(2);
    await c.flush();
    expect(runs).toEqual([1]);
    expect(timers.armed.size).toBe(0);
  });

  it('never overlaps runs of one key and reports errors', async () => {
    const timers = new ManualTimers();
    let active = 0;
    let maxActive = 0;
    const errors: unknown[] = [];
    let calls = 0;
    const c = new Coalescer<number>(
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await tick();
        active--;
        if (++calls === 1) throw new Error('boom');
      },
      3000,
      timers,
      (err) => errors.push(err),
    );
    c.mark(1);
    timers.fire();
    c.mark(1);
    await c.flush();
    expect(maxActive).toBe(1);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(1);
  });

  it('stop flushes and then ignores marks', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    const c = new Coalescer<number>(async (k) => void runs.push(k), 3000, timers);
    c.mark(7);
    await c.stop();
    c.mark(8);
    expect(runs).toEqual([7]);
    expect(timers.armed.size).toBe(0);
  });

  it('while a run is stuck, a burst of marks and timers waits as one run, not one per timer', async () => {
    const timers = new ManualTimers();
    const runs: number[] = [];
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const c = new Coalescer<number>(
      async (k) => {
        runs.push(k);
        if (runs.length === 1) await gate; // the first edit is stuck (a 429, a slow Discord)
      },
      100,
      timers,
    );
    c.mark(1);
    timers.fire();
    await tick();
    expect(runs).toEqual([1]);
    // Thirteen clicks, each one's timer firing while the first edit is still stuck.
    for (let i = 0; i < 13; i++) {
      c.mark(1);
      timers.fire();
      await tick();
    }
    const final = c.now(1);
    release();
    await final;
    await c.flush();
    expect(runs).toEqual([1, 1]);
    expect(timers.armed.size).toBe(0);
  });

  it('now() runs after a run already going, so the last word is the latest state', async () => {
    const timers = new ManualTimers();
    const order: string[] = [];
    let state = 'open';
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    let first = true;
    const c = new Coalescer<number>(
      async () => {
        const seen = state;
        if (first) {
          first = false;
          await gate; // a slow edit, started while the poll was open
        }
        order.push(seen);
      },
      3000,
      timers,
    );
    c.mark(1);
    timers.fire();
    await tick(); // the slow edit has read 'open'
    state = 'closed';
    const final = c.now(1);
    release();
    await final;
    expect(order).toEqual(['open', 'closed']);
  });
});
