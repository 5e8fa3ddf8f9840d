// /survey's subcommands (staff) and the survey-id autocomplete.
import { AttachmentBuilder, ChannelType, MessageFlags, RESTJSONErrorCodes, Routes as Api, DiscordAPIError, type AutocompleteInteraction, type ChatInputCommandInteraction } from 'discord.js';
import { surveyCommand } from '../../commands/survey.js';
import type { FeatureContext } from '../feature.js';
import { normalizeTime, nextRuns, type Timing } from '../digests/schedule.js';
import { UserError } from '../discord/errors.js';
import { languageOf, msg, render, t, type Text } from '../i18n/index.js';
import { botPermission, requireBotCan } from '../discord/permissions.js';
import { focusOf, subcommandRoutes, type ArgsOf, type SubcommandOf } from '../discord/options.js';
import type { Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { languageHint, timeZoneHint } from '../settings/hints.js';
import { getSettings } from '../settings/store.js';
import { resultsEmbed, surveyLine } from './discord-render.js';
import { SurveyRefusal, type SurveyService } from './service.js';
import { countSurveys, listSurveys, pausedSchedules, submittedCount, type Survey } from './store.js';
import { parseDefinition, parseDuration, type DefinitionInput } from './survey.js';
import { template, TEMPLATE_NAMES, type TemplateName } from './templates.js';
import { discordTime, ellipsize, fitLines, plainText, truncate } from '../text.js';
import { answerDeadline } from '../workers/pool.js';

type Command = ChatInputCommandInteraction;
type Args<S extends SubcommandOf<typeof surveyCommand>> = ArgsOf<typeof surveyCommand, S>;

const MAX_FILE_BYTES = 64 * 1024;
const DAY = 86_400_000;


/** What /survey says, as catalogue messages: thrown as UserErrors or rendered with `say`. */
export const CMD_TEXT = {
  pickOne: msg('surveys.cmd.pickOne'),
  badFile: msg('surveys.cmd.badFile'),
  fileUnreadable: msg('surveys.cmd.fileUnreadable'),
  notJson: (why: string) => msg('surveys.cmd.notJson', { why }),
  notUtf8: msg('surveys.cmd.notUtf8'),
  // The definition's problems name JSON fields, so they stay as the checker words them.
  invalid: (errors: string[]) => msg('surveys.cmd.invalid', { errors: truncate(errors.map((e) => `• ${e}`).join('\n'), 1700) }),
  created: (s: Survey, count: number) => msg('surveys.cmd.created', { id: s.id, title: plainText(s.title), count, anonymous: s.anonymous ? msg('surveys.cmd.createdAnonymous') : '' }),
  closesInPast: msg('surveys.cmd.closesInPast'),
  closesBeforeOpens: (opens: number) => msg('surveys.cmd.closesBeforeOpens', { when: discordTime(opens, 'F') }),
  runBeforeOpens: (opens: number) => msg('surveys.cmd.runBeforeOpens', { when: discordTime(opens, 'F') }),
  badDuration: msg('surveys.cmd.badDuration'),
  badOpenFor: msg('surveys.cmd.badOpenFor'),
  channelType: (id: string) => msg('surveys.cmd.channelType', { channel: id }),
  unknownRole: (id: string) => msg('surveys.cmd.unknownRole', { role: id }),
  started: (s: Survey) =>
    s.closesAt ? msg('surveys.cmd.startedCloses', { id: s.id, channel: s.channelId ?? '', when: discordTime(s.closesAt, 'R') }) : msg('surveys.cmd.started', { id: s.id, channel: s.channelId ?? '' }),
  closedNow: (id: number) => msg('surveys.cmd.closedNow', { id }),
  notOpen: (id: number) => msg('surveys.cmd.notOpen', { id }),
  none: msg('surveys.cmd.none'),
  exported: (s: Survey, rows: number) => msg('surveys.cmd.exported', { id: s.id, count: rows }),
  // Says exactly what went: the survey and its responses, and the schedules made from it if any.
  // A deleted run's schedule goes on (it belongs to the survey it copies): the reply says how to stop it.
  deleted: (id: number, gone: { stopped: number; runOf: number | null }) =>
    gone.runOf !== null
      ? msg('surveys.cmd.deletedRun', { id, source: gone.runOf })
      : msg(gone.stopped ? 'surveys.cmd.deleted' : 'surveys.cmd.deletedPlain', { id }),
  reminded: (sent: number, failed: number) => (failed ? msg('surveys.cmd.remindedFailed', { count: sent, failed }) : msg('surveys.cmd.reminded', { count: sent })),
  // Members who saved answers within the last hour are still answering, most likely: not reminded yet.
  remindWaiting: (count: number) => msg('surveys.cmd.remindWaiting', { count }),
  recurStopped: (id: number, n: number) => msg(n ? 'surveys.cmd.recurStopped' : 'surveys.cmd.recurNone', { id }),
  badTime: msg('surveys.cmd.badTime'),
  openTooLong: msg('surveys.cmd.openTooLong'),
  recurring: (id: number, next: number) => msg('surveys.cmd.recurring', { id, when: discordTime(next, 'F') }),
  chartsCut: (n: number) => msg('surveys.cmd.chartsCut', { count: n }),
} as const;

/** A message in the language of the member who ran the command. */
function say(interaction: { locale: string }, text: Text): string {
  return render(languageOf(interaction.locale), text);
}

function refusing<T>(work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    throw err instanceof SurveyRefusal ? new UserError(err.texts.length === 1 ? err.texts[0]! : err.message) : err;
  });
}

