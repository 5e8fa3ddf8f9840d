// /feedback handlers, the submit modal, vote buttons and "Capture as feedback": options in, service, reply.
import { AttachmentBuilder, ComponentType, MessageFlags, TextInputStyle, type AutocompleteInteraction, type ChatInputCommandInteraction, type ModalSubmitInteraction, type RepliableInteraction } from 'discord.js';
import { z } from 'zod';
import { CAPTURE_COMMAND, feedbackCommand } from '../../commands/feedback.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { focusOf, subcommandRoutes, type ArgsOf, type SubcommandOf } from '../discord/options.js';
import { componentRoute, modalRoute, type Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { languageOf, msg, render, t, type Language, type MessageKey } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { isOptedOut } from '../activity/privacy-store.js';
import { charCount, ellipsize, fitLines, truncateChars } from '../text.js';
import { ANONYMOUS_AUTHOR, canSeeItem, captureTitle, categoryName, isClosed, isStatus, LIMITS } from './feedback.js';
import { firstDecisionAt, firstResponseAt } from './figures.js';
import { defaultCategories, exportCsv, listLine, showEmbed, statusName, VOTE_KIND, type ExportRow } from './render.js';
import { FeedbackError, type FeedbackService } from './service.js';
import { addCategory, listCategories, removeCategory } from './categories-store.js';
import { countItems, exportItems, findItems, searchChoices } from './figures-store.js';
import { getItem, statusHistory, threadFigures, votesOf, type Item } from './store.js';

/** The reply after a submit or a capture: the thread when the post is up, else a promise. */
function postedText(lang: Language, item: Item, captured: boolean): string {
  if (captured && item.authorId === ANONYMOUS_AUTHOR) {
    // A capture of an opted-out member's message: the capturer is told why it names nobody.
    const posted = item.postState === 'posted' ? t(lang, 'feedback.reply.capturedAnonymous', { id: item.id, thread: item.threadId ?? '' }) : t(lang, 'feedback.reply.capturedPending', { id: item.id });
    return `${posted} ${t(lang, 'feedback.reply.capturedAnonymousNote')}`;
  }
  if (captured) return item.postState === 'posted' ? t(lang, 'feedback.reply.captured', { id: item.id, author: item.authorId, thread: item.threadId ?? '' }) : t(lang, 'feedback.reply.capturedPending', { id: item.id });
  return item.postState === 'posted' ? t(lang, 'feedback.reply.posted', { id: item.id, thread: item.threadId ?? '' }) : t(lang, 'feedback.reply.postedPending', { id: item.id });
}

export interface FeedbackRouteDeps {
  db: Executor;
  clock: Clock;
  service: FeedbackService;
}

type Args<S extends SubcommandOf<typeof feedbackCommand>> = ArgsOf<typeof feedbackCommand, S>;

const SUBMIT_KIND = 'fb-submit';
const LIST_LIMIT = 20;
/** The most items an export holds: the newest ones (docs/feedback.md). */
const EXPORT_LIMIT = 10_000;

/** The server's categories: on first use, the starting ones in the server's language. */
async function categoriesOf(deps: FeedbackRouteDeps, guildId: string): Promise<string[]> {
  return listCategories(deps.db, guildId, deps.clock.now(), defaultCategories(await deps.service.language(guildId)));
}

/** Runs a service call, turning its readable failures into UserError for the router. */
async function attempt<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof FeedbackError) throw new UserError(err.text);
    throw err;
  }
}

async function reply(interaction: RepliableInteraction, content: string): Promise<void> {
  const body = { content, allowedMentions: { parse: [] } };
  if (interaction.deferred) await interaction.editReply(body);
  else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
}

async function itemOf(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, id: number): Promise<Item> {
  const item = await getItem(deps.db, id);
  if (!item || item.guildId !== interaction.guildId) throw new UserError(msg('feedback.error.missing', { id }));
  return item;
}

/** Who is asking, for canSeeItem. */
async function viewerOf(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction | AutocompleteInteraction): Promise<{ userId: string; staff: boolean }> {
  return { userId: interaction.user.id, staff: isStaff(interaction, (await getSettings(deps.db, interaction.guildId!)).staffRoleId) };
}

