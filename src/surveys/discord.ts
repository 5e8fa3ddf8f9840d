// The surveys feature: the Discord ports, the answering routes (take, pages, paging buttons, submit) and the scheduler tick.
import { randomBytes } from 'node:crypto';
import {
  ComponentType,
  DiscordAPIError,
  MessageFlags,
  PermissionFlagsBits,
  RESTJSONErrorCodes,
  Routes as Api,
  type Client,
  type GuildMember,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { APIInteractionGuildMember, APIMessage } from 'discord-api-types/v10';
import cron, { type ScheduledTask } from 'node-cron';
import type { Feature, FeatureContext } from '../feature.js';
import { encodeCustomId, idArg, ownMessageWithControl } from '../discord/custom-id.js';
import { friendlyDiscordError, UserError } from '../discord/errors.js';
import { componentRoute, modalRoute, replyEphemeral, type Routes } from '../discord/router.js';
import { isStaff } from '../discord/staff.js';
import { postNonce } from '../discord/nonce.js';
import { commandRoutes } from './discord-commands.js';
import { cardMessage, KIND, pageModal, pagingMessage } from './discord-render.js';
import { languageOf, t } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { SurveyRefusal, SurveyService, type ClickedOn, type Member, type SurveyPorts } from './service.js';
import type { Survey } from './store.js';
import type { FieldValue } from './survey.js';
import { sendDm } from '../discord/dm.js';
import { plainText } from '../text.js';

type MemberLike = GuildMember | APIInteractionGuildMember | null;

const MEMBER_FETCH_INTERVAL_MS = 60_000;

/** Whether the member who clicked may view a channel, by the guild's cached permission overwrites. */
function seesChannel(interaction: Interaction, channelId: string): boolean {
  const channel = interaction.guild?.channels.cache.get(channelId);
  const member = interaction.member as MemberLike;
  if (channel && member && !Array.isArray(member.roles)) return channel.permissionsFor(member as GuildMember)?.has(PermissionFlagsBits.ViewChannel) ?? false;
  // Without a cached channel and member, only Discord's own reckoning for the channel clicked in is known.
  return channelId === interaction.channelId && (interaction.memberPermissions?.has(PermissionFlagsBits.ViewChannel) ?? false);
}

/**
 * The member answering, with what they may see: staff (like for polls) and the survey's author
 * always, others only a survey whose channel they can view.
 */
export async function memberOf(interaction: Interaction, ctx: FeatureContext): Promise<Member> {
  const member = interaction.member as MemberLike;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  const staff = isStaff(interaction, (await getSettings(ctx.db, interaction.guildId!)).staffRoleId);
  return {
    id: interaction.user.id,
    roles,
    sees: (survey) => staff || survey.authorId === interaction.user.id || (survey.channelId !== null && seesChannel(interaction, survey.channelId)),
    roleGone: (roleId) => (interaction.guild ? !interaction.guild.roles.cache.has(roleId) : false),
  };
}

/** The message a component was clicked on (or a modal opened from), and whether it is the member's ephemeral one. */
function clickedOn(interaction: Interaction): ClickedOn {
  const message = interaction.isMessageComponent() || interaction.isModalSubmit() ? interaction.message : null;
  return { messageId: message?.id ?? null, ephemeral: message?.flags.has(MessageFlags.Ephemeral) ?? false };
}

export function surveyLink(survey: Survey): string {
  return survey.channelId && survey.messageId ? `https://discord.com/channels/${survey.guildId}/${survey.channelId}/${survey.messageId}` : `survey #${survey.id}`;
}

interface MemberCounts {
  /** Members who are not bots. */
  humans: number;
  /** Of those, how many have each role. */
  byRole: Map<string, number>;
}

/** Counts members who could answer, for every role at once: one fetch answers a survey with any role. */
function countMembers(members: Iterable<GuildMember>): MemberCounts {
  const counts: MemberCounts = { humans: 0, byRole: new Map() };
  for (const m of members) {
    if (m.user.bot) continue;
    counts.humans++;
    for (const roleId of m.roles.cache.keys()) counts.byRole.set(roleId, (counts.byRole.get(roleId) ?? 0) + 1);
  }
  return counts;
}

function pick(counts: MemberCounts, roleId: string | null): number {
  return roleId === null ? counts.humans : (counts.byRole.get(roleId) ?? 0);
}

/** Post errors no retry will get past: the channel is gone, hidden from the bot, or closed to its posts. */
const GIVE_UP_CODES: ReadonlySet<number> = new Set([RESTJSONErrorCodes.UnknownChannel, RESTJSONErrorCodes.MissingAccess, RESTJSONErrorCodes.MissingPermissions]);

function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

/** The service's ports over discord.js. */
export function discordPorts(ctx: FeatureContext): SurveyPorts {
  const client: Client = ctx.client;
  /** Per guild: when its member list was last asked for, and that fetch (done when counted or failed). */
  const fetches = new Map<string, { at: number; done: Promise<void> }>();
  /** Per guild: what the last fetch that came back counted. */
  const counts = new Map<string, MemberCounts>();
  return {
    async language(guildId) {
      return serverLanguage(await getSettings(ctx.db, guildId), client.guilds.cache.get(guildId)?.preferredLocale);
    },
    async postCard(state) {
      const channelId = state.survey.channelId;
      if (!channelId) throw new Error('survey has no channel');
      const body = { ...cardMessage(state), nonce: postNonce('survey', state.survey.id, state.survey.openedAt ?? state.survey.createdAt), enforce_nonce: true };
      const message = (await client.rest.post(Api.channelMessages(channelId), { body })) as { id: string };
      return message.id;
    },
    async findCard(survey) {
      if (!survey.channelId) return null;
      const recent = (await client.rest.get(Api.channelMessages(survey.channelId), { query: new URLSearchParams({ limit: '100' }) }).catch(() => null)) as APIMessage[] | null;
      return ownMessageWithControl(recent, client.user?.id, [encodeCustomId(KIND.take, survey.id)]);
    },
    async editCard(state) {
      const { channelId, messageId } = state.survey;
      if (!channelId || !messageId) return;
      try {
        await client.rest.patch(Api.channelMessage(channelId, messageId), { body: cardMessage(state) });
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.UnknownMessage) || isCode(err, RESTJSONErrorCodes.UnknownChannel)) return;
        throw err;
      }
    },
    failure(err, lang) {
      const permanent = err instanceof DiscordAPIError && typeof err.code === 'number' && GIVE_UP_CODES.has(err.code);
      return { permanent, reason: (friendlyDiscordError(err, lang) ?? (err instanceof Error ? err.message : String(err))).slice(0, 300) };
    },
    async tellStaff(survey, text) {
      // Where the bot tells staff things (digests): the staff channel, unless it is the channel that refuses.
      const { staffChannelId } = await getSettings(ctx.db, survey.guildId).catch(() => ({ staffChannelId: null }));
      if (staffChannelId && staffChannelId !== survey.channelId) {
        try {
          await client.rest.post(Api.channelMessages(staffChannelId), { body: { content: text, allowed_mentions: { parse: [] } } });
          return true;
        } catch (err) {
          ctx.logger.warn({ err, guild: survey.guildId, channel: staffChannelId }, 'surveys.staff-notice-failed');
        }
      }
      // Else whoever started it (or set up its schedule).
      try {
        await sendDm(client, survey.authorId, text);
        return true;
      } catch (err) {
        ctx.logger.info({ code: err instanceof DiscordAPIError ? err.code : undefined, guild: survey.guildId }, 'surveys.staff-notice-dm-failed');
        return false;
      }
    },
    async dm(memberId, text) {
      try {
        await sendDm(client, memberId, text);
        return true;
      } catch (err) {
        // Closed DMs are the member's choice: swallowed, logged without more detail.
        ctx.logger.info({ code: err instanceof DiscordAPIError ? err.code : undefined }, 'surveys.dm-failed');
        return false;
      }
    },
    async eligible(guildId, roleId) {
      const guild = client.guilds.cache.get(guildId);
      if (!guild) return null;
      // The whole member list may be requested once per 30 s per guild: reuse a recent fetch's
      // counts (a call while one is under way waits for it).
      const last = fetches.get(guildId);
      if (last === undefined || ctx.clock.now() - last.at > MEMBER_FETCH_INTERVAL_MS) {
        // Counted from what the fetch returns: the member cache keeps only a few hundred (client.ts).
        const done = guild.members.fetch({ time: 10_000 }).then(
          (members) => void counts.set(guildId, countMembers(members.values())),
          (err: unknown) => ctx.logger.warn({ err, guild: guildId }, 'surveys.member-fetch-failed'),
        );
        fetches.set(guildId, { at: ctx.clock.now(), done });
        await done;
      } else await last.done;
      // After a failed fetch the last counts stand, if there are any.
      const known = counts.get(guildId);
      if (known) return pick(known, roleId);
      // Never counted: the cache is exact only when it holds the whole server.
      return guild.members.cache.size >= guild.memberCount ? pick(countMembers(guild.members.cache.values()), roleId) : null;
    },
    link: surveyLink,
  };
}

