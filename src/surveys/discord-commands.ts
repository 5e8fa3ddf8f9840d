// /survey's subcommands (staff) and the survey-id autocomplete.
import { AttachmentBuilder, ChannelType, MessageFlags, RESTJSONErrorCodes, Routes as Api, DiscordAPIError, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import type { FeatureContext } from '../feature.js';
import { normalizeTime, nextRuns, type Timing } from '../digests/schedule.js';
import { UserError } from '../discord/errors.js';
import { botPermission, requireBotCan } from '../discord/permissions.js';
import type { Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { getSettings } from '../settings/store.js';
import { renderQuestionCharts } from './charts.js';
import { resultsEmbed, surveyLine } from './discord-render.js';
import { SurveyRefusal, type SurveyService } from './service.js';
import { listSurveys, submittedCount, type Survey } from './store.js';
import { parseDefinition, parseDuration, type DefinitionInput } from './survey.js';
import { template, TEMPLATE_NAMES, type TemplateName } from './templates.js';

type Command = ChatInputCommandInteraction;

const MAX_FILE_BYTES = 64 * 1024;
const DAY = 86_400_000;

export const CMD_TEXT = {
  pickOne: 'Give either `template` or `file` (a .json survey definition), not both and not neither.',
  badFile: 'The file must be a `.json` survey definition of at most 64 KB. See docs/surveys.md for the format.',
  fileUnreadable: 'I could not download that file. Attach it again.',
  notJson: (why: string) => `That file is not valid JSON: ${why}`,
  invalid: (errors: string[]) => `The survey definition has problems:\n${errors.map((e) => `• ${e}`).join('\n')}`.slice(0, 1900),
  created: (s: Survey, count: number) => `Survey #${s.id} **${s.title}** is ready (${count} question${count === 1 ? '' : 's'}${s.anonymous ? ', anonymous' : ''}). Post it with \`/survey start survey:${s.id}\`.`,
  closesInPast: 'The definition’s `closes` time has passed. Give `closes_in`, or create the survey again with a later time.',
  badDuration: 'Give `closes_in` like `2h`, `3d` or `1w` (1 minute to 90 days).',
  badOpenFor: 'Give `open_for` like `12h` or `3d` (1 minute to 90 days).',
  channelType: (id: string) => `I can only post surveys in text or announcement channels, and <#${id}> is not one.`,
  unknownRole: (id: string) => `I can't see the role <@&${id}>. Pick another role.`,
  started: (s: Survey) => `Survey #${s.id} is open in <#${s.channelId}>${s.closesAt ? `, closing <t:${Math.floor(s.closesAt / 1000)}:R>` : ' until you run `/survey close`'}.`,
  closedNow: (id: number) => `Survey #${id} is closed. See \`/survey results survey:${id}\`.`,
  notOpen: (id: number) => `Survey #${id} is not open.`,
  none: 'There are no surveys in this server yet. Create one with `/survey create`.',
  exported: (s: Survey, rows: number) => `Survey #${s.id}: ${rows} response${rows === 1 ? '' : 's'}, one row per response.${s.anonymous ? ' Anonymous: no member ids or times.' : ''}`,
  deleted: (id: number) => `Survey #${id}, its responses and its schedule are deleted.`,
  reminded: (sent: number, failed: number) => `Reminders sent to ${sent} member${sent === 1 ? '' : 's'}${failed ? `; ${failed} could not be reached (closed DMs)` : ''}. Each member is reminded only once.`,
  recurStopped: (id: number, n: number) => (n ? `Survey #${id} no longer recurs.` : `Survey #${id} had no schedule.`),
  badTime: 'Give `time` as HH:MM (24-hour), e.g. 09:00.',
  openTooLong: 'Each run must close before the next one opens: make `open_for` shorter than the interval.',
  recurring: (id: number, next: number) => `A copy of survey #${id} will open <t:${Math.floor(next / 1000)}:F> and then on the same schedule. Stop it with \`/survey recur survey:${id} every:stop\`.`,
  chartsCut: (n: number) => `\nCharts of the first 10 questions are attached (${n} have charts).`,
} as const;

function refusing<T>(work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    throw err instanceof SurveyRefusal ? new UserError(err.message) : err;
  });
}

async function surveyFor(service: SurveyService, interaction: Command): Promise<Survey> {
  return refusing(service.get(interaction.guildId!, interaction.options.getInteger('survey', true)));
}

