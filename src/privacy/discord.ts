// /privacy: show and export answered from a worker after an immediate defer; opt-out drops the
// member at the door at once and deletes in the background, then edits the answer to say so.
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DiscordAPIError, EmbedBuilder, MessageFlags, RESTJSONErrorCodes, Routes as DiscordRoutes, type ChatInputCommandInteraction } from 'discord.js';
import { privacyCommand } from '../../commands/privacy.js';
import { isOptedOut, removeOptOut } from '../activity/privacy-store.js';
import { writeStep } from '../db/exclusive.js';
import { UserError } from '../discord/errors.js';
import { subcommandRoutes } from '../discord/options.js';
import type { Routes } from '../discord/router.js';
import type { Feature, FeatureContext } from '../feature.js';
import { languageOf, msg, t, type Language } from '../i18n/index.js';
import { plainText } from '../text.js';
import { privacyEntries, privacyEntry } from './entries.js';
import { showDescriptions, showLine } from './privacy.js';
import { OptOutRunner } from './service.js';
import { beginOptOut, finishOptOut, isOptOutPending, pendingOptOuts, type OptOutJob } from './store.js';
import { sendDm } from '../discord/dm.js';
import { answerDeadline } from '../workers/pool.js';

/** What the privacy slice needs from the activity writer's door. */
export interface ActivityDoor {
  markOptedOut(guildId: string, userId: string): void;
  unmarkOptedOut(guildId: string, userId: string): void;
  forgetMember(guildId: string, userId: string): void;
}

/** Discord no longer takes edits of an interaction's answer (its token lasts 15 minutes). */
const tokenExpired = (err: unknown) =>
  err instanceof DiscordAPIError && (err.code === RESTJSONErrorCodes.InvalidWebhookToken || err.code === RESTJSONErrorCodes.UnknownWebhook || err.status === 401);

const MiB = 1024 * 1024;

/**
 * After a member's export was answered, how long before the same member may ask again in the
 * same server: an export is the heaviest read a member can start, and each one queued holds back
 * the other members' opt-out deletions (the pool's lowest rank).
 */
const EXPORT_COOLDOWN_MS = 60_000;

/**
 * How often the running bot looks for opt-out jobs it did not record itself: `pulse
 * privacy-opt-out` only records the job, and this process, which owns the door and the
 * caches, carries it out.
 */
const PICK_UP_MS = 5_000;

/**
 * The most Discord takes in one attachment of this answer: the interaction says so
 * (attachment_size_limit, newer API versions); else it follows the server's boost level.
 */
function uploadLimit(interaction: ChatInputCommandInteraction): number {
  const given = interaction.attachmentSizeLimit as number | undefined; // absent from older payloads
  if (typeof given === 'number' && given > 0) return given;
  const tier = interaction.guild?.premiumTier ?? 0;
  return (tier >= 3 ? 100 : tier === 2 ? 50 : 10) * MiB;
}

/** Bytes as MB with one decimal, for the member (Discord states its limits in MB). */
const megabytes = (bytes: number) => Math.round((bytes / MiB) * 10) / 10;

