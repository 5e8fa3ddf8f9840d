// The one ingestion path for the live gateway and `pulse replay`: raw dispatch -> events -> writer.
import { normalize, type Normalized } from './events.js';
import { instantMillis } from './instants.js';
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
  /**
   * For a dispatch Discord replays after a resumed connection (one that reached Discord while the
   * bot's connection was down): when the connection was lost. An event that carries no instant of
   * its own (a voice change, a reaction, a leave, …) happened between then and `at`; it is
   * stamped with this instant, the closest bound known (a voice session then ends at the loss,
   * not at the resume). A message keeps its own `timestamp` and a join its `joined_at` (when it
   * falls between the two).
   */
  replayedFrom?: number;
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
    const from = dispatch.replayedFrom;
    const result = normalize(dispatch.t, dispatch.d, from ?? dispatch.at, this.knownBots, true, true);
    switch (result.status) {
      case 'events':
        for (const event of result.events) {
          if (dispatch.lostAt !== undefined && event.kind === 'voice-roster') event.endAt = Math.min(event.endAt, dispatch.lostAt);
          if (from !== undefined && event.kind === 'join') event.at = joinedAt(dispatch.d, from, dispatch.at) ?? event.at;
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

/** A GUILD_MEMBER_ADD's own `joined_at`, if it is an instant between `from` and `to` (else not to be trusted). */
function joinedAt(d: unknown, from: number, to: number): number | undefined {
  const text = (d as { joined_at?: unknown }).joined_at;
  if (typeof text !== 'string') return undefined;
  const at = instantMillis(text);
  return Number.isFinite(at) && at >= from && at <= to ? at : undefined;
}
