// What surveys look like in Discord: the card, the page modals (labels around radio/checkbox groups, selects, text), the paging message, results.
import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  CheckboxGroupBuilder,
  EmbedBuilder,
  LabelBuilder,
  ModalBuilder,
  RadioGroupBuilder,
  StringSelectMenuBuilder,
  TextInputBuilder,
  TextInputStyle,
  escapeMarkdown,
  type APIEmbed,
} from 'discord.js';
import { EMBED_LIMITS, embedLength } from '../digests/render.js';
import { encodeCustomId } from '../discord/custom-id.js';
import { formatNumber as formatCount, t, type Language } from '../i18n/index.js';
import { discordTime, ellipsize } from '../text.js';
import { formatNps, formatNumber, formatPercent, MIN_GROUP, type QuestionResult } from './scoring.js';
import type { CardState, Results, Step } from './service.js';
import type { Survey } from './store.js';
import { answerOf, choicesOf, LIMITS, visibleQuestions, widgetOf, type Answer, type Question } from './survey.js';

export const KIND = { take: 'survey-take', page: 'survey-page', open: 'survey-open', submit: 'survey-submit' } as const;
export const COLOR = 0x5865f2;

/** A member's or author's text cut to a Discord limit with "…", never through an emoji. */
const clip = ellipsize;


/** The card everyone sees, in the server's language (the author's title and intro as written). */
export function cardMessage({ survey, responses, lang, now }: CardState) {
  const def = survey.definition;
  const closed = survey.status === 'closed';
  const lines = [def.intro ? escapeMarkdown(def.intro) : null, survey.anonymous ? `🔒 ${t(lang, 'surveys.card.anonymous')}` : t(lang, 'surveys.card.named')].filter(Boolean);
  // "Opens" only while that time is still ahead: once past, the survey is simply open.
  const opensAt = def.opens ? Date.parse(def.opens) : null;
  const opens = opensAt !== null && opensAt > now && !closed ? t(lang, 'surveys.card.opens', { when: discordTime(opensAt, 'f') }) : null;
  const status = closed ? t(lang, 'surveys.card.closed') : [opens, survey.closesAt ? t(lang, 'surveys.card.closes', { when: discordTime(survey.closesAt, 'R') }) : null].filter(Boolean).join(' · ') || null;
  const facts = [t(lang, 'surveys.card.responses', { count: responses }), status, survey.roleId ? t(lang, 'surveys.card.onlyRole', { role: survey.roleId }) : null].filter(Boolean).join(' · ');
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(clip(def.title, 256))
    .setDescription(`${lines.join('\n\n')}\n\n${facts}`)
    .setFooter({ text: t(lang, 'surveys.card.footer', { id: survey.id }) });
  const button = new ButtonBuilder().setCustomId(encodeCustomId(KIND.take, survey.id)).setLabel(t(lang, 'surveys.card.take')).setStyle(ButtonStyle.Primary).setDisabled(closed);
  return { embeds: [embed.toJSON()], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button).toJSON()], allowedMentions: { parse: [] as [] } };
}

function isPicked(answer: Answer | undefined, value: string): boolean {
  if (answer === undefined) return false;
  return Array.isArray(answer) ? answer.map(String).includes(value) : String(answer) === value;
}

function labelFor(lang: Language, q: Question): LabelBuilder {
  const label = new LabelBuilder().setLabel(clip(q.label, LIMITS.label));
  const description = [q.description, q.required ? null : t(lang, 'surveys.page.optional')].filter(Boolean).join(' ');
  if (description) label.setDescription(clip(description, LIMITS.description));
  return label;
}

