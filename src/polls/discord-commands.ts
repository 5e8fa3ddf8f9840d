// /poll's subcommands and the poll-id autocomplete.
import {
  AttachmentBuilder,
  ChannelType,
  GuildMember,
  MessageFlags,
  PermissionFlagsBits,
  PermissionsBitField,
  RESTJSONErrorCodes,
  Routes as Api,
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  type GuildBasedChannel,
  type SendableChannels,
} from 'discord.js';
import { pollCommand } from '../../commands/poll.js';
import { isCode, UserError } from '../discord/errors.js';
import { languageOf, msg, render, t as tr } from '../i18n/index.js';
import { botPermission, requireBotCan, type NamedPermission } from '../discord/permissions.js';
import { focusOf, subcommandRoutes, type ArgsOf } from '../discord/options.js';
import type { ComponentInteraction, Routes } from '../discord/router.js';
import { isStaff } from '../discord/staff.js';
import { threadLetsIn } from '../discord/thread-access.js';
import { languageHint } from '../settings/hints.js';
import { getSettings } from '../settings/store.js';
import { resultsEmbed } from './discord-render.js';
import { nativePlan, parseCreateOptions, pollLink, type Poll } from './poll.js';
import { toCsv } from '../csv.js';
import type { PollService } from './service.js';
import { createPoll, currentTally, deletePoll, getPoll, listPolls, pollBallots } from './store.js';
import { discordTime, ellipsize, fitLines, plainText } from '../text.js';

type Command = ChatInputCommandInteraction;
type Args<S extends 'create' | 'close' | 'results' | 'list' | 'export' | 'delete'> = ArgsOf<typeof pollCommand, S>;

type Asking = Command | AutocompleteInteraction | ComponentInteraction;

export async function staffOf(service: PollService, interaction: Asking): Promise<boolean> {
  const settings = await getSettings(service.db, interaction.guildId!);
  return isStaff(interaction, settings.staffRoleId);
}

/** Whether the member may see the poll at all: staff, its author, or members who see its channel. */
export function canSee(interaction: Asking, poll: Poll, staff: boolean): boolean {
  if (staff || poll.authorId === interaction.user.id) return true;
  const channel = interaction.guild?.channels.cache.get(poll.channelId);
  const member = interaction.member;
  // Without a cached channel and member, only the channel the command runs in is known to be visible.
  if (!channel || !member || Array.isArray(member.roles)) return poll.channelId === interaction.channelId;
  return channel.permissionsFor(member as GuildMember)?.has(PermissionFlagsBits.ViewChannel) ?? false;
}

/**
 * canSee, and for a poll in a private thread also membership of the thread (its channel
 * permissions are the parent's) unless the member manages threads: what /poll results, list and
 * autocomplete show. A vote needs only canSee: its click comes from the poll's own message.
 */
export async function canSeeNow(interaction: Asking, poll: Poll, staff: boolean): Promise<boolean> {
  if (!canSee(interaction, poll, staff)) return false;
  if (staff || poll.authorId === interaction.user.id) return true;
  const channel = interaction.guild?.channels.cache.get(poll.channelId);
  const member = interaction.member;
  if (!channel || !member || Array.isArray(member.roles)) return true;
  const permissions = channel.permissionsFor(member as GuildMember);
  return permissions !== null && (await threadLetsIn(channel, interaction.user.id, permissions));
}

/** The polls the member may see (canSeeNow), in order. */
async function visiblePolls(interaction: Asking, polls: readonly Poll[], staff: boolean): Promise<Poll[]> {
  const seen = await Promise.all(polls.map((p) => canSeeNow(interaction, p, staff)));
  return polls.filter((_, i) => seen[i]);
}

async function pollFor(service: PollService, interaction: Command, id: number): Promise<{ poll: Poll; staff: boolean }> {
  const poll = await getPoll(service.db, id);
  const staff = await staffOf(service, interaction);
  if (!poll || poll.guildId !== interaction.guildId || !(await canSeeNow(interaction, poll, staff))) {
    throw new UserError(msg('polls.error.notFound', { id }));
  }
  return { poll, staff };
}

function requireManager(interaction: Command, poll: Poll, staff: boolean): void {
  if (!staff && poll.authorId !== interaction.user.id) throw new UserError(msg('polls.error.notAuthor'));
}

