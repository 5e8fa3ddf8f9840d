// The opt-out job: the member is dropped at the door at once; then, entry by entry, a worker
// finds the keys of their rows and the main thread changes them in short steps. The job is in
// the database until it is done, so a restart resumes it (every step is idempotent), and a job
// that fails is tried again after a while, the member told of the failure meanwhile.
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log.js';
import { optOutOrder, type PrivacyEntryInfo } from './privacy.js';
import type { OptOutJob } from './store.js';

export interface OptOutPorts {
  readonly entries: readonly (PrivacyEntryInfo & { stepSize?: number })[];
  /** Stops recording the member now (in memory: the row is written with the job). */
  dropAtTheDoor(guildId: string, userId: string): void;
  /**
   * Persists the opt-out and its job; resolves with the job as recorded (its requestedAt is the
   * request's generation: a request while a job is pending gets a later one than the job's).
   */
  record(job: OptOutJob): Promise<OptOutJob | void>;
  /** Streams the keys of an entry's rows in chunks of `size` (a worker's read-only scan). */
  scan(entry: string, guildId: string, userId: string, size: number, onKeys: (keys: unknown[][]) => void): Promise<void>;
  /** Applies one chunk in one short transaction; resolves with its duration (ms). */
  write(entry: string, guildId: string, userId: string, keys: unknown[][]): Promise<number>;
  /**
   * The job is done: delete it (only if no newer request came meanwhile), refresh caches. Resolves
   * with the newer request, if one was recorded while the job ran: it must run again.
   */
  finish(job: OptOutJob): Promise<OptOutJob | undefined | void>;
  /** Tells the member it is done (edits their /privacy answer while its token lives). */
  notify(job: OptOutJob): Promise<void>;
  /**
   * Tells the member it failed and will be tried again, with the error id that was logged
   * (optional: a bench or tool that runs jobs has nobody to tell).
   */
  notifyFailed?(job: OptOutJob, errorId: string): Promise<void>;
  logger: Logger;
}

export interface OptOutOptions {
  /**
   * How long to wait before trying a failed job again: the n-th failure waits the n-th delay, and
   * every failure past the list the last one. The job is never given up (the member asked for
   * their data to be deleted): a failure that lasts is retried every hour, and on each start.
   */
  retryDelaysMs?: readonly number[];
}

/** A worker's crash heals at once, a busy disk in seconds, anything else may take a while. */
const RETRY_DELAYS_MS = [2_000, 30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000];

/** The id a failure was logged with: a worker's JobError carries the one the pool logged. */
function errorIdOf(err: unknown): string {
  const id = (err as { errorId?: unknown } | null)?.errorId;
  return typeof id === 'string' ? id : randomBytes(4).toString('hex');
}


class Stopped extends Error {}

/**
 * The answers to tell, once each: every request with its own interaction token, and one of those
 * without (`pulse privacy-opt-out`: a DM), the newest, so the member gets one DM, not one per request.
 */
function answers(tell: readonly OptOutJob[]): OptOutJob[] {
  const byToken = new Map<string | null, OptOutJob>();
  for (const job of tell) {
    byToken.delete(job.notifyToken);
    byToken.set(job.notifyToken, job);
  }
  return [...byToken.values()];
}

/** What a write step aims to stay under (the bound is 20 ms a step). */
const STEP_TARGET_MS = 8;
/** Keys in an entry's first step (one: a row can be a 40 KB rollup hour on a cold page). */
const FIRST_STEP = 1;

export interface OptOutOutcome {
  keys: number;
  steps: number;
  maxStepMs: number;
  /** The entry of the longest step. */
  maxStepEntry?: string;
}

/** A member's job while it runs: the answers to tell when it ends, and whether it was asked again. */
interface Run {
  promise: Promise<OptOutOutcome | undefined>;
  /** Every request this run answers (the first, and those made while it ran), told when it ends. */
  readonly tell: OptOutJob[];
  /** Asked again while it ran: it goes over every entry once more before it may finish. */
  again: boolean;
  /** Its job row is deleted: a new request must start a new run. */
  finished: boolean;
}

export class OptOutRunner {
  private readonly running = new Map<string, Run>();
  /**
   * Failed jobs waiting for their next try, by member, with how many times they failed in a row
   * and the answers to tell when it is done.
   */
  private readonly retries = new Map<string, { timer: NodeJS.Timeout; failures: number; tell: OptOutJob[] }>();
  private stopping = false;
  private readonly retryDelaysMs: readonly number[];

  constructor(
    private readonly ports: OptOutPorts,
    options: OptOutOptions = {},
  ) {
    this.retryDelaysMs = options.retryDelaysMs ?? RETRY_DELAYS_MS;
  }

  /** Opts the member out now, durably; start(job as recorded) then deletes in the background. */
  async optOut(job: OptOutJob): Promise<OptOutJob> {
    this.ports.dropAtTheDoor(job.guildId, job.userId);
    return (await this.ports.record(job)) ?? job;
  }

  /**
   * Runs a job (a resumed one on start); one at a time per member. Asked again while it runs
   * (the member voted meanwhile, say), the run goes over every entry again before it finishes,
   * and tells both answers when it is done. A job waiting to be tried again runs now instead.
   */
  start(job: OptOutJob): Promise<OptOutOutcome | undefined> {
    const key = `${job.guildId}|${job.userId}`;
    const current = this.running.get(key);
    if (current && !current.finished) {
      current.tell.push(job);
      current.again = true;
      return current.promise;
    }
    // Done already but still telling the member: this request is a new job, after it.
    if (current) return current.promise.then(() => this.start(job));
    const waiting = this.retries.get(key);
    if (waiting) clearTimeout(waiting.timer);
    this.retries.delete(key);
    return this.launch(key, job, waiting?.failures ?? 0, [...(waiting?.tell ?? []), job]);
  }

