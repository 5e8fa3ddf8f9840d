// The case message moderators see, its buttons and warning modal, and the review actions behind them.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  EmbedBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  type MessageActionRowComponentBuilder,
  type ModalActionRowComponentBuilder,
} from 'discord.js';
import { z } from 'zod';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { componentRoute, modalRoute, type Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import { getSettings } from '../settings/store.js';
import { review } from './review-service.js';
import type { FlagService } from './service.js';
import { caseActions, formatDuration, jumpLink, outcomeLabel, refusal, transition } from './flags.js';
import { getCase, type FlagCase, type Flagger } from './store.js';
import { plainText } from '../text.js';

const FLAGGERS_SHOWN = 15;
const WARNING_MAX = 1000;

/** One line saying where the case stands: "Open", "Claimed by X", "Resolved by Y after 12 min: deleted". */
export function statusLine(c: FlagCase, now: number): string {
  if (c.status === 'closed' && c.outcome) {
    const after = formatDuration((c.closedAt ?? now) - c.openedAt);
    return `Resolved by <@${c.closedBy}> after ${after}: ${outcomeLabel[c.outcome]}`;
  }
  if (c.status === 'claimed') return `Claimed by <@${c.claimedBy}> · open for ${formatDuration(now - c.openedAt)}`;
  return `Open · waiting for a moderator for ${formatDuration(now - c.openedAt)}`;
}

function flaggerLine(f: Flagger): string {
  const how = f.sources.includes('command') ? (f.reason ?? 'other') : 'reaction';
  const details = f.details ? `: ${plainText(f.details.replace(/\s+/g, ' ').slice(0, 120))}` : '';
  return `<@${f.userId}> — ${how}${details}`;
}

/** The case message: excerpt (or jump link), author, channel, flaggers and reasons, state, buttons. */
export function renderCase(c: FlagCase, flaggers: readonly Flagger[], now: number) {
  const closed = c.status === 'closed';
  const color = closed ? 0x95a5a6 : c.status === 'claimed' ? 0x3498db : 0xe67e22;
  const shown = flaggers.slice(0, FLAGGERS_SHOWN).map(flaggerLine);
  if (flaggers.length > FLAGGERS_SHOWN) shown.push(`…and ${flaggers.length - FLAGGERS_SHOWN} more`);
  const description = c.excerpt
    ? `>>> ${plainText(c.excerpt)}\n\n[Jump to message](${jumpLink(c)})`
    : `[Jump to message](${jumpLink(c)}) (text not available)`;
  const embed = new EmbedBuilder()
    .setTitle(`Flag case #${c.id}`)
    .setColor(color)
    .setDescription(description)
    .addFields(
      { name: 'Author', value: c.authorId ? `<@${c.authorId}>` : 'unknown', inline: true },
      { name: 'Channel', value: `<#${c.channelId}>`, inline: true },
      { name: 'Opened', value: `<t:${Math.floor(c.openedAt / 1000)}:R>${c.openedBy ? ` by staff <@${c.openedBy}>` : ''}`, inline: true },
      { name: `Flaggers (${flaggers.length})`, value: shown.join('\n').slice(0, 1024) || 'none left (all withdrawn)' },
      { name: 'Status', value: statusLine(c, now) },
    );
  if (c.note) embed.addFields({ name: 'Note', value: c.note.slice(0, 1024) });
  const id = (action: string) => encodeCustomId('flag-case', c.id, action);
  const noAuthor = !c.authorId;
  const rows = [
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder().setCustomId(id('claim')).setLabel('Claim').setStyle(ButtonStyle.Primary).setDisabled(c.status !== 'open'),
      new ButtonBuilder().setCustomId(id('resolve')).setLabel('Resolve').setStyle(ButtonStyle.Success).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('dismiss')).setLabel('Dismiss').setStyle(ButtonStyle.Secondary).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('delete')).setLabel('Delete message').setStyle(ButtonStyle.Danger).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('warn')).setLabel('Warn author').setStyle(ButtonStyle.Secondary).setDisabled(closed || noAuthor),
    ),
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder().setCustomId(id('t10m')).setLabel('Timeout 10 min').setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
      new ButtonBuilder().setCustomId(id('t1h')).setLabel('Timeout 1 h').setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
      new ButtonBuilder().setCustomId(id('t1d')).setLabel('Timeout 1 day').setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
    ),
  ];
  return {
    content: `🚩 **Flag case #${c.id}** · ${statusLine(c, now)}`,
    embeds: [embed],
    components: rows,
    allowedMentions: { parse: [] },
  };
}

async function staffCase(service: FlagService, interaction: { guildId: string | null }, caseId: number): Promise<FlagCase> {
  const c = await getCase(service.db, caseId);
  if (!c || c.guildId !== interaction.guildId) throw new UserError('This case no longer exists.');
  return c;
}

export function reviewRoutes(service: FlagService): Routes {
  return {
    components: {
      'flag-case': componentRoute({
        args: z.tuple([idArg.int, z.enum(caseActions)]),
        async handle(interaction, [caseId, action]) {
          const c = await staffCase(service, interaction, caseId);
          requireStaff(interaction, (await getSettings(service.db, c.guildId)).staffRoleId);
          if (action === 'warn') {
            if (!transition(c.status, 'warn').ok) throw new UserError(refusal(c));
            if (!c.authorId) throw new UserError('The author of this message is unknown, so I cannot warn them.');
            const input = new TextInputBuilder()
              .setCustomId('warning')
              .setLabel('Warning sent to the author')
              .setStyle(TextInputStyle.Paragraph)
              .setRequired(true)
              .setMaxLength(WARNING_MAX)
              .setPlaceholder('What was wrong, and what you expect from now on');
            await interaction.showModal(
              new ModalBuilder()
                .setCustomId(encodeCustomId('flag-warn', c.id))
                .setTitle(`Warn the author (case #${c.id})`)
                .addComponents(new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(input)),
            );
            return;
          }
          // Ephemeral deferral: errors (and the race's loser) get an ephemeral answer, never a
          // change to the case message itself.
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          await interaction.editReply(await review(service, c.id, action, interaction.user.id));
        },
      }),
    },
    modals: {
      'flag-warn': modalRoute({
        args: z.tuple([idArg.int]),
        async handle(interaction, [caseId]) {
          const c = await staffCase(service, interaction, caseId);
          requireStaff(interaction, (await getSettings(service.db, c.guildId)).staffRoleId);
          const warning = interaction.fields.getTextInputValue('warning').trim().slice(0, WARNING_MAX);
          if (!warning) throw new UserError('Write the warning the author should receive.');
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          await interaction.editReply(await review(service, c.id, 'warn', interaction.user.id, warning));
        },
      }),
    },
  };
}
