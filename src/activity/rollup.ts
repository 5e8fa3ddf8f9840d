// The rollups kept in step with raw rows: per member, UTC hour and channel (activity quarters and
// messages per quarter), and per guild and UTC quarter-hour (event counts). Pure.
export const HOUR = 3_600_000;
export const QUARTER = 900_000;

export interface HourRow {
  guildId: string;
  bucket: number; // floor(ms / HOUR)
  userId: string;
  channelId: string;
  quarters: number; // bit q: active in quarter q of the hour
  m0: number;
  m1: number;
  m2: number;
  m3: number;
  firstMessageAt: number | null;
  lastMessageAt: number | null;
}

export interface QuarterRow {
  guildId: string;
  bucket: number; // floor(ms / QUARTER)
  messages: number;
  reactions: number;
  threads: number;
}

export type RollupKind = 'message' | 'reaction' | 'thread';

/** Rollup increments of a batch of newly stored events, merged by key. */
export class RollupDelta {
  /** Per "guild|hour": per "user|channel". Batches mostly hit one guild-hour: keep it at hand. */
  private readonly byHour = new Map<string, Map<string, HourRow>>();
  readonly quarters = new Map<string, QuarterRow>();
  private lastHourKey = '';
  private lastHour: Map<string, HourRow> | undefined;
  private lastQuarterKey = '';
  private lastQuarter: QuarterRow | undefined;

  /** Every hour row of the batch. */
  get hours(): { values(): Iterable<HourRow>; readonly size: number } {
    const all = [...this.byHour.values()].flatMap((m) => [...m.values()]);
    return { values: () => all, size: all.length };
  }

  add(kind: RollupKind, guildId: string, userId: string, channelId: string, at: number): void {
    const bucket = Math.floor(at / HOUR);
    const q = Math.floor((at - bucket * HOUR) / QUARTER);
    const hourKey = guildId + '|' + bucket;
    let rows = this.lastHourKey === hourKey ? this.lastHour : this.byHour.get(hourKey);
    if (!rows) this.byHour.set(hourKey, (rows = new Map()));
    this.lastHourKey = hourKey;
    this.lastHour = rows;
    const hk = userId + '|' + channelId;
    let h = rows.get(hk);
    if (!h) {
      h = { guildId, bucket, userId, channelId, quarters: 0, m0: 0, m1: 0, m2: 0, m3: 0, firstMessageAt: null, lastMessageAt: null };
      rows.set(hk, h);
    }
    h.quarters |= 1 << q;
    const qb = bucket * 4 + q;
    const qk = guildId + '|' + qb;
    let g = this.lastQuarterKey === qk ? this.lastQuarter : this.quarters.get(qk);
    if (!g) this.quarters.set(qk, (g = { guildId, bucket: qb, messages: 0, reactions: 0, threads: 0 }));
    this.lastQuarterKey = qk;
    this.lastQuarter = g;
    if (kind === 'message') {
      if (q === 0) h.m0++;
      else if (q === 1) h.m1++;
      else if (q === 2) h.m2++;
      else h.m3++;
      h.firstMessageAt = h.firstMessageAt === null ? at : Math.min(h.firstMessageAt, at);
      h.lastMessageAt = h.lastMessageAt === null ? at : Math.max(h.lastMessageAt, at);
      g.messages++;
    } else if (kind === 'reaction') {
      g.reactions++;
    } else {
      g.threads++;
    }
  }
}
