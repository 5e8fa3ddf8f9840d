// The writer's background turn (the bot takes one every 2 s): the per-member totals' log folded
// in at the write gate (~8 ms at most), and the hours in parts merged in the worker pool
// (compaction.ts). The activity feature and the bench's bot day both run it.
import { GATEWAY_LOCK_WAIT_MS, withLockWait } from '../db/exclusive.js';
import type { Logger } from '../log.js';
import type { WorkerPool } from '../workers/pool.js';
import { HourCompactor } from './compaction.js';
import type { ActivityStore } from './store.js';

/**
 * The `mergeAt` of a store with this upkeep: the writer merges an hour's parts itself only once
 * it has this many beyond its pieces, as a backstop for a pool busy for a long while (readers
 * fold every part meanwhile).
 */
export const UPKEPT_MERGE_AT = 64;

/**
 * Members of a write batch folded into the totals per step of the background turn (the rest of
 * the batch's row waits for the next step): a step writes ~100 totals rows at most. Folding a
 * whole live batch (~400 members) made the turn the gateway thread's longest (10-38 ms in the
 * bench's bot day).
 */
const FOLD_MEMBERS = 128;

export interface WriterUpkeep {
  turn(now: number): void;
  /** Waits for the hour being merged; no turn after. */
  stop(): Promise<void>;
}

export function writerUpkeep(store: ActivityStore, pool: WorkerPool, logger?: Logger): WriterUpkeep {
  const compactor = new HourCompactor(store, pool, logger);
  return {
    turn(now) {
      store.gate.whenFree(() => {
        try {
          // (With the lock held elsewhere, it fails soon and the next turn folds.)
          withLockWait(store.sqlite, GATEWAY_LOCK_WAIT_MS, () => store.totals.foldSome({ members: FOLD_MEMBERS }));
        } catch (err) {
          logger?.warn({ err }, 'activity.totals-fold-failed');
        }
      });
      compactor.turn(now);
    },
    stop: () => compactor.stop(),
  };
}
