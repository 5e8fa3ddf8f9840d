// Rollup compaction off the gateway's thread. The writer appends a part to each guild-hour a
// flush touches; readers fold every part, so hours in many parts make reports slower. Merging a
// busy hour (~400 KB, ~16,000 records) takes 5-30 ms of CPU: too long for the gateway's thread.
// So a worker reads an hour's parts and merges them into pieces of at most ~128 KB
// (hour-merge-store.ts, the 'merge-hour' job), and the main thread only stores them in a short
// transaction, if the parts are still as the worker read them (ActivityStore.applyMergedHour
// compares each part's number and length).
import type { Logger } from '../log.js';
import type { WorkerPool } from '../workers/pool.js';
import { release } from './hour-records.js';
import { HOUR } from './rollup.js';
import type { ActivityStore } from './store.js';

/** Hours at least this old are done: the writer rarely adds to them (late or replayed events). */
const DONE_AFTER_HOURS = 2;
/**
 * An hour still being written is merged once it holds this many parts more than a merge would
 * leave (the live bot: ~2 s of flushes); only its small parts are merged then.
 */
const LIVE_PARTS = 8;

/**
 * The main thread's half: each background turn (every 2 s) sends the hours due to the pool one
 * at a time and stores each result at the write gate. A round still running skips the turn.
 */
export class HourCompactor {
  private round: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: ActivityStore,
    private readonly pool: WorkerPool,
    private readonly logger?: Logger,
  ) {}

  turn(now: number): void {
    if (this.round || this.stopped) return;
    const doneBefore = Math.floor(now / HOUR) - DONE_AFTER_HOURS;
    const hours = this.store.hoursToMerge(doneBefore, LIVE_PARTS).map((h) => ({ guildId: h.guildId, bucket: h.bucket, live: h.bucket >= doneBefore }));
    if (!hours.length) return;
    this.round = this.merge(hours).finally(() => (this.round = undefined));
  }

  /** The current round, if any (tests, shutdown). */
  get running(): Promise<void> | undefined {
    return this.round;
  }

  private async merge(hours: ReadonlyArray<{ guildId: string; bucket: number; live: boolean }>): Promise<void> {
    for (const { guildId, bucket, live } of hours) {
      if (this.stopped) return;
      try {
        const merged = await this.pool.run('merge-hour', { guildId, bucket, live });
        if (merged && !this.stopped) {
          await this.store.gate.exclusive(() => this.store.applyMergedHour(merged));
          for (const piece of merged.pieces) release(piece); // SQLite has its copy
        }
      } catch (err) {
        // Nothing was written: the hour stays in parts and the next turn tries again.
        this.logger?.warn({ err, guildId, bucket }, 'activity.merge-failed');
        return;
      }
    }
  }

  /** Stops taking turns; waits for the hour being merged. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.round;
  }
}
