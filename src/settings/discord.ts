// /settings and /pulse about.
import { ChannelType, EmbedBuilder, MessageFlags, PermissionFlagsBits, RESTJSONErrorCodes, Routes as Api, type APIEmoji, type ChatInputCommandInteraction, type Client, type Guild } from 'discord.js';
import { pulseCommand } from '../../commands/pulse.js';
import { settingsCommand } from '../../commands/settings.js';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { DB } from '../db/schema.js';
import { isCode, UserError } from '../discord/errors.js';
import { formatList, isLanguage, languageOf, languages, msg, optionName, SOURCE_LANGUAGE, t, type Language } from '../i18n/index.js';
import { focusOf, subcommandRoutes, type ArgsOf, type ChannelArg } from '../discord/options.js';
import { botMissing, botPermission, missingPermissions, requireBotCan, type NamedPermission } from '../discord/permissions.js';
import type { Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { flagEmojiSchema, timeZoneSchema } from './schemas.js';
import { clearPatch, clearableSettings, customEmoji, serverLanguage, settingLimits, type ClearableSetting, type GuildSettings, type SettingsPatch } from './settings.js';
import { changeIgnoredChannel, getSettings, updateSettings } from './store.js';
import { languageHint, modChannelHint, setupHints } from './hints.js';
import { searchTimeZones, zoneSearchText } from '../zone.js';
import { zoneByName, zoneNames, zoneNamesIfBuilt, type ZoneNames } from '../zone-names.js';

export interface SettingsDeps {
  db: Kysely<DB>;
  clock: Clock;
}

/**
 * The settings as an embed, in the reader's language; `guildLocale` explains the default language,
 * `toFix` lists the settings that stopped working (settingsToFix).
 */
export function renderSettings(s: GuildSettings, lang: Language = 'en', guildLocale: string | null = null, toFix: readonly string[] = []): EmbedBuilder {
  const channel = (id: string | null) => (id ? `<#${id}>` : t(lang, 'settings.value.notSet'));
  const language = serverLanguage(s, guildLocale);
  const embed = new EmbedBuilder().setTitle(t(lang, 'settings.title')).addFields(
    { name: t(lang, 'settings.field.staffChannel'), value: channel(s.staffChannelId), inline: true },
    { name: t(lang, 'settings.field.modChannel'), value: channel(s.modChannelId), inline: true },
    { name: t(lang, 'settings.field.feedbackChannel'), value: channel(s.feedbackChannelId), inline: true },
    { name: t(lang, 'settings.field.staffRole'), value: s.staffRoleId ? `<@&${s.staffRoleId}>` : t(lang, 'settings.value.staffRoleNotSet'), inline: true },
    { name: t(lang, 'settings.field.timezone'), value: s.timezone, inline: true },
    {
      name: t(lang, 'settings.field.language'),
      value: s.language ? languages[language].label : t(lang, 'settings.value.languageDefault', { language: languages[language].label }),
      inline: true,
    },
    { name: t(lang, 'settings.field.flagEmoji'), value: s.flagEmoji, inline: true },
    { name: t(lang, 'settings.field.flagThreshold'), value: t(lang, 'settings.value.members', { count: s.flagThreshold }), inline: true },
    { name: t(lang, 'settings.field.flagDailyLimit'), value: t(lang, 'settings.value.number', { count: s.flagDailyLimit }), inline: true },
    { name: t(lang, 'settings.field.flagMaxAge'), value: t(lang, 'settings.value.hours', { count: s.flagMaxAgeHours }), inline: true },
    { name: t(lang, 'settings.field.feedbackCapture'), value: t(lang, s.feedbackCaptureStaffOnly ? 'settings.value.captureStaff' : 'settings.value.captureEveryone'), inline: true },
    { name: t(lang, 'settings.field.feedbackLock'), value: t(lang, s.feedbackLockOnClose ? 'settings.value.lockYes' : 'settings.value.lockNo'), inline: true },
    { name: t(lang, 'settings.field.feedbackWaiting'), value: t(lang, 'settings.value.waitingHours', { count: s.feedbackWaitingHours }), inline: true },
    { name: t(lang, 'settings.field.feedbackDailyLimit'), value: t(lang, 'settings.value.number', { count: s.feedbackDailyLimit }), inline: true },
  );
  // Up to 100 ignored channels: as many fields as they take, each within Discord's 1,024 characters.
  for (const value of s.ignoredChannelIds.length ? fieldValues(s.ignoredChannelIds.map((id) => `<#${id}>`)) : [t(lang, 'settings.value.none')]) {
    embed.addFields({ name: t(lang, 'settings.field.ignoredChannels'), value });
  }
  addFieldsOf(embed, t(lang, 'settings.fix.title'), toFix);
  return embed;
}

/**
 * Items joined by `separator` into as few embed field values as hold them (1,024 characters
 * each). An item is never cut: a line cut short would lose its end and leave its bold open.
 */
function fieldValues(items: readonly string[], separator = ' '): string[] {
  const values: string[] = [];
  for (const item of items) {
    const last = values.at(-1);
    if (last !== undefined && last.length + separator.length + item.length <= 1024) values[values.length - 1] = `${last}${separator}${item}`;
    else values.push(item);
  }
  return values;
}

/** Lines as fields under one name, split between whole lines where one field cannot hold them all. */
function addFieldsOf(embed: EmbedBuilder, name: string, lines: readonly string[]): void {
  for (const value of fieldValues(lines, '\n')) embed.addFields({ name, value });
}

type ChannelSetting = 'staff_channel' | 'mod_channel' | 'feedback_channel';

/** What the bot needs in the channel a setting points to, by the channel's type. */
function channelNeeds(option: ChannelSetting, type: ChannelType): readonly NamedPermission[] {
  const { view, send, embed, attach, createThreads, sendInThreads, manageThreads, manageChannels, history } = botPermission;
  // Feedback posts: a thread per item (forum posts, or threads on the item's message), tags
  // created on the forum and changed on posts, threads archived and locked on decisions.
  if (option === 'feedback_channel') {
    return type === ChannelType.GuildForum ? [view, send, embed, sendInThreads, manageThreads, manageChannels] : [view, send, embed, history, createThreads, sendInThreads, manageThreads];
  }
  if (type === ChannelType.GuildForum) return [view, send, createThreads];
  // The staff channel gets the digests, whose chart is an attached image.
  return option === 'staff_channel' ? [view, send, embed, attach] : [view, send, embed];
}

/** The bot must be able to post where staff point it: checked against its own permissions. */
function requirePostable(interaction: ChatInputCommandInteraction, option: ChannelSetting, chosen: ChannelArg | null): string | null {
  if (!chosen) return null;
  requireBotCan(interaction.guild, chosen.id, channelNeeds(option, chosen.type));
  return chosen.id;
}

/**
 * The settings that stopped working since they were set, one line each in the reader's language:
 * a channel or the staff role deleted, a channel where the bot lost a permission it needs there,
 * or a moderation channel everyone can read. Nothing when the server is not cached (nothing
 * known to report).
 */
export function settingsToFix(guild: Guild | null, s: GuildSettings, lang: Language): string[] {
  if (!guild) return [];
  const lines: string[] = [];
  const channels: Array<[ChannelSetting, string | null, 'settings.field.staffChannel' | 'settings.field.modChannel' | 'settings.field.feedbackChannel']> = [
    ['staff_channel', s.staffChannelId, 'settings.field.staffChannel'],
    ['mod_channel', s.modChannelId, 'settings.field.modChannel'],
    ['feedback_channel', s.feedbackChannelId, 'settings.field.feedbackChannel'],
  ];
  for (const [option, id, label] of channels) {
    if (!id) continue;
    const setting = t(lang, label);
    const channel = guild.channels.cache.get(id);
    if (!channel) {
      lines.push(t(lang, 'settings.fix.channelGone', { setting }));
      continue;
    }
    // Null: the bot's own member is not cached yet; Discord tells at send time.
    const missing = botMissing(guild, id, channelNeeds(option, channel.type));
    if (missing?.length) lines.push(t(lang, 'settings.fix.channelMissing', { setting, channel: id, missing: formatList(lang, missing.map((key) => t(lang, key))) }));
    // Case messages name who flagged privately, and what they wrote: for moderators' eyes only.
    if (option === 'mod_channel' && 'permissionsFor' in channel && channel.permissionsFor(guild.roles.everyone)?.has(PermissionFlagsBits.ViewChannel)) {
      lines.push(t(lang, 'settings.fix.modChannelPublic', { setting, channel: id }));
    }
  }
  // Roles all come with the server, so one missing from the cache was deleted.
  if (s.staffRoleId && !guild.roles.cache.has(s.staffRoleId)) lines.push(t(lang, 'settings.fix.roleGone', { setting: t(lang, 'settings.field.staffRole') }));
  return lines;
}

/**
 * The staff role decides who is staff, so only Manage Server (or Administrator, which includes
 * it) may change or clear it: a member who is staff through the role alone could otherwise hand
 * staff powers to any role, or take them from the other moderators.
 */
function requireManageServerForStaffRole(interaction: ChatInputCommandInteraction): void {
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) throw new UserError(msg('settings.error.staffRoleManageServer'));
}

