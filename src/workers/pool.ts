// A small pool of worker threads, each with its own read-only SQLite connection, for the heavy
// reads (reports, digest charts, privacy counts, exports and opt-out scans) so the gateway's
// thread only posts a job and waits. A crashed or stuck worker is replaced; stop() waits for the
// running jobs (bounded), then closes the workers.
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { msg, render, type Text } from '../i18n/index.js';
import type { Logger } from '../log.js';
import type { CheckpointResult } from '../db/checkpoint-loop.mjs';
import { threadEntry } from '../threads.js';
import { runJob, type JobName, type Jobs, type ReadHandle } from './jobs.js';

/**
 * A job that failed, timed out or lost its worker: `text` is safe to show (in the reader's
 * language, with `errorId`); `message` is its English.
 */
export class JobError extends Error {
  override readonly name = 'JobError';
  constructor(
    readonly text: Text,
    readonly errorId: string,
    /** Never started: the workers were busy until the job's waitUntil (see RunOptions). */
    readonly busy = false,
  ) {
    super(render('en', text));
  }
}

export interface PoolOptions {
  /** The database file the workers open read-only; null (an in-memory database) runs jobs inline. */
  databasePath: string | null;
  /** Worker threads; 0 runs jobs inline on the main thread. */
  size: number;
  logger: Logger;
  /** The main thread's handle, for inline jobs. */
  inline: ReadHandle;
  /**
   * The worker threads' nice value (default 0: the process's priority). On Linux a thread's
   * priority is its own: a positive value lets the gateway's thread win the CPU from a report,
   * but on a host busy with other processes the jobs then wait behind all of them.
   */
  niceness?: number;
  /** A job running longer is abandoned and its worker replaced (default 60 s). */
  timeoutMs?: number;
  /**
   * The first worker also checkpoints the WAL every this many ms, between its jobs (events
   * 'checkpoints' on/off and 'checkpointed'); off by default.
   */
  checkpointMs?: number;
  /**
   * A queued job moves up one rank for every this many ms it has waited (default 30 s), never to
   * rank 0 (see RANK): a steady stream of urgent jobs cannot hold back the rest for ever.
   */
  promoteAfterMs?: number;
  /** The time (ms) jobs' waits are measured by; Date.now unless a test steps it. */
  now?: () => number;
}

/**
 * The waitUntil of a job a member waits on in Discord (an interaction's deferred answer): Discord
 * takes edits of it for 15 minutes, so a job not started 14 minutes after the defer would answer
 * nobody.
 */
export function answerDeadline(now = Date.now()): number {
  return now + 14 * 60_000;
}

export interface RunOptions {
  onChunk?: (chunk: unknown) => void;
  /** How long the job may run once started (default: the pool's timeoutMs). */
  timeoutMs?: number;
  /**
   * The instant (the pool's `now`, Date.now by default) past which nobody waits for the answer
   * (an interaction's token lasts 15 minutes): a job still queued then is dropped, rejected
   * with a JobError whose `busy` is true (the text asks to try again), and never started.
   */
  waitUntil?: number;
}

/**
 * Who waits on a job kind, most urgent first: a member's small question, a member or a digest
 * waiting on a report or chart (and the short merges of rollup hours, which keep reports fast),
 * a member's export file, then the background opt-out scans. The
 * queue runs the most urgent waiting job next (first come, first served within a rank); a job
 * that has started is never interrupted, but a rank-0 job may run beside it (see assign). A job
 * that waits moves up a rank every promoteAfterMs (to rank 1 at most: a member's privacy counts
 * still go first), so an opt-out's scan waits behind a stream of exports and reports for a few
 * minutes at most, not for as long as they keep coming.
 */
const RANK: Record<JobName, number> = {
  'privacy-counts': 0,
  report: 1,
  'digest-figures': 1,
  'survey-charts': 1,
  // A few ms each, one at a time: a report never waits behind more than one.
  'merge-hour': 1,
  'privacy-export': 2,
  'privacy-scan': 3,
};

interface Task {
  id: number;
  kind: JobName;
  input: unknown;
  options: RunOptions;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  /** When it was queued (the pool's now). */
  queuedAt: number;
  timer?: NodeJS.Timeout;
  /** Drops it from the queue at its waitUntil (cleared once it starts). */
  expiry?: NodeJS.Timeout;
}