/**
 * The acting member's permissions in a channel, as Discord computes them: the interaction's own for
 * its channel, else from the channel's overwrites and the member's roles (null when unknown).
 */
async function memberPermissionsIn(interaction: Command, channel: GuildBasedChannel): Promise<Readonly<PermissionsBitField> | null> {
  if (channel.id === interaction.channelId && interaction.memberPermissions) return interaction.memberPermissions;
  const member = interaction.member instanceof GuildMember ? interaction.member : await interaction.guild?.members.fetch(interaction.user.id).catch(() => null);
  if (!member) return null;
  const perms = channel.permissionsFor(member);
  // A timed-out member keeps only View Channel and Read Message History (Administrators are exempt).
  if (perms && member.isCommunicationDisabled() && !perms.has(PermissionFlagsBits.Administrator)) {
    return new PermissionsBitField(perms.bitfield & (PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ReadMessageHistory)).freeze();
  }
  return perms;
}

/** Refuses unless the acting member could post there themselves: Pulse posts a poll only where its author may. */
async function requireMemberCan(interaction: Command, channel: GuildBasedChannel, native: boolean): Promise<void> {
  const { view, send, sendInThreads, polls } = botPermission;
  const needed: NamedPermission[] = [view, channel.isThread() ? sendInThreads : send, ...(native ? [polls] : [])];
  const perms = await memberPermissionsIn(interaction, channel);
  // Unknown permissions refuse: every needed one counts as missing.
  const missing = perms ? needed.filter(([flag]) => !perms.has(flag)) : needed;
  if (missing.length) throw new UserError(msg('polls.error.youCantPost', { channel: channel.id, missing: missing.map(([, name]) => msg(name)) }));
}

/** The channel to post in, checked against the acting member's permissions there, then the bot's own. */
async function targetChannel(interaction: Command, chosen: { id: string } | null, native: boolean): Promise<GuildBasedChannel & SendableChannels> {
  const id = chosen?.id ?? interaction.channelId;
  const channel = interaction.guild?.channels.cache.get(id);
  const me = interaction.guild?.members.me;
  if (!channel || !me) throw new UserError(msg('polls.error.cantSee', { channel: id }));
  await requireMemberCan(interaction, channel, native);
  if (!channel.isTextBased() || !channel.isSendable() || channel.type === ChannelType.GuildVoice || channel.type === ChannelType.GuildStageVoice) {
    throw new UserError(msg('polls.error.channelType', { channel: id }));
  }
  const { view, send, sendInThreads, embed, polls } = botPermission;
  requireBotCan(interaction.guild, id, [view, channel.isThread() ? sendInThreads : send, native ? polls : embed]);
  return channel;
}