async function handleSet(interaction: ChatInputCommandInteraction, deps: SettingsDeps, args: ArgsOf<typeof settingsCommand, 'set'>): Promise<GuildSettings> {
  // Refused before anything else: the whole change is refused, none of it saved.
  if (args.staff_role) requireManageServerForStaffRole(interaction);
  const patch: SettingsPatch = {};
  const staffChannel = requirePostable(interaction, 'staff_channel', args.staff_channel);
  if (staffChannel) patch.staffChannelId = staffChannel;
  const modChannel = requirePostable(interaction, 'mod_channel', args.mod_channel);
  if (modChannel) patch.modChannelId = modChannel;
  const feedbackChannel = requirePostable(interaction, 'feedback_channel', args.feedback_channel);
  if (feedbackChannel) patch.feedbackChannelId = feedbackChannel;
  const tz = args.timezone;
  if (tz !== null) {
    // An IANA name as timeZoneSchema takes it, else the one zone with that name in the member's
    // language ('Москва'), typed without picking it from the list.
    let parsed = timeZoneSchema.safeParse(tz);
    const local = parsed.success ? null : zoneByName(tz, await zoneNames(languageOf(interaction.locale)));
    if (local) parsed = timeZoneSchema.safeParse(local);
    if (!parsed.success) throw new UserError(msg('settings.error.timezone', { zone: tz.slice(0, 64) }));
    patch.timezone = parsed.data;
    patch.timezoneChosen = true;
  }
  const emoji = args.flag_emoji;
  if (emoji !== null) patch.flagEmoji = await flagEmojiSetting(interaction, emoji);
  const threshold = args.flag_threshold;
  if (threshold !== null) patch.flagThreshold = boundedInt(threshold, 1, 50, 'flag_threshold');
  const daily = args.flag_daily_limit;
  if (daily !== null) patch.flagDailyLimit = boundedInt(daily, 1, 1000, 'flag_daily_limit');
  const age = args.flag_max_age_hours;
  if (age !== null) patch.flagMaxAgeHours = boundedInt(age, 1, 8760, 'flag_max_age_hours');
  const captureStaffOnly = args.feedback_capture_staff_only;
  if (captureStaffOnly !== null) patch.feedbackCaptureStaffOnly = captureStaffOnly;
  const lockOnClose = args.feedback_lock_on_close;
  if (lockOnClose !== null) patch.feedbackLockOnClose = lockOnClose;
  const waiting = args.feedback_waiting_hours;
  if (waiting !== null) patch.feedbackWaitingHours = boundedInt(waiting, settingLimits.feedbackWaitingHours.min, settingLimits.feedbackWaitingHours.max, 'feedback_waiting_hours');
  const feedbackDaily = args.feedback_daily_limit;
  if (feedbackDaily !== null) patch.feedbackDailyLimit = boundedInt(feedbackDaily, settingLimits.feedbackDailyLimit.min, settingLimits.feedbackDailyLimit.max, 'feedback_daily_limit');
  const role = args.staff_role;
  if (role) {
    if (role.id === interaction.guildId) throw new UserError(msg('settings.error.everyoneRole'));
    patch.staffRoleId = role.id;
  }
  const language = args.language;
  if (language !== null) {
    if (!isLanguage(language)) throw new UserError(msg('settings.error.language'));
    patch.language = language;
  }
  if (Object.keys(patch).length === 0) throw new UserError(msg('settings.error.nothing'));
  return updateSettings(deps.db, interaction.guildId!, patch, deps.clock.now());
}