/** A page as a modal, prefilled with the member's saved answers; built-in labels in the member's language. */
export function pageModal(lang: Language, step: Step): ModalBuilder {
  const { survey, page, answers } = step;
  // Discord's 45 characters hold the title and, for a survey of several pages, " (2/3)" after it.
  const pageNote = step.total > 1 ? ` (${step.position}/${step.total})` : '';
  const title = clip(survey.definition.title, 45 - pageNote.length) + pageNote;
  const modal = new ModalBuilder().setCustomId(encodeCustomId(KIND.page, survey.id, page)).setTitle(clip(title, 45));
  for (const q of visibleQuestions(survey.definition, page, answers)) {
    const label = labelFor(lang, q);
    const current = answerOf(answers, q.id);
    const options = choicesOf(q, lang).map((c) => ({ label: clip(c.label, 100), value: c.value, default: isPicked(current, c.value) }));
    switch (widgetOf(q)) {
      case 'radio':
        label.setRadioGroupComponent(new RadioGroupBuilder().setCustomId(q.id).setRequired(q.required).addOptions(options));
        break;
      case 'checkbox-group': {
        const group = new CheckboxGroupBuilder().setCustomId(q.id).setRequired(q.required).addOptions(options);
        group.setMinValues(q.min ?? (q.required ? 1 : 0)).setMaxValues(q.max ?? options.length);
        label.setCheckboxGroupComponent(group);
        break;
      }
      case 'select':
      case 'multi-select': {
        const multi = widgetOf(q) === 'multi-select';
        const select = new StringSelectMenuBuilder().setCustomId(q.id).setRequired(q.required).addOptions(options);
        select.setMinValues(multi ? (q.min ?? (q.required ? 1 : 0)) : q.required ? 1 : 0).setMaxValues(multi ? (q.max ?? options.length) : 1);
        if (q.placeholder) select.setPlaceholder(q.placeholder);
        label.setStringSelectMenuComponent(select);
        break;
      }
      case 'short-text':
      case 'long-text': {
        const input = new TextInputBuilder()
          .setCustomId(q.id)
          .setStyle(q.type === 'long' ? TextInputStyle.Paragraph : TextInputStyle.Short)
          .setRequired(q.required)
          .setMaxLength(q.type === 'long' ? LIMITS.longText : LIMITS.shortText);
        if (typeof current === 'string' && current) input.setValue(current);
        if (q.placeholder) input.setPlaceholder(q.placeholder);
        label.setTextInputComponent(input);
        break;
      }
    }
    modal.addLabelComponents(label);
  }
  return modal;
}

/** The ephemeral message between pages: Back / Continue / Submit. */
export function pagingMessage(lang: Language, step: Step, resumed: boolean) {
  const { survey, page } = step;
  const position = step.position;
  // An edit of a submitted response: those answers count until this one is submitted, so never "nothing is sent".
  const header = t(lang, resumed ? (step.editing ? 'surveys.page.resumeEdit' : 'surveys.page.resume') : 'surveys.page.saved', { position, total: step.total });
  const status = step.missing.length ? t(lang, 'surveys.page.stillMissing', { count: step.missing.length }) : t(lang, step.editing ? 'surveys.page.readyEdit' : 'surveys.page.ready');
  // Every earlier page stays within reach: the page before this one, and this one again (each
  // reopened page's message leads one further back). At most four buttons: one row of five.
  const back = (to: number, n: number) => new ButtonBuilder().setCustomId(encodeCustomId(KIND.open, survey.id, to)).setLabel(t(lang, 'surveys.page.backTo', { n })).setStyle(ButtonStyle.Secondary);
  const buttons = step.previous !== null ? [back(step.previous, position - 1), back(page, position)] : [back(page, position)];
  if (step.next !== null) {
    buttons.push(new ButtonBuilder().setCustomId(encodeCustomId(KIND.open, survey.id, step.next)).setLabel(t(lang, 'surveys.page.continueTo', { n: position + 1 })).setStyle(ButtonStyle.Primary));
  }
  buttons.push(new ButtonBuilder().setCustomId(encodeCustomId(KIND.submit, survey.id)).setLabel(t(lang, 'surveys.page.submit')).setStyle(ButtonStyle.Success).setDisabled(step.missing.length > 0));
  return {
    content: `**${escapeMarkdown(clip(survey.definition.title, 200))}**\n${header} ${status}`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON()],
    allowedMentions: { parse: [] as [] },
  };
}

/** A question's field in the results: how many answered, its scores, the count of each choice. */
function questionValue(lang: Language, q: QuestionResult): string {
  if (q.counts.length === 0) return t(lang, 'surveys.results.textAnswers', { count: q.answered });
  const pct = (x: number | null) => formatPercent(x, lang);
  const lines = q.counts.map((c) => `${clip(c.label, 40)}: **${formatCount(lang, c.count)}**`);
  const stats = [
    q.mean !== null ? t(lang, 'surveys.results.meanMedian', { mean: formatNumber(q.mean, 2, lang), median: formatNumber(q.median, 2, lang) }) : null,
    q.nps !== null ? `NPS ${formatNps(q.nps)}` : null,
    q.csat !== null ? `CSAT ${pct(q.csat)}` : null,
  ].filter(Boolean);
  return `${t(lang, 'surveys.results.answered', { count: q.answered })}${stats.length ? ` · ${stats.join(' · ')}` : ''}\n${lines.join(' · ')}`;
}

/**
 * The staff results: one embed with the headline figures and a field per question. Questions that
 * do not fit are counted in a note; every answer is in the CSV export.
 */
