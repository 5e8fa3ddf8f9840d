// The case message moderators see, its buttons and warning modal, and the review actions behind them.
import {
  DiscordAPIError,
  RESTJSONErrorCodes,
  Routes as Api,
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
import type { FlagService } from './discord.js';
import { caseActions, formatDuration, outcomeLabel, outcomeOf, timeoutMs, transition, type CaseAction, type TimeoutAction } from './flags.js';
import { addCaseEvent, applyCaseAction, getCase, reopenCase, setCaseNote, type FlagCase, type Flagger } from './store.js';

const FLAGGERS_SHOWN = 15;
const WARNING_MAX = 1000;

export function jumpLink(c: Pick<FlagCase, 'guildId' | 'channelId' | 'messageId'>): string {
  return `https://discord.com/channels/${c.guildId}/${c.channelId}/${c.messageId}`;
}

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
  const details = f.details ? `: ${f.details.replace(/\s+/g, ' ').slice(0, 120)}` : '';
  return `<@${f.userId}> — ${how}${details}`;
}

/** The case message: excerpt (or jump link), author, channel, flaggers and reasons, state, buttons. */
export function renderCase(c: FlagCase, flaggers: readonly Flagger[], now: number) {
  const closed = c.status === 'closed';
  const color = closed ? 0x95a5a6 : c.status === 'claimed' ? 0x3498db : 0xe67e22;
  const shown = flaggers.slice(0, FLAGGERS_SHOWN).map(flaggerLine);
  if (flaggers.length > FLAGGERS_SHOWN) shown.push(`…and ${flaggers.length - FLAGGERS_SHOWN} more`);
  const description = c.excerpt
    ? `>>> ${c.excerpt}\n\n[Jump to message](${jumpLink(c)})`
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

/** What the loser of a race (or a late click) is told. */
export function refusal(c: FlagCase): string {
  if (c.status === 'closed') return `Case #${c.id} was already resolved by <@${c.closedBy}> (${c.outcome ? outcomeLabel[c.outcome] : 'closed'}).`;
  return `Case #${c.id} was already claimed by <@${c.claimedBy}>.`;
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

// ---------------------------------------------------------------- review actions

/**
 * One review step by a moderator. The per-case lock serialises clicks in this process; the
 * conditional UPDATE makes the step atomic in the database. Throws UserError for the loser.
 */
export async function review(service: FlagService, caseId: number, action: CaseAction, actorId: string, warning?: string): Promise<string> {
  const first = await getCase(service.db, caseId);
  if (!first) throw new UserError('This case no longer exists.');
  return service.lock.run(first.messageId, async () => {
    const c = (await getCase(service.db, caseId))!;
    const step = transition(c.status, action);
    if (!step.ok) throw new UserError(refusal(c));
    const now = service.ctx.clock.now();
    const outcome = action === 'claim' ? null : outcomeOf(action);
    if (!(await applyCaseAction(service.db, c.id, action, outcome, actorId, now))) {
      throw new UserError(refusal((await getCase(service.db, caseId)) ?? c));
    }
    let note: string | null = null;
    try {
      note = await perform(service, c, action, actorId, warning);
    } catch (err) {
      await reopenCase(service.db, c.id, actorId, c, service.ctx.clock.now(), err instanceof Error ? err.message : String(err));
      await service.refresh(c.id);
      throw err;
    }
    if (note) {
      await setCaseNote(service.db, c.id, note);
      await addCaseEvent(service.db, c.id, service.ctx.clock.now(), actorId, 'note', note);
    }
    if (warning) await addCaseEvent(service.db, c.id, service.ctx.clock.now(), actorId, 'warning_text', warning.slice(0, 500));
    service.ctx.logger.info({ guild: c.guildId, case: c.id, action, actor: actorId }, 'flags.reviewed');
    await service.refresh(c.id);
    return confirmation(c, action, note);
  });
}

/** The Discord side of a close. Only ever runs because a moderator pressed a button. */
async function perform(service: FlagService, c: FlagCase, action: CaseAction, actorId: string, warning?: string): Promise<string | null> {
  const reason = `Pulse flag case #${c.id}, by moderator ${actorId}`;
  switch (action) {
    case 'delete':
      try {
        await service.client.rest.delete(Api.channelMessage(c.channelId, c.messageId), { reason });
        return null;
      } catch (err) {
        if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) return 'The message was already gone.';
        throw err;
      }
    case 't10m':
    case 't1h':
    case 't1d': {
      if (!c.authorId) throw new UserError('The author of this message is unknown, so I cannot time them out.');
      const until = new Date(service.ctx.clock.now() + timeoutMs[action as TimeoutAction]).toISOString();
      await service.client.rest.patch(Api.guildMember(c.guildId, c.authorId), { body: { communication_disabled_until: until }, reason });
      return null;
    }
    case 'warn':
      return deliverWarning(service, c, warning ?? '');
    default:
      return null;
  }
}

/** DM first; when DMs are closed, reply to the author in the message's channel, and say so. */
async function deliverWarning(service: FlagService, c: FlagCase, warning: string): Promise<string> {
  if (!c.authorId) throw new UserError('The author of this message is unknown, so I cannot warn them.');
  const guildName = service.client.guilds.cache.get(c.guildId)?.name ?? 'this server';
  const link = `https://discord.com/channels/${c.guildId}/${c.channelId}/${c.messageId}`;
  const text = `⚠️ The moderators of **${guildName}** are warning you about [your message](${link}):\n>>> ${warning}`;
  try {
    const dm = await service.client.users.createDM(c.authorId);
    await dm.send({ content: text, allowedMentions: { parse: [] } });
    return 'Warning sent by DM.';
  } catch (dmErr) {
    service.ctx.logger.info({ err: dmErr, guild: c.guildId, case: c.id }, 'flags.warn-dm-failed');
  }
  try {
    const channel = await service.client.channels.fetch(c.channelId);
    if (!channel?.isSendable()) throw new Error('not a text channel');
    await channel.send({ content: `<@${c.authorId}> ${text}`, allowedMentions: { users: [c.authorId] } });
    return `DM failed (closed DMs); warning posted in <#${c.channelId}>.`;
  } catch (err) {
    service.ctx.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.warn-post-failed');
    return 'DM failed and the warning could not be posted: tell the member yourself.';
  }
}


function confirmation(c: FlagCase, action: CaseAction, note: string | null): string {
  const base: Record<CaseAction, string> = {
    claim: `You claimed case #${c.id}.`,
    dismiss: `Case #${c.id} dismissed.`,
    resolve: `Case #${c.id} resolved without action.`,
    delete: `Message deleted; case #${c.id} closed.`,
    warn: `Author warned; case #${c.id} closed.`,
    t10m: `Author timed out for 10 minutes; case #${c.id} closed.`,
    t1h: `Author timed out for 1 hour; case #${c.id} closed.`,
    t1d: `Author timed out for 1 day; case #${c.id} closed.`,
  };
  return note ? `${base[action]} ${note}` : base[action];
}