/**
 * The flag emoji to store: one emoji, or a custom emoji of this server, looked up on Discord
 * (Pulse caches no emojis) and written with the server's own name for it. An emoji of another
 * server, a deleted one or one the server can no longer use could never match a reaction.
 */
async function flagEmojiSetting(interaction: ChatInputCommandInteraction, typed: string): Promise<string> {
  const refused = () => new UserError(msg('settings.error.flagEmoji'));
  const parsed = flagEmojiSchema.safeParse(typed);
  if (!parsed.success) throw refused();
  const custom = customEmoji(parsed.data);
  if (!custom) return parsed.data;
  const found = (await interaction.client.rest.get(Api.guildEmoji(interaction.guildId!, custom.id)).catch((err: unknown) => {
    if (isCode(err, RESTJSONErrorCodes.UnknownEmoji)) return null;
    throw err;
  })) as APIEmoji | null;
  if (!found?.id || !found.name || found.id !== custom.id || found.available === false) throw refused();
  return `<${found.animated ? 'a' : ''}:${found.name}:${found.id}>`;
}

/** A time zone as the autocomplete shows it: its IANA name, and in Spanish or Russian its name there. */
function zoneChoiceName(zone: string, lang: Language, local: ZoneNames | undefined): string {
  const name = lang === SOURCE_LANGUAGE ? undefined : local?.get(zone)?.[0];
  const city = zone.slice(zone.lastIndexOf('/') + 1);
  // Discord's limit for a choice's name is 100 characters.
  return name && zoneSearchText(name) !== zoneSearchText(city) ? `${zone} · ${name}`.slice(0, 100) : zone;
}

