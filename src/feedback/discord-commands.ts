// /feedback handlers, the submit modal, vote buttons and "Capture as feedback": options in, service, reply.
import { AttachmentBuilder, ComponentType, MessageFlags, TextInputStyle, type ChatInputCommandInteraction, type ModalSubmitInteraction, type RepliableInteraction } from 'discord.js';
import { z } from 'zod';
import { CAPTURE_COMMAND } from '../../commands/feedback.js';
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import { encodeCustomId, idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { componentRoute, modalRoute, type Routes } from '../discord/router.js';
import { isStaff, requireStaff } from '../discord/staff.js';
import { getSettings } from '../settings/store.js';
import { captureTitle, categoryName, isClosed, isStatus, LIMITS, STATUS_LABEL, type Status } from './feedback.js';
import { firstDecisionAt, firstResponseAt } from './figures.js';
import { exportCsv, listLine, showEmbed, VOTE_KIND, type ExportRow } from './render.js';
import { FeedbackError, type FeedbackService } from './service.js';
import { addCategory, listCategories, removeCategory } from './categories-store.js';
import { listItems } from './figures-store.js';
import { getItem, statusHistory, threadFigures, votesOf, type Item } from './store.js';

/** Every user-visible text of this file, in one place. */
const text = {
  modalTitle: 'Submit feedback',
  titleLabel: 'Title',
  titlePlaceholder: 'In a few words: what should change?',
  detailsLabel: 'Details',
  detailsPlaceholder: 'What problem does it solve? How would it work?',
  categoryLabel: 'Category',
  badTitle: `The title must be 1 to ${LIMITS.title} characters.`,
  badDetails: `The details must be at most ${LIMITS.details} characters.`,
  badCategory: 'Pick one of the categories in the list (they may have changed: open the form again).',
  posted: (item: Item) => (item.postState === 'posted' ? `Thanks! Your feedback is **#${item.id}**: <#${item.threadId}>.` : `Thanks! Your feedback is **#${item.id}**; it will be posted in a moment (Discord did not take it yet).`),
  captured: (item: Item) => (item.postState === 'posted' ? `Captured as **#${item.id}**, credited to <@${item.authorId}>: <#${item.threadId}>.` : `Captured as **#${item.id}**; it will be posted in a moment.`),
  alreadyCaptured: (item: Item) => `This message is already feedback item **#${item.id}**${item.threadId ? `: <#${item.threadId}>` : ''}.`,
  captureStaffOnly: 'Only staff can capture messages as feedback here.',
  captureBot: "Only members' messages can be captured as feedback.",
  captureNoText: '(This message has no text: see the original.)',
  captureFallbackTitle: (name: string) => `Feedback from ${name}`,
  statusSame: (id: number, s: Status) => `Item #${id} is already **${STATUS_LABEL[s]}**: nothing changed.`,
  statusSet: (id: number, s: Status, moved: number, original: number | null) =>
    `Item #${id} is now **${STATUS_LABEL[s]}**.${original !== null ? ` ${moved} vote(s) moved to #${original}.` : ''} The author has been told.`,
  unknownStatus: 'Choose a status from the list.',
  missing: (id: number) => `There is no feedback item #${id} in this server.`,
  listEmpty: 'No feedback items match.',
  listTitle: (n: number) => `Feedback (${n} item${n === 1 ? '' : 's'})`,
  listMore: (n: number) => `and ${n} more: narrow the list with status or category.`,
  exported: (n: number) => `${n} feedback item(s), as CSV.`,
  categories: (names: string[]) => `Categories: ${names.map((n) => `**${n}**`).join(', ')}`,
  categoryAdded: (name: string) => `Category **${name}** added.`,
  categoryExists: (name: string) => `There is already a category **${name}**.`,
  categoryRemoved: (name: string) => `Category **${name}** removed; items that have it keep it.`,
  categoryMissing: (name: string) => `There is no category **${name}**.`,
  categoryLast: 'Keep at least one category.',
  categoryBad: `A category name is 1 to ${LIMITS.category} characters.`,
  categoryMax: `At most ${LIMITS.categories} categories (forum posts show them as tags, 20 at most per forum).`,
} as const;

export interface FeedbackRouteDeps {
  db: Executor;
  clock: Clock;
  service: FeedbackService;
}

const SUBMIT_KIND = 'fb-submit';
const LIST_LIMIT = 20;

/** Runs a service call, turning its readable failures into UserError for the router. */
async function attempt<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof FeedbackError) throw new UserError(err.message);
    throw err;
  }
}

async function reply(interaction: RepliableInteraction, content: string): Promise<void> {
  const body = { content, allowedMentions: { parse: [] } };
  if (interaction.deferred) await interaction.editReply(body);
  else await interaction.reply({ ...body, flags: MessageFlags.Ephemeral });
}

async function itemOf(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction, name: string): Promise<Item> {
  const id = interaction.options.getInteger(name, true);
  const item = await getItem(deps.db, id);
  if (!item || item.guildId !== interaction.guildId) throw new UserError(text.missing(id));
  return item;
}

