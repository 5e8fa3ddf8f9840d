// Generates a big guild straight through the store's batch writer (prepared statements, big
// transactions): members with heavy-tailed activity, a daily rhythm, 90 days of events.
import { ActivityStore } from '../src/activity/store.js';
import type { ActivityEvent } from '../src/activity/events.js';
import { rng } from '../src/seeded-random.js';

export { rng };

export const BENCH_GUILD = '700000000000000001';
const DISCORD_EPOCH = 1_420_070_400_000n;
const HOUR = 3_600_000;

export interface GenerateOptions {
  members: number;
  events: number;
  days: number;
  /** Events end here (epoch ms, a UTC midnight). */
  end: number;
  seed?: number;
}

export const userId = (i: number) => String(800000000000000000n + BigInt(i));
export const channelId = (i: number) => String(600000000000000000n + BigInt(i));
export function snowflake(at: number, seq: number): string {
  return String(((BigInt(at) - DISCORD_EPOCH) << 22n) | BigInt(seq & 0x3fffff));
}

/**
 * Yields the guild's events in time order, a day at a time, in chunks. A community model:
 * 8% regulars (active most days), 25% casual members (a day or two a week), the rest lurkers
 * (rarely). An active member has one to three sessions that day, at hours weighted by a daily
 * rhythm, mostly in their favourite channel. Mix: ~60% messages, ~35% reactions (0.2% of them
 * 🚩) on recent messages, 1% threads, voice sessions (about 2% of events), ~50 joins and ~20
 * leaves a day. DAU comes out near 10% of the members.
 */
export function* generate(o: GenerateOptions, chunk = 20_000): Generator<ActivityEvent[]> {
  const rand = rng(o.seed ?? 42);
  const start = o.end - o.days * 24 * HOUR;
  const rhythm = Array.from({ length: 24 }, (_, h) => 1 + 0.8 * Math.sin(((h - 9) / 24) * 2 * Math.PI));
  const rhythmSum = rhythm.reduce((a, b) => a + b, 0);
  const pickHour = () => {
    let x = rand() * rhythmSum;
    for (let h = 0; h < 24; h++) if ((x -= rhythm[h]!) <= 0) return h;
    return 23;
  };
  const pickChannel = () => Math.floor(50 * Math.pow(rand(), 2));
  const p = new Float64Array(o.members); // chance to be active on a day
  const weight = new Float64Array(o.members); // share of the day's events when active
  const home = new Int32Array(o.members);
  for (let i = 0; i < o.members; i++) {
    const x = rand();
    if (x < 0.08) [p[i], weight[i]] = [0.6 + 0.3 * rand(), 3];
    else if (x < 0.33) [p[i], weight[i]] = [0.05 + 0.15 * rand(), 1];
    else [p[i], weight[i]] = [0.002, 0.5];
    home[i] = pickChannel();
  }
  const perDay = o.events / o.days;
  const guildId = BENCH_GUILD;
  let produced = 0;
  let seq = 0;
  let out: ActivityEvent[] = [];
  for (let day = 0; day < o.days && produced < o.events; day++) {
    const dayStart = start + day * 24 * HOUR;
    const activeToday: number[] = [];
    let wsum = 0;
    for (let i = 0; i < o.members; i++) {
      if (rand() < p[i]!) {
        activeToday.push(i);
        wsum += weight[i]!;
      }
    }
    const budget = day === o.days - 1 ? o.events - produced : Math.round(perDay);
    // Each event of the day: who, when (in one of their sessions) and where.
    type Planned = { at: number; user: number; channel: number; x: number };
    const planned: Planned[] = [];
    for (const i of activeToday) {
      const n = Math.max(1, Math.round((budget * weight[i]!) / wsum * (0.5 + rand())));
      const sessions = Array.from({ length: 1 + Math.floor(rand() * 3) }, () => dayStart + pickHour() * HOUR + Math.floor(rand() * 40 * 60_000));
      for (let k = 0; k < n; k++) {
        const session = sessions[k % sessions.length]!;
        planned.push({ at: session + Math.floor(rand() * 20 * 60_000), user: i, channel: rand() < 0.7 ? home[i]! : pickChannel(), x: rand() });
      }
      if (rand() < 0.02) {
        const s = sessions[0]!;
        planned.push({ at: s, user: i, channel: 99, x: 2 }, { at: s + (10 + Math.floor(rand() * 110)) * 60_000, user: i, channel: -1, x: 2 });
      }
    }
    for (let k = 0; k < 50; k++) planned.push({ at: dayStart + Math.floor(rand() * 24 * HOUR), user: Math.floor(rand() * o.members), channel: 0, x: 3 });
    for (let k = 0; k < 20; k++) planned.push({ at: dayStart + Math.floor(rand() * 24 * HOUR), user: Math.floor(rand() * o.members), channel: 0, x: 4 });
    planned.sort((a, b) => a.at - b.at);
    const recent: Array<Array<{ id: string; author: number }>> = Array.from({ length: 50 }, () => []);
    for (const e of planned) {
      if (produced >= o.events) break;
      const { at, user, channel, x } = e;
      const uid = userId(user);
      if (x === 2) {
        out.push({ kind: 'voice', guildId, at, userId: uid, channelId: channel < 0 ? null : channelId(channel) });
      } else if (x === 3) {
        out.push({ kind: 'join', guildId, at, userId: uid });
      } else if (x === 4) {
        out.push({ kind: 'leave', guildId, at, userId: uid });
      } else {
        const pool = recent[channel]!;
        if (x < 0.6 || pool.length === 0) {
          const id = snowflake(at, seq++);
          pool.push({ id, author: user });
          if (pool.length > 50) pool.shift();
          out.push({ kind: 'message', guildId, at, messageId: id, channelId: channelId(channel), userId: uid, replyToId: null, hasAttachment: rand() < 0.1 });
        } else if (x < 0.99) {
          const target = pool[Math.floor(rand() * pool.length)]!;
          out.push({ kind: 'reaction', guildId, at, messageId: target.id, channelId: channelId(channel), userId: uid, emoji: rand() < 0.002 ? '🚩' : '👍', messageAuthorId: userId(target.author) });
        } else {
          out.push({ kind: 'thread', guildId, at, threadId: snowflake(at, seq++), channelId: channelId(channel), userId: uid });
        }
      }
      produced++;
      if (out.length >= chunk) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

/** Fills the database with the generated guild; returns how many events were stored. */
/**
 * Writes the generated events in batches of `batchSize`: the live writer's batch (1,000), so the
 * rollup parts are the ones the bot really writes (then compacted, as the bot does in the
 * background).
 */
export function fill(store: ActivityStore, o: GenerateOptions, onProgress?: (n: number) => void, batchSize = 1000): number {
  let n = 0;
  for (const batch of generate(o, batchSize)) {
    store.applyBatch(batch);
    n += batch.length;
    onProgress?.(n);
  }
  return n;
}