/** Discord enforces option ranges in its client, but a crafted request can skip them. */
function boundedInt(value: number, min: number, max: number, option: string): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new UserError(msg('settings.error.range', { name: optionName(`settings set ${option}`), min, max }));
  return value;
}

/** The flag settings: saving one while no moderation channel is set gets the warning that cases go unseen. */
const FLAG_SETTINGS = ['flag_emoji', 'flag_threshold', 'flag_daily_limit', 'flag_max_age_hours'] as const;

export function settingsRoutes(deps: SettingsDeps): Routes {
  /**
   * Staff only; answers with the settings as they now are, a note on what changed, and the setup
   * hints that apply: the language everyone's posts are in (while staff have not chosen one and
   * it is not the reader's), and, when `flags` (a flag setting changed, or /settings show), that
   * no moderation channel is set.
   */
  const answer =
    <A>(change: (interaction: ChatInputCommandInteraction, args: A, current: GuildSettings, lang: Language) => Promise<{ next: GuildSettings; note: string; flags?: boolean }>) =>
    async (interaction: ChatInputCommandInteraction, args: A) => {
      const current = await getSettings(deps.db, interaction.guildId!);
      requireStaff(interaction, current.staffRoleId);
      const lang = languageOf(interaction.locale);
      const { next, note, flags } = await change(interaction, args, current, lang);
      const toFix = settingsToFix(interaction.guild, next, lang);
      const hints = setupHints(languageHint(lang, next, interaction.guildLocale), flags ? modChannelHint(lang, next) : null);
      const content = [note, ...hints].filter(Boolean).join('\n');
      await interaction.reply({ content: content || undefined, embeds: [renderSettings(next, lang, interaction.guildLocale, toFix)], flags: MessageFlags.Ephemeral });
    };
  const ignoring = (ignore: boolean) =>
    answer<ArgsOf<typeof settingsCommand, 'ignore-channel' | 'unignore-channel'>>(async (interaction, args, _current, lang) => {
      const target = args.channel.id;
      // Read and written in one transaction: `current` may be stale by now (another change at once).
      const { settings: next, tooMany } = await changeIgnoredChannel(deps.db, interaction.guildId!, { channelId: target, ignore, max: 100, now: deps.clock.now() });
      if (tooMany) throw new UserError(msg('settings.error.tooManyIgnored', { max: 100 }));
      return { next, note: t(lang, ignore ? 'settings.ignored' : 'settings.unignored', { channel: target }) };
    });
  return {
    commands: {
      settings: subcommandRoutes(settingsCommand, {
        show: answer(async (_interaction, _args, current) => ({ next: current, note: '', flags: true })),
        set: answer(async (interaction, args: ArgsOf<typeof settingsCommand, 'set'>, _current, lang) => ({
          next: await handleSet(interaction, deps, args),
          note: t(lang, 'settings.saved'),
          flags: FLAG_SETTINGS.some((name) => args[name] !== null),
        })),
        'ignore-channel': ignoring(true),
        'unignore-channel': ignoring(false),
        clear: answer(async (interaction, args: ArgsOf<typeof settingsCommand, 'clear'>, _current, lang) => {
          const setting = args.setting;
          if (!(clearableSettings as readonly string[]).includes(setting)) throw new UserError(msg('settings.error.unknownSetting'));
          if (setting === 'staff_role') requireManageServerForStaffRole(interaction);
          const next = await updateSettings(deps.db, interaction.guildId!, clearPatch(setting as ClearableSetting), deps.clock.now());
          // Clearing the moderation channel (or resetting a flag setting) leaves new cases unseen.
          return { next, note: t(lang, 'settings.cleared'), flags: setting === 'mod_channel' || (FLAG_SETTINGS as readonly string[]).includes(setting) };
        }),
      }),
    },
    autocomplete: {
      async settings(interaction) {
        // Current IANA names ('Asia/Kolkata', not ICU's 'Asia/Calcutta'), found in any case, with
        // spaces, or by their name in the member's language ('Москва', 'Германия'), which a Spanish
        // or Russian member also sees next to each ('Europe/Moscow · Москва').
        const lang = languageOf(interaction.locale);
        const local = zoneNamesIfBuilt(lang);
        const matches = searchTimeZones(focusOf(interaction, settingsCommand).value, 25, local);
        await interaction.respond(matches.map((z) => ({ name: zoneChoiceName(z, lang, local), value: z })));
      },
    },
  };
}

