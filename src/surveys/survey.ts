// Survey definitions (zod) and their validation with readable messages (pure); the questions'
// pure rules (choices, paging, conditions, answers) are in questions.ts, re-exported here.
import { z } from 'zod';
import { msg, type Text } from '../i18n/index.js';
import { charCount } from '../text.js';
import { LIMITS, QUESTION_TYPES, answerOf, choicesOf, conditionValues, isVisible, newAnswers, pagesOf, visibleQuestions, widgetOf, type Answers, type Definition, type Question } from './questions.js';

export * from './questions.js';

const ID = /^[a-z0-9_-]{1,20}$/;
/**
 * Names a plain JavaScript object already has: answers are kept by question id, and these two
 * would read or set the object's prototype instead of an answer.
 */
const NOT_RESERVED = /^(?!(?:constructor|__proto__)$)/;

const conditionSchema = z.strictObject({
  question: z.string().describe('The id of a question on an earlier page'),
  in: z.array(z.string()).min(1).describe('Show this question when that answer is one of these: option texts, "yes"/"no", or scale points as strings'),
});

const questionSchema = z.strictObject({
  id: z
    .string()
    .regex(ID, 'an id is 1–20 characters: lower-case letters, digits, - or _')
    .regex(NOT_RESERVED, '"constructor" and "__proto__" are reserved; choose another id')
    .describe('1–20 characters: lower-case letters, digits, - or _; not "constructor" or "__proto__"'),
  type: z.enum(QUESTION_TYPES).describe('single, multiple, rating (1–5), likert5, likert7, nps (0–10), csat (1–5), yesno, short or long text'),
  label: z.string().trim().min(1).max(LIMITS.label).describe('The question, as Discord shows it above the input (45 characters at most)'),
  description: z.string().trim().max(LIMITS.description).optional().describe('Smaller text under the label'),
  required: z.boolean().default(true),
  options: z.array(z.string().trim().min(1).max(LIMITS.option)).optional().describe('single and multiple only: 2–25 choices (radio or checkbox groups hold 10)'),
  /** single/multiple: radio group / checkbox group (≤10 options) or a select menu (≤25). */
  display: z.enum(['radio', 'checkbox', 'select']).optional(),
  min: z.number().int().min(0).max(25).optional(),
  max: z.number().int().min(1).max(25).optional(),
  placeholder: z.string().max(100).optional(),
  showIf: conditionSchema.optional().describe('Ask only when an earlier answer is one of some values'),
});

export const definitionSchema = z.strictObject({
  $schema: z.string().optional(),
  title: z.string().trim().min(1).max(LIMITS.title).describe('Shown on the card and, cut to 45 characters, as the modal title'),
  intro: z.string().trim().max(LIMITS.intro).optional().describe('Shown on the card'),
  anonymous: z.boolean().default(false),
  /** 'one' response per member, or 'many'. */
  responses: z.enum(['one', 'many']).default('one'),
  /** Whether members may change a submitted response until the survey closes (not for anonymous surveys). */
  editable: z.boolean().default(true),
  questions: z.array(questionSchema).min(1).max(LIMITS.questions),
  /** When answers are accepted from and until (ISO 8601 with a zone, e.g. 2026-12-01T09:00:00Z); `/survey start closes_in` overrides `closes`. */
  opens: z.iso.datetime({ offset: true }).optional(),
  closes: z.iso.datetime({ offset: true }).optional(),
  /** Question ids per page; without it, pages fill up with 5 questions each. */
  pages: z.array(z.array(z.string()).min(1).max(LIMITS.perPage)).max(LIMITS.pages).optional(),
});

export type DefinitionInput = z.input<typeof definitionSchema>;

/** The schema's output is exactly questions.ts's Definition (a compile-time check). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Output = z.output<typeof definitionSchema>;
const schemaGivesDefinition: [Same<Output, Definition>, Same<keyof Output, keyof Definition>, Same<keyof Output['questions'][number], keyof Question>] = [true, true, true];
void schemaGivesDefinition;

export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** At most this many problems are listed; the rest are counted ("…and 3 more"). */
const MAX_ERRORS = 10;

/**
 * Parses and checks a definition; every problem names the question (or field) and what is wrong.
 * When the schema refuses some fields, the rules of checkDefinition still run on the fields that
 * parsed, so one pass lists every problem (not the schema's first, then the rest on the next try).
 */