async function create(service: PollService, interaction: Command, o: Args<'create'>): Promise<void> {
  const lang = languageOf(interaction.locale);
  const role = o.role;
  const parsed = parseCreateOptions({
    question: o.question,
    choices: o.choices,
    multiple: o.multiple,
    maxChoices: o.max_choices,
    anonymous: o.anonymous,
    hideResults: o.hide_results,
    duration: o.duration,
    roleId: role?.id ?? null,
    native: o.native,
  });
  if (!parsed.ok) throw new UserError(parsed.error);
  const spec = parsed.value;
  if (role) {
    if (role.id === interaction.guildId) spec.roleId = null; // @everyone: anyone may vote
    else if (!interaction.guild?.roles.cache.has(role.id)) throw new UserError(msg('polls.error.roleUnknown', { role: role.id }));
  }
  const native = o.native ?? false;
  const channel = await targetChannel(interaction, o.channel, native);

  if (native) {
    const { plan, problems } = nativePlan(spec);
    if (problems.length) {
      throw new UserError(msg('polls.error.nativeCannot', { problems: problems.map((p) => `• ${render(lang, p)}`).join('\n') }));
    }
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const message = await channel.send({
      poll: { question: { text: plan.question }, answers: plan.answers.map((text) => ({ text })), duration: plan.durationHours, allowMultiselect: plan.allowMultiselect },
      // One per command: a repeat of this post (discord.js retrying a request whose answer was lost) is dropped.
      nonce: `npoll-${interaction.id}`.slice(0, 25),
      enforceNonce: true,
      allowedMentions: { parse: [] },
    });
    service.logger.info({ guild: interaction.guildId, channel: channel.id, message: message.id }, 'polls.native-posted');
    await interaction.editReply(tr(lang, 'polls.nativePosted', { channel: channel.id, hours: plan.durationHours, url: message.url }));
    return;
  }

  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const poll = await createPoll(service.db, { ...spec, guildId: interaction.guildId!, channelId: channel.id, authorId: interaction.user.id, now: service.clock.now() });
  // Posted with the poll's nonce; a refusal deletes the poll and lands here as the error.
  const messageId = await service.post(poll);
  await service.arm();
  service.logger.info({ guild: interaction.guildId, poll: poll.id, anonymous: spec.anonymous }, 'polls.created');
  // The exact deadline, as each reader's Discord shows it: a duration would be rounded ("2 d" for 2 d 45 min).
  const closes = poll.closesAt !== null ? tr(lang, 'polls.postedCloses', { at: discordTime(poll.closesAt, 'f'), relative: discordTime(poll.closesAt, 'R') }) : tr(lang, 'polls.postedOpen');
  const url = `https://discord.com/channels/${interaction.guildId}/${channel.id}/${messageId}`;
  // The card is in the server's language: tell staff which (they can change it), while none is chosen and it is not theirs.
  const settings = await getSettings(service.db, interaction.guildId!);
  const hint = isStaff(interaction, settings.staffRoleId) ? languageHint(lang, settings, interaction.guildLocale) : null;
  await interaction.editReply(tr(lang, 'polls.posted', { id: poll.id, channel: channel.id, url }) + closes + (hint ? `\n${hint}` : ''));
}

async function close(service: PollService, interaction: Command, args: Args<'close'>): Promise<void> {
  const lang = languageOf(interaction.locale);
  const { poll, staff } = await pollFor(service, interaction, args.poll);
  requireManager(interaction, poll, staff);
  if (poll.status === 'closed') throw new UserError(msg('polls.error.alreadyClosed', { id: poll.id }));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const closedNow = await service.close(poll.id, interaction.user.id);
  const final = (await getPoll(service.db, poll.id)) ?? poll;
  const t = await currentTally(service.db, poll.id);
  await interaction.editReply({
    content: tr(lang, closedNow ? 'polls.closed' : 'polls.wasClosed', { id: poll.id }),
    embeds: t ? [resultsEmbed(lang, final, t, true)] : [],
  });
}