export function privacyFeature(ctx: FeatureContext, door: () => ActivityDoor): Feature {
  const { database, pool, logger } = ctx;
  const appId = ctx.config.discord?.appId;
  /**
   * The members whose /privacy opt-out is still answering (recording the job, starting it, editing
   * the answer), by jobKey: resolved once the answer is sent.
   */
  const answering = new Map<string, Promise<void>>();
  const jobKey = (job: Pick<OptOutJob, 'guildId' | 'userId'>) => `${job.guildId}|${job.userId}`;
  /** The members whose /privacy export is being prepared, by jobKey: one at a time each. */
  const exporting = new Set<string>();
  /** When each member's last export was answered (ctx.clock), by jobKey; pruned as they expire. */
  const exported = new Map<string, number>();

  const runner = new OptOutRunner({
    entries: privacyEntries,
    logger,
    dropAtTheDoor: (g, u) => door().markOptedOut(g, u),
    record: (job) => beginOptOut(ctx.db, job),
    async scan(entry, guildId, userId, size, onKeys) {
      // No timeout: a scan of a big table is slow but harmless, and the job resumes anyway.
      await pool.run('privacy-scan', { guildId, userId, entry, size }, { onChunk: (c) => onKeys(c as unknown[][]), timeoutMs: 30 * 60_000 });
    },
    write(entry, guildId, userId, keys) {
      const apply = privacyEntry(entry).apply!;
      return writeStep(database.sqlite, database.gate, () => apply(database.sqlite, guildId, userId, keys));
    },
    async finish(job) {
      door().forgetMember(job.guildId, job.userId);
      return finishOptOut(ctx.db, job);
    },
    notify: (job) => tell(job, t(languageOf(job.notifyLocale), 'privacy.optedOut')),
    // On the answer only: a job failing again and again (each retry, each start) must not DM the
    // member each time. They were told when they asked that Pulse retries; the DM says when it is done.
    notifyFailed: (job, errorId) => tell(job, t(languageOf(job.notifyLocale), 'privacy.optOut.failed', { id: errorId }), false),
  });

  /**
   * Tells the member, in their language: on their answer to /privacy opt-out while Discord still
   * takes edits of it (15 minutes), else (the job resumed after a restart, or retried later) by DM
   * naming the server, unless `dm` is false.
   */
  async function tell(job: OptOutJob, content: string, dm = true): Promise<void> {
    // After the route's own answer ("stopped recording you"), never under it.
    await answering.get(jobKey(job));
    if (job.notifyToken && appId) {
      try {
        // Without the bot's token (auth: false), as discord.js sends interaction webhooks: the
        // interaction's token is the credential, and a 401 for an expired one on an authorised
        // request would make @discordjs/rest drop the bot's token for every later request.
        await ctx.client.rest.patch(DiscordRoutes.webhookMessage(appId, job.notifyToken, '@original'), { body: { content, allowed_mentions: { parse: [] } }, auth: false });
        return;
      } catch (err) {
        if (!tokenExpired(err)) throw err;
      }
    }
    if (!dm) return;
    const server = plainText(ctx.client.guilds.cache.get(job.guildId)?.name ?? job.guildId);
    await sendDm(ctx.client, job.userId, `**${server}** · ${content}`);
  }

  /**
   * Writes the member's export in a worker and attaches it to their (deferred) answer; calls
   * `answering` just before it answers.
   */
  async function exportTo(interaction: ChatInputCommandInteraction, guildId: string, userId: string, lang: Language, answering: () => void): Promise<void> {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const name = `pulse-data-${guildId}-${userId}.json`;
    const path = join(tmpdir(), `pulse-export-${randomBytes(6).toString('hex')}.json`);
    const gzipped = `${path}.gz`;
    try {
      await pool.run('privacy-export', { guildId, userId, path, exportedAt: ctx.clock.now(), note: t(lang, 'privacy.export.note') }, { waitUntil: answerDeadline() });
      const limit = uploadLimit(interaction);
      const { size } = await stat(path);
      if (size <= limit) {
        answering();
        await interaction.editReply({ content: t(lang, 'privacy.export'), files: [{ attachment: path, name }] });
        return;
      }
      // Too big for Discord as it is: a very active member's ids and instants repeat a lot,
      // so gzip shrinks the file several times (streamed: the file is never all in memory).
      await pipeline(createReadStream(path), createGzip(), createWriteStream(gzipped));
      const compressed = (await stat(gzipped)).size;
      logger.info({ guild: guildId, size, compressed, limit }, 'privacy.export-compressed');
      if (compressed > limit) {
        answering();
        throw new UserError(msg('privacy.export.tooLarge', { size: megabytes(size), compressed: megabytes(compressed), limit: megabytes(limit) }));
      }
      answering();
      await interaction.editReply({ content: `${t(lang, 'privacy.export')} ${t(lang, 'privacy.export.gzipped')}`, files: [{ attachment: gzipped, name: `${name}.gz` }] });
    } finally {
      await rm(path, { force: true });
      await rm(gzipped, { force: true });
    }
  }

  /** Who asks, where, and in which language. */
  const asker = (interaction: ChatInputCommandInteraction) => ({ guildId: interaction.guildId!, userId: interaction.user.id, lang: languageOf(interaction.locale) });

  const routes: Routes = {
    commands: {
      privacy: subcommandRoutes(privacyCommand, {
        async show(interaction) {
          const { guildId, userId, lang } = asker(interaction);
          // Acknowledge first: the counts come from a worker.
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const counts = await pool.run('privacy-counts', { guildId, userId }, { waitUntil: answerDeadline() });
          const optedOut = await isOptedOut(ctx.db, guildId, userId);
          const pending = await isOptOutPending(ctx.db, guildId, userId);
          const lines = privacyEntries.filter((e) => (counts[e.name] ?? 0) > 0 || e.fate !== 'kept').map((e) => showLine(e, counts[e.name] ?? 0, lang));
          const descriptions = showDescriptions([
            optedOut ? t(lang, 'privacy.show.optedOut') + (pending ? ` ${t(lang, 'privacy.show.pending')}` : '') : t(lang, 'privacy.show.recording'),
            '',
            ...lines,
            '',
            t(lang, 'privacy.show.choices'),
          ]);
          const embeds = descriptions.map((text, i) => (i === 0 ? new EmbedBuilder().setTitle(t(lang, 'privacy.show.title')) : new EmbedBuilder()).setDescription(text));
          await interaction.editReply({ embeds, allowedMentions: { parse: [] } });
        },
        async export(interaction) {
          const { guildId, userId, lang } = asker(interaction);
          // One export at a time per member, and not again right after one: each is a long job.
          const key = jobKey({ guildId, userId });
          if (exporting.has(key)) throw new UserError(msg('privacy.export.running'));
          const now = ctx.clock.now();
          for (const [k, at] of exported) if (now - at >= EXPORT_COOLDOWN_MS) exported.delete(k);
          const last = exported.get(key);
          if (last !== undefined) throw new UserError(msg('privacy.export.cooldown', { seconds: Math.ceil((last + EXPORT_COOLDOWN_MS - now) / 1000) }));
          exporting.add(key);
          // Once the answer is on its way (or failed), the cooldown starts.
          const answered = () => {
            if (exporting.delete(key)) exported.set(key, ctx.clock.now());
          };
          try {
            await exportTo(interaction, guildId, userId, lang, answered);
          } finally {
            answered();
          }
        },
        async 'opt-out'(interaction) {
          const { guildId, userId, lang } = asker(interaction);
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const job = { guildId, userId, requestedAt: ctx.clock.now(), notifyToken: interaction.token, notifyLocale: interaction.locale };
          // Ours from here: the pick-up (below) leaves the job alone while this answer is on its way.
          const key = jobKey(job);
          let answered = () => {};
          const mine = new Promise<void>((resolve) => (answered = resolve));
          answering.set(key, mine);
          try {
            const recorded = await runner.optOut(job);
            // Running here before anything else is awaited (runner.has): a pick-up tick during the
            // answer below cannot run the job a second time. Its "Done" waits for that answer (tell).
            // Asked again while their job runs, it goes over their rows once more and tells both answers.
            void runner.start(recorded);
            logger.info({ guild: guildId }, 'privacy.opt-out-started');
            await interaction.editReply({ content: t(lang, 'privacy.optOut.started') });
          } finally {
            if (answering.get(key) === mine) answering.delete(key);
            answered();
          }
        },
        async 'opt-in'(interaction) {
          const { guildId, userId, lang } = asker(interaction);
          if (await isOptOutPending(ctx.db, guildId, userId)) {
            throw new UserError(msg('privacy.optIn.pending'));
          }
          const was = await removeOptOut(ctx.db, guildId, userId);
          door().unmarkOptedOut(guildId, userId);
          await interaction.reply({
            content: t(lang, was ? 'privacy.optedIn' : 'privacy.notOptedOut'),
            flags: MessageFlags.Ephemeral,
          });
        },
      }),
    },
  };

  let pickUp: NodeJS.Timeout | undefined;
  let looking = false;
  /**
   * Jobs in the table that this process is not running nor waiting to retry: written by `pulse
   * privacy-opt-out` (an admin's opt-out for a member who left) while the bot runs. The member
   * is dropped at the door first, as /privacy opt-out does, then the job runs here like any.
   */
  async function pickUpJobs(): Promise<void> {
    if (looking) return;
    looking = true;
    try {
      for (const job of await pendingOptOuts(ctx.db)) {
        if (runner.has(job.guildId, job.userId) || answering.has(jobKey(job))) continue;
        logger.info({ guild: job.guildId }, 'privacy.opt-out-picked-up');
        door().markOptedOut(job.guildId, job.userId);
        void runner.start(job);
      }
    } catch (err) {
      logger.warn({ err }, 'privacy.pick-up-failed');
    } finally {
      looking = false;
    }
  }

  return {
    name: 'privacy',
    routes,
    async onReady() {
      // Opt-outs a restart interrupted: the member is dropped at the door already (the activity
      // store loads every opt-out); finish deleting now, in the background.
      for (const job of await pendingOptOuts(ctx.db)) {
        logger.info({ guild: job.guildId }, 'privacy.opt-out-resumed');
        void runner.start(job);
      }
      pickUp = setInterval(() => void pickUpJobs(), PICK_UP_MS);
      pickUp.unref();
    },
    async stop() {
      clearInterval(pickUp);
      await Promise.race([runner.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
    },
  };
}