/**
 * Jobs that load big modules for good (the chart renderer: echarts, resvg and fonts, ~40 MB of a
 * worker's heap): the worker that ran one is replaced once it is idle, so that memory leaves
 * with its thread instead of staying for the next chart, days later.
 */
const RECYCLE_AFTER: ReadonlySet<JobName> = new Set(['digest-figures', 'survey-charts']);

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Terminated by the pool (a stuck job): replace at once, give it no more work. */
  retiring?: boolean;
  /** It ran a job of RECYCLE_AFTER: replace it once idle (`recycled` once it is closing). */
  recycle?: boolean;
  recycled?: boolean;
  /** It checkpoints the WAL (the first slot's worker, once ready). */
  checkpointing?: boolean;
  /**
   * It replaces a recycled worker that checkpointed: the checkpoints count as on while it starts
   * (no flip to the main connection's own checkpoints for a moment), off if it dies first.
   */
  handedCheckpoints?: boolean;
  /** Its running jobs, by id: one, and at most one urgent job beside it (see assign). */
  readonly tasks: Map<number, Task>;
  /**
   * Its thread has exited: stop() must not wait for an 'exit' that already fired (a worker that
   * died while starting keeps its slot until the retry replaces it).
   */
  exited?: boolean;
}

const ENTRY = threadEntry(import.meta.url, './bootstrap.mjs', './worker.mjs');
const WORKER_YOUNG_GENERATION_MB = 8;
const newErrorId = () => randomBytes(4).toString('hex');

