// Timers that fire only when a test says so: the polls' scheduler and live edits without waiting.
import type { Timers } from '../../src/polls/live.js';

export class ManualTimers implements Timers {
  private next = 0;
  readonly armed = new Map<number, { fn: () => void; ms: number }>();

  set(fn: () => void, ms: number): unknown {
    const id = ++this.next;
    this.armed.set(id, { fn, ms });
    return id;
  }

  clear(handle: unknown): void {
    this.armed.delete(handle as number);
  }

  /** Delays of the armed timers, in arming order. */
  get delays(): number[] {
    return [...this.armed.values()].map((t) => t.ms);
  }

  /** Fires the armed timers whose delay passes `filter` (all by default). */
  fire(filter: (ms: number) => boolean = () => true): number {
    const due = [...this.armed.entries()].filter(([, t]) => filter(t.ms));
    for (const [id] of due) this.armed.delete(id);
    for (const [, t] of due) t.fn();
    return due.length;
  }
}
