// The activity feature: raw gateway events into the writer, and restart truth.
import { Events, type Client } from 'discord.js';
import { GATEWAY_LOCK_WAIT_MS } from '../db/exclusive.js';
import type { Feature, FeatureContext } from '../feature.js';
import { ignoredChannelsReader } from '../settings/store.js';
import { Ingestor } from './ingest.js';
import { ActivityStore, knownNonMembers } from './store.js';
import { UPKEPT_MERGE_AT, writerUpkeep } from './upkeep.js';
import { ActivityWriter } from './writer.js';

const HEARTBEAT_MS = 5_000;
/** How often the writer's background turn comes (a few ms of this thread each). */
const UPKEEP_MS = 2_000;

/** The activity feature, and its store (the door the privacy slice closes on a member). */
export function activityFeature(ctx: FeatureContext): Feature & { store: ActivityStore } {
  const store = new ActivityStore(ctx.database.sqlite, {
    gate: ctx.database.gate,
    ignoredChannels: ignoredChannelsReader(ctx.database.sqlite),
    // A thread Pulse did not see created or listed (an old one unarchived): discord.js may know it.
    threadParent: (id) => {
      const channel = ctx.client.channels.cache.get(id);
      return channel?.isThread() ? channel.parentId : null;
    },
    mergeAt: UPKEPT_MERGE_AT,
  });
  const upkeep = writerUpkeep(store, ctx.pool, ctx.logger);
  // A flush on the gateway's thread waits briefly for a lock another process holds (a replay).
  const writer = new ActivityWriter(store, { logger: ctx.logger, lockWaitMs: GATEWAY_LOCK_WAIT_MS });
  // It starts knowing the bots and webhooks seen before this process (activity_non_members).
  const ingestor = new Ingestor(writer, knownNonMembers(ctx.database.sqlite));
  let listening: { id: number } | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let upkeepTimer: NodeJS.Timeout | undefined;
  const disconnectedAt = new Map<number, number>();

  const beat = () => {
    if (!listening) return;
    try {
      store.heartbeat(listening.id, ctx.clock.now());
    } catch (err) {
      ctx.logger.warn({ err }, 'activity.heartbeat-failed');
    }
  };

  return {
    name: 'activity',
    store,
    attach(client: Client) {
      // Restart truth before the first event: the downtime is a gap, and voice sessions a crash
      // left open end at the last instant we were listening.
      const begun = store.beginListening(ctx.clock.now());
      // Before the first event: the one scan compaction needs, off the gateway's time.
      store.findPartedHours();
      listening = { id: begun.id };
      if (begun.gap) ctx.logger.info({ from: begun.gap.from, to: begun.gap.to }, 'activity.gap-recorded');
      heartbeat = setInterval(beat, HEARTBEAT_MS);
      heartbeat.unref();
      upkeepTimer = setInterval(() => upkeep.turn(ctx.clock.now()), UPKEEP_MS);
      upkeepTimer.unref();
      client.on('raw', (packet: { t?: string | null; d?: unknown; op?: number }, shardId: number) => {
        if (packet.op !== 0 || !packet.t) return;
        try {
          // (lostAt: a GUILD_CREATE before ShardReady after a reconnect that could not resume.)
          const result = ingestor.ingest({ t: packet.t, d: packet.d, at: ctx.clock.now(), lostAt: disconnectedAt.get(shardId) });
          if (result.status === 'invalid') ctx.logger.debug({ t: packet.t, reason: result.reason }, 'activity.invalid-payload');
        } catch (err) {
          ctx.logger.error({ err, t: packet.t }, 'activity.ingest-failed');
        }
      });
      client.on(Events.ShardDisconnect, (_event, shardId) => disconnectedAt.set(shardId, ctx.clock.now()));
      client.on(Events.ShardReconnecting, (shardId) => {
        if (!disconnectedAt.has(shardId)) disconnectedAt.set(shardId, ctx.clock.now());
      });
      const reconnected = (shardId: number) => {
        const since = disconnectedAt.get(shardId);
        if (since === undefined) return;
        disconnectedAt.delete(shardId);
        store.recordGap(since, ctx.clock.now(), 'disconnected');
        ctx.logger.info({ shardId, from: since }, 'activity.gap-recorded');
      };
      client.on(Events.ShardResume, reconnected);
      client.on(Events.ShardReady, reconnected);
    },
    async onReady() {
      // Pulse itself is a bot whose messages members react to (its polls, its cards).
      if (ctx.client.user) ingestor.knownBots.add(ctx.client.user.id);
      // Members already in voice (GUILD_CREATE voice states, usually handled from the raw
      // packets already): open their sessions now; an open session makes this a no-op.
      const now = ctx.clock.now();
      for (const guild of ctx.client.guilds.cache.values()) {
        for (const state of guild.voiceStates.cache.values()) {
          if (!state.channelId || state.member?.user.bot) continue;
          writer.push({ kind: 'voice', guildId: guild.id, at: now, userId: state.id, channelId: state.channelId });
        }
      }
      writer.flushIfFree();
      beat();
    },
    async stop() {
      if (heartbeat) clearInterval(heartbeat);
      if (upkeepTimer) clearInterval(upkeepTimer);
      await upkeep.stop();
      await writer.stop();
      beat();
    },
  };
}