export function parseDefinition(input: unknown): Result<Definition> {
  const parsed = definitionSchema.safeParse(input);
  if (parsed.success) {
    const errors = checkDefinition(parsed.data);
    return errors.length ? { ok: false, errors: capped(errors) } : { ok: true, value: parsed.data };
  }
  const errors = parsed.error.issues.map((issue) => `${where(input, issue.path)}: ${issue.message}`);
  const partial = partialDefinition(input);
  if (partial) errors.push(...checkDefinition(partial.def, partial.unknown));
  return { ok: false, errors: capped(errors) };
}

function capped(errors: string[]): string[] {
  return errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), `…and ${errors.length - MAX_ERRORS} more`] : errors;
}

/** Where a schema problem is; positions (pages, options, questions) count from 1, as people count. */
function where(input: unknown, path: ReadonlyArray<PropertyKey>): string {
  const segments = (from: number) => path.slice(from).map((p) => (typeof p === 'number' ? String(p + 1) : String(p))).join('.');
  if (path[0] === 'questions' && typeof path[1] === 'number') {
    const raw = (input as { questions?: unknown[] } | null)?.questions?.[path[1]] as { id?: unknown } | undefined;
    const name = typeof raw?.id === 'string' ? `question "${raw.id}"` : `question ${path[1] + 1}`;
    const rest = segments(2);
    return rest ? `${name} (${rest})` : name;
  }
  if (path.length === 0) return 'the definition';
  return `"${segments(0)}"`;
}

/** Fields of each question the schema refused: checkDefinition skips the rules that need them. */
type Unknown = Map<Question, Set<keyof Question>>;

/**
 * What of a refused definition did parse, field by field, for checkDefinition. A question keeps its
 * place (automatic pages stay right); a field the schema refused is left out and listed in `unknown`.
 * A question whose id is not text gets an id nothing can name. Null when there is nothing to check.
 */
function partialDefinition(input: unknown): { def: Definition; unknown: Unknown } | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const raw = input as Record<string, unknown>;
  if (!Array.isArray(raw['questions'])) return null;
  const unknown: Unknown = new Map();
  const fields = questionSchema.shape;
  const questions = raw['questions'].map((item: unknown, i) => {
    const rawQ = typeof item === 'object' && item !== null && !Array.isArray(item) ? (item as Record<string, unknown>) : {};
    const q: Record<string, unknown> = {};
    const bad = new Set<keyof Question>();
    for (const key of Object.keys(fields) as Array<keyof typeof fields>) {
      const r = fields[key].safeParse(rawQ[key]);
      if (r.success) {
        if (r.data !== undefined) q[key] = r.data;
      } else bad.add(key);
    }
    // An id that breaks the id rule is still what pages and conditions name it by.
    if (typeof rawQ['id'] === 'string') {
      q['id'] = rawQ['id'];
      bad.delete('id');
    } else q['id'] = `\u0000${i + 1}`;
    if (bad.has('type')) q['type'] = 'short';
    if (bad.has('label')) q['label'] = '';
    const question = q as unknown as Question;
    if (bad.size) unknown.set(question, bad);
    return question;
  });
  const field = <K extends keyof typeof definitionSchema.shape>(key: K) => {
    const r = definitionSchema.shape[key].safeParse(raw[key]);
    return r.success ? r.data : undefined;
  };
  const pages = field('pages');
  // Pages the schema refused are unknown: no page rule runs (automatic pages would be wrong).
  if (raw['pages'] !== undefined && pages === undefined) unknown.set(PAGES_UNKNOWN, new Set());
  const def = { title: '', anonymous: false, responses: 'one', editable: true, questions, opens: field('opens'), closes: field('closes'), pages } as Definition;
  return { def, unknown };
}

/** A marker in `unknown`: the definition's "pages" did not parse. */
const PAGES_UNKNOWN = {} as Question;

/**
 * The rules zod alone cannot say: options per type, min/max, unique ids, pages and conditions.
 * `unknown` (from a refused definition) names fields that did not parse: rules that need them are skipped.
 */
