// /digest handlers, the poster that sends digests to a channel, and the slice's Feature (cron tick).
import {
  PermissionFlagsBits,
  AttachmentBuilder,
  DiscordAPIError,
  EmbedBuilder,
  MessageFlags,
  RESTJSONErrorCodes,
  type ChatInputCommandInteraction,
  type Client,
  type Guild,
} from 'discord.js';
import cron, { type ScheduledTask } from 'node-cron';
import { sendDm } from '../discord/dm.js';
import { friendlyDiscordError, UserError } from '../discord/errors.js';
import { botMissing, botPermission, requireBotCan, type NamedPermission } from '../discord/permissions.js';
import type { Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import type { Feature, FeatureContext } from '../feature.js';
import { formatDate, formatPeriod, languageOf, msg, render, t, weekdayNames, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { languageHint, setupHints, timeZoneHint } from '../settings/hints.js';
import { getSettings } from '../settings/store.js';
import { buildDigest, IMAGE_NAME, type FeedbackSource, type FiguresSource, type NativePollSource, type PollSource, type ReportMaker, type SurveySource } from './content.js';
import { ChannelRefused, DigestError, DigestRunner, fixFor, type CheckChannel, type DescribeError, type FindPosted, type PostDigest, type TellStaff } from './runner.js';
import {
  defaultPeriodKind,
  lastCompletePeriod,
  nextRuns,
  normalizeTime,
  cronTimesPerHour,
  parseCronExpression,
  type PeriodKind,
  type Timing,
} from './schedule.js';
import { getSchedule, recentRuns, saveSchedule, setPaused, type DigestRun, type DigestSchedule } from './store.js';
import { localDate, localParts } from '../zone.js';
import { digestCommand } from '../../commands/digest.js';
import { subcommandRoutes, type ArgsOf } from '../discord/options.js';
import { discordTime, truncate } from '../text.js';

/** What posting a digest takes: seeing the channel, sending, the figures' embed and the chart's file. */
const POST_PERMISSIONS: readonly NamedPermission[] = [botPermission.view, botPermission.send, botPermission.embed, botPermission.attach];

/** "I can't post in #channel: I need …", naming the permissions the bot lacks there (all it needs when it cannot tell). */
function cantPost(guild: Guild | null, channelId: string, fallback: readonly NamedPermission[]): Text {
  const missing = botMissing(guild, channelId, POST_PERMISSIONS);
  const names = missing?.length ? missing : fallback.map(([, name]) => name);
  return msg('digest.error.cantPost', { channel: channelId, missing: names.map((key) => msg(key)) });
}

/** What a Discord error says about the channel when it refuses for good, or null for anything else (tried again later). */
function refusal(err: unknown, guild: Guild | null, channelId: string): Text | null {
  if (!(err instanceof DiscordAPIError)) return null;
  if (err.code === RESTJSONErrorCodes.UnknownChannel) return msg('digest.error.channelGone', { channel: channelId });
  if (err.code === RESTJSONErrorCodes.MissingAccess) return cantPost(guild, channelId, [botPermission.view]);
  if (err.code === RESTJSONErrorCodes.MissingPermissions) return cantPost(guild, channelId, POST_PERMISSIONS);
  return null;
}

/**
 * Whether the bot can post a digest in the channel, from its caches (a channel it does not see
 * among the server's is asked of Discord): checked before the digest is built.
 */
export function channelCheck(client: Client): CheckChannel {
  return async (guildId, channelId) => {
    const guild = client.guilds.cache.get(guildId);
    // A server in an outage cannot tell: the post finds out.
    if (!guild?.available) return null;
    if (!guild.channels.cache.has(channelId)) {
      try {
        await client.channels.fetch(channelId);
      } catch (err) {
        return refusal(err, guild, channelId);
      }
    }
    const missing = botMissing(guild, channelId, POST_PERMISSIONS);
    return missing?.length ? cantPost(guild, channelId, POST_PERMISSIONS) : null;
  };
}

/** Sends a digest with its chart; mentions are shown as text and never ping. */
export function channelPoster(client: Client): PostDigest {
  return async (channelId, post) => {
    const channel = await client.channels.fetch(channelId).catch((err: unknown) => {
      const refused = refusal(err, null, channelId);
      if (refused) throw new ChannelRefused(refused);
      throw new DigestError(friendlyDiscordError(err, post.language) ?? t(post.language, 'digest.error.channelGone', { channel: channelId }));
    });
    if (!channel || !channel.isSendable()) throw new ChannelRefused(msg('digest.error.notText', { channel: channelId }));
    const guild = 'guild' in channel ? channel.guild : null;
    try {
      const message = await channel.send({
        embeds: [post.embed],
        files: post.files.map((f) => new AttachmentBuilder(f.data, { name: f.name })),
        nonce: post.nonce,
        enforceNonce: true,
        allowedMentions: { parse: [] },
      });
      return message.id;
    } catch (err) {
      const refused = refusal(err, guild, channelId);
      throw refused ? new ChannelRefused(refused) : err;
    }
  };
}

/**
 * Tells staff that their digest schedule was paused: in the staff channel, unless that is the
 * channel that refuses; else by DM to whoever set the schedule up.
 */
export function staffNotice(ctx: FeatureContext): TellStaff {
  return async (schedule, refusedChannelId, text) => {
    const { staffChannelId } = await getSettings(ctx.db, schedule.guildId);
    if (staffChannelId && staffChannelId !== refusedChannelId) {
      try {
        const channel = await ctx.client.channels.fetch(staffChannelId);
        if (channel?.isSendable()) {
          await channel.send({ content: text, allowedMentions: { parse: [] } });
          return true;
        }
      } catch (err) {
        ctx.logger.warn({ err, guild: schedule.guildId, channel: staffChannelId }, 'digest.staff-notice-failed');
      }
    }
    if (!schedule.updatedBy) return false;
    try {
      await sendDm(ctx.client, schedule.updatedBy, text);
      return true;
    } catch (err) {
      ctx.logger.info({ code: err instanceof DiscordAPIError ? err.code : undefined, guild: schedule.guildId }, 'digest.staff-notice-dm-failed');
      return false;
    }
  };
}

/** Finds a digest this bot already posted among the channel's last 50 messages. */
export function channelHistory(client: Client): FindPosted {
  return async (channelId, marker) => {
    const channel = await client.channels.fetch(channelId).catch(() => null);
    if (!channel || !channel.isTextBased()) return null;
    const recent = await channel.messages.fetch({ limit: 50 }).catch(() => null);
    const found = recent?.find((m) => m.author.id === client.user?.id && (m.embeds[0]?.footer?.text.endsWith(marker) ?? false));
    return found?.id ?? null;
  };
}

export const describePostError: DescribeError = (err, language) => friendlyDiscordError(err, language) ?? (err instanceof Error ? err.message : String(err));

const PERIODS: readonly PeriodKind[] = ['day', 'week', 'month'];
const PERIOD_WORDS: Record<PeriodKind, MessageKey> = { day: 'digest.covers.day', week: 'digest.covers.week', month: 'digest.covers.month' };

type ScheduleArgs = ArgsOf<typeof digestCommand, 'schedule'>;

function timingFrom(o: ScheduleArgs): Timing {
  const frequency = o.frequency;
  if (frequency === 'cron') {
    const expression = o.cron?.trim();
    if (!expression) throw new UserError(msg('digest.error.cronMissing'));
    const spec = parseCronExpression(expression);
    if ('error' in spec) throw new UserError(msg('digest.error.cronInvalid', { expression: truncate(expression, 100), reason: spec.error }));
    const perHour = cronTimesPerHour(spec);
    if (perHour) throw new UserError(msg('digest.error.cronTooOften', { expression: truncate(expression, 100), count: perHour }));
    return { kind: 'cron', expression: expression.split(/\s+/).join(' ') };
  }
  const rawTime = o.time ?? '09:00';
  const time = normalizeTime(rawTime);
  if (!time) throw new UserError(msg('digest.error.time', { time: rawTime.slice(0, 10) }));
  if (frequency === 'daily') return { kind: 'daily', time };
  if (frequency === 'weekly') {
    const weekday = o.weekday ?? 1;
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw new UserError(msg('digest.error.weekday'));
    return { kind: 'weekly', weekday, time };
  }
  if (frequency === 'monthly') {
    const monthDay = o.day ?? 1;
    if (!Number.isInteger(monthDay) || monthDay < 1 || monthDay > 31) throw new UserError(msg('digest.error.monthDay'));
    return { kind: 'monthly', monthDay, time };
  }
  throw new UserError(msg('digest.error.frequency'));
}

function periodOption(p: string | null): PeriodKind | null {
  if (p === null) return null;
  if (!(PERIODS as readonly string[]).includes(p)) throw new UserError(msg('digest.error.period'));
  return p as PeriodKind;
}

/** The bot must be able to post where staff point it. */
function requirePostable(interaction: ChatInputCommandInteraction, chosen: { id: string } | null): string | null {
  if (!chosen) return null;
  const { view, send, embed, attach } = botPermission;
  requireBotCan(interaction.guild, chosen.id, [view, send, embed, attach]);
  return chosen.id;
}

function wallTime(lang: Language, instant: number, zone: string): string {
  const p = localParts(instant, zone);
  // The server's calendar day as the reader's language writes it ("Mon, Nov 16", "lun, 16 nov").
  const day = formatDate(lang, localDate(instant, zone), { weekday: 'short', day: 'numeric', month: 'short' });
  return `${day} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function nextRunsText(lang: Language, schedule: DigestSchedule, zone: string, now: number): string {
  if (schedule.paused) return t(lang, 'digest.show.paused');
  const runs = nextRuns(schedule.timing, zone, now, 3);
  if (runs.length === 0) return t(lang, 'digest.show.never');
  return runs.map((at) => `${discordTime(at, 'F')} (${wallTime(lang, at, zone)} ${zone})`).join('\n');
}

/** The next runs; or why the schedule is paused, and what to fix when the bot paused it. */
function statusText(lang: Language, schedule: DigestSchedule, zone: string, now: number): string {
  const reason = schedule.paused ? schedule.pausedReason : null;
  if (!reason) return nextRunsText(lang, schedule, zone, now);
  const when = discordTime(schedule.pausedAt ?? now, 'R');
  return t(lang, 'digest.show.pausedBy', { when, problem: render(lang, reason), fix: t(lang, fixFor(reason)) });
}

function runLine(lang: Language, run: DigestRun, guildId: string): string {
  const what = formatPeriod(lang, run.period.from, run.period.to);
  const late = run.late ? t(lang, 'digest.run.late') : '';
  const error = run.lastError ?? t(lang, 'digest.run.unknownError');
  switch (run.status) {
    case 'posted':
      return `✅ ${what}${late}: ${t(lang, 'digest.run.posted', { url: `https://discord.com/channels/${guildId}/${run.channelId}/${run.messageId}` })}${run.attempts > 1 ? t(lang, 'digest.run.afterTries', { count: run.attempts }) : ''}`;
    case 'posting':
      return `⏳ ${what}${late}: ${t(lang, 'digest.run.posting')}`;
    case 'failed':
      return run.nextAttemptAt === null
        ? `❌ ${what}: ${t(lang, 'digest.run.gaveUp', { count: run.attempts, error })}`
        : `⚠️ ${what}: ${t(lang, 'digest.run.failed', { count: run.attempts, error, next: discordTime(run.nextAttemptAt, 'R') })}`;
  }
}

/** The schedule in words, e.g. "every Monday at 09:00" (schedule.ts's describeTiming is the English original). */
function timingText(lang: Language, timing: Timing): string {
  switch (timing.kind) {
    case 'daily':
      return t(lang, 'digest.timing.daily', { time: timing.time });
    case 'weekly':
      return t(lang, 'digest.timing.weekly', { day: weekdayNames(lang, 'long')[timing.weekday - 1] ?? String(timing.weekday), time: timing.time });
    case 'monthly':
      return t(lang, timing.monthDay >= 29 ? 'digest.timing.monthlyLast' : 'digest.timing.monthly', { day: timing.monthDay, time: timing.time });
    case 'cron':
      return t(lang, 'digest.timing.cron', { expression: timing.expression });
  }
}

async function showEmbed(ctx: FeatureContext, lang: Language, guildId: string, note?: string): Promise<EmbedBuilder> {
  const settings = await getSettings(ctx.db, guildId);
  const schedule = await getSchedule(ctx.db, guildId);
  const embed = new EmbedBuilder().setTitle(t(lang, 'digest.show.title'));
  if (note) embed.setDescription(note);
  if (!schedule) {
    return embed.setDescription(`${note ? `${note}\n` : ''}${t(lang, 'digest.show.none')}`);
  }
  const channel = schedule.channelId ?? settings.staffChannelId;
  embed.addFields(
    { name: t(lang, 'digest.show.when'), value: `${timingText(lang, schedule.timing)} (${settings.timezone})`, inline: true },
    { name: t(lang, 'digest.show.covers'), value: t(lang, PERIOD_WORDS[schedule.period]), inline: true },
    { name: t(lang, 'digest.show.channel'), value: channel ? `<#${channel}>${schedule.channelId ? '' : t(lang, 'digest.show.staffChannel')}` : t(lang, 'digest.show.noChannel'), inline: true },
    { name: t(lang, schedule.paused ? 'digest.show.status' : 'digest.show.nextRuns'), value: truncate(statusText(lang, schedule, settings.timezone, ctx.clock.now()), 1024) },
  );
  // The digest names members (at-risk regulars, top contributors): say so when everyone can read its channel.
  const guild = channel ? ctx.client.guilds.cache.get(guildId) : undefined;
  const where = channel ? guild?.channels.cache.get(channel) : undefined;
  if (guild && where && 'permissionsFor' in where && where.permissionsFor(guild.roles.everyone)?.has(PermissionFlagsBits.ViewChannel)) {
    embed.addFields({ name: t(lang, 'digest.show.publicChannelTitle'), value: t(lang, 'digest.show.publicChannel', { channel: channel! }) });
  }
  const runs = await recentRuns(ctx.db, guildId, 5);
  if (runs.length) embed.addFields({ name: t(lang, 'digest.show.last'), value: runs.map((r) => runLine(lang, r, guildId)).join('\n').slice(0, 1024) });
  return embed;
}

export interface DigestsOptions {
  reports: ReportMaker;
  polls?: PollSource;
  nativePolls?: NativePollSource;
  surveys?: SurveySource;
  feedback?: FeedbackSource;
  /** Reports and chart as one job (the worker pool in the app). */
  figures?: FiguresSource;
}

export function digestRoutes(ctx: FeatureContext, options: DigestsOptions): Routes {
  /** The guild and its settings, once the caller is known to be staff. */
  const staffOnly = async (interaction: ChatInputCommandInteraction) => {
    const guildId = interaction.guildId!;
    const settings = await getSettings(ctx.db, guildId);
    requireStaff(interaction, settings.staffRoleId);
    // Replies go to one staff member: their client's language.
    return { guildId, settings, now: ctx.clock.now(), lang: languageOf(interaction.locale) };
  };
  const check = channelCheck(ctx.client);
  const pauseOrResume = (pause: boolean) => async (interaction: ChatInputCommandInteraction) => {
    const { guildId, settings, now, lang } = await staffOnly(interaction);
    if (!pause) {
      // Resumed where the bot still cannot post, the next run would only be paused again.
      const channel = (await getSchedule(ctx.db, guildId))?.channelId ?? settings.staffChannelId;
      const problem = channel ? await check(guildId, channel) : null;
      if (problem) throw new UserError(problem);
    }
    const updated = await setPaused(ctx.db, guildId, pause, now);
    if (!updated) throw new UserError(msg('digest.error.noSchedule'));
    ctx.logger.info({ guild: guildId }, pause ? 'digest.paused' : 'digest.resumed');
    const note = t(lang, pause ? 'digest.paused' : 'digest.resumed');
    await interaction.reply({ embeds: [await showEmbed(ctx, lang, guildId, note)], flags: MessageFlags.Ephemeral });
  };
  return {
    commands: {
      digest: subcommandRoutes(digestCommand, {
        async schedule(interaction, args) {
          const { guildId, settings, now, lang } = await staffOnly(interaction);
          const timing = timingFrom(args);
          const period = periodOption(args.period) ?? defaultPeriodKind(timing);
          const channelId = requirePostable(interaction, args.channel);
          if (nextRuns(timing, settings.timezone, now, 1).length === 0) throw new UserError(msg('digest.error.never'));
          await saveSchedule(ctx.db, { guildId, timing, period, channelId, updatedBy: interaction.user.id }, now);
          ctx.logger.info({ guild: guildId, timing, period, channel: channelId }, 'digest.scheduled');
          const warn = channelId || settings.staffChannelId ? '' : `\n${t(lang, 'digest.noStaffChannel')}`;
          // The digest is in the server's language, at the server's zone's times: say which while either is still the default.
          const hints = setupHints(languageHint(lang, settings, interaction.guildLocale), timeZoneHint(lang, settings)).map((h) => `\n${h}`).join('');
          await interaction.reply({ embeds: [await showEmbed(ctx, lang, guildId, `${t(lang, 'digest.saved')}${warn}${hints}`)], flags: MessageFlags.Ephemeral });
        },
        async show(interaction) {
          const { guildId, settings, lang } = await staffOnly(interaction);
          await interaction.reply({ embeds: [await showEmbed(ctx, lang, guildId, timeZoneHint(lang, settings) ?? undefined)], flags: MessageFlags.Ephemeral });
        },
        pause: pauseOrResume(true),
        resume: pauseOrResume(false),
        async preview(interaction, args) {
          const { guildId, settings, now, lang } = await staffOnly(interaction);
          // Building the reports and the charts can take longer than the 3 s Discord allows.
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const schedule = await getSchedule(ctx.db, guildId);
          const kind = periodOption(args.period) ?? schedule?.period ?? 'week';
          const period = lastCompletePeriod(kind, localDate(now, settings.timezone));
          // The preview shows what the channel will get: the digest in the server's language.
          const language = serverLanguage(settings, interaction.guildLocale);
          const digest = await buildDigest(options.reports, { guildId, timezone: settings.timezone, period, asOf: now, language }, options);
          await interaction.editReply({
            content: t(lang, 'digest.preview', { period: formatPeriod(lang, period.from, period.to), zone: settings.timezone }),
            embeds: [digest.embed],
            files: [new AttachmentBuilder(digest.png, { name: IMAGE_NAME })],
            allowedMentions: { parse: [] },
          });
        },
      }),
    },
  };
}

export interface DigestsFeature extends Feature {
  readonly runner: DigestRunner;
  /** One pass of the scheduler now (what the once-a-minute cron job runs). */
  tick(): Promise<void>;
}

/** The digests slice: /digest, catch-up on start, and a once-a-minute tick. */
export function digestsFeature(ctx: FeatureContext, options: DigestsOptions): DigestsFeature {
  const runner = new DigestRunner({
    db: ctx.db,
    clock: ctx.clock,
    logger: ctx.logger,
    reports: options.reports,
    polls: options.polls,
    nativePolls: options.nativePolls,
    surveys: options.surveys,
    feedback: options.feedback,
    ...(options.figures ? { figures: options.figures } : {}),
    post: channelPoster(ctx.client),
    findPosted: channelHistory(ctx.client),
    describeError: describePostError,
    guildLocale: (guildId) => ctx.client.guilds.cache.get(guildId)?.preferredLocale ?? null,
    inGuild: (guildId) => ctx.client.guilds.cache.has(guildId),
    checkChannel: channelCheck(ctx.client),
    tellStaff: staffNotice(ctx),
  });
  let task: ScheduledTask | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    // Ticks of this process run one after another; the runs table also guards across processes.
    const next = current.then(() => (stopped ? undefined : runner.tick()));
    current = next.catch((err: unknown) => ctx.logger.error({ err }, 'digest.tick-failed'));
    return current.then(() => undefined);
  };
  return {
    name: 'digests',
    runner,
    routes: digestRoutes(ctx, options),
    tick,
    async onReady() {
      current = runner.catchUp().catch((err: unknown) => ctx.logger.error({ err }, 'digest.catch-up-failed'));
      await current;
      // Each tick computes what is due from the database, so a skipped minute loses nothing.
      task = cron.schedule('* * * * *', () => tick(), { name: 'digests', noOverlap: true, suppressMissedWarning: true });
    },
    async stop() {
      stopped = true;
      await task?.destroy();
      await current;
    },
  };
}
