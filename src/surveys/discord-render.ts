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
import { formatNps, formatNumber, formatPercent, MIN_GROUP } from './scoring.js';
import type { CardState, Results, Step } from './service.js';
import type { Survey } from './store.js';
import { choicesOf, LIMITS, visibleQuestions, widgetOf, type Answer, type Question } from './survey.js';

export const KIND = { take: 'survey-take', page: 'survey-page', open: 'survey-open', submit: 'survey-submit' } as const;
export const COLOR = 0x5865f2;

export const TEXT = {
  take: 'Take the survey',
  cardFooter: (id: number) => `Survey #${id}`,
  responses: (n: number) => `${n} response${n === 1 ? '' : 's'}`,
  anonymous: 'Anonymous: answers are stored without your name once you submit.',
  named: 'Staff can see who answered what.',
  closes: (at: number) => `Closes <t:${Math.floor(at / 1000)}:R>`,
  closed: 'Closed',
  opens: (at: number) => `Opens <t:${Math.floor(at / 1000)}:f>`,
  onlyRole: (roleId: string) => `For <@&${roleId}>`,
  pageSaved: (position: number, total: number) => `Page ${position} of ${total} saved.`,
  resume: (position: number, total: number) => `You have answers in progress (last saved: page ${position} of ${total}). They are kept until the survey closes.`,
  continueTo: (n: number) => `Continue to page ${n}`,
  backTo: (n: number) => `Back to page ${n}`,
  submit: 'Submit',
  stillMissing: (n: number) => `${n} required question${n === 1 ? '' : 's'} still ${n === 1 ? 'needs' : 'need'} an answer.`,
  ready: 'Everything required is answered: submit when you are ready. Nothing is sent until you do.',
  thanks: (title: string) => `Thank you! Your answers to **${title}** are submitted.`,
  thanksEdited: (title: string) => `Your changed answers to **${title}** are saved.`,
  canEdit: ' You can change them until the survey closes: click “Take the survey” again.',
  anonymousDone: ' They are stored without your name.',
  optional: ' (optional)',
};

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function cardMessage({ survey, responses }: CardState) {
  const def = survey.definition;
  const closed = survey.status === 'closed';
  const lines = [def.intro ? escapeMarkdown(def.intro) : null, survey.anonymous ? `🔒 ${TEXT.anonymous}` : TEXT.named].filter(Boolean);
  const opens = def.opens && !closed ? TEXT.opens(Date.parse(def.opens)) : null;
  const status = closed ? TEXT.closed : [opens, survey.closesAt ? TEXT.closes(survey.closesAt) : null].filter(Boolean).join(' · ') || null;
  const facts = [TEXT.responses(responses), status, survey.roleId ? TEXT.onlyRole(survey.roleId) : null].filter(Boolean).join(' · ');
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(clip(def.title, 256))
    .setDescription(`${lines.join('\n\n')}\n\n${facts}`)
    .setFooter({ text: TEXT.cardFooter(survey.id) });
  const button = new ButtonBuilder().setCustomId(encodeCustomId(KIND.take, survey.id)).setLabel(TEXT.take).setStyle(ButtonStyle.Primary).setDisabled(closed);
  return { embeds: [embed.toJSON()], components: [new ActionRowBuilder<ButtonBuilder>().addComponents(button).toJSON()], allowedMentions: { parse: [] as [] } };
}

function isPicked(answer: Answer | undefined, value: string): boolean {
  if (answer === undefined) return false;
  return Array.isArray(answer) ? answer.map(String).includes(value) : String(answer) === value;
}

function labelFor(q: Question): LabelBuilder {
  const label = new LabelBuilder().setLabel(clip(q.label, LIMITS.label));
  const description = [q.description, q.required ? null : TEXT.optional.trim()].filter(Boolean).join(' ');
  if (description) label.setDescription(clip(description, LIMITS.description));
  return label;
}