/** What staff should grant, from the bot's server-wide permissions (null: not known yet). */
function permissionsNote(lang: Language, granted: bigint | null): string[] {
  if (granted === null) return [t(lang, 'about.permissions.unknown')];
  const missing = missingPermissions(granted);
  if (missing.length === 0) return [t(lang, 'about.permissions.none')];
  return [t(lang, 'about.permissions.missing', { count: missing.length }), ...missing.map((p) => `- **${t(lang, p.name)}**: ${t(lang, p.why)}`)];
}

export function aboutRoutes(client: () => Client, db?: Kysely<DB>): Routes {
  return {
    commands: {
      pulse: subcommandRoutes(pulseCommand, {
        async about(interaction) {
          const lang = languageOf(interaction.locale);
          const embed = new EmbedBuilder().setTitle(t(lang, 'about.title')).setDescription(t(lang, 'about.description'));
          // Staff only: what to grant so every feature works, and how many servers this
          // installation serves (the operator's business, not every member's).
          const settings = db && interaction.guildId ? await getSettings(db, interaction.guildId) : null;
          if (settings && isStaff(interaction, settings.staffRoleId)) {
            const me = interaction.guild?.members.me;
            // In Spanish or Russian the whole list outgrows one field (1,024 characters): split, never cut.
            addFieldsOf(embed, t(lang, 'about.permissions.title'), permissionsNote(lang, me ? me.permissions.bitfield : null));
            // Server-wide permissions are not all: a channel or role set may be gone, or the bot shut out of a channel.
            addFieldsOf(embed, t(lang, 'settings.fix.title'), settingsToFix(interaction.guild, settings, lang));
            embed.setFooter({ text: t(lang, 'about.footer', { count: client().guilds.cache.size }) });
          }
          await interaction.reply({ embeds: [embed], flags: MessageFlags.Ephemeral });
        },
      }),
    },
  };
}