async function results(service: PollService, interaction: Command, args: Args<'results'>): Promise<void> {
  const { poll, staff } = await pollFor(service, interaction, args.poll);
  const t = await currentTally(service.db, poll.id);
  if (!t) throw new UserError(msg('polls.error.gone'));
  // Hidden counts of an anonymous poll stay hidden from everyone: a peek between two clicks tells whose vote moved which count.
  const reveal = poll.status === 'closed' || !poll.hideResults || (!poll.anonymous && (staff || poll.authorId === interaction.user.id));
  await interaction.reply({ embeds: [resultsEmbed(languageOf(interaction.locale), poll, t, reveal)], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function list(service: PollService, interaction: Command): Promise<void> {
  const lang = languageOf(interaction.locale);
  const staff = await staffOf(service, interaction);
  const polls = await visiblePolls(interaction, await listPolls(service.db, interaction.guildId!, { status: 'open', limit: 100 }), staff);
  if (polls.length === 0) {
    await interaction.reply({ content: tr(lang, 'polls.noneOpen'), flags: MessageFlags.Ephemeral });
    return;
  }
  const lines = polls.map((p) => {
    const closes = p.closesAt ? tr(lang, 'polls.list.closes', { when: discordTime(p.closesAt, 'R') }) : tr(lang, 'polls.list.noDeadline');
    const link = pollLink(p);
    return `**#${p.id}** ${plainText(ellipsize(p.question, 100))} · <#${p.channelId}> · ${closes}${link ? ` · [${tr(lang, 'polls.list.open')}](${link})` : ''}`;
  });
  const content = fitLines(`**${tr(lang, 'polls.list.title')}**`, lines, (count) => tr(lang, 'polls.list.more', { count }));
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function exportPoll(service: PollService, interaction: Command, args: Args<'export'>): Promise<void> {
  const { poll, staff } = await pollFor(service, interaction, args.poll);
  if (!staff) throw new UserError(msg('polls.error.exportStaffOnly'));
  // Its counts are hidden from everyone until it closes (see results): an export is a look too.
  if (poll.anonymous && poll.hideResults && poll.status !== 'closed') throw new UserError(msg('polls.error.exportHidden', { id: poll.id }));
  const lang = languageOf(interaction.locale);
  const t = await currentTally(service.db, poll.id);
  if (!t) throw new UserError(msg('polls.error.gone'));
  let csv: string;
  let note: string;
  if (poll.anonymous) {
    // Anonymous polls export counts only: the stored voter keys are never shown to anyone.
    csv = toCsv(['poll_id', 'choice_number', 'choice', 'votes'], poll.choices.map((c, i) => [poll.id, i + 1, c, t.counts[i] ?? 0]));
    note = tr(lang, 'polls.exportAnonymous', { id: poll.id, voters: t.voters });
  } else {
    const ballots = await pollBallots(service.db, poll.id);
    csv = toCsv(
      ['poll_id', 'user_id', 'choice_number', 'choice', 'voted_at_utc'],
      ballots.map((b) => [poll.id, b.voter, b.choice + 1, poll.choices[b.choice] ?? '', b.castAt === null ? null : new Date(b.castAt).toISOString()]),
    );
    note = tr(lang, 'polls.exportVotes', { id: poll.id, votes: ballots.length, voters: t.voters });
  }
  const file = new AttachmentBuilder(Buffer.from(csv, 'utf8'), { name: `poll-${poll.id}.csv` });
  await interaction.reply({ content: note, files: [file], flags: MessageFlags.Ephemeral });
}

async function remove(service: PollService, interaction: Command, args: Args<'delete'>): Promise<void> {
  const { poll, staff } = await pollFor(service, interaction, args.poll);
  requireManager(interaction, poll, staff);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  service.live.forget(poll.id);
  await deletePoll(service.db, poll.id);
  await service.arm();
  let note = '';
  if (poll.messageId) {
    try {
      await interaction.client.rest.delete(Api.channelMessage(poll.channelId, poll.messageId));
    } catch (err) {
      if (!isCode(err, RESTJSONErrorCodes.UnknownMessage) && !isCode(err, RESTJSONErrorCodes.UnknownChannel)) note = tr(languageOf(interaction.locale), 'polls.deletedMessageKept');
    }
  }
  service.logger.info({ guild: interaction.guildId, poll: poll.id, by: interaction.user.id }, 'polls.deleted');
  await interaction.editReply(tr(languageOf(interaction.locale), 'polls.deleted', { id: poll.id }) + note);
}

async function autocomplete(service: PollService, interaction: AutocompleteInteraction): Promise<void> {
  const focus = focusOf(interaction, pollCommand);
  const typed = focus.value.replace(/^#/, '').trim();
  const sub = focus.subcommand;
  const staff = await staffOf(service, interaction);
  const polls = await listPolls(service.db, interaction.guildId!, { ...(sub === 'close' ? { status: 'open' as const } : {}), search: typed, limit: 100 });
  const lang = languageOf(interaction.locale);
  const visible = (await visiblePolls(interaction, sub !== 'export' || staff ? polls : [], staff)).slice(0, 25);
  await interaction.respond(
    visible.map((p) => {
      const label = `#${p.id} · ${p.status === 'closed' ? `${tr(lang, 'polls.autocomplete.closed')} ` : ''}${p.question}`;
      return { name: ellipsize(label, 100), value: p.id };
    }),
  );
}

export function commandRoutes(service: PollService): Routes {
  return {
    commands: {
      poll: subcommandRoutes(pollCommand, {
        create: (i, args) => create(service, i, args),
        close: (i, args) => close(service, i, args),
        results: (i, args) => results(service, i, args),
        list: (i) => list(service, i),
        export: (i, args) => exportPoll(service, i, args),
        delete: (i, args) => remove(service, i, args),
      }),
    },
    autocomplete: {
      poll: (interaction) => autocomplete(service, interaction),
    },
  };
}
