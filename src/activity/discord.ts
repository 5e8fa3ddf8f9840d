// The activity feature: raw gateway events into the writer, restart truth, and /privacy.
import { AttachmentBuilder, EmbedBuilder, Events, MessageFlags, type Client } from 'discord.js';
import type { Feature, FeatureContext } from '../feature.js';
import type { Routes } from '../discord/router.js';
import { Ingestor } from './ingest.js';
import { ActivityStore, exportMemberData, memberDataCounts } from './store.js';
import { ActivityWriter } from './writer.js';

const HEARTBEAT_MS = 5_000;

export function activityFeature(ctx: FeatureContext): Feature {
  const store = new ActivityStore(ctx.database.sqlite);
  const writer = new ActivityWriter(store, { logger: ctx.logger });
  const ingestor = new Ingestor(writer);
  let listening: { id: number } | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
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
    routes: privacyRoutes(ctx, store, writer),
    attach(client: Client) {
      // Restart truth before the first event: the downtime is a gap, and voice sessions a crash
      // left open end at the last instant we were listening.
      const begun = store.beginListening(ctx.clock.now());
      listening = { id: begun.id };
      if (begun.gap) ctx.logger.info({ from: begun.gap.from, to: begun.gap.to }, 'activity.gap-recorded');
      heartbeat = setInterval(beat, HEARTBEAT_MS);
      heartbeat.unref();
      client.on('raw', (packet: { t?: string | null; d?: unknown; op?: number }) => {
        if (packet.op !== 0 || !packet.t) return;
        try {
          const result = ingestor.ingest({ t: packet.t, d: packet.d, at: ctx.clock.now() });
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
      writer.stop();
      beat();
    },
  };
}

function privacyRoutes(ctx: FeatureContext, store: ActivityStore, writer: ActivityWriter): Routes {
  return {
    commands: {
      async privacy(interaction) {
        const guildId = interaction.guildId!;
        const userId = interaction.user.id;
        const sub = interaction.options.getSubcommand(true);
        if (sub === 'show') {
          writer.flushIfFree();
          const counts = await memberDataCounts(ctx.db, guildId, userId);
          const optedOut = store.isOptedOut(guildId, userId);
          const embed = new EmbedBuilder()
            .setTitle('What Pulse keeps about you in this server')
            .setDescription(
              [
                optedOut ? '**You opted out**: Pulse does not record your activity here.' : 'Pulse records when you are active here, never what you write.',
                '',
                `Messages (id, channel, time, reply-to, has attachment): **${counts.messages}**`,
                `Reactions (message, emoji, time): **${counts.reactions}**`,
                `Threads you started: **${counts.threads}**`,
                `Voice sessions (start and end): **${counts.voiceSessions}**`,
                `Joins and leaves: **${counts.joinsAndLeaves}**`,
                '',
                '`/privacy export` gives you all of it as a file; `/privacy opt-out` deletes it and stops recording.',
              ].join('\n'),
            );
          await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
        } else if (sub === 'export') {
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          writer.flushIfFree();
          const data = await exportMemberData(ctx.db, guildId, userId);
          const file = new AttachmentBuilder(Buffer.from(JSON.stringify(data, null, 2)), { name: `pulse-data-${guildId}-${userId}.json` });
          await interaction.editReply({ content: 'Your activity data in this server (metadata only, no message text).', files: [file] });
        } else if (sub === 'opt-out') {
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          // Queued events of this member must not land after the deletion: flush first, then
          // the opt-out set drops anything later.
          // Our transaction must not nest inside another slice's open one.
          for (let i = 0; i < 500 && store.sqlite.inTransaction; i++) await new Promise((r) => setTimeout(r, 10));
          writer.flush();
          store.optOut(guildId, userId, ctx.clock.now());
          ctx.logger.info({ guild: guildId }, 'activity.opted-out');
          await interaction.editReply({ content: 'Done: Pulse deleted your activity in this server and no longer records it. `/privacy opt-in` turns recording back on.' });
        } else if (sub === 'opt-in') {
          const was = store.optIn(guildId, userId);
          await interaction.reply({
            content: was ? 'Pulse records your activity in this server again, from now on.' : 'You had not opted out: Pulse records your activity here.',
            flags: MessageFlags.Ephemeral,
          });
        }
      },
    },
  };
}
