// /digest handlers, the poster that sends digests to a channel, and the slice's Feature (cron tick).
import {
  AttachmentBuilder,
  EmbedBuilder,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Client,
} from 'discord.js';
import cron, { type ScheduledTask } from 'node-cron';
import { friendlyDiscordError, UserError } from '../discord/errors.js';
import { botPermission, requireBotCan } from '../discord/permissions.js';
import type { Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import type { Feature, FeatureContext } from '../feature.js';
import { getSettings } from '../settings/store.js';
import { buildDigest, IMAGE_NAME, type ChartSource, type PollSource, type ReportSource } from './content.js';
import { DigestError, DigestRunner, type DescribeError, type FindPosted, type PostDigest } from './runner.js';
import {
  defaultPeriodKind,
  describeTiming,
  lastCompletePeriod,
  nextRuns,
  normalizeTime,
  parseCronExpression,
  type PeriodKind,
  type Timing,
} from './schedule.js';
import { getSchedule, recentRuns, saveSchedule, setPaused, type DigestRun, type DigestSchedule } from './store.js';
import { localDateOf, localParts } from '../zone.js';

/** Sends a digest with its chart; mentions are shown as text and never ping. */
export function channelPoster(client: Client): PostDigest {
  return async (channelId, post) => {
    const channel = await client.channels.fetch(channelId).catch((err: unknown) => {
      throw new DigestError(friendlyDiscordError(err) ?? `I can't find the channel <#${channelId}>: it may have been deleted.`);
    });
    if (!channel || !channel.isSendable()) throw new DigestError(`<#${channelId}> is not a text channel I can post in.`);
    const message = await channel.send({
      embeds: [post.embed],
      files: post.files.map((f) => new AttachmentBuilder(f.data, { name: f.name })),
      nonce: post.nonce,
      enforceNonce: true,
      allowedMentions: { parse: [] },
    });
    return message.id;
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

export const describePostError: DescribeError = (err) => friendlyDiscordError(err) ?? (err instanceof Error ? err.message : String(err));

const PERIODS: readonly PeriodKind[] = ['day', 'week', 'month'];
const PERIOD_WORDS: Record<PeriodKind, string> = { day: 'the previous day', week: 'the last complete Monday–Sunday week', month: 'the last calendar month' };

function timingFrom(interaction: ChatInputCommandInteraction): Timing {
  const frequency = interaction.options.getString('frequency', true);
  if (frequency === 'cron') {
    const expression = interaction.options.getString('cron')?.trim();
    if (!expression) throw new UserError('With the cron frequency, give the `cron` option, e.g. `0 9 * * 1` (Mondays at 09:00).');
    const spec = parseCronExpression(expression);
    if ('error' in spec) throw new UserError(`\`${expression.slice(0, 100)}\` is not a cron expression I can use: ${spec.error}.`);
    return { kind: 'cron', expression: expression.split(/\s+/).join(' ') };
  }
  const rawTime = interaction.options.getString('time') ?? '09:00';
  const time = normalizeTime(rawTime);
  if (!time) throw new UserError(`\`${rawTime.slice(0, 10)}\` is not a time: use HH:MM in 24-hour form, e.g. 09:00 or 17:30.`);
  if (frequency === 'daily') return { kind: 'daily', time };
  if (frequency === 'weekly') {
    const weekday = interaction.options.getInteger('weekday') ?? 1;
    if (!Number.isInteger(weekday) || weekday < 1 || weekday > 7) throw new UserError('Choose a weekday from the list.');
    return { kind: 'weekly', weekday, time };
  }
  if (frequency === 'monthly') {
    const monthDay = interaction.options.getInteger('day') ?? 1;
    if (!Number.isInteger(monthDay) || monthDay < 1 || monthDay > 31) throw new UserError('`day` must be a whole number from 1 to 31.');
    return { kind: 'monthly', monthDay, time };
  }
  throw new UserError('Choose a frequency from the list.');
}

function periodOption(interaction: ChatInputCommandInteraction): PeriodKind | null {
  const p = interaction.options.getString('period');
  if (p === null) return null;
  if (!(PERIODS as readonly string[]).includes(p)) throw new UserError('Choose a period from the list.');
  return p as PeriodKind;
}

/** The bot must be able to post where staff point it. */
function requirePostable(interaction: ChatInputCommandInteraction): string | null {
  const chosen = interaction.options.getChannel('channel');
  if (!chosen) return null;
  const { view, send, embed, attach } = botPermission;
  requireBotCan(interaction.guild, chosen.id, [view, send, embed, attach]);
  return chosen.id;
}

function wallTime(instant: number, zone: string): string {
  const p = localParts(instant, zone);
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const date = localDateOf(instant, zone);
  const wd = days[new Date(`${date}T00:00:00Z`).getUTCDay()];
  return `${wd} ${date} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

function nextRunsText(schedule: DigestSchedule, zone: string, now: number): string {
  if (schedule.paused) return 'Paused: nothing is posted until `/digest resume`.';
  const runs = nextRuns(schedule.timing, zone, now, 3);
  if (runs.length === 0) return 'This schedule never fires within the next four years.';
  return runs.map((t) => `<t:${Math.floor(t / 1000)}:F> (${wallTime(t, zone)} ${zone})`).join('\n');
}

function runLine(run: DigestRun, guildId: string): string {
  const what = `${run.period.from} – ${run.period.to}`;
  const late = run.late ? ' (late)' : '';
  switch (run.status) {
    case 'posted':
      return `✅ ${what}${late}: [posted](https://discord.com/channels/${guildId}/${run.channelId}/${run.messageId})${run.attempts > 1 ? ` after ${run.attempts} tries` : ''}`;
    case 'posting':
      return `⏳ ${what}${late}: posting now`;
    case 'failed':
      return run.nextAttemptAt === null
        ? `❌ ${what}: gave up after ${run.attempts} tries: ${run.lastError ?? 'unknown error'}. Fix it, then use \`/digest preview\` to check.`
        : `⚠️ ${what}: failed ${run.attempts}× (${run.lastError ?? 'unknown error'}); next try <t:${Math.floor(run.nextAttemptAt / 1000)}:R>`;
  }
}

async function showEmbed(ctx: FeatureContext, guildId: string, note?: string): Promise<EmbedBuilder> {
  const settings = await getSettings(ctx.db, guildId);
  const schedule = await getSchedule(ctx.db, guildId);
  const embed = new EmbedBuilder().setTitle('Digest schedule');
  if (note) embed.setDescription(note);
  if (!schedule) {
    return embed.setDescription(`${note ? `${note}\n` : ''}No digest is scheduled. Use \`/digest schedule\` to post one to staff every day, week or month.`);
  }
  const channel = schedule.channelId ?? settings.staffChannelId;
  embed.addFields(
    { name: 'When', value: `${describeTiming(schedule.timing)} (${settings.timezone})`, inline: true },
    { name: 'Covers', value: PERIOD_WORDS[schedule.period], inline: true },
    { name: 'Channel', value: channel ? `<#${channel}>${schedule.channelId ? '' : ' (staff channel)'}` : '⚠️ none: set a staff channel with `/settings set staff_channel`', inline: true },
    { name: schedule.paused ? 'Status' : 'Next runs', value: nextRunsText(schedule, settings.timezone, ctx.clock.now()) },
  );
  const runs = await recentRuns(ctx.db, guildId, 5);
  if (runs.length) embed.addFields({ name: 'Last digests', value: runs.map((r) => runLine(r, guildId)).join('\n').slice(0, 1024) });
  return embed;
}

export interface DigestsOptions {
  reports: ReportSource;
  polls?: PollSource;
  /** Where the chart is rendered (the worker pool in the app). */
  chart?: ChartSource;
}

export function digestRoutes(ctx: FeatureContext, options: DigestsOptions): Routes {
  return {
    commands: {
      async digest(interaction) {
        const guildId = interaction.guildId!;
        const settings = await getSettings(ctx.db, guildId);
        requireStaff(interaction, settings.staffRoleId);
        const sub = interaction.options.getSubcommand(true);
        const now = ctx.clock.now();
        if (sub === 'schedule') {
          const timing = timingFrom(interaction);
          const period = periodOption(interaction) ?? defaultPeriodKind(timing);
          const channelId = requirePostable(interaction);
          if (nextRuns(timing, settings.timezone, now, 1).length === 0) throw new UserError('That schedule would never run (not within the next four years). Check the day and month fields.');
          await saveSchedule(ctx.db, { guildId, timing, period, channelId, updatedBy: interaction.user.id }, now);
          ctx.logger.info({ guild: guildId, timing, period, channel: channelId }, 'digest.scheduled');
          const warn = channelId || settings.staffChannelId ? '' : '\n⚠️ There is no staff channel yet: set one with `/settings set staff_channel` or the digests cannot be posted.';
          await interaction.reply({ embeds: [await showEmbed(ctx, guildId, `Schedule saved.${warn}`)], flags: MessageFlags.Ephemeral });
        } else if (sub === 'show') {
          await interaction.reply({ embeds: [await showEmbed(ctx, guildId)], flags: MessageFlags.Ephemeral });
        } else if (sub === 'pause' || sub === 'resume') {
          const updated = await setPaused(ctx.db, guildId, sub === 'pause', now);
          if (!updated) throw new UserError('No digest is scheduled. Use `/digest schedule` first.');
          ctx.logger.info({ guild: guildId }, sub === 'pause' ? 'digest.paused' : 'digest.resumed');
          const note = sub === 'pause' ? 'Digests paused.' : 'Digests resumed. Runs that fell due while paused are not posted.';
          await interaction.reply({ embeds: [await showEmbed(ctx, guildId, note)], flags: MessageFlags.Ephemeral });
        } else if (sub === 'preview') {
          // Building the reports and the charts can take longer than the 3 s Discord allows.
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const schedule = await getSchedule(ctx.db, guildId);
          const kind = periodOption(interaction) ?? schedule?.period ?? 'week';
          const period = lastCompletePeriod(kind, localDateOf(now, settings.timezone));
          const digest = await buildDigest(options.reports, { guildId, timezone: settings.timezone, period, asOf: now }, options.polls, options.chart);
          await interaction.editReply({
            content: `Preview of the digest for ${period.from} – ${period.to} (${settings.timezone}). Only you can see it.`,
            embeds: [digest.embed],
            files: [new AttachmentBuilder(digest.png, { name: IMAGE_NAME })],
            allowedMentions: { parse: [] },
          });
        }
      },
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
    ...(options.chart ? { chart: options.chart } : {}),
    post: channelPoster(ctx.client),
    findPosted: channelHistory(ctx.client),
    describeError: describePostError,
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
