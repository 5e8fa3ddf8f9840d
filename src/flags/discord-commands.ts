// "Flag for moderators" (context menu and its modal) and /flags queue, stats, block, unblock.
import {
  ActionRowBuilder,
  EmbedBuilder,
  GuildMember,
  MessageFlags,
  ModalBuilder,
  PermissionFlagsBits,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
  type ModalActionRowComponentBuilder,
  type ModalSubmitInteraction,
} from 'discord.js';
import { z } from 'zod';
import { FLAG_MESSAGE_COMMAND } from '../../commands/flag-message.js';
import { flagsCommand } from '../../commands/flags.js';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { commandName, formatNumber, languageOf, msg, renderOptionName, t, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { subcommandRoutes, type ArgsOf } from '../discord/options.js';
import { modalRoute, type Routes } from '../discord/router.js';
import { snowflakeTime } from '../discord/snowflake.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { threadLetsIn } from '../discord/thread-access.js';
import type { GuildSettings } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { fitLines, truncateChars } from '../text.js';
import type { FlagService } from './service.js';
import { DETAILS_MAX, excerpt, jumpLink, formatDuration, isSettled, mostlyDismissed, outcomeKey, parseReason, reasonKey, statsPeriods, type FlagReason, type IgnoreReason, type StatsPeriod } from './flags.js';
import { flagStats } from './figures-store.js';
import { blockFlagger, countedFlaggers, countOpenCases, countOpenCasesFrom, getCase, isBlocked, listOpenCases, overDailyLimit, unblockFlagger } from './store.js';

const QUEUE_SHOWN = 20;

function refusalFor(reason: IgnoreReason, s: GuildSettings): Text {
  switch (reason) {
    case 'self':
      return msg('flags.refuse.self');
    case 'bot':
      return msg('flags.refuse.bot');
    case 'blocked':
      return msg('flags.refuse.blocked');
    case 'daily_limit':
      return msg('flags.refuse.dailyLimit', { count: s.flagDailyLimit });
    case 'too_old':
      return msg('flags.refuse.tooOld', { count: s.flagMaxAgeHours });
  }
}

/**
 * Whether the reporter may read the channel's messages: View Channel and Read Message History
 * there (and, in a private thread, membership of it unless they manage threads). Computed from
 * a full member and the channel's overwrites; false when it cannot be determined.
 */
async function reporterCanRead(interaction: ModalSubmitInteraction, channel: GuildBasedChannel): Promise<boolean> {
  const member =
    interaction.member instanceof GuildMember ? interaction.member : await (interaction.guild ?? channel.guild).members.fetch(interaction.user.id).catch(() => null);
  if (!member) return false;
  const permissions = channel.permissionsFor(member);
  if (!permissions?.has([PermissionFlagsBits.ViewChannel, PermissionFlagsBits.ReadMessageHistory])) return false;
  return threadLetsIn(channel, member.id, permissions);
}

/**
 * The author of the message a report modal is about: remembered when the member opened the
 * modal, else (after a restart, or a submit without the context menu) read from Discord. The
 * message must be in a channel of this server that the reporter can read: a forged submit about
 * a hidden channel gets the same answer as a missing message, so it reveals nothing.
 */
async function flagTargetAuthor(service: FlagService, interaction: ModalSubmitInteraction, channelId: string, messageId: string): Promise<string> {
  const gone = msg('flags.refuse.messageGone');
  const channel = interaction.guild?.channels.cache.get(channelId) ?? (await interaction.client.channels.fetch(channelId).catch(() => null));
  if (!channel || !('guildId' in channel) || channel.guildId !== interaction.guildId || !channel.isTextBased()) throw new UserError(gone);
  if (!(await reporterCanRead(interaction, channel))) throw new UserError(gone);
  const remembered = service.rememberedTarget(interaction.user.id, messageId);
  if (remembered && remembered.guildId === interaction.guildId && remembered.channelId === channelId) return remembered.authorId;
  const message = await channel.messages.fetch(messageId).catch(() => null);
  if (!message) throw new UserError(gone);
  return message.author.id;
}

function optionalField(interaction: ModalSubmitInteraction, id: string): string {
  try {
    return interaction.fields.getTextInputValue(id).trim();
  } catch {
    return '';
  }
}

export function commandRoutes(service: FlagService): Routes {
  const { db, clock } = { db: service.db, clock: service.clock };
  return {
    messageCommands: {
      async [FLAG_MESSAGE_COMMAND](interaction) {
        const guildId = interaction.guildId!;
        const message = interaction.targetMessage;
        const settings = await getSettings(db, guildId);
        // Cheap checks before the member types anything; addFlag applies all of them again.
        if (message.author.id === interaction.user.id) throw new UserError(refusalFor('self', settings));
        if (message.author.id === interaction.client.user.id) throw new UserError(msg('flags.refuse.pulseMessage'));
        if (await isBlocked(db, guildId, interaction.user.id)) throw new UserError(refusalFor('blocked', settings));
        if (clock.now() - snowflakeTime(message.id) > settings.flagMaxAgeHours * 3_600_000) throw new UserError(refusalFor('too_old', settings));
        // Before the form, so nobody types a report only to have it refused (a message they already flagged this way is no new flag).
        if (await overDailyLimit(db, guildId, message.id, interaction.user.id, 'command', settings.flagDailyLimit, clock.now())) {
          throw new UserError(refusalFor('daily_limit', settings));
        }
        service.rememberExcerpt(message.id, excerpt(message.content));
        service.rememberTarget(interaction.user.id, { guildId, channelId: message.channelId, messageId: message.id, authorId: message.author.id });
        const lang = languageOf(interaction.locale);
        const reason = new TextInputBuilder()
          .setCustomId('reason')
          .setLabel(t(lang, 'flags.modal.reason'))
          .setStyle(TextInputStyle.Short)
          .setRequired(true)
          .setMaxLength(40)
          .setPlaceholder(t(lang, 'flags.modal.reasonPlaceholder'));
        const details = new TextInputBuilder()
          .setCustomId('details')
          .setLabel(t(lang, 'flags.modal.details'))
          .setStyle(TextInputStyle.Paragraph)
          .setRequired(false)
          .setMaxLength(DETAILS_MAX);
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(encodeCustomId('flag-report', message.channelId, message.id))
            .setTitle(t(lang, 'flags.modal.title'))
            .addComponents(
              new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(reason),
              new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(details),
            ),
        );
      },
    },
    modals: {
      'flag-report': modalRoute({
        // Channel and message only (modals shown before this version also carried an author id,
        // which is ignored): who wrote the message is never taken from a custom_id.
        args: z.union([z.tuple([idArg.snowflake, idArg.snowflake]), z.tuple([idArg.snowflake, idArg.snowflake, idArg.snowflake])]),
        async handle(interaction, [channelId, messageId]) {
          // Acknowledged before anything else: reading the channel, the member or the message from
          // Discord may wait on a rate limit past the 3 s Discord gives. Every answer below (a
          // refusal included) replaces this ephemeral "thinking…".
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const guildId = interaction.guildId!;
          const settings = await getSettings(db, guildId);
          const authorId = await flagTargetAuthor(service, interaction, channelId, messageId);
          // Every rule again, as on the context menu: the submit may come without it.
          if (authorId === interaction.user.id) throw new UserError(refusalFor('self', settings));
          if (authorId === interaction.client.user.id) throw new UserError(msg('flags.refuse.pulseMessage'));
          const { reason, extra } = parseReason(optionalField(interaction, 'reason'));
          const details = truncateChars([extra, optionalField(interaction, 'details')].filter(Boolean).join(' — '), DETAILS_MAX) || null;
          const staff = isStaff(interaction, settings.staffRoleId);
          const out = await service.addFlag(
            { guildId, channelId, messageId, userId: interaction.user.id, source: 'command', authorId, flaggerIsBot: interaction.user.bot, reason, details },
            { staffFlag: staff, settings },
          );
          service.forgetTarget(interaction.user.id, messageId);
          if (out.result.kind === 'ignored') throw new UserError(refusalFor(out.result.reason, settings));
          const lang = languageOf(interaction.locale);
          let text = t(lang, out.result.kind === 'unchanged' ? 'flags.flaggedAgain' : 'flags.flagged');
          if (staff && out.case) {
            const c = out.case;
            const where = settings.modChannelId ? `<#${settings.modChannelId}>` : t(lang, 'flags.queueNoChannel');
            if (isSettled(c.status)) {
              // A case that stayed closed (its close deleted the message, or is being carried out): never "already open".
              text += t(lang, 'flags.staffCaseClosed', { id: c.id, user: c.closedBy ?? '', outcome: t(lang, outcomeKey[c.outcome ?? 'resolved']) });
            } else {
              // Said as it is: a case whose post failed is not in the channel yet (it is retried).
              const key = settings.modChannelId && !c.reviewMessageId ? 'flags.staffCaseNotPosted' : out.opened ? 'flags.staffCaseOpen' : out.reopened ? 'flags.staffCaseReopened' : 'flags.staffCaseAlreadyOpen';
              text += t(lang, key, { id: c.id, where });
            }
          }
          await interaction.editReply(text);
        },
      }),
    },
    commands: {
      flags: subcommandRoutes(flagsCommand, {
        queue: async (interaction, args) => queue(interaction, service, await staffGuild(interaction), args.from),
        stats: async (interaction, args) => stats(interaction, service, await staffGuild(interaction), args),
        async block(interaction, { member }) {
          const guildId = await staffGuild(interaction);
          if (member.id === interaction.user.id) throw new UserError(msg('flags.block.self'));
          if (member.id === interaction.client.user.id || member.bot) throw new UserError(msg('flags.block.botsNever'));
          const added = await blockFlagger(db, guildId, member.id, interaction.user.id, clock.now());
          const text = t(languageOf(interaction.locale), added ? 'flags.block.added' : 'flags.block.already', { user: member.id });
          await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
        },
        async unblock(interaction, { member }) {
          const guildId = await staffGuild(interaction);
          const removed = await unblockFlagger(db, guildId, member.id);
          const text = t(languageOf(interaction.locale), removed ? 'flags.unblock.removed' : 'flags.unblock.notBlocked', { user: member.id });
          await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
        },
      }),
    },
  };

  /** The guild of a /flags command, once the caller is known to be staff. */
  async function staffGuild(interaction: ChatInputCommandInteraction): Promise<string> {
    const guildId = interaction.guildId!;
    requireStaff(interaction, (await getSettings(db, guildId)).staffRoleId);
    return guildId;
  }
}

