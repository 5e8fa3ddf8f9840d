// The one ingestion path for the live gateway and `pulse replay`: raw dispatch -> events -> writer.
import { normalize, type Normalized } from './events.js';
import type { ActivityWriter } from './writer.js';

export interface Dispatch {
  t: string;
  d: unknown;
  /** When the event happened (epoch ms). */
  at: number;
  /**
   * For a GUILD_CREATE after a reconnect that could not resume: when the connection was lost.
   * The members no longer in voice left at some point while it was down; their sessions end there.
   */
  lostAt?: number;
}

export class Ingestor {
  /**
   * Bots and webhooks seen in payloads that say so, to skip their events that do not (thread
   * owners, a reaction's message author): those stored by earlier processes
   * (activity_non_members, `known`), then each one first seen, which is stored too.
   */
  readonly knownBots: Set<string>;
  readonly counts = { events: 0, untracked: 0, ignored: 0, invalid: 0 };

  constructor(
    private readonly writer: ActivityWriter,
    known: Iterable<string> = [],
  ) {
    this.knownBots = new Set(known);
  }

  /** Live: a message's own timestamp is its instant (see normalize). */
  ingest(dispatch: Dispatch): Normalized {
    const result = normalize(dispatch.t, dispatch.d, dispatch.at, this.knownBots, true, true);
    switch (result.status) {
      case 'events':
        for (const event of result.events) {
          if (dispatch.lostAt !== undefined && event.kind === 'voice-roster') event.endAt = Math.min(event.endAt, dispatch.lostAt);
          this.writer.push(event);
        }
        this.counts.events += result.events.length;
        break;
      case 'untracked':
        this.counts.untracked++;
        break;
      case 'ignored':
        this.counts.ignored++;
        if (result.learned) this.writer.push(result.learned);
        break;
      case 'invalid':
        this.counts.invalid++;
        break;
    }
    return result;
  }
}
