// Coalesces live-result edits: at most one run per key per interval, however fast changes come.

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/**
 * `mark(key)` asks for `run(key)` to happen; the first mark arms a timer of `intervalMs`, later
 * marks before it fires ride along. A run reads the latest state, so nothing is lost by
 * skipping the intermediate ones. Runs of one key never overlap, and at most one more waits
 * behind the one going: while an edit is stuck (a 429, a slow Discord), every later ask joins
 * that one waiting run instead of queueing its own.
 */
export class Coalescer<K> {
  private readonly timers = new Map<K, unknown>();
  private readonly running = new Map<K, Promise<void>>();
  /** The run waiting behind the one going, per key (not started yet, so it will read the latest state). */
  private readonly waiting = new Map<K, Promise<void>>();
  private stopped = false;

  constructor(
    private readonly run: (key: K) => Promise<void>,
    /** Least time between two runs of a key; may differ per key (e.g. slower for old messages). */
    private readonly intervalMs: number | ((key: K) => number),
    private readonly timers_: Timers = realTimers,
    private readonly onError: (err: unknown, key: K) => void = () => undefined,
  ) {}

  mark(key: K): void {
    if (this.stopped || this.timers.has(key)) return;
    this.timers.set(
      key,
      this.timers_.set(() => {
        this.timers.delete(key);
        void this.start(key);
      }, typeof this.intervalMs === 'number' ? this.intervalMs : this.intervalMs(key)),
    );
  }

  /** Drops a pending run (e.g. the poll was deleted). */
  forget(key: K): void {
    const t = this.timers.get(key);
    if (t !== undefined) this.timers_.clear(t);
    this.timers.delete(key);
  }

  /** Runs a key now (after any run of it already going: the one waiting run), dropping its pending timer. */
  now(key: K): Promise<void> {
    this.forget(key);
    return this.start(key);
  }

  get pending(): number {
    return this.timers.size;
  }

  /** Runs every pending key now and waits for all runs, including ones already going. */
  async flush(): Promise<void> {
    const keys = [...this.timers.keys()];
    for (const key of keys) this.forget(key);
    await Promise.all([...keys.map((k) => this.start(k)), ...this.running.values()]);
  }

  /** Clears the timers, finishing what is pending; no run starts afterwards. */
  async stop(): Promise<void> {
    await this.flush();
    this.stopped = true;
  }

  private start(key: K): Promise<void> {
    // A run already waits behind the one going: it has not read anything yet, so it serves this ask too.
    const waiting = this.waiting.get(key);
    if (waiting) return waiting;
    const previous = this.running.get(key);
    const next: Promise<void> = (previous ?? Promise.resolve())
      .then(() => {
        if (this.waiting.get(key) === next) this.waiting.delete(key);
        return this.run(key);
      })
      .catch((err: unknown) => this.onError(err, key))
      .finally(() => {
        if (this.running.get(key) === next) this.running.delete(key);
      });
    if (previous) this.waiting.set(key, next);
    this.running.set(key, next);
    return next;
  }
}
