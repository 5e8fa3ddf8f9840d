// "Flag for moderators" (context menu and its modal) and /flags queue, stats, block, unblock.
import {
  ActionRowBuilder,
  EmbedBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type ChatInputCommandInteraction,
  type ModalActionRowComponentBuilder,
  type ModalSubmitInteraction,
} from 'discord.js';
import { z } from 'zod';
import { FLAG_MESSAGE_COMMAND } from '../../commands/flag-message.js';
import { flagsCommand } from '../../commands/flags.js';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { subcommandRoutes, type ArgsOf } from '../discord/options.js';
import { modalRoute, type Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import type { GuildSettings } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import type { FlagService } from './service.js';
import { DETAILS_MAX, excerpt, jumpLink, formatDuration, mostlyDismissed, parseReason, snowflakeTime, statsPeriods, type IgnoreReason, type StatsPeriod } from './flags.js';
import { flagStats } from './figures-store.js';
import { blockFlagger, countedFlaggers, countOpenCases, isBlocked, listOpenCases, unblockFlagger } from './store.js';

const QUEUE_SHOWN = 20;

function refusalFor(reason: IgnoreReason, s: GuildSettings): string {
  switch (reason) {
    case 'self':
      return "You can't flag your own message.";
    case 'bot':
      return 'Bots cannot flag messages.';
    case 'blocked':
      return 'Staff have stopped your flags from counting in this server. Contact a moderator directly.';
    case 'daily_limit':
      return `You've reached the limit of ${s.flagDailyLimit} flags in 24 hours. Try again later, or contact a moderator directly.`;
    case 'too_old':
      return `This message is older than ${s.flagMaxAgeHours} hours, so it can't be flagged any more. Contact a moderator directly.`;
  }
}

/**
 * The author of the message a report modal is about: remembered when the member opened the
 * modal, else (after a restart, or a submit without the context menu) read from Discord. The
 * message must be in a channel of this server.
 */
async function flagTargetAuthor(service: FlagService, interaction: ModalSubmitInteraction, channelId: string, messageId: string): Promise<string> {
  const remembered = service.rememberedTarget(interaction.user.id, messageId);
  if (remembered && remembered.guildId === interaction.guildId && remembered.channelId === channelId) return remembered.authorId;
  const gone = 'I could not find that message any more. Run “Flag for moderators” on it again.';
  const channel = interaction.guild?.channels.cache.get(channelId) ?? (await interaction.client.channels.fetch(channelId).catch(() => null));
  if (!channel || !('guildId' in channel) || channel.guildId !== interaction.guildId || !channel.isTextBased()) throw new UserError(gone);
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
        if (message.author.id === interaction.client.user.id) throw new UserError('That is a Pulse message. Contact a moderator directly.');
        if (await isBlocked(db, guildId, interaction.user.id)) throw new UserError(refusalFor('blocked', settings));
        if (clock.now() - snowflakeTime(message.id) > settings.flagMaxAgeHours * 3_600_000) throw new UserError(refusalFor('too_old', settings));
        service.rememberExcerpt(message.id, excerpt(message.content));
        service.rememberTarget(interaction.user.id, { guildId, channelId: message.channelId, messageId: message.id, authorId: message.author.id });
        const reason = new TextInputBuilder()
          .setCustomId('reason')
          .setLabel('Reason: spam, harassment, off-topic or other')
          .setStyle(TextInputStyle.Short)
          .setRequired(true)
          .setMaxLength(40)
          .setPlaceholder('spam / harassment / off-topic / other');
        const details = new TextInputBuilder()
          .setCustomId('details')
          .setLabel('Details for the moderators (optional)')
          .setStyle(TextInputStyle.Paragraph)
          .setRequired(false)
          .setMaxLength(DETAILS_MAX);
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId(encodeCustomId('flag-report', message.channelId, message.id))
            .setTitle('Flag for moderators')
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
          const guildId = interaction.guildId!;
          const settings = await getSettings(db, guildId);
          const authorId = await flagTargetAuthor(service, interaction, channelId, messageId);
          // Every rule again, as on the context menu: the submit may come without it.
          if (authorId === interaction.user.id) throw new UserError(refusalFor('self', settings));
          if (authorId === interaction.client.user.id) throw new UserError('That is a Pulse message. Contact a moderator directly.');
          const { reason, extra } = parseReason(optionalField(interaction, 'reason'));
          const details = [extra, optionalField(interaction, 'details')].filter(Boolean).join(' — ').slice(0, DETAILS_MAX) || null;
          const staff = isStaff(interaction, settings.staffRoleId);
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          const out = await service.addFlag(
            { guildId, channelId, messageId, userId: interaction.user.id, source: 'command', authorId, flaggerIsBot: interaction.user.bot, reason, details },
            { staffFlag: staff, settings },
          );
          service.forgetTarget(interaction.user.id, messageId);
          if (out.result.kind === 'ignored') throw new UserError(refusalFor(out.result.reason, settings));
          let text = out.result.kind === 'unchanged' ? 'You had already flagged this message; your reason is updated.' : 'Thanks, the moderators will take a look. Only they can see who flagged.';
          if (staff && out.case) text += ` Case #${out.case.id} is ${out.opened ? 'open' : 'already open'}${settings.modChannelId ? ` in <#${settings.modChannelId}>` : ' in `/flags queue` (no moderation channel is set)'}.`;
          await interaction.editReply(text);
        },
      }),
    },
    commands: {
      flags: subcommandRoutes(flagsCommand, {
        queue: async (interaction) => queue(interaction, service, await staffGuild(interaction)),
        stats: async (interaction, args) => stats(interaction, service, await staffGuild(interaction), args),
        async block(interaction, { member }) {
          const guildId = await staffGuild(interaction);
          if (member.id === interaction.user.id) throw new UserError("You can't block yourself from flagging.");
          if (member.id === interaction.client.user.id || member.bot) throw new UserError('Bots never count as flaggers anyway.');
          const added = await blockFlagger(db, guildId, member.id, interaction.user.id, clock.now());
          const text = added ? `Flags by <@${member.id}> no longer count, including flags they already made on messages without a case.` : `<@${member.id}> was already blocked from flagging.`;
          await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
        },
        async unblock(interaction, { member }) {
          const guildId = await staffGuild(interaction);
          const removed = await unblockFlagger(db, guildId, member.id);
          const text = removed ? `Flags by <@${member.id}> count again.` : `<@${member.id}> was not blocked.`;
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

async function queue(interaction: ChatInputCommandInteraction, service: FlagService, guildId: string): Promise<void> {
  const now = service.clock.now();
  const [cases, total] = await Promise.all([listOpenCases(service.db, guildId, QUEUE_SHOWN), countOpenCases(service.db, guildId)]);
  if (cases.length === 0) {
    await interaction.reply({ content: 'No open cases. 🎉', flags: MessageFlags.Ephemeral });
    return;
  }
  const lines: string[] = [];
  for (const c of cases) {
    const flaggers = (await countedFlaggers(service.db, guildId, c.messageId)).length;
    const where = c.reviewChannelId && c.reviewMessageId ? `[case](https://discord.com/channels/${guildId}/${c.reviewChannelId}/${c.reviewMessageId})` : `[message](${jumpLink(c)})`;
    const state = c.status === 'claimed' ? `claimed by <@${c.claimedBy}>` : 'open';
    lines.push(`**#${c.id}** · ${formatDuration(now - c.openedAt)} old · <#${c.channelId}> · ${c.authorId ? `<@${c.authorId}>` : 'unknown author'} · ${flaggers} flagger${flaggers === 1 ? '' : 's'} · ${state} · ${where}`);
  }
  if (total > cases.length) lines.push(`…and ${total - cases.length} more.`);
  const embed = new EmbedBuilder().setTitle(`Review queue (${total} open)`).setDescription(lines.join('\n').slice(0, 4096));
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

const periodNames: Record<StatsPeriod, string> = { day: 'last 24 hours', week: 'last 7 days', month: 'last 30 days' };

function minutes(value: number | null): string {
  return value === null ? '—' : formatDuration(value * 60_000);
}

async function stats(interaction: ChatInputCommandInteraction, service: FlagService, guildId: string, args: ArgsOf<typeof flagsCommand, 'stats'>): Promise<void> {
  const period = (args.period ?? 'week') as StatsPeriod;
  const span = statsPeriods[period] ?? statsPeriods.week;
  // Up to and including this instant: a review closed just now counts.
  const end = service.clock.now() + 1;
  const s = await flagStats(service.db, guildId, end - span, end);
  const reasons = s.topReasons.slice(0, 5).map((r) => `${r.reason}: ${r.flags}`).join('\n') || '—';
  const doubtful = mostlyDismissed(s.closedCaseFlags).slice(0, 5);
  const embed = new EmbedBuilder()
    .setTitle(`Flags, ${periodNames[period] ?? periodNames.week}`)
    .addFields(
      { name: 'Flag reactions', value: String(s.reactions), inline: true },
      { name: 'Context-menu flags', value: String(s.commandFlags), inline: true },
      { name: 'Messages flagged', value: String(s.messagesFlagged), inline: true },
      { name: 'Flaggers', value: String(s.flaggers), inline: true },
      { name: 'Reached threshold', value: String(s.reachedThreshold), inline: true },
      { name: 'Reviews resolved', value: String(s.resolved), inline: true },
      { name: 'Actioned', value: String(s.actioned), inline: true },
      { name: 'Dismissed', value: String(s.dismissed), inline: true },
      { name: 'Median time to claim', value: minutes(s.medianMinutesToClaim), inline: true },
      { name: 'Median time to resolution', value: minutes(s.median_minutes_to_resolution), inline: true },
      { name: 'Top reasons', value: reasons },
      {
        name: 'Flaggers mostly dismissed (3+ reviewed flags)',
        value: doubtful.map((d) => `<@${d.userId}>: ${d.dismissed} of ${d.total} dismissed`).join('\n') || '—',
      },
    );
  await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}
