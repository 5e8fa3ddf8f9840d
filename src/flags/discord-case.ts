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
  RESTJSONErrorCodes,
  type Interaction,
  type MessageActionRowComponentBuilder,
  type ModalActionRowComponentBuilder,
} from 'discord.js';
import { z } from 'zod';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { isCode, UserError } from '../discord/errors.js';
import { languageOf, msg, t, type Language } from '../i18n/index.js';
import { componentRoute, modalRoute, type Routes } from '../discord/router.js';
import { requireStaff } from '../discord/staff.js';
import { getSettings } from '../settings/store.js';
import { refuseOwnCase, review } from './review-service.js';
import type { FlagService } from './service.js';
import { caseActions, type CaseAction, formatDuration, isSettled, jumpLink, outcomeKey, reasonKey, refusal, transition } from './flags.js';
import { getCase, type FlagCase, type Flagger } from './store.js';
import { discordTime, ellipsize, fitLines, plainText, truncate, truncateChars } from '../text.js';

const FLAGGERS_SHOWN = 15;
const WARNING_MAX = 1000;

/** One line saying where the case stands: "Open", "Claimed by X", "Resolved by Y after 12 min: deleted". */
export function statusLine(lang: Language, c: FlagCase, now: number): string {
  // A close being carried out shows as decided: buttons are off until it is done or undone.
  if (isSettled(c.status) && c.outcome) {
    const after = formatDuration((c.closedAt ?? now) - c.openedAt, lang);
    return t(lang, 'flags.case.resolvedBy', { user: c.closedBy ?? '', after, outcome: t(lang, outcomeKey[c.outcome]) });
  }
  if (c.status === 'claimed') return t(lang, 'flags.case.claimedBy', { user: c.claimedBy ?? '', duration: formatDuration(now - c.openedAt, lang) });
  return t(lang, 'flags.case.waiting', { duration: formatDuration(now - c.openedAt, lang) });
}

function flaggerLine(lang: Language, f: Flagger): string {
  const how = f.sources.includes('command') ? t(lang, reasonKey[f.reason ?? 'other']) : t(lang, 'flags.case.viaReaction');
  const details = f.details ? `: ${plainText(ellipsize(f.details.replace(/\s+/g, ' '), 120))}` : '';
  return `<@${f.userId}> — ${how}${details}`;
}

/** The case message, in the server's language: excerpt (or jump link), author, channel, flaggers and reasons, state, buttons. */
export function renderCase(lang: Language, c: FlagCase, flaggers: readonly Flagger[], now: number) {
  const closed = isSettled(c.status);
  const color = closed ? 0x95a5a6 : c.status === 'claimed' ? 0x3498db : 0xe67e22;
  // Whole lines within the field's 1,024 characters, then how many flaggers are not listed.
  const shown = fitLines(
    '',
    flaggers.slice(0, FLAGGERS_SHOWN).map((f) => flaggerLine(lang, f)),
    (count) => t(lang, 'flags.case.andMore', { count }),
    Math.max(0, flaggers.length - FLAGGERS_SHOWN),
    1024,
  );
  const description = c.excerpt
    ? `>>> ${plainText(c.excerpt)}\n\n${t(lang, 'flags.case.jump', { url: jumpLink(c) })}`
    : `${t(lang, 'flags.case.jump', { url: jumpLink(c) })} ${t(lang, 'flags.case.noText')}`;
  const embed = new EmbedBuilder()
    .setTitle(t(lang, 'flags.case.title', { id: c.id }))
    .setColor(color)
    .setDescription(description)
    .addFields(
      { name: t(lang, 'flags.case.author'), value: c.authorId ? `<@${c.authorId}>` : t(lang, 'flags.case.unknown'), inline: true },
      { name: t(lang, 'flags.case.channel'), value: `<#${c.channelId}>`, inline: true },
      { name: t(lang, 'flags.case.opened'), value: `${discordTime(c.openedAt, 'R')}${c.openedBy ? t(lang, 'flags.case.openedByStaff', { user: c.openedBy }) : ''}`, inline: true },
      { name: t(lang, 'flags.case.flaggers', { count: flaggers.length }), value: shown || t(lang, 'flags.case.flaggersNone') },
      { name: t(lang, 'flags.case.status'), value: statusLine(lang, c, now) },
    );
  if (c.note) embed.addFields({ name: t(lang, 'flags.case.note'), value: truncate(c.note, 1024) });
  const id = (action: string) => encodeCustomId('flag-case', c.id, action);
  const noAuthor = !c.authorId;
  const rows = [
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder().setCustomId(id('claim')).setLabel(t(lang, 'flags.button.claim')).setStyle(ButtonStyle.Primary).setDisabled(c.status !== 'open'),
      new ButtonBuilder().setCustomId(id('resolve')).setLabel(t(lang, 'flags.button.resolve')).setStyle(ButtonStyle.Success).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('dismiss')).setLabel(t(lang, 'flags.button.dismiss')).setStyle(ButtonStyle.Secondary).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('delete')).setLabel(t(lang, 'flags.button.delete')).setStyle(ButtonStyle.Danger).setDisabled(closed),
      new ButtonBuilder().setCustomId(id('warn')).setLabel(t(lang, 'flags.button.warn')).setStyle(ButtonStyle.Secondary).setDisabled(closed || noAuthor),
    ),
    new ActionRowBuilder<MessageActionRowComponentBuilder>().addComponents(
      new ButtonBuilder().setCustomId(id('t10m')).setLabel(t(lang, 'flags.button.t10m')).setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
      new ButtonBuilder().setCustomId(id('t1h')).setLabel(t(lang, 'flags.button.t1h')).setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
      new ButtonBuilder().setCustomId(id('t1d')).setLabel(t(lang, 'flags.button.t1d')).setStyle(ButtonStyle.Danger).setDisabled(closed || noAuthor),
    ),
  ];
  return {
    content: `🚩 **${t(lang, 'flags.case.title', { id: c.id })}** · ${statusLine(lang, c, now)}`,
    embeds: [embed],
    components: rows,
    allowedMentions: { parse: [] },
  };
}

