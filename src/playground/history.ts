// 90 days of a community's history as gateway dispatches (JSON Lines for `pulse replay`), seeded.
import { chatChannels, ids, type Member, type World } from './world.js';
import { rng } from '../seeded-random.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DISCORD_EPOCH = 1_420_070_400_000n;

/** One replay line: when it happened, the gateway event name, its payload as Discord sends it. */
export interface ReplayLine {
  at: string;
  t: string;
  d: Record<string, unknown>;
}

export function snowflakeAt(at: number, seq: number): string {
  return String(((BigInt(at) - DISCORD_EPOCH) << 22n) | BigInt(seq & 0x3fffff));
}

export interface HistoryOptions {
  /** History ends here (epoch ms). */
  end: number;
  days?: number;
  seed?: number;
}

/**
 * A community model: ~10% regulars (active most days), ~30% casual members, the rest lurkers;
 * activity follows a daily rhythm and grows slowly; members reply, react, open threads and meet
 * in voice; newcomers join through the period and a few leave. Events come out in time order.
 */
export function* history(world: World, o: HistoryOptions): Generator<ReplayLine> {
  const rand = rng(o.seed ?? 7);
  const days = o.days ?? 90;
  // Days start at UTC midnight, so the daily rhythm lands on the hours it means.
  const start = Math.floor((o.end - days * DAY) / DAY) * DAY;
  const guild = world.guildId;
  const people = [...world.members.slice(1), ...world.departed];
  const leftAt = new Map<string, number>();
  for (const m of world.departed) leftAt.set(m.id, Math.min(o.end - HOUR, m.joinedAt + (2 + Math.floor(rand() * 20)) * DAY));
  const kind = new Map<string, number>(people.map((m) => {
    const x = rand();
    return [m.id, x < 0.1 ? 0.7 : x < 0.4 ? 0.15 : 0.015];
  }));
  const rhythm = (h: number) => 1 + 0.8 * Math.sin(((h - 11) / 24) * 2 * Math.PI);
  let seq = 0;
  const user = (m: Member) => ({ id: m.id, username: m.name, global_name: null, avatar: null, discriminator: '0' });
  const events: Array<{ at: number; line: Omit<ReplayLine, 'at'> }> = [];
  const push = (at: number, t: string, d: Record<string, unknown>) => events.push({ at, line: { t, d } });

  for (const m of people) {
    if (m.joinedAt >= start && m.joinedAt < o.end) push(m.joinedAt, 'GUILD_MEMBER_ADD', { guild_id: guild, user: user(m), joined_at: new Date(m.joinedAt).toISOString(), roles: [] });
    const left = leftAt.get(m.id);
    if (left !== undefined && left >= start) push(left, 'GUILD_MEMBER_REMOVE', { guild_id: guild, user: user(m) });
  }
  for (let day = 0; day < days; day++) {
    const dayStart = start + day * DAY;
    const growth = 0.8 + (0.4 * day) / days;
    const weekend = new Date(dayStart).getUTCDay() % 6 === 0 ? 1.2 : 1;
    const recent = new Map<string, Array<{ id: string; author: string }>>();
    for (const m of people) {
      const left = leftAt.get(m.id);
      if (m.joinedAt > dayStart || (left !== undefined && left < dayStart + DAY)) continue;
      const p = kind.get(m.id)! * growth * weekend;
      if (rand() >= p) continue;
      // One to three sessions at hours weighted by the daily rhythm.
      const sessions = 1 + Math.floor(rand() * 3);
      for (let s = 0; s < sessions; s++) {
        let hour = Math.floor(rand() * 24);
        if (rand() > rhythm(hour) / 1.8) hour = (hour + 12) % 24;
        const at0 = dayStart + hour * HOUR + Math.floor(rand() * 50 * 60_000);
        const channel = chatChannels[Math.floor(Math.pow(rand(), 2) * chatChannels.length)]!;
        const pool = recent.get(channel) ?? [];
        recent.set(channel, pool);
        const n = 1 + Math.floor(rand() * (p > 0.5 ? 6 : 3));
        for (let k = 0; k < n; k++) {
          const at = at0 + k * Math.floor(30_000 + rand() * 120_000);
          const x = rand();
          if (x < 0.62 || pool.length === 0) {
            const id = snowflakeAt(at, seq++);
            const target = pool.length && rand() < 0.25 ? pool[Math.floor(rand() * pool.length)] : undefined;
            push(at, 'MESSAGE_CREATE', {
              id, guild_id: guild, channel_id: channel, author: user(m), timestamp: new Date(at).toISOString(), type: target ? 19 : 0,
              attachments: rand() < 0.08 ? [{ id: snowflakeAt(at, seq++), filename: 'sketch.png' }] : [],
              ...(target ? { message_reference: { message_id: target.id, channel_id: channel, guild_id: guild } } : {}),
            });
            pool.push({ id, author: m.id });
            if (pool.length > 40) pool.shift();
          } else if (x < 0.97) {
            const target = pool[Math.floor(rand() * pool.length)]!;
            // Now and then a 🚩: the digest's self-moderation figures are not all zero.
            const emoji = rand() < 0.004 ? '🚩' : ['👍', '❤️', '😂', '🎉', '🔥'][Math.floor(rand() * 5)]!;
            push(at, 'MESSAGE_REACTION_ADD', { user_id: m.id, guild_id: guild, channel_id: channel, message_id: target.id, message_author_id: target.author, member: { user: user(m), roles: [] }, emoji: { id: null, name: emoji } });
          } else {
            push(at, 'THREAD_CREATE', { id: snowflakeAt(at, seq++), guild_id: guild, parent_id: channel, owner_id: m.id, type: 11, name: 'thread', newly_created: true });
          }
        }
        if (rand() < 0.05) {
          const minutes = 10 + Math.floor(rand() * 100);
          push(at0, 'VOICE_STATE_UPDATE', { guild_id: guild, channel_id: ids.lounge, user_id: m.id, member: { user: user(m), roles: [] }, session_id: 'x', deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null });
          push(at0 + minutes * 60_000, 'VOICE_STATE_UPDATE', { guild_id: guild, channel_id: null, user_id: m.id, member: { user: user(m), roles: [] }, session_id: 'x', deaf: false, mute: false, self_deaf: false, self_mute: false, self_video: false, suppress: false, request_to_speak_timestamp: null });
        }
      }
    }
  }
  events.sort((a, b) => a.at - b.at);
  for (const e of events) if (e.at < o.end) yield { at: new Date(e.at).toISOString(), ...e.line };
}