async function queue(interaction: ChatInputCommandInteraction, service: FlagService, guildId: string, fromId: number | null): Promise<void> {
  const lang = languageOf(interaction.locale);
  const now = service.clock.now();
  // `from`: an open case of this server, where a long queue's previous list said to go on.
  const from = fromId === null ? undefined : await getCase(service.db, fromId);
  if (fromId !== null && (!from || from.guildId !== guildId || (from.status !== 'open' && from.status !== 'claimed'))) {
    throw new UserError(msg('flags.queue.notOpen', { id: fromId }));
  }
  // One more than a page: the case the next list starts at.
  const [rows, total] = await Promise.all([listOpenCases(service.db, guildId, QUEUE_SHOWN + 1, from), countOpenCases(service.db, guildId)]);
  const cases = rows.slice(0, QUEUE_SHOWN);
  if (cases.length === 0) {
    await interaction.reply({ content: t(lang, 'flags.queue.empty'), flags: MessageFlags.Ephemeral });
    return;
  }
  const lines: string[] = [];
  for (const c of cases) {
    const flaggers = (await countedFlaggers(service.db, guildId, c.messageId)).length;
    const where = c.reviewChannelId && c.reviewMessageId
      ? `[${t(lang, 'flags.queue.case')}](https://discord.com/channels/${guildId}/${c.reviewChannelId}/${c.reviewMessageId})`
      : `[${t(lang, 'flags.queue.message')}](${jumpLink(c)})`;
    const state = c.status === 'claimed' ? t(lang, 'flags.queue.claimedBy', { user: c.claimedBy ?? '' }) : t(lang, 'flags.queue.open');
    const author = c.authorId ? `<@${c.authorId}>` : t(lang, 'flags.queue.unknownAuthor');
    lines.push(t(lang, 'flags.queue.line', { id: c.id, age: formatDuration(now - c.openedAt, lang), channel: c.channelId, author, flaggers, state, where }));
  }
  // Whole lines within the description's 4,096 characters (never a link cut in two), then how
  // many cases follow and the command that lists them, from the first one not shown. (Cases
  // before `from` are not counted there: the title has the whole queue.)
  const after = rows.length > cases.length ? (await countOpenCasesFrom(service.db, guildId, rows[cases.length]!)) : 0;
  const more = (left: number) => {
    const next = rows[cases.length - (left - after)]!;
    return t(lang, 'flags.queue.more', { count: left, command: `${commandName(lang, 'flags queue')} ${renderOptionName(lang, 'flags queue from')}:${next.id}` });
  };
  const description = fitLines('', lines, more, after, 4096);
  const embed = new EmbedBuilder().setTitle(t(lang, 'flags.queue.title', { count: total })).setDescription(description);
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

const periodNames: Record<StatsPeriod, MessageKey> = { day: 'flags.stats.day', week: 'flags.stats.week', month: 'flags.stats.month' };

function minutes(lang: Language, value: number | null): string {
  return value === null ? '—' : formatDuration(value * 60_000, lang);
}

/** A stored reason code in the language (codes from older versions show as stored). Reaction flags have no reason: flagStats counts them as 'reaction'. */
function reasonName(lang: Language, reason: string): string {
  if (reason === 'reaction') return t(lang, 'flags.stats.reactionReason');
  return Object.hasOwn(reasonKey, reason) ? t(lang, reasonKey[reason as FlagReason]) : reason;
}

async function stats(interaction: ChatInputCommandInteraction, service: FlagService, guildId: string, args: ArgsOf<typeof flagsCommand, 'stats'>): Promise<void> {
  const lang = languageOf(interaction.locale);
  const period = (args.period ?? 'week') as StatsPeriod;
  const span = statsPeriods[period] ?? statsPeriods.week;
  // Up to and including this instant: a review closed just now counts.
  const end = service.clock.now() + 1;
  const s = await flagStats(service.db, guildId, end - span, end);
  // Counts as the member's language writes them (1,234 / 1234 / 1 234).
  const n = (value: number) => formatNumber(lang, value);
  const reasons = s.topReasons.slice(0, 5).map((r) => `${reasonName(lang, r.reason)}: ${n(r.flags)}`).join('\n') || '—';
  const doubtful = mostlyDismissed(s.closedCaseFlags).slice(0, 5);
  const embed = new EmbedBuilder()
    .setTitle(t(lang, 'flags.stats.title', { period: t(lang, periodNames[period] ?? periodNames.week) }))
    .addFields(
      { name: t(lang, 'flags.stats.reactions'), value: n(s.reactions), inline: true },
      { name: t(lang, 'flags.stats.commandFlags'), value: n(s.commandFlags), inline: true },
      { name: t(lang, 'flags.stats.messagesFlagged'), value: n(s.messagesFlagged), inline: true },
      { name: t(lang, 'flags.stats.flaggers'), value: n(s.flaggers), inline: true },
      { name: t(lang, 'flags.stats.reached'), value: n(s.reachedThreshold), inline: true },
      { name: t(lang, 'flags.stats.resolved'), value: n(s.resolved), inline: true },
      { name: t(lang, 'flags.stats.actioned'), value: n(s.actioned), inline: true },
      { name: t(lang, 'flags.stats.dismissed'), value: n(s.dismissed), inline: true },
      { name: t(lang, 'flags.stats.medianClaim'), value: minutes(lang, s.medianMinutesToClaim), inline: true },
      { name: t(lang, 'flags.stats.medianResolution'), value: minutes(lang, s.median_minutes_to_resolution), inline: true },
      { name: t(lang, 'flags.stats.topReasons'), value: reasons },
      {
        name: t(lang, 'flags.stats.doubtful'),
        value: doubtful.map((d) => t(lang, 'flags.stats.doubtfulLine', { user: d.userId, dismissed: d.dismissed, total: d.total })).join('\n') || '—',
      },
    );
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}