/** A page as a modal, prefilled with the member's saved answers. */
export function pageModal(step: Step): ModalBuilder {
  const { survey, page, answers } = step;
  const title = clip(`${survey.definition.title}`, 45 - ` (${step.position}/${step.total})`.length) + (step.total > 1 ? ` (${step.position}/${step.total})` : '');
  const modal = new ModalBuilder().setCustomId(encodeCustomId(KIND.page, survey.id, page)).setTitle(clip(title, 45));
  for (const q of visibleQuestions(survey.definition, page, answers)) {
    const label = labelFor(q);
    const current = answers[q.id];
    const options = choicesOf(q).map((c) => ({ label: clip(c.label, 100), value: c.value, default: isPicked(current, c.value) }));
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
export function pagingMessage(step: Step, resumed: boolean) {
  const { survey, page } = step;
  const position = step.position;
  const header = resumed ? TEXT.resume(position, step.total) : TEXT.pageSaved(position, step.total);
  const status = step.missing.length ? TEXT.stillMissing(step.missing.length) : TEXT.ready;
  const buttons = [new ButtonBuilder().setCustomId(encodeCustomId(KIND.open, survey.id, page)).setLabel(TEXT.backTo(position)).setStyle(ButtonStyle.Secondary)];
  if (step.next !== null) buttons.push(new ButtonBuilder().setCustomId(encodeCustomId(KIND.open, survey.id, step.next)).setLabel(TEXT.continueTo(position + 1)).setStyle(ButtonStyle.Primary));
  buttons.push(new ButtonBuilder().setCustomId(encodeCustomId(KIND.submit, survey.id)).setLabel(TEXT.submit).setStyle(ButtonStyle.Success).setDisabled(step.missing.length > 0));
  return {
    content: `**${escapeMarkdown(clip(survey.definition.title, 200))}**\n${header} ${status}`,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(buttons).toJSON()],
    allowedMentions: { parse: [] as [] },
  };
}

/** The staff results: one embed with the headline figures and a field per question. */
export function resultsEmbed(r: Results): APIEmbed {
  const s = r.survey;
  const head = [
    `**${r.responses}** response${r.responses === 1 ? '' : 's'}${r.eligible !== null ? ` of ${r.eligible} members who could answer (response rate ${formatPercent(r.rate)})` : ''}`,
    r.nps !== null || s.definition.questions.some((q) => q.type === 'nps') ? `NPS **${formatNps(r.nps)}**` : null,
    r.csat !== null || s.definition.questions.some((q) => q.type === 'csat') ? `CSAT **${formatPercent(r.csat)}**` : null,
    s.anonymous ? '🔒 Anonymous: no per-member or per-role figures.' : null,
  ].filter(Boolean);
  const embed = new EmbedBuilder()
    .setColor(COLOR)
    .setTitle(clip(`#${s.id} · ${s.definition.title}`, 256))
    .setDescription(head.join('\n'))
    .setFooter({ text: `${s.status === 'closed' ? 'Closed' : s.status === 'open' ? 'Open' : 'Not started'} · drafts never count` });
  for (const q of r.questions.slice(0, 20)) {
    let value: string;
    if (q.counts.length === 0) value = `${q.answered} text answer${q.answered === 1 ? '' : 's'} (in the CSV export)`;
    else {
      const lines = q.counts.map((c) => `${clip(c.label, 40)}: **${c.count}**`);
      const stats = [q.mean !== null ? `mean ${formatNumber(q.mean)} · median ${formatNumber(q.median)}` : null, q.nps !== null ? `NPS ${formatNps(q.nps)}` : null, q.csat !== null ? `CSAT ${formatPercent(q.csat)}` : null].filter(Boolean);
      value = `${q.answered} answered${stats.length ? ` · ${stats.join(' · ')}` : ''}\n${lines.join(' · ')}`;
    }
    embed.addFields({ name: clip(q.label, 256), value: clip(value, 1024) });
  }
  if (r.roles && r.roles.length) {
    const lines = r.roles.slice(0, 10).map((g) => {
      if (!g.scores) return `<@&${g.roleId}>: ${g.responses} response${g.responses === 1 ? '' : 's'} (fewer than ${MIN_GROUP}: counts only)`;
      const scores = g.scores.map((x) => (x.nps !== null ? `${clip(x.label, 20)} NPS ${formatNps(x.nps)}` : x.csat !== null ? `${clip(x.label, 20)} CSAT ${formatPercent(x.csat)}` : `${clip(x.label, 20)} mean ${formatNumber(x.mean)}`));
      return `<@&${g.roleId}>: ${g.responses} responses · ${scores.join(' · ')}`;
    });
    embed.addFields({ name: 'By role', value: clip(lines.join('\n'), 1024) });
  }
  return embed.toJSON();
}

export function surveyLine(s: Survey, responses: number): string {
  const status = s.status === 'open' ? (s.closesAt ? `open, closes <t:${Math.floor(s.closesAt / 1000)}:R>` : 'open') : s.status === 'closed' ? 'closed' : 'not started';
  return `**#${s.id}** ${escapeMarkdown(clip(s.title, 80))} · ${status} · ${responses} response${responses === 1 ? '' : 's'}${s.anonymous ? ' · anonymous' : ''}${s.scheduleId ? ' · recurring' : ''}`;
}