  /** Whether the member's job is running here, or waiting here to be tried again. */
  has(guildId: string, userId: string): boolean {
    const key = `${guildId}|${userId}`;
    return this.running.has(key) || this.retries.has(key);
  }

  private launch(key: string, job: OptOutJob, failures: number, tell: OptOutJob[]): Promise<OptOutOutcome | undefined> {
    const state: Run = { promise: Promise.resolve(undefined), tell, again: false, finished: false };
    state.promise = this.run(job, failures, state).finally(() => this.running.delete(key));
    this.running.set(key, state);
    return state.promise;
  }

  /**
   * Goes over every entry, then finishes the job, unless the member asked again meanwhile (here,
   * or by a newer row in the database: `pulse privacy-opt-out`): then over every entry again, so
   * what they did between the two requests goes too. A restart resumes the newest request's row.
   */
  private async run(first: OptOutJob, failures: number, state: Run): Promise<OptOutOutcome | undefined> {
    const { guildId } = first;
    let job = first;
    const out: OptOutOutcome = { keys: 0, steps: 0, maxStepMs: 0 };
    try {
      for (;;) {
        state.again = false;
        await this.pass(job, out);
        if (state.again) {
          job = state.tell.at(-1)!;
          continue;
        }
        const newer = (await this.ports.finish(job)) ?? undefined;
        if (newer) {
          state.tell.push(newer);
          job = newer;
          continue;
        }
        // Asked again while the row was being deleted: that request's row is the one to finish.
        if (state.again) {
          job = state.tell.at(-1)!;
          continue;
        }
        state.finished = true;
        break;
      }
    } catch (err) {
      if (err instanceof Stopped || this.stopping) {
        this.ports.logger.info({ guild: guildId }, 'privacy.opt-out-paused');
        return undefined;
      }
      this.failed(job, failures + 1, err, state.tell);
      return undefined;
    }
    this.ports.logger.info({ guild: guildId, keys: out.keys, steps: out.steps, maxStepMs: Math.round(out.maxStepMs * 10) / 10 }, 'privacy.opted-out');
    for (const asked of answers(state.tell)) {
      await this.ports.notify(asked).catch((err: unknown) => this.ports.logger.warn({ err, guild: guildId }, 'privacy.notify-failed'));
    }
    return out;
  }

  /** One pass over every entry the opt-out changes, adding to `out`. */
  private async pass(job: OptOutJob, out: OptOutOutcome): Promise<void> {
    const { guildId, userId } = job;
    for (const entry of optOutOrder(this.ports.entries)) {
      let chain = Promise.resolve();
      let failure: unknown;
      const size = entry.stepSize ?? 500;
      // Steps follow the time they take: they start small (the first rows of a big table are
      // on cold pages), a quick one doubles the next up to `size`, a slow one (a cold page
      // cache, a busy disk, big rollup hours) halves it.
      let step = Math.min(size, FIRST_STEP);
      const apply = async (keys: unknown[][]) => {
        for (let at = 0; at < keys.length; ) {
          if (this.stopping) throw new Stopped();
          const slice = keys.slice(at, at + step);
          const ms = await this.ports.write(entry.name, guildId, userId, slice);
          at += slice.length;
          out.steps++;
          if (ms > out.maxStepMs) {
            out.maxStepMs = ms;
            out.maxStepEntry = entry.name;
          }
          if (ms > STEP_TARGET_MS) step = Math.max(1, Math.floor(step / 2));
          else if (ms < STEP_TARGET_MS / 4) step = Math.min(size, step * 2);
        }
      };
      await this.ports.scan(entry.name, guildId, userId, size, (keys) => {
        out.keys += keys.length;
        chain = chain
          .then(async () => {
            if (failure !== undefined) return;
            await apply(keys);
          })
          .catch((err: unknown) => {
            failure ??= err;
          });
      });
      await chain;
      if (failure !== undefined) throw failure;
      if (this.stopping) throw new Stopped();
    }
  }

  /**
   * A job failed (a scan's worker crashed or timed out, a write step threw): the member is told,
   * with the id the error is logged under, and the job is tried again later. The member stays
   * dropped at the door meanwhile, and opt-in is refused until the job is done.
   */
  private failed(job: OptOutJob, failures: number, err: unknown, tell: OptOutJob[]): void {
    const { guildId, userId } = job;
    const errorId = errorIdOf(err);
    const retryInMs = this.retryDelaysMs[Math.min(failures, this.retryDelaysMs.length) - 1] ?? RETRY_DELAYS_MS.at(-1)!;
    this.ports.logger.error({ err, guild: guildId, errorId, failures, retryInMs }, 'privacy.opt-out-failed');
    for (const asked of answers(tell)) {
      void this.ports.notifyFailed?.(asked, errorId).catch((e: unknown) => this.ports.logger.warn({ err: e, guild: guildId }, 'privacy.notify-failed'));
    }
    const key = `${guildId}|${userId}`;
    const timer = setTimeout(() => {
      this.retries.delete(key);
      if (this.stopping || this.running.has(key)) return;
      this.ports.logger.info({ guild: guildId, failures }, 'privacy.opt-out-retried');
      void this.launch(key, job, failures, tell);
    }, retryInMs);
    timer.unref();
    this.retries.set(key, { timer, failures, tell });
  }

  /** Lets running jobs stop after their current step; they resume on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const { timer } of this.retries.values()) clearTimeout(timer);
    this.retries.clear();
    await Promise.allSettled([...this.running.values()].map((r) => r.promise));
  }
}