export function checkDefinition(def: Definition, unknown: Unknown = new Map()): string[] {
  const errors: string[] = [];
  const seen = new Set<string>();
  const known = (q: Question, ...keys: Array<keyof Question>) => !keys.some((k) => unknown.get(q)?.has(k));
  const nameOf = (q: Question) => (q.id.startsWith('\u0000') ? `question ${q.id.slice(1)}` : `question "${q.id}"`);
  for (const q of def.questions) {
    const name = nameOf(q);
    if (seen.has(q.id)) errors.push(`${name}: the id is used twice`);
    seen.add(q.id);
    if (!known(q, 'type')) continue;
    const n = q.options?.length ?? 0;
    const countsKnown = known(q, 'options');
    if (q.type === 'single' || q.type === 'multiple') {
      if (countsKnown) {
        if (n < 2) errors.push(`${name}: a ${q.type} choice question needs at least 2 options`);
        if (new Set(q.options).size !== n) errors.push(`${name}: two options have the same text`);
      }
      const w = widgetOf(q);
      if (countsKnown && known(q, 'display')) {
        if ((w === 'radio' || w === 'checkbox-group') && n > LIMITS.radioOptions) errors.push(`${name}: a ${w === 'radio' ? 'radio group' : 'checkbox group'} holds at most ${LIMITS.radioOptions} options (use "display": "select" for up to 25)`);
      }
      if (countsKnown && n > LIMITS.selectOptions) errors.push(`${name}: at most ${LIMITS.selectOptions} options`);
      if (q.type === 'single' && q.display === 'checkbox') errors.push(`${name}: "display": "checkbox" is for multiple choice; use "radio" or "select"`);
      if (q.type === 'multiple' && q.display === 'radio') errors.push(`${name}: "display": "radio" is for single choice; use "checkbox" or "select"`);
    } else {
      if (q.options !== undefined) errors.push(`${name}: only single and multiple choice questions take "options"`);
      if (q.display !== undefined) errors.push(`${name}: only single and multiple choice questions take "display"`);
    }
    if (q.type === 'multiple') {
      if (countsKnown && known(q, 'min', 'max', 'required')) {
        const min = q.min ?? (q.required ? 1 : 0);
        const max = q.max ?? n;
        if (q.min !== undefined && q.min > n) errors.push(`${name}: "min" (${q.min}) is more than its ${n} options`);
        if (q.max !== undefined && q.max > n) errors.push(`${name}: "max" (${q.max}) is more than its ${n} options`);
        if (min > max) errors.push(`${name}: "min" (${min}) is more than "max" (${max})`);
        if (q.required && q.min === 0) errors.push(`${name}: a required question needs "min" of at least 1`);
      }
    } else if (q.min !== undefined || q.max !== undefined) {
      errors.push(`${name}: only multiple choice questions take "min" and "max"`);
    }
    if (q.placeholder !== undefined && known(q, 'options', 'display') && q.type !== 'short' && q.type !== 'long' && widgetOf(q) !== 'select' && widgetOf(q) !== 'multi-select') {
      errors.push(`${name}: only text questions and select menus take a "placeholder"`);
    }
  }
  if (def.opens && def.closes && Date.parse(def.opens) >= Date.parse(def.closes)) errors.push(`"closes": it is not after "opens"`);
  // Pages: each question once, in order of appearance.
  const pagesKnown = !unknown.has(PAGES_UNKNOWN);
  const pages = pagesOf(def);
  if (!pagesKnown) {
    // The schema's problem with "pages" is listed already.
  } else if (def.pages) {
    const listed = def.pages.flat();
    for (const id of listed) if (!seen.has(id)) errors.push(`"pages": there is no question "${id}"`);
    const counts = new Map<string, number>();
    for (const id of listed) counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const [id, c] of counts) if (c > 1) errors.push(`question "${id}": it is on ${c} pages`);
    for (const q of def.questions) if (!counts.has(q.id)) errors.push(`${nameOf(q)}: it is on no page (add it to "pages")`);
  } else if (pages.length > LIMITS.pages) {
    errors.push(`the definition: ${def.questions.length} questions make ${pages.length} pages; at most ${LIMITS.pages}`);
  }
  // Conditions: on an earlier page, naming values the question can have.
  const pageOf = new Map<string, number>();
  pages.forEach((ids, p) => ids.forEach((id) => pageOf.set(id, p)));
  for (const q of def.questions) {
    if (!q.showIf) continue;
    const name = nameOf(q);
    const target = def.questions.find((t) => t.id === q.showIf!.question);
    if (!target) {
      errors.push(`${name}: "showIf" names no question "${q.showIf.question}"`);
      continue;
    }
    if (target.id === q.id) {
      errors.push(`${name}: "showIf" cannot depend on itself`);
      continue;
    }
    const mine = pageOf.get(q.id);
    const theirs = pageOf.get(target.id);
    if (pagesKnown && mine !== undefined && theirs !== undefined && theirs >= mine) {
      errors.push(`${name}: "showIf" must name a question on an earlier page ("${target.id}" is on page ${theirs + 1}, this one on page ${mine + 1}); a modal cannot change while it is open`);
    }
    if (!known(target, 'type', 'options')) continue;
    if (target.type === 'short' || target.type === 'long') {
      errors.push(`${name}: "showIf" cannot depend on the text question "${target.id}"`);
      continue;
    }
    const allowed = new Set(conditionValues(target));
    for (const v of q.showIf.in) {
      if (!allowed.has(v)) errors.push(`${name}: "showIf" value "${v}" is not an answer of "${target.id}" (it takes ${[...allowed].map((a) => `"${a}"`).join(', ')})`);
    }
  }
  return errors;
}

