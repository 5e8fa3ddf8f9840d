// The surveys feature: the Discord ports, the answering routes (take, pages, paging buttons, submit) and the scheduler tick.
import { randomBytes } from 'node:crypto';
import {
  ComponentType,
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  Routes as Api,
  type Client,
  type GuildMember,
  type Interaction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
} from 'discord.js';
import type { APIInteractionGuildMember } from 'discord-api-types/v10';
import cron, { type ScheduledTask } from 'node-cron';
import type { Feature, FeatureContext } from '../feature.js';
import { idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { componentRoute, modalRoute, replyEphemeral, type Routes } from '../discord/router.js';
import { commandRoutes } from './discord-commands.js';
import { cardMessage, KIND, pageModal, pagingMessage } from './discord-render.js';
import { languageOf, t } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { SurveyRefusal, SurveyService, type Member, type SurveyPorts } from './service.js';
import type { Survey } from './store.js';
import type { FieldValue } from './survey.js';

type MemberLike = GuildMember | APIInteractionGuildMember | null;

const MEMBER_FETCH_INTERVAL_MS = 60_000;

export function memberOf(interaction: Interaction): Member {
  const member = interaction.member as MemberLike;
  const roles = !member ? [] : Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
  return { id: interaction.user.id, roles };
}

export function surveyLink(survey: Survey): string {
  return survey.channelId && survey.messageId ? `https://discord.com/channels/${survey.guildId}/${survey.channelId}/${survey.messageId}` : `survey #${survey.id}`;
}

function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

/** The service's ports over discord.js. */
export function discordPorts(ctx: FeatureContext): SurveyPorts {
  const client: Client = ctx.client;
  const fetchedAt = new Map<string, number>();
  return {
    async language(guildId) {
      return serverLanguage(await getSettings(ctx.db, guildId), client.guilds.cache.get(guildId)?.preferredLocale);
    },
    async postCard(state) {
      const channelId = state.survey.channelId;
      if (!channelId) throw new Error('survey has no channel');
      const message = (await client.rest.post(Api.channelMessages(channelId), { body: cardMessage(state) })) as { id: string };
      return message.id;
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
    async dm(memberId, text) {
      try {
        await client.users.send(memberId, { content: text, allowedMentions: { parse: [] } });
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
      // The whole member list may be requested once per 30 s per guild: reuse a recent fetch.
      const last = fetchedAt.get(guildId);
      if (last === undefined || ctx.clock.now() - last > MEMBER_FETCH_INTERVAL_MS) {
        fetchedAt.set(guildId, ctx.clock.now());
        await guild.members.fetch({ time: 10_000 }).catch((err: unknown) => ctx.logger.warn({ err, guild: guildId }, 'surveys.member-fetch-failed'));
      }
      return guild.members.cache.filter((m) => !m.user.bot && (roleId === null || m.roles.cache.has(roleId))).size;
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
              const { show, step } = await service.begin(id, interaction.guildId!, memberOf(interaction));
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
            async () => void (await interaction.showModal(pageModal(languageOf(interaction.locale), await service.openPage(id, interaction.guildId!, memberOf(interaction), page)))),
            ctx.logger,
          ),
      }),
      [KIND.submit]: componentRoute({
        args: oneId,
        handle: (interaction, id) =>
          guarded(
            interaction,
            async () => {
              const { survey, edited } = await service.submit(id, interaction.guildId!, memberOf(interaction));
              const def = survey.definition;
              const lang = languageOf(interaction.locale);
              const after = survey.anonymous ? t(lang, 'surveys.anonymousDone') : def.editable && def.responses === 'one' ? t(lang, 'surveys.canEdit') : '';
              const text = t(lang, edited ? 'surveys.thanksEdited' : 'surveys.thanks', { title: def.title }) + after;
              await interaction.update({ content: text, components: [], allowedMentions: { parse: [] } });
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
              const step = await service.savePage(id, interaction.guildId!, memberOf(interaction), page, modalFields(interaction));
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
