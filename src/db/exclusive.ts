// One writer at a time on the shared SQLite connection: every kysely query and whole kysely
// transaction, and the raw prepared-statement writers (ingestion, opt-out steps), take turns
// here in arrival order, so no write ever lands inside someone else's open transaction.
import { SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

export class WriteGate {
  private held = false;
  private readonly waiting: Array<() => void> = [];

  /** True while a kysely query or transaction, or a raw write step, has the connection. */
  get busy(): boolean {
    return this.held;
  }

  /** Resolves when the caller holds the gate; pair with release(). */
  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Hands the gate to the next in line (it stays held), or frees it. */
  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.held = false;
  }

  /**
   * Runs a synchronous write step now when the gate is free, else as soon as it is handed over
   * (never inside another holder's transaction). Returns true when it ran at once.
   */
  whenFree(step: () => void): boolean {
    const run = () => {
      try {
        step();
      } finally {
        this.release();
      }
    };
    if (!this.held) {
      this.held = true;
      run();
      return true;
    }
    // Handed over from another holder's release: run on a fresh microtask, not inside it.
    this.waiting.push(() => queueMicrotask(run));
    return false;
  }

  /** Runs an async (or sync) piece of work while holding the gate. */
  async exclusive<T>(work: () => T | Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }
}

/** kysely's SQLite dialect whose single connection is taken through the gate. */
export class GatedSqliteDialect extends SqliteDialect {
  constructor(
    private readonly dialectConfig: SqliteDialectConfig,
    private readonly gate: WriteGate,
  ) {
    super(dialectConfig);
  }

  override createDriver(): Driver {
    const gate = this.gate;
    return new (class extends SqliteDriver {
      override async acquireConnection(): Promise<DatabaseConnection> {
        await gate.acquire();
        return super.acquireConnection();
      }
      override async releaseConnection(): Promise<void> {
        await super.releaseConnection();
        gate.release();
      }
    })(this.dialectConfig);
  }
}

/**
 * Runs one short write step in its own transaction, in its turn at the gate, and resolves after
 * yielding to the event loop: long jobs (opt-out deletes) made of such steps never hold the
 * thread for more than one step. Resolves with the step's duration in ms.
 */
export function writeStep(sqlite: { transaction<F extends () => void>(fn: F): () => void }, gate: WriteGate, step: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    gate.whenFree(() => {
      const started = performance.now();
      try {
        sqlite.transaction(step)();
      } catch (err) {
        reject(err instanceof Error ? err : new Error(String(err)));
        return;
      }
      const ms = performance.now() - started;
      setImmediate(() => resolve(ms));
    });
  });
}

/**
 * SQLite's errors after which the same write may succeed later: the database busy or locked by
 * another connection (a `pulse replay` next to the bot; in WAL, a read snapshot gone stale), a
 * full disk, an I/O error. Others (a constraint, a bug) would fail again.
 */
export function isTransientWriteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(BUSY|LOCKED|FULL|IOERR)(_|$)/.test(code);
}

/**
 * The longest the gateway's thread waits for the write lock another process holds (its writes
 * then fail with SQLITE_BUSY and are tried again later): within the 50 ms stall budget.
 */
export const GATEWAY_LOCK_WAIT_MS = 20;

/**
 * Runs `write`, which takes the write lock (BEGIN IMMEDIATE), waiting at most `ms` for a lock
 * another process holds instead of the connection's busy timeout (5 s): on the gateway's thread,
 * a write that cannot have the lock soon fails with SQLITE_BUSY, to be tried again later,
 * instead of stalling every other event.
 */
export function withLockWait<T>(sqlite: { pragma(source: string, options?: { simple: boolean }): unknown }, ms: number, write: () => T): T {
  const before = sqlite.pragma('busy_timeout', { simple: true }) as number;
  sqlite.pragma(`busy_timeout = ${Math.max(0, Math.floor(ms))}`);
  try {
    return write();
  } finally {
    sqlite.pragma(`busy_timeout = ${before}`);
  }
}