/** Pages that have at least one visible question, in order (indexes into pagesOf). */
export function visiblePages(def: Definition, answers: Answers): number[] {
  return pagesOf(def)
    .map((_, i) => i)
    .filter((i) => visibleQuestions(def, i, answers).length > 0);
}

/** The visible page after `page`, or null when it is the last. */
export function nextPage(def: Definition, page: number, answers: Answers): number | null {
  return visiblePages(def, answers).find((p) => p > page) ?? null;
}

export function previousPage(def: Definition, page: number, answers: Answers): number | null {
  return visiblePages(def, answers).filter((p) => p < page).at(-1) ?? null;
}

/** Drops answers to questions that are hidden now (a changed earlier answer can hide them). */
export function pruneHidden(def: Definition, answers: Answers): Answers {
  const out = newAnswers();
  for (const q of def.questions) {
    const a = answerOf(answers, q.id);
    if (a !== undefined && isVisible(def, q, answers)) out[q.id] = a;
  }
  // A second pass: hiding one answer can hide a question that depended on it.
  return Object.keys(out).length === Object.keys(answers).length ? out : pruneHidden(def, out);
}

/** Required visible questions still unanswered: submit waits for them. */
export function missingRequired(def: Definition, answers: Answers): Question[] {
  return def.questions.filter((q) => q.required && isVisible(def, q, answers) && answerOf(answers, q.id) === undefined);
}

/** A field as the modal submit carries it: text or radio `value`, select or checkbox-group `values`, checkbox boolean. */
export type FieldValue = string | null | boolean | readonly string[];

/**
 * Turns a page's submitted fields into answers, checking them against the question (a tampered
 * or stale modal must not store a value the survey does not offer).
 */
export function readPage(questions: readonly Question[], fields: ReadonlyMap<string, FieldValue>): { ok: true; value: Answers } | { ok: false; errors: Text[] } {
  const answers = newAnswers();
  const errors: Text[] = [];
  for (const q of questions) {
    const raw = fields.get(q.id);
    const values = raw === undefined || raw === null || typeof raw === 'boolean' ? [] : typeof raw === 'string' ? (raw.trim() === '' ? [] : [raw]) : [...raw];
    if (values.length === 0) {
      if (q.required) errors.push(msg('surveys.answer.required', { label: q.label }));
      continue;
    }
    if (q.type === 'short' || q.type === 'long') {
      const text = values[0]!.trim();
      const max = q.type === 'short' ? LIMITS.shortText : LIMITS.longText;
      // The modal's max_length counts as Discord does (an emoji is one character): so does this check.
      if (charCount(text) > max) errors.push(msg('surveys.answer.tooLong', { label: q.label, max }));
      else answers[q.id] = text;
      continue;
    }
    const allowed = new Set(choicesOf(q).map((c) => c.value));
    if (!values.every((v) => allowed.has(v)) || new Set(values).size !== values.length) {
      errors.push(msg('surveys.answer.notOffered', { label: q.label }));
      continue;
    }
    if (q.type === 'multiple') {
      const picked = values.map(Number).sort((a, b) => a - b);
      const min = q.min ?? (q.required ? 1 : 0);
      const max = q.max ?? (q.options?.length ?? 0);
      if (picked.length < min || picked.length > max) errors.push(min === max ? msg('surveys.answer.exactly', { label: q.label, count: min }) : msg('surveys.answer.choices', { label: q.label, min, max }));
      else answers[q.id] = picked;
    } else if (values.length !== 1) {
      errors.push(msg('surveys.answer.one', { label: q.label }));
    } else if (q.type === 'yesno') {
      answers[q.id] = values[0]!;
    } else {
      answers[q.id] = Number(values[0]);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: answers };
}

// ------------------------------------------------------------------ durations

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** '30m', '2h', '3d', '1w' -> ms (1 minute to 90 days), or null. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d{1,4})\s*([mhdw])\s*$/i.exec(text);
  if (!m) return null;
  const ms = Number(m[1]) * UNITS[m[2]!.toLowerCase()]!;
  return ms >= 60_000 && ms <= 90 * 86_400_000 ? ms : null;
}
