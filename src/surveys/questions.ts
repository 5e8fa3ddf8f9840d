// Survey questions and answers over a parsed definition (pure, no zod): the scales and choices a
// question offers, paging, conditions, and answers as text. survey.ts (the definition's schema and
// its checks) re-exports all of it; the worker threads' figures and charts import this alone.
import { t, type Language, type MessageKey } from '../i18n/index.js';

export const QUESTION_TYPES = ['single', 'multiple', 'rating', 'likert5', 'likert7', 'nps', 'csat', 'yesno', 'short', 'long'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];

/** Discord's limits that shape a definition: a modal holds 5 labelled components. */
export const LIMITS = {
  perPage: 5,
  pages: 10,
  questions: 50,
  label: 45,
  description: 100,
  option: 100,
  radioOptions: 10,
  selectOptions: 25,
  title: 100,
  intro: 1000,
  shortText: 300,
  longText: 2000,
} as const;

/** A question as a parsed definition holds it (survey.ts's schema checks it has this shape). */
export interface Question {
  id: string;
  type: QuestionType;
  label: string;
  description?: string | undefined;
  required: boolean;
  options?: string[] | undefined;
  /** single/multiple: radio group / checkbox group (≤10 options) or a select menu (≤25). */
  display?: 'radio' | 'checkbox' | 'select' | undefined;
  min?: number | undefined;
  max?: number | undefined;
  placeholder?: string | undefined;
  showIf?: { question: string; in: string[] } | undefined;
}

/** A parsed survey definition (survey.ts parses and checks one). */
export interface Definition {
  $schema?: string | undefined;
  title: string;
  intro?: string | undefined;
  anonymous: boolean;
  responses: 'one' | 'many';
  editable: boolean;
  questions: Question[];
  opens?: string | undefined;
  closes?: string | undefined;
  pages?: string[][] | undefined;
}

/** An answer as stored: an option index or scale point, several indexes, yes/no, or text. */
export type Answer = number | number[] | string;
export type Answers = Record<string, Answer>;

/**
 * The answer to a question, if there is one. Own properties only: answers are kept by question
 * id, and a plain object would hand back its prototype's `constructor` (or `__proto__`) for an
 * unanswered question with that id (such ids are refused now, but older definitions may have them).
 */
export function answerOf(answers: Answers, id: string): Answer | undefined {
  return Object.hasOwn(answers, id) ? answers[id] : undefined;
}

/** Answers without a prototype (a copy of `from`, if given), so that any question id is stored as an answer. */
export function newAnswers(from?: Answers): Answers {
  return Object.assign(Object.create(null) as Answers, from);
}

const SCALES: Partial<Record<QuestionType, { min: number; max: number }>> = {
  rating: { min: 1, max: 5 },
  likert5: { min: 1, max: 5 },
  likert7: { min: 1, max: 7 },
  nps: { min: 0, max: 10 },
  csat: { min: 1, max: 5 },
};

export function scaleOf(q: Pick<Question, 'type'>): { min: number; max: number } | undefined {
  return SCALES[q.type];
}

export const LIKERT5: MessageKey[] = ['surveys.likert.stronglyDisagree', 'surveys.likert.disagree', 'surveys.likert.neutral', 'surveys.likert.agree', 'surveys.likert.stronglyAgree'];
export const LIKERT7: MessageKey[] = [
  'surveys.likert.stronglyDisagree',
  'surveys.likert.disagree',
  'surveys.likert.somewhatDisagree',
  'surveys.likert.neutral',
  'surveys.likert.somewhatAgree',
  'surveys.likert.agree',
  'surveys.likert.stronglyAgree',
];
/** CSAT has its own midpoint: the Likert one is about agreement, not satisfaction. */
const CSAT: MessageKey[] = ['surveys.csat.veryUnsatisfied', 'surveys.csat.unsatisfied', 'surveys.csat.neutral', 'surveys.csat.satisfied', 'surveys.csat.verySatisfied'];