export function resultsEmbed(lang: Language, r: Results): APIEmbed {
  const s = r.survey;
  const pct = (x: number | null) => formatPercent(x, lang);
  const num = (x: number | null) => formatNumber(x, 2, lang);
  const head = [
    t(lang, 'surveys.results.responses', { count: r.responses }) + (r.eligible !== null && r.rate !== null ? t(lang, 'surveys.results.ofEligible', { eligible: r.eligible, rate: pct(r.rate) }) : ''),
    r.nps !== null || s.definition.questions.some((q) => q.type === 'nps') ? `NPS **${formatNps(r.nps)}**` : null,
    r.csat !== null || s.definition.questions.some((q) => q.type === 'csat') ? `CSAT **${pct(r.csat)}**` : null,
    s.anonymous ? t(lang, 'surveys.results.anonymous') : null,
  ].filter(Boolean);
  const status = t(lang, s.status === 'closed' ? 'surveys.results.statusClosed' : s.status === 'open' ? 'surveys.results.statusOpen' : 'surveys.results.statusDraft');
  const title = clip(`#${s.id} · ${s.definition.title}`, 256);
  const description = head.join('\n');
  const footer = t(lang, 'surveys.results.footer', { status });
  const questionFields = r.questions.map((q) => ({ name: clip(q.label, 256), value: clip(questionValue(lang, q), 1024) }));
  let roleField: { name: string; value: string } | null = null;
  if (r.roles && r.roles.length) {
    const lines = r.roles.slice(0, 10).map((g) => {
      if (!g.scores) return t(lang, 'surveys.results.roleFew', { role: g.roleId, count: g.responses, min: MIN_GROUP });
      const scores = g.scores.map((x) =>
        x.nps !== null
          ? `${clip(x.label, 20)} NPS ${formatNps(x.nps)}`
          : x.csat !== null
            ? `${clip(x.label, 20)} CSAT ${pct(x.csat)}`
            : `${clip(x.label, 20)} ${t(lang, 'surveys.results.mean', { mean: num(x.mean) })}`,
      );
      return t(lang, 'surveys.results.roleLine', { role: g.roleId, count: g.responses, scores: scores.join(' · ') });
    });
    roleField = { name: t(lang, 'surveys.results.byRole'), value: clip(lines.join('\n'), 1024) };
  }
  // Discord refuses the whole reply (50035) past 6,000 characters or 25 fields in all, so the
  // questions fill what the headline figures and the by-role field leave, in order; the rest
  // are counted in a note that points to the CSV, which has every answer.
  const size = (f: { name: string; value: string }) => f.name.length + f.value.length;
  const fixed = embedLength({ title, description, footer: { text: footer }, fields: roleField ? [roleField] : [] });
  const more = (count: number) => (count ? `\n${t(lang, 'surveys.results.more', { count })}` : '');
  const room = EMBED_LIMITS.fields - (roleField ? 1 : 0);
  const shown: Array<{ name: string; value: string }> = [];
  let used = fixed;
  for (const field of questionFields) {
    if (shown.length === room || used + size(field) > EMBED_LIMITS.total) break;
    shown.push(field);
    used += size(field);
  }
  // Then make room for the note itself.
  while (shown.length && used + more(questionFields.length - shown.length).length > EMBED_LIMITS.total) used -= size(shown.pop()!);
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(title)
    .setDescription(description + more(questionFields.length - shown.length))
    .setFooter({ text: footer });
  if (shown.length) embed.addFields(shown);
  if (roleField) embed.addFields(roleField);
  return embed.toJSON();
}

/**
 * A survey's line in /survey list, with what staff must act on: a card the bot could not post (and
 * whether it still tries), and a recurring schedule it paused (`pausedReason`).
 */
export function surveyLine(lang: Language, s: Survey, responses: number, pausedReason: string | null = null): string {
  const status =
    s.status === 'open'
      ? s.closesAt
        ? t(lang, 'surveys.list.openCloses', { when: discordTime(s.closesAt, 'R') })
        : t(lang, 'surveys.list.open')
      : t(lang, s.status === 'closed' ? 'surveys.list.closed' : 'surveys.list.draft');
  const tags = `${s.anonymous ? t(lang, 'surveys.list.anonymous') : ''}${s.scheduleId ? t(lang, 'surveys.list.recurring') : ''}`;
  const reason = (text: string) => escapeMarkdown(clip(text, 200));
  const problems = [
    s.postError !== null && s.status === 'draft' && s.postFailedAt !== null ? t(lang, 'surveys.list.postFailed', { reason: reason(s.postError) }) : '',
    s.postError !== null && s.status === 'open' && s.messageId === null ? t(lang, 'surveys.list.postRetrying', { reason: reason(s.postError) }) : '',
    pausedReason !== null ? t(lang, 'surveys.list.recurPaused', { reason: reason(pausedReason) }) : '',
  ].join('');
  return `**#${s.id}** ${escapeMarkdown(clip(s.title, 80))} · ${status} · ${t(lang, 'surveys.card.responses', { count: responses })}${tags}${problems}`;
}
