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
  /**
   * Per shard, when its connection was lost, until it is back (resumed, or ready in a new
   * session): that span is a gap, and no heartbeat is written meanwhile, so that a stop or a
   * kill -9 then leaves the loss as the last instant Pulse was listening.
   */
  const disconnectedAt = new Map<number, number>();
  /**
   * Per shard, the same instant until the dispatches Discord replays after a resume are through
   * (RESUMED), or a new session's READY says none will be: what they tell happened after it.
   */
  const replayingFrom = new Map<number, number>();

  /** A write of the feature's own on the bot's thread, in its turn at the gate; a failure is logged. */
  const write = (what: string, step: () => void, context: object = {}) => {
    ctx.database.gate.whenFree(() => {
      try {
        step();
      } catch (err) {
        ctx.logger.warn({ err, ...context }, what);
      }
    });
  };
  /** Pulse is listening up to `at` (never past a lost connection: see disconnectedAt). */
  const beat = (at = ctx.clock.now()) => {
    const run = listening;
    if (!run || disconnectedAt.size !== 0) return;
    write('activity.heartbeat-failed', () => store.heartbeat(run.id, at));
  };
  const lost = (shardId: number) => {
    if (disconnectedAt.has(shardId)) return;
    const at = ctx.clock.now();
    // The last instant Pulse listened, written now: heartbeats stop until the shard is back.
    beat(at);
    disconnectedAt.set(shardId, at);
    replayingFrom.set(shardId, at);
  };
  const reconnected = (shardId: number) => {
    replayingFrom.delete(shardId);
    const since = disconnectedAt.get(shardId);
    if (since === undefined) return;
    disconnectedAt.delete(shardId);
    const now = ctx.clock.now();
    const gap = { shardId, from: since, to: now };
    write(
      'activity.gap-failed',
      () => {
        store.recordGap(since, now, 'disconnected');
        ctx.logger.info(gap, 'activity.gap-recorded');
      },
      gap,
    );
  };
  const onDisconnect = (_event: unknown, shardId: number) => lost(shardId);
  /** The guilds of one shard (all of them, the usual single shard: undefined). */
  const guildsOf = (shardId: number) => (ctx.client.ws.shards.size > 1 ? ctx.client.guilds.cache.filter((g) => g.shardId === shardId).map((g) => g.id) : undefined);

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
      // (Kept after stop(): events still come while later slices stop, until the client is
      // destroyed, and the stopped writer writes them at once.)
      client.on('raw', (packet: { t?: string | null; d?: unknown; op?: number }, shardId: number) => {
        if (packet.op !== 0 || !packet.t) return;
        let replayedFrom: number | undefined;
        if (replayingFrom.size !== 0) {
          // A new session (the old one could not be resumed): nothing is replayed.
          if (packet.t === 'READY' || packet.t === 'RESUMED') replayingFrom.delete(shardId);
          replayedFrom = replayingFrom.get(shardId);
        }
        try {
          // (lostAt: a GUILD_CREATE before ShardReady after a reconnect that could not resume.)
          const result = ingestor.ingest({ t: packet.t, d: packet.d, at: ctx.clock.now(), lostAt: disconnectedAt.get(shardId), replayedFrom });
          if (result.status === 'invalid') ctx.logger.debug({ t: packet.t, reason: result.reason }, 'activity.invalid-payload');
        } catch (err) {
          ctx.logger.error({ err, t: packet.t }, 'activity.ingest-failed');
        }
      });
      client.on(Events.ShardDisconnect, onDisconnect);
      client.on(Events.ShardReconnecting, lost);
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
      const client = ctx.client;
      client.off(Events.ShardDisconnect, onDisconnect);
      client.off(Events.ShardReconnecting, lost);
      client.off(Events.ShardResume, reconnected);
      client.off(Events.ShardReady, reconnected);
      await upkeep.stop();
      await writer.stop();
      // A connection still lost: the time since is a gap, and the voice sessions it left open end
      // at the loss (the last Pulse knows of them), not at this stop.
      const now = ctx.clock.now();
      const lostShards = [...disconnectedAt];
      disconnectedAt.clear();
      replayingFrom.clear();
      await ctx.database.gate.exclusive(() => {
        try {
          for (const [shardId, since] of lostShards) {
            store.recordGap(since, now, 'disconnected');
            store.endVoiceSessions(since, guildsOf(shardId));
          }
          if (listening) store.heartbeat(listening.id, now);
        } catch (err) {
          ctx.logger.warn({ err }, 'activity.stop-record-failed');
        }
      });
      listening = undefined;
    },
  };
}
