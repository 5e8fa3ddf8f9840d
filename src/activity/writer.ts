// The one batched writer: a bounded in-memory queue flushed in transactions by size or every
// ~250 ms, so a burst never blocks the gateway and a crash loses at most one flush interval.
import { isTransientWriteError } from '../db/exclusive.js';
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
  /**
   * How long a timed flush waits for the write lock when another process holds it (a `pulse
   * replay` next to the bot): after that its events stay queued and it tries again later, so the
   * gateway's thread never waits longer. Default: the connection's busy timeout.
   */
  lockWaitMs?: number;
  logger?: Logger;
}

/** After a timed flush failed on a transient error: its next try's delay, doubling up to the max. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 5000;

export class ActivityWriter {
  private queue: ActivityEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** `dropped`: refused while the queue was full; `failed`: in a batch the database refused for good. */
  readonly totals: BatchOutcome & { dropped: number; failed: number } = { stored: 0, duplicates: 0, ignored: 0, dropped: 0, failed: 0 };
  /** Timed flushes failed in a row on a transient error, and when the next may try. */
  private failures = 0;
  private retryAt = 0;
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
    if (this.stopped) this.writeLate();
    else if (this.useTimer) this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushMs);
    return true;
  }

  /**
   * An event pushed after stop(): the bot's other slices are still stopping, and the gateway
   * delivers until the client is destroyed after them. No timer flushes any more: it is written at
   * once, in its turn at the gate (waiting the connection's whole busy timeout for the lock); a
   * failure is logged with the events it loses.
   */
  private writeLate(): void {
    this.store.gate.whenFree(() => {
      if (!this.queue.length) return;
      try {
        this.flush();
      } catch (err) {
        this.options.logger?.error({ err, events: this.queue.length }, 'activity.late-write-failed');
        this.totals.failed += this.queue.length;
        this.queue = [];
      }
    });
  }

  private schedule(delay: number): void {
    // (Not before a failed flush's retry is due, however full the queue.)
    if (this.failures) delay = Math.max(delay, this.retryAt - performance.now());
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
        if (this.queue.length) this.flushBatch(this.options.lockWaitMs);
        this.failures = 0;
      } catch (err) {
        this.failed(err);
      }
      if (this.queue.length && !this.stopped) this.schedule(this.queue.length >= this.batchSize ? 0 : this.flushMs);
    });
  }

  /**
   * A timed flush failed. On a transient error (the lock held elsewhere, a full disk) its events
   * stay queued, first in line, and the next try waits longer each time; the queue's bound still
   * holds meanwhile. Any other error would recur: that batch is dropped, so the ones behind it
   * are stored.
   */
  private failed(err: unknown): void {
    const logger = this.options.logger;
    if (!isTransientWriteError(err)) {
      const n = Math.min(this.queue.length, this.batchSize);
      this.queue = this.queue.slice(n);
      this.totals.failed += n;
      this.failures = 0;
      logger?.error({ err, events: n }, 'activity.flush-failed');
      return;
    }
    this.failures++;
    const delay = Math.min(RETRY_FIRST_MS * 2 ** (this.failures - 1), RETRY_MAX_MS);
    this.retryAt = performance.now() + delay;
    if (this.failures === 1 || this.failures % 20 === 0) {
      logger?.warn({ code: (err as { code?: string }).code, failures: this.failures, queued: this.queue.length, retryMs: delay }, 'activity.flush-deferred');
    }
  }

  /** Stores the first batch of the queue and takes it off (only then: a failure leaves it queued). */
  private flushBatch(lockWaitMs?: number): BatchOutcome {
    const batch = this.queue.length <= this.batchSize ? this.queue : this.queue.slice(0, this.batchSize);
    const out = this.store.applyBatch(batch, lockWaitMs);
    this.queue = batch === this.queue ? [] : this.queue.slice(batch.length);
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

  /** Writes what is queued at the next turn of the write gate (at once when it is free), as a timed flush does. */
  flushIfFree(): void {
    this.flushSome();
  }

  /** Stops the timer and writes what is left, in its turn at the gate; what is pushed after is written at once. */
  async stop(): Promise<BatchOutcome> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    return this.store.gate.exclusive(() => this.flush());
  }
}