async function submitModal(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const categories = await listCategories(deps.db, interaction.guildId!, deps.clock.now());
  await interaction.showModal({
    custom_id: encodeCustomId(SUBMIT_KIND),
    title: text.modalTitle,
    components: [
      { type: ComponentType.Label, label: text.titleLabel, component: { type: ComponentType.TextInput, custom_id: 'title', style: TextInputStyle.Short, min_length: 1, max_length: LIMITS.title, required: true, placeholder: text.titlePlaceholder } },
      { type: ComponentType.Label, label: text.detailsLabel, component: { type: ComponentType.TextInput, custom_id: 'details', style: TextInputStyle.Paragraph, min_length: 1, max_length: LIMITS.details, required: true, placeholder: text.detailsPlaceholder } },
      {
        type: ComponentType.Label,
        label: text.categoryLabel,
        component: { type: ComponentType.StringSelect, custom_id: 'category', min_values: 1, max_values: 1, required: true, options: categories.slice(0, 25).map((c) => ({ label: c, value: c })) },
      },
    ],
  });
}

async function onSubmit(deps: FeedbackRouteDeps, interaction: ModalSubmitInteraction): Promise<void> {
  const title = interaction.fields.getTextInputValue('title').trim();
  const details = interaction.fields.getTextInputValue('details').trim();
  const [category] = interaction.fields.getStringSelectValues('category');
  if (title.length < 1 || title.length > LIMITS.title) throw new UserError(text.badTitle);
  if (details.length > LIMITS.details) throw new UserError(text.badDetails);
  const categories = await listCategories(deps.db, interaction.guildId!, deps.clock.now());
  if (!category || !categories.includes(category)) throw new UserError(text.badCategory);
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const { item } = await attempt(deps.service.submit({ guildId: interaction.guildId!, authorId: interaction.user.id, title, details: details || title, category }));
  await reply(interaction, text.posted(item));
}