async function submitModal(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  // Before the form, not after it: what the member typed would be lost (the submit checks again).
  const settings = await getSettings(deps.db, interaction.guildId!);
  if (!settings.feedbackChannelId) throw new UserError(msg('feedback.error.noChannel'));
  await attempt(deps.service.requireUnderLimit(interaction.guildId!, interaction.user.id, isStaff(interaction, settings.staffRoleId)));
  // A channel Pulse cannot post in is said now, as the submit would say it. The form must open
  // within Discord's 3 seconds: a channel not in the cache that Discord is slow to describe is
  // left to the submit's own check.
  const refusal = await Promise.race([deps.service.channelRefusal(interaction.guildId!, settings.feedbackChannelId), waitFor(CHANNEL_CHECK_MS, null)]);
  if (refusal) throw new UserError(refusal);
  const categories = await categoriesOf(deps, interaction.guildId!);
  const lang = languageOf(interaction.locale);
  await interaction.showModal({
    custom_id: encodeCustomId(SUBMIT_KIND),
    title: t(lang, 'feedback.modal.title'),
    components: [
      { type: ComponentType.Label, label: t(lang, 'feedback.modal.titleLabel'), component: { type: ComponentType.TextInput, custom_id: 'title', style: TextInputStyle.Short, min_length: 1, max_length: LIMITS.title, required: true, placeholder: t(lang, 'feedback.modal.titlePlaceholder') } },
      { type: ComponentType.Label, label: t(lang, 'feedback.modal.detailsLabel'), component: { type: ComponentType.TextInput, custom_id: 'details', style: TextInputStyle.Paragraph, min_length: 1, max_length: LIMITS.details, required: true, placeholder: t(lang, 'feedback.modal.detailsPlaceholder') } },
      {
        type: ComponentType.Label,
        label: t(lang, 'feedback.field.category'),
        component: { type: ComponentType.StringSelect, custom_id: 'category', min_values: 1, max_values: 1, required: true, options: categories.slice(0, 25).map((c) => ({ label: c, value: c })) },
      },
    ],
  });
}

/** How long the submit form waits on the channel check (see submitModal). */
const CHANNEL_CHECK_MS = 1_500;

const waitFor = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(resolve, ms, value).unref());

async function onSubmit(deps: FeedbackRouteDeps, interaction: ModalSubmitInteraction): Promise<void> {
  const title = interaction.fields.getTextInputValue('title').trim();
  const details = interaction.fields.getTextInputValue('details').trim();
  try {
    await submitForm(deps, interaction, title, details);
  } catch (err) {
    // Refused after the form (the channel, the limit or the categories changed since it opened):
    // nothing was kept, so what the member wrote goes back to them with the reason, to copy.
    // Not when the item was saved (a post Discord refused: it is posted once staff fix the channel).
    const text = err instanceof UserError && err.text?.key !== 'feedback.error.refusedSaved' ? err.in(languageOf(interaction.locale)) : null;
    if (text === null) throw err;
    const lang = languageOf(interaction.locale);
    const body = { content: text, embeds: [{ author: { name: t(lang, 'feedback.error.keptText') }, title: title || '—', description: details || '—' }], allowedMentions: { parse: [] } };
    if (interaction.deferred) await interaction.editReply(body);
    else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
  }
}

async function submitForm(deps: FeedbackRouteDeps, interaction: ModalSubmitInteraction, title: string, details: string): Promise<void> {
  const [category] = interaction.fields.getStringSelectValues('category');
  // Counted as Discord counts the modal's max_length (an emoji is one character), so what the form took is never refused here.
  if (title.length < 1 || charCount(title) > LIMITS.title) throw new UserError(msg('feedback.error.badTitle', { max: LIMITS.title }));
  if (charCount(details) > LIMITS.details) throw new UserError(msg('feedback.error.badDetails', { max: LIMITS.details }));
  const categories = await categoriesOf(deps, interaction.guildId!);
  if (!category || !categories.includes(category)) throw new UserError(msg('feedback.error.badCategory'));
  const byStaff = isStaff(interaction, (await getSettings(deps.db, interaction.guildId!)).staffRoleId);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { item } = await attempt(deps.service.submit({ guildId: interaction.guildId!, authorId: interaction.user.id, title, details: details || title, category, byStaff }));
  await reply(interaction, postedText(languageOf(interaction.locale), item, false));
}