async function readDefinition(interaction: Command): Promise<DefinitionInput> {
  const name = interaction.options.getString('template') as TemplateName | null;
  const file = interaction.options.getAttachment('file');
  if ((name === null) === (file === null)) throw new UserError(CMD_TEXT.pickOne);
  if (name) {
    if (!TEMPLATE_NAMES.includes(name)) throw new UserError(CMD_TEXT.pickOne);
    return template(name);
  }
  if (!file!.name.toLowerCase().endsWith('.json') || file!.size > MAX_FILE_BYTES) throw new UserError(CMD_TEXT.badFile);
  let text: string;
  try {
    const response = await fetch(file!.url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(String(response.status));
    text = await response.text();
  } catch {
    throw new UserError(CMD_TEXT.fileUnreadable);
  }
  if (text.length > MAX_FILE_BYTES) throw new UserError(CMD_TEXT.badFile);
  try {
    return JSON.parse(text) as DefinitionInput;
  } catch (err) {
    throw new UserError(CMD_TEXT.notJson(err instanceof Error ? err.message.slice(0, 200) : 'parse error'));
  }
}

async function create(service: SurveyService, interaction: Command): Promise<void> {
  const input = (await readDefinition(interaction)) as Record<string, unknown>;
  const title = interaction.options.getString('title');
  const anonymous = interaction.options.getBoolean('anonymous');
  if (title !== null && typeof input === 'object' && input) input['title'] = title;
  if (anonymous !== null && typeof input === 'object' && input) input['anonymous'] = anonymous;
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new UserError(CMD_TEXT.invalid(parsed.errors));
  const survey = await service.create(interaction.guildId!, interaction.user.id, parsed.value);
  await interaction.reply({ content: CMD_TEXT.created(survey, parsed.value.questions.length), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

function targetChannel(interaction: Command): string {
  const chosen = interaction.options.getChannel('channel');
  const id = chosen?.id ?? interaction.channelId;
  const channel = interaction.guild?.channels.cache.get(id);
  if (channel && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw new UserError(CMD_TEXT.channelType(id));
  requireBotCan(interaction.guild, id, [botPermission.view, botPermission.send, botPermission.embed]);
  return id;
}

function roleOption(interaction: Command): string | null {
  const role = interaction.options.getRole('role');
  if (!role || role.id === interaction.guildId) return null;
  if (!interaction.guild?.roles.cache.has(role.id)) throw new UserError(CMD_TEXT.unknownRole(role.id));
  return role.id;
}

async function start(service: SurveyService, interaction: Command, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction);
  const closesIn = interaction.options.getString('closes_in');
  const ms = closesIn === null ? null : parseDuration(closesIn);
  if (closesIn !== null && ms === null) throw new UserError(CMD_TEXT.badDuration);
  const channelId = targetChannel(interaction);
  const roleId = roleOption(interaction);
  const closes = ms !== null ? ctx.clock.now() + ms : survey.definition.closes ? Date.parse(survey.definition.closes) : null;
  if (closes !== null && closes <= ctx.clock.now()) throw new UserError(CMD_TEXT.closesInPast);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const started = await refusing(service.start(survey, { channelId, roleId, closesAt: closes }));
  await interaction.editReply(CMD_TEXT.started(started));
}

async function close(service: SurveyService, interaction: Command): Promise<void> {
  const survey = await surveyFor(service, interaction);
  if (survey.status !== 'open') throw new UserError(CMD_TEXT.notOpen(survey.id));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await service.close(survey.id, interaction.user.id);
  await interaction.editReply(CMD_TEXT.closedNow(survey.id));
}

async function list(service: SurveyService, interaction: Command, ctx: FeatureContext): Promise<void> {
  const surveys = await listSurveys(ctx.db, interaction.guildId!, { limit: 25 });
  if (surveys.length === 0) {
    await interaction.reply({ content: CMD_TEXT.none, flags: MessageFlags.Ephemeral });
    return;
  }
  const lines: string[] = [];
  for (const s of surveys) lines.push(surveyLine(s, await submittedCount(ctx.db, s.id)));
  await interaction.reply({ content: `**Surveys**\n${lines.join('\n')}`.slice(0, 2000), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function results(service: SurveyService, interaction: Command): Promise<void> {
  const survey = await surveyFor(service, interaction);
  // Charts take a moment: defer within Discord's 3 seconds.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const r = await service.results(survey);
  const charts = await renderQuestionCharts(r.questions);
  const files = charts.slice(0, 10).map((c) => new AttachmentBuilder(c.png, { name: `survey-${survey.id}-${c.id}.png` }));
  await interaction.editReply({ content: charts.length > 10 ? CMD_TEXT.chartsCut(charts.length) : '', embeds: [resultsEmbed(r)], files, allowedMentions: { parse: [] } });
}

async function exportCsv(service: SurveyService, interaction: Command): Promise<void> {
  const survey = await surveyFor(service, interaction);
  const { csv, rows } = await service.exportCsv(survey);
  const file = new AttachmentBuilder(Buffer.from(csv, 'utf8'), { name: `survey-${survey.id}.csv` });
  await interaction.reply({ content: CMD_TEXT.exported(survey, rows), files: [file], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function remove(service: SurveyService, interaction: Command, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await service.remove(survey);
  if (survey.channelId && survey.messageId) {
    await ctx.client.rest.delete(Api.channelMessage(survey.channelId, survey.messageId)).catch((err: unknown) => {
      if (!(err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage)) ctx.logger.warn({ err, survey: survey.id }, 'surveys.card-delete-failed');
    });
  }
  await interaction.editReply(CMD_TEXT.deleted(survey.id));
}

async function remind(service: SurveyService, interaction: Command): Promise<void> {
  const survey = await surveyFor(service, interaction);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { sent, failed } = await refusing(service.remind(survey));
  await interaction.editReply(CMD_TEXT.reminded(sent, failed));
}

const PERIOD_MS = { day: DAY, week: 7 * DAY, month: 28 * DAY } as const;

async function recur(service: SurveyService, interaction: Command, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction);
  const o = interaction.options;
  const every = o.getString('every', true);
  if (every === 'stop') {
    const n = await service.stopRecurring(survey);
    await interaction.reply({ content: CMD_TEXT.recurStopped(survey.id, n), flags: MessageFlags.Ephemeral });
    return;
  }
  if (every !== 'day' && every !== 'week' && every !== 'month') throw new UserError(CMD_TEXT.badTime);
  const time = normalizeTime(o.getString('time') ?? '09:00');
  if (!time) throw new UserError(CMD_TEXT.badTime);
  const openForText = o.getString('open_for');
  const openFor = openForText === null ? Math.min(3 * DAY, PERIOD_MS[every] - 3_600_000) : parseDuration(openForText);
  if (openFor === null) throw new UserError(CMD_TEXT.badOpenFor);
  if (openFor >= PERIOD_MS[every]) throw new UserError(CMD_TEXT.openTooLong);
  const timing: Timing =
    every === 'day' ? { kind: 'daily', time } : every === 'week' ? { kind: 'weekly', weekday: o.getInteger('weekday') ?? 1, time } : { kind: 'monthly', monthDay: o.getInteger('day') ?? 1, time };
  const channelId = targetChannel(interaction);
  const roleId = roleOption(interaction);
  const { timezone } = await getSettings(ctx.db, interaction.guildId!);
  const next = nextRuns(timing, timezone, ctx.clock.now(), 1)[0];
  if (next === undefined) throw new UserError(CMD_TEXT.badTime);
  await service.schedule(survey, { timing, channelId, roleId, openForMs: openFor, createdBy: interaction.user.id });
  await interaction.reply({ content: CMD_TEXT.recurring(survey.id, next), flags: MessageFlags.Ephemeral });
}

async function autocomplete(ctx: FeatureContext, interaction: AutocompleteInteraction): Promise<void> {
  const settings = await getSettings(ctx.db, interaction.guildId!);
  if (!isStaff(interaction, settings.staffRoleId)) {
    await interaction.respond([]);
    return;
  }
  const typed = String(interaction.options.getFocused()).replace(/^#/, '').trim();
  const sub = interaction.options.getSubcommand(false);
  const status = sub === 'start' ? 'draft' : sub === 'close' || sub === 'remind' ? 'open' : undefined;
  const surveys = await listSurveys(ctx.db, interaction.guildId!, { ...(status ? { status } : {}), search: typed, limit: 25 });
  await interaction.respond(
    surveys.map((s) => {
      const label = `#${s.id} · ${s.status === 'open' ? '' : s.status === 'closed' ? '(closed) ' : '(not started) '}${s.title}`;
      return { name: label.length > 100 ? `${label.slice(0, 99)}…` : label, value: s.id };
    }),
  );
}

export function commandRoutes(service: SurveyService, ctx: FeatureContext): Routes {
  const subcommands: Record<string, (i: Command) => Promise<void>> = {
    create: (i) => create(service, i),
    start: (i) => start(service, i, ctx),
    close: (i) => close(service, i),
    list: (i) => list(service, i, ctx),
    results: (i) => results(service, i),
    export: (i) => exportCsv(service, i),
    delete: (i) => remove(service, i, ctx),
    remind: (i) => remind(service, i),
    recur: (i) => recur(service, i, ctx),
  };
  return {
    commands: {
      async survey(interaction) {
        const settings = await getSettings(ctx.db, interaction.guildId!);
        requireStaff(interaction, settings.staffRoleId);
        const handler = subcommands[interaction.options.getSubcommand(true)];
        if (!handler) throw new UserError('This command is not available any more.');
        await handler(interaction);
      },
    },
    autocomplete: { survey: (interaction) => autocomplete(ctx, interaction) },
  };
}
