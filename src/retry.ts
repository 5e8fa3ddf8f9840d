// When a post or edit that failed is tried again: waits that grow, then a bound.

/** The wait after `attempts` failed tries (the first wait after one or none; the last repeats). */
export function retryWait(waitsMs: readonly number[], attempts: number): number {
  return waitsMs[Math.min(Math.max(attempts, 1), waitsMs.length) - 1]!;
}

/**
 * When to try again after `attempts` failed tries, failed at `failedAt`; null once `maxAttempts`
 * tries are spent (by default one more than there are waits).
 */
export function retrySchedule(waitsMs: readonly number[], maxAttempts = waitsMs.length + 1): (attempts: number, failedAt: number) => number | null {
  return (attempts, failedAt) => (attempts >= maxAttempts ? null : failedAt + retryWait(waitsMs, attempts));
}