async function surveyFor(service: SurveyService, interaction: Command, args: { survey: number }): Promise<Survey> {
  return refusing(service.get(interaction.guildId!, args.survey));
}

/**
 * A file's text if it is UTF-8 (a leading byte order mark is dropped), else null: UTF-16 (its
 * byte order mark, or the NUL bytes it puts beside ASCII) and bytes UTF-8 cannot hold (a file
 * saved as Windows-1251 or Latin-1). Decoding those anyway would store "�" in the survey's text.
 */
function utf8Text(bytes: Uint8Array): string | null {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff) || bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

async function readDefinition(interaction: Command, args: Args<'create'>): Promise<DefinitionInput> {
  const name = args.template as TemplateName | null;
  const file = args.file;
  if ((name === null) === (file === null)) throw new UserError(CMD_TEXT.pickOne);
  if (name) {
    if (!TEMPLATE_NAMES.includes(name)) throw new UserError(CMD_TEXT.pickOne);
    return template(name, languageOf(interaction.locale));
  }
  if (!file!.name.toLowerCase().endsWith('.json') || file!.size > MAX_FILE_BYTES) throw new UserError(CMD_TEXT.badFile);
  let bytes: Uint8Array;
  try {
    const response = await fetch(file!.url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(String(response.status));
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch {
    throw new UserError(CMD_TEXT.fileUnreadable);
  }
  if (bytes.byteLength > MAX_FILE_BYTES) throw new UserError(CMD_TEXT.badFile);
  const text = utf8Text(bytes);
  if (text === null) throw new UserError(CMD_TEXT.notUtf8);
  try {
    return JSON.parse(text) as DefinitionInput;
  } catch (err) {
    throw new UserError(CMD_TEXT.notJson(err instanceof Error ? truncate(err.message, 200) : 'parse error'));
  }
}

async function create(service: SurveyService, interaction: Command, args: Args<'create'>): Promise<void> {
  // Downloading the file may outlast Discord's 3 seconds: acknowledge first, privately, so the
  // answer (the survey, or what is wrong with the file) always reaches the staff member.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const input = (await readDefinition(interaction, args)) as Record<string, unknown>;
  const { title, anonymous } = args;
  if (title !== null && typeof input === 'object' && input) input['title'] = title;
  if (anonymous !== null && typeof input === 'object' && input) input['anonymous'] = anonymous;
  const parsed = parseDefinition(input);
  if (!parsed.ok) throw new UserError(CMD_TEXT.invalid(parsed.errors));
  const survey = await service.create(interaction.guildId!, interaction.user.id, parsed.value);
  await interaction.editReply({ content: say(interaction, CMD_TEXT.created(survey, parsed.value.questions.length)), allowedMentions: { parse: [] } });
}

function targetChannel(interaction: Command, args: Args<'start' | 'recur'>): string {
  const chosen = args.channel;
  const id = chosen?.id ?? interaction.channelId;
  const channel = interaction.guild?.channels.cache.get(id);
  if (channel && channel.type !== ChannelType.GuildText && channel.type !== ChannelType.GuildAnnouncement) throw new UserError(CMD_TEXT.channelType(id));
  requireBotCan(interaction.guild, id, [botPermission.view, botPermission.send, botPermission.embed]);
  return id;
}

function roleOption(interaction: Command, args: Args<'start' | 'recur'>): string | null {
  const role = args.role;
  if (!role || role.id === interaction.guildId) return null;
  if (!interaction.guild?.roles.cache.has(role.id)) throw new UserError(CMD_TEXT.unknownRole(role.id));
  return role.id;
}

/** The definition's `opens` time, if it has one. */
function opensOf(survey: Survey): number | null {
  return survey.definition.opens ? Date.parse(survey.definition.opens) : null;
}

async function start(service: SurveyService, interaction: Command, args: Args<'start'>, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  const closesIn = args.closes_in;
  const ms = closesIn === null ? null : parseDuration(closesIn);
  if (closesIn !== null && ms === null) throw new UserError(CMD_TEXT.badDuration);
  const channelId = targetChannel(interaction, args);
  const roleId = roleOption(interaction, args);
  const closes = ms !== null ? ctx.clock.now() + ms : survey.definition.closes ? Date.parse(survey.definition.closes) : null;
  if (closes !== null && closes <= ctx.clock.now()) throw new UserError(CMD_TEXT.closesInPast);
  // A survey that closes at or before its definition's `opens` could never take an answer.
  const opens = opensOf(survey);
  if (closes !== null && opens !== null && closes <= opens) throw new UserError(CMD_TEXT.closesBeforeOpens(opens));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const started = await refusing(service.start(survey, { channelId, roleId, closesAt: closes }));
  // The card is in the server's language: say which, while staff have not chosen one and it is not the reader's.
  const hint = languageHint(languageOf(interaction.locale), await getSettings(ctx.db, interaction.guildId!), interaction.guildLocale);
  await interaction.editReply(say(interaction, CMD_TEXT.started(started)) + (hint ? `\n${hint}` : ''));
}

async function close(service: SurveyService, interaction: Command, args: Args<'close'>): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  if (survey.status !== 'open') throw new UserError(CMD_TEXT.notOpen(survey.id));
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  await service.close(survey.id, interaction.user.id);
  await interaction.editReply(say(interaction, CMD_TEXT.closedNow(survey.id)));
}

async function list(service: SurveyService, interaction: Command, ctx: FeatureContext): Promise<void> {
  const surveys = await listSurveys(ctx.db, interaction.guildId!, { limit: 25 });
  if (surveys.length === 0) {
    await interaction.reply({ content: say(interaction, CMD_TEXT.none), flags: MessageFlags.Ephemeral });
    return;
  }
  const lang = languageOf(interaction.locale);
  const lines: string[] = [];
  const paused = await pausedSchedules(ctx.db, interaction.guildId!);
  for (const s of surveys) lines.push(surveyLine(lang, s, await submittedCount(ctx.db, s.id), paused.get(s.id) ?? null));
  // The true remainder: the surveys past the latest 25 too.
  const beyond = (await countSurveys(ctx.db, interaction.guildId!)) - surveys.length;
  const content = fitLines(t(lang, 'surveys.list.header'), lines, (count) => t(lang, 'surveys.list.more', { count }), beyond);
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function results(service: SurveyService, interaction: Command, args: Args<'results'>, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  // Charts take a moment: defer within Discord's 3 seconds.
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // The embed answers one staff member (their language); the charts follow the server's, like everything shared.
  const lang = languageOf(interaction.locale);
  const serverLang = await service.language(interaction.guildId!);
  const r = await service.results(survey, lang);
  const forCharts = serverLang === lang ? r : await service.results(survey, serverLang);
  // Drawn in the worker pool (the renderer never loads on the gateway's thread).
  const charts = await ctx.pool.run('survey-charts', { questions: forCharts.questions, language: serverLang }, { waitUntil: answerDeadline() });
  const files = charts.slice(0, 10).map((c) => new AttachmentBuilder(Buffer.from(c.png.buffer, c.png.byteOffset, c.png.byteLength), { name: `survey-${survey.id}-${c.id}.png` }));
  await interaction.editReply({ content: charts.length > 10 ? say(interaction, CMD_TEXT.chartsCut(charts.length)) : '', embeds: [resultsEmbed(lang, r)], files, allowedMentions: { parse: [] } });
}

async function exportCsv(service: SurveyService, interaction: Command, args: Args<'export'>): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  const { csv, rows } = await service.exportCsv(survey);
  const file = new AttachmentBuilder(Buffer.from(csv, 'utf8'), { name: `survey-${survey.id}.csv` });
  await interaction.reply({ content: say(interaction, CMD_TEXT.exported(survey, rows)) + (survey.anonymous ? say(interaction, msg('surveys.cmd.exportedAnonymous')) : ''), files: [file], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function remove(service: SurveyService, interaction: Command, args: Args<'delete'>, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const gone = await service.remove(survey);
  if (survey.channelId && survey.messageId) {
    await ctx.client.rest.delete(Api.channelMessage(survey.channelId, survey.messageId)).catch((err: unknown) => {
      if (!(err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage)) ctx.logger.warn({ err, survey: survey.id }, 'surveys.card-delete-failed');
    });
  }
  await interaction.editReply(say(interaction, CMD_TEXT.deleted(survey.id, gone)));
}

async function remind(service: SurveyService, interaction: Command, args: Args<'remind'>): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { sent, failed, waiting } = await refusing(service.remind(survey));
  await interaction.editReply(say(interaction, CMD_TEXT.reminded(sent, failed)) + (waiting ? ` ${say(interaction, CMD_TEXT.remindWaiting(waiting))}` : ''));
}

const PERIOD_MS = { day: DAY, week: 7 * DAY, month: 28 * DAY } as const;

async function recur(service: SurveyService, interaction: Command, args: Args<'recur'>, ctx: FeatureContext): Promise<void> {
  const survey = await surveyFor(service, interaction, args);
  const every = args.every;
  if (every === 'stop') {
    const n = await service.stopRecurring(survey);
    await interaction.reply({ content: say(interaction, CMD_TEXT.recurStopped(survey.id, n)), flags: MessageFlags.Ephemeral });
    return;
  }
  if (every !== 'day' && every !== 'week' && every !== 'month') throw new UserError(CMD_TEXT.badTime);
  const time = normalizeTime(args.time ?? '09:00');
  if (!time) throw new UserError(CMD_TEXT.badTime);
  const openForText = args.open_for;
  const openFor = openForText === null ? Math.min(3 * DAY, PERIOD_MS[every] - 3_600_000) : parseDuration(openForText);
  if (openFor === null) throw new UserError(CMD_TEXT.badOpenFor);
  if (openFor >= PERIOD_MS[every]) throw new UserError(CMD_TEXT.openTooLong);
  const timing: Timing =
    every === 'day' ? { kind: 'daily', time } : every === 'week' ? { kind: 'weekly', weekday: args.weekday ?? 1, time } : { kind: 'monthly', monthDay: args.day ?? 1, time };
  const channelId = targetChannel(interaction, args);
  const roleId = roleOption(interaction, args);
  const settings = await getSettings(ctx.db, interaction.guildId!);
  const { timezone } = settings;
  const next = nextRuns(timing, timezone, ctx.clock.now(), 1)[0];
  if (next === undefined) throw new UserError(CMD_TEXT.badTime);
  // Each run copies the definition, its `opens` too: a first run that closes by then takes no answers (later runs close later).
  const opens = opensOf(survey);
  if (opens !== null && next + openFor <= opens) throw new UserError(CMD_TEXT.runBeforeOpens(opens));
  await service.schedule(survey, { timing, channelId, roleId, openForMs: openFor, createdBy: interaction.user.id });
  // The time given is the server's zone's: say so while that is still the default (UTC).
  const hint = timeZoneHint(languageOf(interaction.locale), settings);
  await interaction.reply({ content: say(interaction, CMD_TEXT.recurring(survey.id, next)) + (hint ? `\n${hint}` : ''), flags: MessageFlags.Ephemeral });
}

async function autocomplete(ctx: FeatureContext, interaction: AutocompleteInteraction): Promise<void> {
  const settings = await getSettings(ctx.db, interaction.guildId!);
  if (!isStaff(interaction, settings.staffRoleId)) {
    await interaction.respond([]);
    return;
  }
  const focus = focusOf(interaction, surveyCommand);
  const typed = focus.value.replace(/^#/, '').trim();
  const sub = focus.subcommand;
  const status = sub === 'start' ? 'draft' : sub === 'close' || sub === 'remind' ? 'open' : undefined;
  const surveys = await listSurveys(ctx.db, interaction.guildId!, { ...(status ? { status } : {}), search: typed, limit: 25 });
  const lang = languageOf(interaction.locale);
  const mark = { open: '', closed: `${t(lang, 'surveys.autocomplete.closed')} `, draft: `${t(lang, 'surveys.autocomplete.draft')} ` } as const;
  await interaction.respond(
    surveys.map((s) => {
      const label = `#${s.id} · ${mark[s.status]}${s.title}`;
      return { name: ellipsize(label, 100), value: s.id };
    }),
  );
}

export function commandRoutes(service: SurveyService, ctx: FeatureContext): Routes {
  /** Every /survey subcommand is for staff. */
  const staff =
    <A>(handle: (interaction: Command, args: A) => Promise<void>) =>
    async (interaction: Command, args: A): Promise<void> => {
      const settings = await getSettings(ctx.db, interaction.guildId!);
      requireStaff(interaction, settings.staffRoleId);
      await handle(interaction, args);
    };
  return {
    commands: {
      survey: subcommandRoutes(surveyCommand, {
        create: staff((i, args: Args<'create'>) => create(service, i, args)),
        start: staff((i, args: Args<'start'>) => start(service, i, args, ctx)),
        close: staff((i, args: Args<'close'>) => close(service, i, args)),
        list: staff((i) => list(service, i, ctx)),
        results: staff((i, args: Args<'results'>) => results(service, i, args, ctx)),
        export: staff((i, args: Args<'export'>) => exportCsv(service, i, args)),
        delete: staff((i, args: Args<'delete'>) => remove(service, i, args, ctx)),
        remind: staff((i, args: Args<'remind'>) => remind(service, i, args)),
        recur: staff((i, args: Args<'recur'>) => recur(service, i, args, ctx)),
      }),
    },
    autocomplete: { survey: (interaction) => autocomplete(ctx, interaction) },
  };
}