async function onList(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const status = interaction.options.getString('status');
  if (status !== null && !isStatus(status)) throw new UserError(text.unknownStatus);
  const category = interaction.options.getString('category');
  const sort = interaction.options.getString('sort') ?? 'top';
  let items = (await listItems(deps.db, interaction.guildId!)).filter((i) => i.postState === 'posted' || i.postState === 'pending');
  if (status) items = items.filter((i) => i.status === status);
  if (category) items = items.filter((i) => i.category.toLowerCase() === category.trim().toLowerCase());
  if (sort === 'waiting') items = items.filter((i) => i.firstResponseAt === null && !isClosed(i.status)).sort((a, b) => (a.openedAt ?? a.createdAt) - (b.openedAt ?? b.createdAt) || a.id - b.id);
  else if (sort === 'new') items.sort((a, b) => b.id - a.id);
  else items.sort((a, b) => b.votes.score - a.votes.score || b.votes.up - a.votes.up || a.id - b.id);
  if (items.length === 0) return reply(interaction, text.listEmpty);
  const lines = items.slice(0, LIST_LIMIT).map(listLine);
  if (items.length > LIST_LIMIT) lines.push(text.listMore(items.length - LIST_LIMIT));
  await interaction.reply({ embeds: [{ title: text.listTitle(items.length), description: lines.join('\n').slice(0, 4096) }], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function onShow(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const item = await itemOf(deps, interaction, 'item');
  const [votes, history, thread] = await Promise.all([votesOf(deps.db, item.id), statusHistory(deps.db, item.id), threadFigures(deps.db, item)]);
  const first = firstResponseAt({ changes: history.filter((c) => c.byStaff).map((c) => ({ at: c.at, to: c.to, byStaff: true })), staffReplies: thread.firstStaffReplyAt === null ? [] : [thread.firstStaffReplyAt] });
  await interaction.reply({ embeds: [showEmbed(item, votes, history, thread, first)], flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
}

async function onStatus(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const item = await itemOf(deps, interaction, 'item');
  const to = interaction.options.getString('status', true);
  if (!isStatus(to)) throw new UserError(text.unknownStatus);
  const reason = interaction.options.getString('reason')?.trim().slice(0, LIMITS.reason) || null;
  const duplicateOf = interaction.options.getInteger('duplicate_of');
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const result = await attempt(deps.service.setStatus({ guildId: interaction.guildId!, itemId: item.id, to, by: interaction.user.id, reason, duplicateOf }));
  await reply(interaction, result.change ? text.statusSet(item.id, to, result.movedVotes, result.change.duplicateOf) : text.statusSame(item.id, to));
}

async function onExport(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const items = (await listItems(deps.db, interaction.guildId!, 10_000)).sort((a, b) => a.id - b.id);
  const rows: ExportRow[] = [];
  for (const item of items) {
    const history = await statusHistory(deps.db, item.id);
    const thread = await threadFigures(deps.db, item);
    rows.push({ item, votes: item.votes, history, thread, firstResponseAt: item.firstResponseAt, firstDecisionAt: firstDecisionAt({ changes: history.map((c) => ({ at: c.at, to: c.to, byStaff: c.byStaff })) }) });
  }
  await interaction.editReply({ content: text.exported(rows.length), files: [new AttachmentBuilder(Buffer.from(exportCsv(rows), 'utf8'), { name: 'feedback.csv' })], allowedMentions: { parse: [] } });
}

async function onCategories(deps: FeedbackRouteDeps, interaction: ChatInputCommandInteraction): Promise<void> {
  const guildId = interaction.guildId!;
  const now = deps.clock.now();
  const sub = interaction.options.getSubcommand(true);
  if (sub === 'list') return reply(interaction, text.categories(await listCategories(deps.db, guildId, now)));
  const name = categoryName(interaction.options.getString('name', true));
  if (!name) throw new UserError(text.categoryBad);
  const current = await listCategories(deps.db, guildId, now);
  if (sub === 'add') {
    if (current.length >= LIMITS.categories) throw new UserError(text.categoryMax);
    return reply(interaction, (await addCategory(deps.db, guildId, name, now)) ? text.categoryAdded(name) : text.categoryExists(name));
  }
  const exact = current.find((c) => c.toLowerCase() === name.toLowerCase());
  if (!exact) throw new UserError(text.categoryMissing(name));
  if (current.length <= 1) throw new UserError(text.categoryLast);
  await removeCategory(deps.db, guildId, exact);
  return reply(interaction, text.categoryRemoved(exact));
}

export function feedbackRoutes(deps: FeedbackRouteDeps): Routes {
  return {
    commands: {
      async feedback(interaction) {
        const settings = await getSettings(deps.db, interaction.guildId!);
        const group = interaction.options.getSubcommandGroup(false);
        const sub = interaction.options.getSubcommand(true);
        if (group === 'categories') {
          requireStaff(interaction, settings.staffRoleId);
          return onCategories(deps, interaction);
        }
        switch (sub) {
          case 'submit':
            return submitModal(deps, interaction);
          case 'list':
            return onList(deps, interaction);
          case 'show':
            return onShow(deps, interaction);
          case 'status':
            requireStaff(interaction, settings.staffRoleId);
            return onStatus(deps, interaction);
          case 'export':
            requireStaff(interaction, settings.staffRoleId);
            return onExport(deps, interaction);
          default:
            throw new UserError('This command is not available any more.');
        }
      },
    },
    messageCommands: {
      async [CAPTURE_COMMAND](interaction) {
        const settings = await getSettings(deps.db, interaction.guildId!);
        if (settings.feedbackCaptureStaffOnly && !isStaff(interaction, settings.staffRoleId)) throw new UserError(text.captureStaffOnly);
        // The message comes whole in the interaction payload, text included: no privileged intent needed.
        const message = interaction.targetMessage;
        if (message.author.bot || message.webhookId) throw new UserError(text.captureBot);
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const categories = await listCategories(deps.db, interaction.guildId!, deps.clock.now());
        const content = message.content.trim();
        const { item, existing } = await attempt(
          deps.service.submit({
            guildId: interaction.guildId!,
            authorId: message.author.id,
            title: captureTitle(content, text.captureFallbackTitle(message.author.username)),
            details: content ? content.slice(0, LIMITS.details) : text.captureNoText,
            category: categories[0] ?? 'Other',
            capture: { by: interaction.user.id, channelId: message.channelId, messageId: message.id },
          }),
        );
        await reply(interaction, existing ? text.alreadyCaptured(item) : text.captured(item));
      },
    },
    modals: {
      [SUBMIT_KIND]: modalRoute({ args: z.tuple([]), handle: (interaction) => onSubmit(deps, interaction) }),
    },
    components: {
      [VOTE_KIND]: componentRoute({
        args: z.tuple([idArg.int, z.enum(['up', 'down'])]),
        async handle(interaction, [itemId, dir]) {
          const receipt = await attempt(deps.service.vote(interaction.guildId!, itemId, interaction.user.id, dir === 'up' ? 1 : -1));
          await interaction.reply({ content: receipt, flags: MessageFlags.Ephemeral });
        },
      }),
    },
    autocomplete: {
      async feedback(interaction) {
        const focused = interaction.options.getFocused(true);
        const typed = String(focused.value).replace(/^#/, '').trim().toLowerCase();
        if (focused.name === 'category' || focused.name === 'name') {
          const names = await listCategories(deps.db, interaction.guildId!, deps.clock.now());
          await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
          return;
        }
        const items = await listItems(deps.db, interaction.guildId!, 500);
        const matches = items.filter((i) => typed === '' || String(i.id).startsWith(typed) || i.title.toLowerCase().includes(typed)).slice(0, 25);
        await interaction.respond(matches.map((i) => ({ name: `#${i.id} ${i.title} (${STATUS_LABEL[i.status]})`.slice(0, 100), value: i.id })));
      },
    },
  };
}
