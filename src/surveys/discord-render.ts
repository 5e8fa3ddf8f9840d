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
import { encodeCustomId } from '../discord/custom-id.js';
import { t, type Language } from '../i18n/index.js';
import { formatNps, formatNumber, formatPercent, MIN_GROUP } from './scoring.js';
import type { CardState, Results, Step } from './service.js';
import type { Survey } from './store.js';
import { choicesOf, LIMITS, visibleQuestions, widgetOf, type Answer, type Question } from './survey.js';

export const KIND = { take: 'survey-take', page: 'survey-page', open: 'survey-open', submit: 'survey-submit' } as const;
export const COLOR = 0x5865f2;


function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const stamp = (ms: number, style: 'R' | 'f') => `<t:${Math.floor(ms / 1000)}:${style}>`;

/** The card everyone sees, in the server's language (the author's title and intro as written). */
export function cardMessage({ survey, responses, lang }: CardState) {
  const def = survey.definition;
  const closed = survey.status === 'closed';
  const lines = [def.intro ? escapeMarkdown(def.intro) : null, survey.anonymous ? `🔒 ${t(lang, 'surveys.card.anonymous')}` : t(lang, 'surveys.card.named')].filter(Boolean);
  const opens = def.opens && !closed ? t(lang, 'surveys.card.opens', { when: stamp(Date.parse(def.opens), 'f') }) : null;
  const status = closed ? t(lang, 'surveys.card.closed') : [opens, survey.closesAt ? t(lang, 'surveys.card.closes', { when: stamp(survey.closesAt, 'R') }) : null].filter(Boolean).join(' · ') || null;
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
  const title = clip(`${survey.definition.title}`, 45 - ` (${step.position}/${step.total})`.length) + (step.total > 1 ? ` (${step.position}/${step.total})` : '');
  const modal = new ModalBuilder().setCustomId(encodeCustomId(KIND.page, survey.id, page)).setTitle(clip(title, 45));
  for (const q of visibleQuestions(survey.definition, page, answers)) {
    const label = labelFor(lang, q);
    const current = answers[q.id];
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
  const header = t(lang, resumed ? 'surveys.page.resume' : 'surveys.page.saved', { position, total: step.total });
  const status = step.missing.length ? t(lang, 'surveys.page.stillMissing', { count: step.missing.length }) : t(lang, 'surveys.page.ready');
  const buttons = [new ButtonBuilder().setCustomId(encodeCustomId(KIND.open, survey.id, page)).setLabel(t(lang, 'surveys.page.backTo', { n: position })).setStyle(ButtonStyle.Secondary)];
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

/** The staff results: one embed with the headline figures and a field per question. */
export function resultsEmbed(lang: Language, r: Results): APIEmbed {
  const s = r.survey;
  const pct = (x: number | null) => formatPercent(x, lang);
  const num = (x: number | null) => formatNumber(x, 2, lang);
  const head = [
    t(lang, 'surveys.results.responses', { count: r.responses }) + (r.eligible !== null ? t(lang, 'surveys.results.ofEligible', { eligible: r.eligible, rate: pct(r.rate) }) : ''),
    r.nps !== null || s.definition.questions.some((q) => q.type === 'nps') ? `NPS **${formatNps(r.nps)}**` : null,
    r.csat !== null || s.definition.questions.some((q) => q.type === 'csat') ? `CSAT **${pct(r.csat)}**` : null,
    s.anonymous ? t(lang, 'surveys.results.anonymous') : null,
  ].filter(Boolean);
  const status = t(lang, s.status === 'closed' ? 'surveys.results.statusClosed' : s.status === 'open' ? 'surveys.results.statusOpen' : 'surveys.results.statusDraft');
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(clip(`#${s.id} · ${s.definition.title}`, 256))
    .setDescription(head.join('\n'))
    .setFooter({ text: t(lang, 'surveys.results.footer', { status }) });
  for (const q of r.questions.slice(0, 20)) {
    let value: string;
    if (q.counts.length === 0) value = t(lang, 'surveys.results.textAnswers', { count: q.answered });
    else {
      const lines = q.counts.map((c) => `${clip(c.label, 40)}: **${c.count}**`);
      const stats = [
        q.mean !== null ? t(lang, 'surveys.results.meanMedian', { mean: num(q.mean), median: num(q.median) }) : null,
        q.nps !== null ? `NPS ${formatNps(q.nps)}` : null,
        q.csat !== null ? `CSAT ${pct(q.csat)}` : null,
      ].filter(Boolean);
      value = `${t(lang, 'surveys.results.answered', { count: q.answered })}${stats.length ? ` · ${stats.join(' · ')}` : ''}\n${lines.join(' · ')}`;
    }
    embed.addFields({ name: clip(q.label, 256), value: clip(value, 1024) });
  }
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
    embed.addFields({ name: t(lang, 'surveys.results.byRole'), value: clip(lines.join('\n'), 1024) });
  }
  return embed.toJSON();
}

export function surveyLine(lang: Language, s: Survey, responses: number): string {
  const status =
    s.status === 'open'
      ? s.closesAt
        ? t(lang, 'surveys.list.openCloses', { when: stamp(s.closesAt, 'R') })
        : t(lang, 'surveys.list.open')
      : t(lang, s.status === 'closed' ? 'surveys.list.closed' : 'surveys.list.draft');
  const tags = `${s.anonymous ? t(lang, 'surveys.list.anonymous') : ''}${s.scheduleId ? t(lang, 'surveys.list.recurring') : ''}`;
  return `**#${s.id}** ${escapeMarkdown(clip(s.title, 80))} · ${status} · ${t(lang, 'surveys.card.responses', { count: responses })}${tags}`;
}