/** Emits 'started' (kind, worker) when a job is handed to a worker thread. */
export class WorkerPool extends EventEmitter<{
  started: [kind: JobName, worker: Worker];
  /** The WAL's checkpoints began (a worker runs them) or stopped (that worker is gone). */
  checkpoints: [on: boolean];
  checkpointed: [result: CheckpointResult];
}> {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private stopping = false;
  /** Retries of workers that died while starting (see lost), cleared by stop(). */
  private readonly respawns = new Set<NodeJS.Timeout>();
  private readonly timeoutMs: number;
  private readonly promoteAfterMs: number;
  private readonly now: () => number;
  /** Jobs finished, failed, workers replaced (lost) and recycled (see RECYCLE_AFTER), for logs and tests. */
  readonly stats = { done: 0, failed: 0, restarts: 0, recycled: 0 };

  constructor(private readonly options: PoolOptions) {
    super();
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.promoteAfterMs = options.promoteAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Jobs run on the main thread: no database file to share, or no threads wanted. */
  get inline(): boolean {
    return !this.options.databasePath || this.options.size <= 0;
  }

  /** Starts the threads now (they start on the first job otherwise: ~1 s of loading each). */
  warm(): void {
    if (this.inline || this.stopping) return;
    while (this.slots.length < this.options.size) this.slots.push(this.spawn(this.slots.length === 0));
  }

  /** The worker threads (to watch or, in tests, to kill one as a crash would). */
  get threads(): readonly Worker[] {
    return this.slots.map((s) => s.worker);
  }

  /** Jobs running or waiting. */
  get pending(): number {
    return this.queue.length + this.slots.reduce((n, s) => n + s.tasks.size, 0);
  }

  run<K extends JobName>(kind: K, input: Jobs[K]['input'], options: RunOptions = {}): Promise<Jobs[K]['output']> {
    if (this.stopping) return Promise.reject(new JobError(msg('router.restarting'), newErrorId()));
    if (this.inline) return this.runInline(kind, input, options);
    this.warm();
    return new Promise((resolve, reject) => {
      const task: Task = { id: this.nextId++, kind, input, options, resolve: resolve as (v: unknown) => void, reject, queuedAt: this.now() };
      this.queue.push(task);
      if (options.waitUntil !== undefined) {
        task.expiry = setTimeout(() => this.expire(task), Math.max(0, options.waitUntil - this.now()));
        task.expiry.unref();
      }
      this.dispatch();
    });
  }

  /** A job still queued at its waitUntil: nobody waits for it any more, so it never runs. */
  private expire(task: Task): void {
    const at = this.queue.indexOf(task);
    if (at < 0) return; // started meanwhile
    this.queue.splice(at, 1);
    const errorId = newErrorId();
    this.stats.failed++;
    this.options.logger.warn({ job: task.kind, errorId, waitedMs: this.now() - task.queuedAt, queued: this.queue.length }, 'pool.job-expired-in-queue');
    task.reject(new JobError(msg('worker.busy', { id: errorId }), errorId, true));
    this.dispatch();
  }

  /** A queued job's rank now: its kind's, one better for every promoteAfterMs it waited, never 0. */
  private rankOf(task: Task, now: number): number {
    const rank = RANK[task.kind];
    if (rank === 0) return 0;
    return Math.max(1, rank - Math.floor((now - task.queuedAt) / this.promoteAfterMs));
  }

  /** Takes the queued job to run next: the most urgent now (see rankOf), the oldest among equals. */
  private next(): Task | undefined {
    const now = this.now();
    let best = -1;
    for (let i = 0; i < this.queue.length; i++) {
      if (best < 0 || this.rankOf(this.queue[i]!, now) < this.rankOf(this.queue[best]!, now)) best = i;
    }
    return best < 0 ? undefined : this.queue.splice(best, 1)[0];
  }

  private async runInline<K extends JobName>(kind: K, input: Jobs[K]['input'], options: RunOptions): Promise<Jobs[K]['output']> {
    try {
      return await runJob({ kind, input }, this.options.inline, options.onChunk ?? (() => undefined));
    } catch (err) {
      throw this.failure(kind, 'failed', err);
    }
  }

  private failure(kind: JobName, what: 'failed' | 'timed out' | 'lost its worker', err?: unknown): JobError {
    const errorId = newErrorId();
    this.stats.failed++;
    this.options.logger.error({ err, job: kind, errorId }, `pool.job-${what.replace(/ /g, '-')}`);
    return new JobError(msg(what === 'timed out' ? 'worker.timedOut' : 'worker.failed', { id: errorId }), errorId);
  }

  private spawn(checkpoints = false): Slot {
    // A small young generation: a job's garbage (a 90-day report's rows, ~20 MB) is collected in
    // small steps instead of growing the worker's heap by tens of MB (the 10M-event bench guild's
    // 90-day report in a worker: process peak RSS 10-30 MB lower, no slower; 4 MB is slower).
    // A process-wide --max-semi-space-size overrides it: the bot's (BOT_NODE_FLAGS) gives its
    // workers 2 MB semi-spaces too.
    const worker = new Worker(ENTRY, {
      workerData: { databasePath: this.options.databasePath, niceness: this.options.niceness ?? 0, ...(checkpoints && this.options.checkpointMs ? { checkpointMs: this.options.checkpointMs } : {}) },
      resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
    });
    const slot: Slot = { worker, ready: false, tasks: new Map() };
    worker.on('message', (message: { ready?: true; checkpointing?: boolean; checkpoint?: CheckpointResult | { error: string }; id?: number; chunk?: unknown; result?: unknown; error?: string }) => {
      if (message.ready) {
        slot.ready = true;
        if (message.checkpointing) {
          slot.checkpointing = true;
          slot.handedCheckpoints = false;
          this.emit('checkpoints', true);
        }
        this.dispatch();
        return;
      }
      if (message.checkpoint) {
        if ('error' in message.checkpoint) this.options.logger.warn({ error: message.checkpoint.error }, 'db.checkpoint-failed');
        else this.emit('checkpointed', message.checkpoint);
        return;
      }
      const task = message.id === undefined ? undefined : slot.tasks.get(message.id);
      if (!task) return;
      if ('chunk' in message) {
        task.options.onChunk?.(message.chunk);
        return;
      }
      this.settle(slot, task);
      if (message.error !== undefined) task.reject(this.failure(task.kind, 'failed', new Error(message.error)));
      else {
        this.stats.done++;
        task.resolve(message.result);
      }
      if (slot.recycle && !slot.tasks.size) this.recycle(slot);
      this.dispatch();
    });
    worker.on('error', (err) => this.options.logger.error({ err }, 'pool.worker-error'));
    worker.on('exit', (code) => {
      slot.exited = true;
      this.lost(slot, code);
    });
    worker.unref();
    return slot;
  }

  private settle(slot: Slot, task: Task): void {
    if (task.timer) clearTimeout(task.timer);
    slot.tasks.delete(task.id);
  }

  /** Closes an idle worker that loaded the chart renderer; it is replaced when it has exited (lost). */
  private recycle(slot: Slot): void {
    slot.ready = false;
    slot.recycled = true;
    slot.worker.postMessage({ close: true });
  }

  /** A worker exited (a crash, a kill, a recycle or stop()): fail its jobs, and replace it unless stopping. */
  private lost(slot: Slot, code: number): void {
    const checkpointed = slot.checkpointing || slot.handedCheckpoints;
    const handOver = checkpointed && slot.recycled && !this.stopping;
    slot.checkpointing = slot.handedCheckpoints = false;
    if (checkpointed && !handOver) this.emit('checkpoints', false);
    for (const task of [...slot.tasks.values()]) {
      this.settle(slot, task);
      task.reject(this.failure(task.kind, 'lost its worker', new Error(`worker exited with code ${code}`)));
    }
    const at = this.slots.indexOf(slot);
    if (at < 0 || this.stopping) return;
    if (slot.recycled) {
      this.stats.recycled++;
      this.options.logger.debug('pool.worker-recycled');
      const next = this.spawn(at === 0);
      next.handedCheckpoints = handOver;
      this.slots[at] = next;
      return;
    }
    this.stats.restarts++;
    this.options.logger.warn({ code }, 'pool.worker-restarted');
    if (slot.ready || slot.retiring) this.slots[at] = this.spawn(at === 0);
    else {
      // It died while starting: do not spin; try again in a second.
      const retry = setTimeout(() => {
        this.respawns.delete(retry);
        if (!this.stopping && this.slots[at] === slot) this.slots[at] = this.spawn(at === 0);
      }, 1000);
      retry.unref();
      this.respawns.add(retry);
    }
  }

  private dispatch(): void {
    this.assign();
    // Workers keep the process alive only while there is work (an idle pool never blocks exit).
    for (const slot of this.slots) {
      if (slot.tasks.size || this.queue.length) slot.worker.ref();
      else slot.worker.unref();
    }
  }

  private assign(): void {
    for (const slot of this.slots) {
      if (!this.queue.length) return;
      if (slot.ready && !slot.tasks.size) this.start(slot, this.next()!);
    }
    // An urgent job (a member's small question) does not wait for a long one to end: a busy
    // worker takes it at its long job's next pause (a report awaits its queries between its
    // stretches of work, an export or a scan pauses every few ms), so it waits a stretch, not
    // the whole job.
    while (this.queue.some((t) => RANK[t.kind] === 0)) {
      const slot = this.slots.find((s) => s.ready && s.tasks.size === 1 && [...s.tasks.values()].every((t) => RANK[t.kind] > 0));
      if (!slot) return;
      this.start(slot, this.next()!);
    }
  }

  private start(slot: Slot, task: Task): void {
    if (task.expiry) clearTimeout(task.expiry);
    slot.tasks.set(task.id, task);
    if (RECYCLE_AFTER.has(task.kind)) slot.recycle = true;
    task.timer = setTimeout(() => {
      if (!slot.tasks.has(task.id)) return;
      this.settle(slot, task);
      task.reject(this.failure(task.kind, 'timed out'));
      slot.ready = false;
      slot.retiring = true;
      void slot.worker.terminate(); // a stuck worker cannot be interrupted: replace it (its other job fails with it)
    }, task.options.timeoutMs ?? this.timeoutMs);
    task.timer.unref();
    slot.worker.postMessage({ id: task.id, kind: task.kind, input: task.input });
    this.options.logger.debug({ job: task.kind, id: task.id }, 'pool.job-started');
    this.emit('started', task.kind, slot.worker);
  }

  /** Refuses new jobs, waits up to `graceMs` for running ones, then closes every worker. */
  async stop(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const retry of this.respawns) clearTimeout(retry);
    this.respawns.clear();
    for (const task of this.queue.splice(0)) {
      if (task.expiry) clearTimeout(task.expiry);
      task.reject(new JobError(msg('router.restarting'), newErrorId()));
    }
    const until = Date.now() + graceMs;
    while (this.slots.some((s) => s.tasks.size) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(
      this.slots.map(
        (slot) =>
          new Promise<void>((resolve) => {
            if (slot.exited) return resolve(); // died while starting: nothing left to close
            slot.worker.once('exit', () => resolve());
            slot.worker.ref();
            if (slot.tasks.size || !slot.ready) void slot.worker.terminate();
            else slot.worker.postMessage({ close: true });
          }),
      ),
    );
    this.slots.length = 0;
  }
}