/** The choices a question offers: [value as sent in the modal, label]. Text questions offer none. Built-in labels are in `lang`; the author's options stay as written. */
export function choicesOf(q: Question, lang: Language = 'en'): Array<{ value: string; label: string }> {
  switch (q.type) {
    case 'single':
    case 'multiple':
      return (q.options ?? []).map((label, i) => ({ value: String(i), label }));
    case 'yesno':
      return [
        { value: 'yes', label: t(lang, 'surveys.choice.yes') },
        { value: 'no', label: t(lang, 'surveys.choice.no') },
      ];
    case 'likert5':
      return LIKERT5.map((key, i) => ({ value: String(i + 1), label: `${i + 1} · ${t(lang, key)}` }));
    case 'likert7':
      return LIKERT7.map((key, i) => ({ value: String(i + 1), label: `${i + 1} · ${t(lang, key)}` }));
    case 'csat':
      return CSAT.map((key, i) => ({ value: String(i + 1), label: `${i + 1} · ${t(lang, key)}` }));
    case 'rating':
      return [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: `${'★'.repeat(n)} ${n}` }));
    case 'nps':
      return Array.from({ length: 11 }, (_, n) => ({ value: String(n), label: n === 0 ? `0 · ${t(lang, 'surveys.choice.npsLow')}` : n === 10 ? `10 · ${t(lang, 'surveys.choice.npsHigh')}` : String(n) }));
    default:
      return [];
  }
}

/** How a question is shown in a modal. */
export type Widget = 'radio' | 'checkbox-group' | 'select' | 'multi-select' | 'short-text' | 'long-text';

export function widgetOf(q: Question): Widget {
  switch (q.type) {
    case 'short':
      return 'short-text';
    case 'long':
      return 'long-text';
    case 'nps':
      return 'select';
    case 'multiple':
      return q.display === 'select' || (q.display === undefined && (q.options?.length ?? 0) > LIMITS.radioOptions) ? 'multi-select' : 'checkbox-group';
    case 'single':
      return q.display === 'select' || (q.display === undefined && (q.options?.length ?? 0) > LIMITS.radioOptions) ? 'select' : 'radio';
    default:
      return 'radio';
  }
}

/** What a condition may list for a question: option text for choices, yes/no, or scale points. */
export function conditionValues(q: Question): string[] {
  if (q.type === 'single' || q.type === 'multiple') return q.options ?? [];
  if (q.type === 'yesno') return ['yes', 'no'];
  const scale = scaleOf(q);
  return scale ? Array.from({ length: scale.max - scale.min + 1 }, (_, i) => String(scale.min + i)) : [];
}

/** The question ids of each page, explicit or automatic (5 per page). */
export function pagesOf(def: Pick<Definition, 'questions' | 'pages'>): string[][] {
  if (def.pages) return def.pages.map((p) => [...p]);
  const out: string[][] = [];
  for (let i = 0; i < def.questions.length; i += LIMITS.perPage) out.push(def.questions.slice(i, i + LIMITS.perPage).map((q) => q.id));
  return out;
}

/** Whether a question is shown, given the answers so far (a hidden condition target hides it too). */
export function isVisible(def: Definition, q: Question, answers: Answers): boolean {
  if (!q.showIf) return true;
  const target = def.questions.find((t) => t.id === q.showIf!.question);
  if (!target || !isVisible(def, target, answers)) return false;
  const answer = answerOf(answers, target.id);
  if (answer === undefined) return false;
  const said = answerTokens(target, answer);
  return q.showIf.in.some((v) => said.includes(v));
}

function answerTokens(q: Question, answer: Answer): string[] {
  if (q.type === 'single' || q.type === 'multiple') {
    const idx = Array.isArray(answer) ? answer : typeof answer === 'number' ? [answer] : [];
    return idx.map((i) => q.options?.[i] ?? '').filter(Boolean);
  }
  return [String(answer)];
}

/** The questions shown on a page, given the answers so far. */
export function visibleQuestions(def: Definition, page: number, answers: Answers): Question[] {
  const ids = pagesOf(def)[page] ?? [];
  return ids.map((id) => def.questions.find((q) => q.id === id)!).filter((q) => q && isVisible(def, q, answers));
}

/** An answer as text, for exports and receipts. */
export function answerText(q: Question, answer: Answer | undefined): string {
  if (answer === undefined) return '';
  if (q.type === 'single') return q.options?.[answer as number] ?? '';
  if (q.type === 'multiple') return (answer as number[]).map((i) => q.options?.[i] ?? '').join('; ');
  if (q.type === 'yesno') return t('en', answer === 'yes' ? 'surveys.choice.yes' : 'surveys.choice.no');
  return String(answer);
}