async function staffCase(service: FlagService, interaction: { guildId: string | null }, caseId: number): Promise<FlagCase> {
  const c = await getCase(service.db, caseId);
  if (!c || c.guildId !== interaction.guildId) throw new UserError(msg('flags.error.caseGone'));
  return c;
}

/** The steps that act on the author, which Discord only lets a moderator ranked above them take. */
const onAuthor: ReadonlySet<CaseAction> = new Set(['delete', 'warn', 't10m', 't1h', 't1d']);

/** Null when Discord says `fetch` found no such member (10007) or user (10013). */
async function unlessUnknown<T>(fetch: Promise<T>): Promise<T | null> {
  try {
    return await fetch;
  } catch (err) {
    if (isCode(err, RESTJSONErrorCodes.UnknownMember) || isCode(err, RESTJSONErrorCodes.UnknownUser)) return null;
    throw err;
  }
}

/**
 * Whether the case's author is a webhook (PluralKit, a bridge) or an app rather than a user: the
 * flagged message says so (its webhook is its author); once it is gone, Discord knows no user by that id.
 */
async function authorIsWebhook(interaction: Interaction<'cached'>, c: FlagCase): Promise<boolean> {
  const channel = await interaction.client.channels.fetch(c.channelId).catch(() => null);
  const message = channel?.isTextBased() ? await channel.messages.fetch(c.messageId).catch(() => null) : null;
  if (message) return message.webhookId !== null && message.author.id === c.authorId;
  return (await unlessUnknown(interaction.client.users.fetch(c.authorId!))) === null;
}

/**
 * Whether the clicker may take this step on this case, as Discord ranks members: never on their
 * own message; to delete, warn or time out, the server owner or someone whose highest role is
 * above the author's (an author who left is not ranked). A webhook's message can't be warned or
 * timed out. Roles and members come from discord.js's cache (kept current by the gateway).
 */
async function checkStanding(interaction: Interaction, c: FlagCase, action: CaseAction): Promise<void> {
  refuseOwnCase(c, interaction.user.id);
  if (!c.authorId || !onAuthor.has(action) || !interaction.inCachedGuild()) return;
  const guild = interaction.guild;
  const author = await unlessUnknown(guild.members.fetch(c.authorId));
  if (!author) {
    if (action !== 'delete' && (await authorIsWebhook(interaction, c))) throw new UserError(msg('flags.error.authorIsWebhook'));
    return;
  }
  if (interaction.user.id === guild.ownerId) return;
  if (author.id === guild.ownerId || interaction.member.roles.highest.comparePositionTo(author.roles.highest) <= 0) {
    throw new UserError(msg('flags.error.notAbove'));
  }
}

export function reviewRoutes(service: FlagService): Routes {
  return {
    components: {
      'flag-case': componentRoute({
        args: z.tuple([idArg.int, z.enum(caseActions)]),
        async handle(interaction, [caseId, action]) {
          const c = await staffCase(service, interaction, caseId);
          requireStaff(interaction, (await getSettings(service.db, c.guildId)).staffRoleId);
          const lang = languageOf(interaction.locale);
          if (action === 'warn') {
            if (!transition(c.status, 'warn').ok) throw new UserError(refusal(c));
            if (!c.authorId) throw new UserError(msg('flags.error.authorUnknownWarn'));
            // Before the form: nobody writes a warning that can't be sent.
            await checkStanding(interaction, c, 'warn');
            const input = new TextInputBuilder()
              .setCustomId('warning')
              .setLabel(t(lang, 'flags.warn.label'))
              .setStyle(TextInputStyle.Paragraph)
              .setRequired(true)
              .setMaxLength(WARNING_MAX)
              .setPlaceholder(t(lang, 'flags.warn.placeholder'));
            await interaction.showModal(
              new ModalBuilder()
                .setCustomId(encodeCustomId('flag-warn', c.id))
                .setTitle(t(lang, 'flags.warn.modalTitle', { id: c.id }))
                .addComponents(new ActionRowBuilder<ModalActionRowComponentBuilder>().addComponents(input)),
            );
            return;
          }
          // Ephemeral deferral: errors (and the race's loser) get an ephemeral answer, never a
          // change to the case message itself.
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          await checkStanding(interaction, c, action);
          await interaction.editReply(await review(service, c.id, action, interaction.user.id, lang));
        },
      }),
    },
    modals: {
      'flag-warn': modalRoute({
        args: z.tuple([idArg.int]),
        async handle(interaction, [caseId]) {
          const c = await staffCase(service, interaction, caseId);
          requireStaff(interaction, (await getSettings(service.db, c.guildId)).staffRoleId);
          const warning = truncateChars(interaction.fields.getTextInputValue('warning').trim(), WARNING_MAX);
          if (!warning) throw new UserError(msg('flags.warn.empty'));
          await interaction.deferReply({ flags: MessageFlags.Ephemeral });
          // Again on sending: roles may have changed while the form was open.
          await checkStanding(interaction, c, 'warn');
          await interaction.editReply(await review(service, c.id, 'warn', interaction.user.id, languageOf(interaction.locale), warning));
        },
      }),
    },
  };
}