/**
 * The answering routes are their own error boundary: the router would log the member with the
 * custom_id, and an anonymous survey's answers and answerers must never reach the logs.
 */
async function guarded(interaction: RepliableInteraction, work: () => Promise<void>, logger: FeatureContext['logger']): Promise<void> {
  try {
    await work();
  } catch (err) {
    const lang = languageOf(interaction.locale);
    let text: string;
    if (err instanceof SurveyRefusal || err instanceof UserError) text = err.in(lang);
    else {
      const errorId = randomBytes(4).toString('hex');
      text = t(lang, 'surveys.error.saveFailed', { id: errorId });
      const e = err as { name?: unknown; code?: unknown; status?: unknown; message?: unknown };
      logger.error({ guild: interaction.guildId, errorId, err: { name: e.name, code: e.code, status: e.status, message: e.message } }, 'surveys.answer-failed');
    }
    await replyEphemeral(interaction, text).catch(() => undefined);
  }
}

/** The values of a modal submit by input custom_id, in the shapes Discord sends. */
export function modalFields(interaction: ModalSubmitInteraction): Map<string, FieldValue> {
  const out = new Map<string, FieldValue>();
  for (const [customId, field] of interaction.fields.fields) {
    switch (field.type) {
      case ComponentType.TextInput:
      case ComponentType.RadioGroup:
      case ComponentType.Checkbox:
        out.set(customId, field.value);
        break;
      case ComponentType.StringSelect:
      case ComponentType.CheckboxGroup:
        out.set(customId, [...field.values]);
        break;
      default:
        break;
    }
  }
  return out;
}