async function onList(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, args: Args<'list'>): Promise<void> {
  const lang = languageOf(interaction.locale);
  const status = args.status;
  if (status !== null && !isStatus(status)) throw new UserError(msg('feedback.error.unknownStatus'));
  const category = args.category;
  const sort = args.sort ?? 'top';
  const viewer = await viewerOf(deps, interaction);
  // Items not on Discord (still being posted, or refused) are listed to whoever may see them, marked so.
  // Filtered, counted and sorted in SQL over all the server's items: the oldest ones too.
  const { items, total } = await findItems(deps.db, interaction.guildId!, { viewer, status, category, sort: sort === 'waiting' || sort === 'new' ? sort : 'top', limit: LIST_LIMIT });
  if (items.length === 0) return reply(interaction, t(lang, 'feedback.list.empty'));
  // Whole lines within the description's 4,096 characters, then how many items are not listed.
  const lines = items.map((i) => listLine(i, lang, viewer.staff));
  const description = fitLines('', lines, (count) => t(lang, 'feedback.list.more', { count }), Math.max(0, total - items.length), 4096);
  await interaction.reply({ embeds: [{ title: t(lang, 'feedback.list.title', { count: total }), description }], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function onShow(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, args: Args<'show'>): Promise<void> {
  const item = await itemOf(deps, interaction, args.item);
  // Another member's unposted item answers as a missing one: never public, it stays unseen.
  const viewer = await viewerOf(deps, interaction);
  if (!canSeeItem(item, viewer)) throw new UserError(msg('feedback.error.missing', { id: item.id }));
  const [votes, history, thread] = await Promise.all([votesOf(deps.db, item.id), statusHistory(deps.db, item.id), threadFigures(deps.db, item)]);
  const first = firstResponseAt({ changes: history.filter((c) => c.byStaff).map((c) => ({ at: c.at, to: c.to, byStaff: true })), staffReplies: thread.firstStaffReplyAt === null ? [] : [thread.firstStaffReplyAt] });
  await interaction.reply({ embeds: [showEmbed(item, votes, history, thread, first, languageOf(interaction.locale), viewer.staff)], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

/** What the staff member is told of the author's notice, by how it went (store.ts markNotified); none when the author made the change or is anonymous. */
const AUTHOR_TOLD: Record<string, MessageKey | undefined> = {
  dm: 'feedback.reply.authorTold',
  thread: 'feedback.reply.authorTold',
  failed: 'feedback.reply.authorNotTold',
  sending: 'feedback.reply.authorPending',
  pending: 'feedback.reply.authorPending',
};

async function onStatus(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, args: Args<'status'>): Promise<void> {
  const item = await itemOf(deps, interaction, args.item);
  const to = args.status;
  if (!isStatus(to)) throw new UserError(msg('feedback.error.unknownStatus'));
  const reason = truncateChars(args.reason?.trim() ?? '', LIMITS.reason) || null;
  const duplicateOf = args.duplicate_of;
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await attempt(deps.service.setStatus({ guildId: interaction.guildId!, itemId: item.id, to, by: interaction.user.id, reason, duplicateOf }));
  const lang = languageOf(interaction.locale);
  const status = statusName(lang, to);
  if (!result.change) return reply(interaction, t(lang, 'feedback.reply.statusSame', { id: item.id, status }));
  const moved = result.change.duplicateOf !== null ? ` ${t(lang, 'feedback.reply.votesMoved', { count: result.movedVotes, original: result.change.duplicateOf })}` : '';
  const told = AUTHOR_TOLD[result.change.notified ?? 'pending'];
  const refused = result.change.applyError ? ` ${t(lang, 'feedback.reply.applyFailed', { error: result.change.applyError })}` : '';
  // An item Discord never took: closed, it is never posted; reopened, it is posted now.
  const unposted = item.postState !== 'posted' ? ` ${t(lang, isClosed(to) ? 'feedback.reply.unpostedClosed' : 'feedback.reply.unpostedReopened')}` : '';
  await reply(interaction, `${t(lang, 'feedback.reply.statusSet', { id: item.id, status })}${moved}${told ? ` ${t(lang, told)}` : ''}${refused}${unposted}`);
}

async function onExport(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  // Read in a few grouped queries, not a few per item: an export holds the newest 10,000 items
  // (a file Discord takes); the reply says how many older ones it left out.
  const rows: ExportRow[] = (await exportItems(deps.db, interaction.guildId!, EXPORT_LIMIT)).map((item) => ({
    item,
    votes: item.votes,
    history: item.history,
    thread: item.thread,
    firstResponseAt: item.firstResponseAt,
    firstDecisionAt: firstDecisionAt({ changes: item.history }),
  }));
  const lang = languageOf(interaction.locale);
  const left = rows.length < EXPORT_LIMIT ? 0 : (await countItems(deps.db, interaction.guildId!)) - rows.length;
  const content = t(lang, 'feedback.reply.exported', { count: rows.length }) + (left > 0 ? ` ${t(lang, 'feedback.reply.exportLeftOut', { count: left, max: EXPORT_LIMIT })}` : '');
  await interaction.editReply({ content, files: [new AttachmentBuilder(Buffer.from(exportCsv(rows), 'utf8'), { name: 'feedback.csv' })], allowedMentions: { parse: [] } });
}

async function onCategoriesList(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const names = await categoriesOf(deps, interaction.guildId!);
  return reply(interaction, t(languageOf(interaction.locale), 'feedback.categories.list', { names: names.map((n) => `**${n}**`).join(', ') }));
}

/** The category a staff member typed, cleaned, with the server's current list. */
async function categoryArg(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, typed: string): Promise<{ name: string; current: string[] }> {
  const name = categoryName(typed);
  if (!name) throw new UserError(msg('feedback.categories.bad', { max: LIMITS.category }));
  return { name, current: await categoriesOf(deps, interaction.guildId!) };
}

async function onCategoriesAdd(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, args: Args<'categories add'>): Promise<void> {
  const { name, current } = await categoryArg(deps, interaction, args.name);
  if (current.length >= LIMITS.categories) throw new UserError(msg('feedback.categories.max', { max: LIMITS.categories }));
  const lang = languageOf(interaction.locale);
  return reply(interaction, (await addCategory(deps.db, interaction.guildId!, name, deps.clock.now(), defaultCategories(await deps.service.language(interaction.guildId!)))) ? t(lang, 'feedback.categories.added', { name }) : t(lang, 'feedback.categories.exists', { name }));
}

async function onCategoriesRemove(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, args: Args<'categories remove'>): Promise<void> {
  const { name, current } = await categoryArg(deps, interaction, args.name);
  const exact = current.find((c) => c.toLowerCase() === name.toLowerCase());
  if (!exact) throw new UserError(msg('feedback.categories.missing', { name }));
  if (current.length <= 1) throw new UserError(msg('feedback.categories.last'));
  await removeCategory(deps.db, interaction.guildId!, exact);
  return reply(interaction, t(languageOf(interaction.locale), 'feedback.categories.removed', { name: exact }));
}

export function feedbackRoutes(deps: FeedbackRouteDeps): Routes {
  /** A subcommand for staff only. */
  const staff =
    <A>(handle: (interaction: ChatInputCommandInteraction, args: A) => Promise<void>) =>
    async (interaction: ChatInputCommandInteraction, args: A): Promise<void> => {
      const settings = await getSettings(deps.db, interaction.guildId!);
      requireStaff(interaction, settings.staffRoleId);
      await handle(interaction, args);
    };
  return {
    commands: {
      feedback: subcommandRoutes(feedbackCommand, {
        submit: (i) => submitModal(deps, i),
        list: (i, args) => onList(deps, i, args),
        show: (i, args) => onShow(deps, i, args),
        status: staff((i, args: Args<'status'>) => onStatus(deps, i, args)),
        export: staff((i) => onExport(deps, i)),
        'categories list': staff((i) => onCategoriesList(deps, i)),
        'categories add': staff((i, args: Args<'categories add'>) => onCategoriesAdd(deps, i, args)),
        'categories remove': staff((i, args: Args<'categories remove'>) => onCategoriesRemove(deps, i, args)),
      }),
    },
    messageCommands: {
      async [CAPTURE_COMMAND](interaction) {
        const settings = await getSettings(deps.db, interaction.guildId!);
        const byStaff = isStaff(interaction, settings.staffRoleId);
        if (settings.feedbackCaptureStaffOnly && !byStaff) throw new UserError(msg('feedback.error.captureStaffOnly'));
        // The message comes whole in the interaction payload, text included: no privileged intent needed.
        const message = interaction.targetMessage;
        if (message.author.bot || message.webhookId) throw new UserError(msg('feedback.error.captureBot'));
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const categories = await categoriesOf(deps, interaction.guildId!);
        const content = message.content.trim();
        // The item is public: its fallback title and placeholder text are in the server's language.
        const serverLang = serverLanguage(settings, interaction.guildLocale);
        // A member who opted out of Pulse is not recorded: the text the capturer chose to keep
        // becomes an item credited to the anonymous author (named nowhere, told of nothing).
        const optedOut = await isOptedOut(deps.db, interaction.guildId!, message.author.id);
        const { item, existing } = await attempt(
          deps.service.submit({
            guildId: interaction.guildId!,
            authorId: optedOut ? ANONYMOUS_AUTHOR : message.author.id,
            // A message with no text gets a title that names no one: a username put there would
            // stay public (thread name, lists, digests, exports) after its author opts out.
            title: captureTitle(content, t(serverLang, 'feedback.capture.fallbackTitleAnonymous')),
            details: content ? truncateChars(content, LIMITS.details) : t(serverLang, 'feedback.capture.noText'),
            category: categories[0] ?? defaultCategories(serverLang)[0]!,
            capture: { by: interaction.user.id, channelId: message.channelId, messageId: message.id },
            byStaff,
          }),
        );
        const lang = languageOf(interaction.locale);
        await reply(interaction, existing ? t(lang, item.threadId ? 'feedback.reply.alreadyCapturedThread' : 'feedback.reply.alreadyCaptured', { id: item.id, thread: item.threadId ?? '' }) : postedText(lang, item, true));
      },
    },
    modals: {
      [SUBMIT_KIND]: modalRoute({ args: z.tuple([]), handle: (interaction) => onSubmit(deps, interaction) }),
    },
    components: {
      [VOTE_KIND]: componentRoute({
        args: z.tuple([idArg.int, z.enum(['up', 'down'])]),
        async handle(interaction, [itemId, dir]) {
          // (The click's message: a vote counts only from the item's own post, never from a
          // custom_id crafted to name another item.)
          const receipt = await attempt(deps.service.vote(interaction.guildId!, itemId, interaction.user.id, dir === 'up' ? 1 : -1, interaction.message.id));
          await interaction.reply({ content: render(languageOf(interaction.locale), receipt), flags: MessageFlags.Ephemeral });
        },
      }),
    },
    autocomplete: {
      async feedback(interaction) {
        const focused = focusOf(interaction, feedbackCommand);
        const typed = focused.value.replace(/^#/, '').trim().toLowerCase();
        if (focused.name === 'category' || focused.name === 'name') {
          const names = await categoriesOf(deps, interaction.guildId!);
          await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
          return;
        }
        const viewer = await viewerOf(deps, interaction);
        // Numbers, titles and statuses only: no votes or answers are read for a suggestion. Any
        // item the member may see can be found, however old.
        const matches = await searchChoices(deps.db, interaction.guildId!, viewer, typed, 25);
        const lang = languageOf(interaction.locale);
        // The title is shortened, never the number or the status (a choice's name holds 100 characters).
        const choice = (i: (typeof matches)[number]) => {
          const status = ` (${statusName(lang, i.status)})`;
          return `#${i.id} ${ellipsize(i.title, 100 - `#${i.id} `.length - status.length)}${status}`;
        };
        await interaction.respond(matches.map((i) => ({ name: choice(i), value: i.id })));
      },
    },
  };
}
