// The one batched writer: a bounded in-memory queue flushed in transactions by size or every
// ~250 ms, so a burst never blocks the gateway and a crash loses at most one flush interval.
import type { Logger } from '../log.js';
import type { ActivityEvent } from './events.js';
import type { ActivityStore, BatchOutcome } from './store.js';

export interface WriterOptions {
  /** Events per transaction: keeps each database call on the event loop to a few ms. */
  batchSize?: number;
  flushMs?: number;
  /** Beyond this many queued events new ones are dropped (and counted), never buffered. */
  maxQueue?: number;
  /** Flush on a timer (the live bot); replay flushes explicitly. */
  timer?: boolean;
  logger?: Logger;
}

export class ActivityWriter {
  private queue: ActivityEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  readonly totals: BatchOutcome & { dropped: number } = { stored: 0, duplicates: 0, ignored: 0, dropped: 0 };
  private readonly batchSize: number;
  private readonly flushMs: number;
  private readonly maxQueue: number;
  private readonly useTimer: boolean;

  constructor(
    private readonly store: ActivityStore,
    private readonly options: WriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushMs = options.flushMs ?? 250;
    this.maxQueue = options.maxQueue ?? 200_000;
    this.useTimer = options.timer ?? true;
  }

  get pending(): number {
    return this.queue.length;
  }

  push(event: ActivityEvent): boolean {
    if (this.queue.length >= this.maxQueue) {
      this.totals.dropped++;
      if (this.totals.dropped % 1000 === 1) this.options.logger?.warn({ guild: event.guildId, dropped: this.totals.dropped }, 'activity.queue-full');
      return false;
    }
    this.queue.push(event);
    if (this.useTimer && !this.stopped) this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushMs);
    return true;
  }

  private schedule(delay: number): void {
    if (this.timer && delay > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushSome();
    }, delay);
    this.timer.unref?.();
  }

  /** One batch per tick so a long queue yields to the gateway between transactions. */
  private flushSome(): void {
    // Takes its turn at the write gate: never inside another slice's open transaction.
    this.store.gate.whenFree(() => {
      try {
        if (this.queue.length) this.flushBatch();
      } catch (err) {
        this.options.logger?.error({ err }, 'activity.flush-failed');
      }
      if (this.queue.length && !this.stopped) this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushMs);
    });
  }

  private flushBatch(): BatchOutcome {
    const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
    const out = this.store.applyBatch(batch);
    this.totals.stored += out.stored;
    this.totals.duplicates += out.duplicates;
    this.totals.ignored += out.ignored;
    return out;
  }

  /** Writes everything queued now (the gate must be free or held by the caller: replay, tests). */
  flush(): BatchOutcome {
    const sum: BatchOutcome = { stored: 0, duplicates: 0, ignored: 0 };
    while (this.queue.length) {
      const out = this.flushBatch();
      sum.stored += out.stored;
      sum.duplicates += out.duplicates;
      sum.ignored += out.ignored;
    }
    return sum;
  }

  /** Writes what is queued at the next turn of the write gate (at once when it is free). */
  flushIfFree(): void {
    this.store.gate.whenFree(() => void this.flush());
  }

  /** Stops the timer and writes what is left, in its turn at the gate. */
  async stop(): Promise<BatchOutcome> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.store.gate.exclusive(() => this.flush());
  }
}