function answerRoutes(service: SurveyService, ctx: FeatureContext): Routes {
  const oneId = idArg.int.array().length(1).transform(([id]) => id ?? 0);
  const idAndPage = idArg.int.array().length(2).transform(([id, page]) => ({ id: id ?? 0, page: page ?? 0 }));
  return {
    components: {
      [KIND.take]: componentRoute({
        args: oneId,
        handle: (interaction, id) =>
          guarded(
            interaction,
            async () => {
              const lang = languageOf(interaction.locale);
              const { show, step } = await service.begin(id, interaction.guildId!, await memberOf(interaction, ctx), clickedOn(interaction));
              if (show === 'modal') await interaction.showModal(pageModal(lang, step));
              else await interaction.reply({ ...pagingMessage(lang, step, true), flags: MessageFlags.Ephemeral });
            },
            ctx.logger,
          ),
      }),
      [KIND.open]: componentRoute({
        args: idAndPage,
        handle: (interaction, { id, page }) =>
          guarded(
            interaction,
            async () => {
              const step = await service.openPage(id, interaction.guildId!, await memberOf(interaction, ctx), page, clickedOn(interaction));
              await interaction.showModal(pageModal(languageOf(interaction.locale), step));
            },
            ctx.logger,
          ),
      }),
      [KIND.submit]: componentRoute({
        args: oneId,
        handle: (interaction, id) =>
          guarded(
            interaction,
            async () => {
              const on = clickedOn(interaction);
              const { survey, edited } = await service.submit(id, interaction.guildId!, await memberOf(interaction, ctx), on);
              const def = survey.definition;
              const lang = languageOf(interaction.locale);
              const after = survey.anonymous ? t(lang, 'surveys.anonymousDone') : def.editable && def.responses === 'one' ? t(lang, 'surveys.canEdit') : '';
              // The title is the author's text, shown as written inside the bold (as the paging message and the reminder do).
              const text = t(lang, edited ? 'surveys.thanksEdited' : 'surveys.thanks', { title: plainText(def.title) }) + after;
              // Only the member's own paging message is replaced; any other message (the public
              // card above all) is left as it is, and the thanks go to the member alone.
              if (on.ephemeral) await interaction.update({ content: text, components: [], allowedMentions: { parse: [] } });
              else await interaction.reply({ content: text, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
            },
            ctx.logger,
          ),
      }),
    },
    modals: {
      [KIND.page]: modalRoute({
        args: idAndPage,
        handle: (interaction, { id, page }) =>
          guarded(
            interaction,
            async () => {
              const step = await service.savePage(id, interaction.guildId!, await memberOf(interaction, ctx), page, modalFields(interaction));
              await interaction.reply({ ...pagingMessage(languageOf(interaction.locale), step, false), flags: MessageFlags.Ephemeral });
            },
            ctx.logger,
          ),
      }),
    },
  };
}

export interface SurveysFeature extends Feature {
  readonly service: SurveyService;
  /** One pass of the scheduler now (what the once-a-minute job runs). */
  tick(): Promise<void>;
}

/** The surveys slice: /survey, the answering flow, closing and recurring runs (caught up on start). */
export function surveysFeature(ctx: FeatureContext, options: { cardIntervalMs?: number } = {}): SurveysFeature {
  const service = new SurveyService({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, ports: discordPorts(ctx), ...(options.cardIntervalMs !== undefined ? { cardIntervalMs: options.cardIntervalMs } : {}) });
  let staleRefresh: Promise<unknown> = Promise.resolve();
  let task: ScheduledTask | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const tick = (): Promise<void> => {
    if (stopped) return Promise.resolve();
    const next = current.then(() => (stopped ? undefined : service.tick()));
    current = next.catch((err: unknown) => ctx.logger.error({ err }, 'surveys.tick-failed'));
    return current.then(() => undefined);
  };
  const answers = answerRoutes(service, ctx);
  const commands = commandRoutes(service, ctx);
  return {
    name: 'surveys',
    service,
    tick,
    routes: { ...commands, components: answers.components, modals: answers.modals },
    async onReady() {
      // Catch-up: close what fell due while down, open the recurring run of the current period once.
      await tick();
      // Cards left behind their responses by a crash: brought up to date in the background.
      staleRefresh = service.refreshStaleCards(() => stopped).catch((err: unknown) => ctx.logger.warn({ err }, 'surveys.stale-refresh-failed'));
      task = cron.schedule('* * * * *', () => tick(), { name: 'surveys', noOverlap: true, suppressMissedWarning: true });
    },
    async stop() {
      stopped = true;
      await task?.destroy();
      await current;
      await staleRefresh;
      await service.flushCards();
    },
  };
}
