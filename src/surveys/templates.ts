// The built-in survey templates: NPS, CSAT, onboarding, check-in and event feedback, written in the creator's language.
import { t, type Language, type MessageKey } from '../i18n/index.js';
import type { DefinitionInput } from './survey.js';

type Key<S extends string> = Extract<MessageKey, `surveys.tpl.${S}`>;

/** A template's shape with catalogue keys where the text goes; `template()` fills them in. */
const TEMPLATES = {
  nps: {
    title: 'surveys.tpl.nps.title',
    intro: 'surveys.tpl.nps.intro',
    questions: [
      { id: 'score', type: 'nps', label: 'surveys.tpl.nps.score', description: 'surveys.tpl.nps.scoreHint' },
      { id: 'why', type: 'long', label: 'surveys.tpl.nps.why', required: false, placeholder: 'surveys.tpl.nps.whyPlaceholder' },
    ],
  },
  csat: {
    title: 'surveys.tpl.csat.title',
    questions: [
      { id: 'satisfaction', type: 'csat', label: 'surveys.tpl.csat.satisfaction' },
      { id: 'improve', type: 'long', label: 'surveys.tpl.csat.improve', required: false },
    ],
  },
  onboarding: {
    title: 'surveys.tpl.onboarding.title',
    intro: 'surveys.tpl.onboarding.intro',
    questions: [
      {
        id: 'found',
        type: 'single',
        label: 'surveys.tpl.onboarding.found',
        options: ['surveys.tpl.onboarding.found.search', 'surveys.tpl.onboarding.found.friend', 'surveys.tpl.onboarding.found.social', 'surveys.tpl.onboarding.found.event', 'surveys.tpl.onboarding.found.other'],
      },
      {
        id: 'interests',
        type: 'multiple',
        label: 'surveys.tpl.onboarding.interests',
        options: [
          'surveys.tpl.onboarding.interests.help',
          'surveys.tpl.onboarding.interests.learning',
          'surveys.tpl.onboarding.interests.showing',
          'surveys.tpl.onboarding.interests.people',
          'surveys.tpl.onboarding.interests.news',
        ],
        min: 1,
        max: 3,
      },
      { id: 'welcome', type: 'rating', label: 'surveys.tpl.onboarding.welcome' },
      { id: 'intro', type: 'short', label: 'surveys.tpl.onboarding.about', required: false },
      { id: 'clear', type: 'likert5', label: 'surveys.tpl.onboarding.clear' },
    ],
  },
  checkin: {
    title: 'surveys.tpl.checkin.title',
    intro: 'surveys.tpl.checkin.intro',
    questions: [
      {
        id: 'reason',
        type: 'single',
        label: 'surveys.tpl.checkin.reason',
        options: ['surveys.tpl.checkin.reason.busy', 'surveys.tpl.checkin.reason.interest', 'surveys.tpl.checkin.reason.follow', 'surveys.tpl.checkin.reason.welcome', 'surveys.tpl.checkin.reason.other'],
      },
      { id: 'return', type: 'yesno', label: 'surveys.tpl.checkin.return' },
      { id: 'what', type: 'long', label: 'surveys.tpl.checkin.what', required: false, showIf: { question: 'return', in: ['yes'] } },
      { id: 'satisfaction', type: 'csat', label: 'surveys.tpl.checkin.satisfaction' },
    ],
    pages: [
      ['reason', 'return'],
      ['what', 'satisfaction'],
    ],
  },
  event: {
    title: 'surveys.tpl.event.title',
    questions: [
      { id: 'rating', type: 'rating', label: 'surveys.tpl.event.rating' },
      { id: 'length', type: 'single', label: 'surveys.tpl.event.length', options: ['surveys.tpl.event.length.short', 'surveys.tpl.event.length.right', 'surveys.tpl.event.length.long'] },
      { id: 'again', type: 'yesno', label: 'surveys.tpl.event.again' },
      { id: 'liked', type: 'long', label: 'surveys.tpl.event.liked', required: false },
      { id: 'nps', type: 'nps', label: 'surveys.tpl.event.nps' },
    ],
  },
} as const satisfies Record<string, TemplateShape>;

interface TemplateShape {
  title: Key<string>;
  intro?: Key<string>;
  questions: ReadonlyArray<{
    id: string;
    type: string;
    label: Key<string>;
    description?: Key<string>;
    placeholder?: Key<string>;
    options?: readonly Key<string>[];
    required?: boolean;
    min?: number;
    max?: number;
    showIf?: { question: string; in: readonly string[] };
  }>;
  pages?: ReadonlyArray<readonly string[]>;
}

export type TemplateName = keyof typeof TEMPLATES;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TemplateName[];

/** A fresh definition from a template, its text in `lang`; once created it is the author's text and never changes language. */
export function template(name: TemplateName, lang: Language = 'en'): DefinitionInput {
  const shape: TemplateShape = TEMPLATES[name];
  const text = (key: Key<string>) => t(lang, key);
  return JSON.parse(
    JSON.stringify({
      ...shape,
      title: text(shape.title),
      ...(shape.intro ? { intro: text(shape.intro) } : {}),
      questions: shape.questions.map((q) => ({
        ...q,
        label: text(q.label),
        ...(q.description ? { description: text(q.description) } : {}),
        ...(q.placeholder ? { placeholder: text(q.placeholder) } : {}),
        ...(q.options ? { options: q.options.map(text) } : {}),
      })),
    }),
  ) as DefinitionInput;
}
