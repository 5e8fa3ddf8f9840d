// Surveys' use-cases: create, start, answer page by page, submit, close, results, export, recurring runs, reminders.
import type { Clock } from '../clock.js';
import type { Executor } from '../db/schema.js';
import { render, type Language, type Text } from '../i18n/index.js';
import type { Logger } from '../log.js';
import { Coalescer, realTimers } from '../polls/live.js';
import { retrySchedule } from '../retry.js';
import { plainText } from '../text.js';
import { byAnswers, headlineScores, responseRate, responsesCsv, roleBreakdown, scoreSurvey, type QuestionResult, type RoleGroup } from './scoring.js';
import {
  missingRequired,
  newAnswers,
  nextPage,
  pagesOf,
  previousPage,
  pruneHidden,
  readPage,
  visiblePages,
  visibleQuestions,
  type Answers,
  type Definition,
  type FieldValue,
} from './survey.js';
import { MSG } from './messages.js';
import { openDueRuns } from './recurring.js';
import * as store from './store.js';
import type { Survey, SurveySchedule } from './store.js';

/** A refusal whose message is written for the member: the adapters show it as is, ephemerally. */
export { MSG };

export class SurveyRefusal extends Error {
  override readonly name = 'SurveyRefusal';
  readonly texts: readonly Text[];

  constructor(text: Text | readonly Text[]) {
    const texts = Array.isArray(text) ? (text as readonly Text[]) : [text as Text];
    super(texts.map((t) => render('en', t)).join('\n'));
    this.texts = texts;
  }

  /** The refusal in a language, one line per reason. */
  in(lang: Language): string {
    return this.texts.map((t) => render(lang, t)).join('\n');
  }
}


export interface Member {
  id: string;
  roles: readonly string[];
  /**
   * Whether the member may see the survey's channel (staff and the survey's author always may),
   * reckoned by the adapters on the server's side: never taken from the click.
   */
  sees(survey: Survey): boolean;
  /** Whether the role no longer exists in the server (an admin deleted it); false when unknown. */
  roleGone?(roleId: string): boolean;
}

/** The message a button was clicked on (or a modal opened from), as Discord says. */
export interface ClickedOn {
  messageId: string | null;
  /** The member's own ephemeral message: the paging message between pages. */
  ephemeral: boolean;
}

/** What a failed card post or edit means: given up at once (`permanent`), and why, for staff. */
export interface CardFailure {
  /** Discord refuses for good (the channel is gone or closed to the bot): no retry will land. */
  permanent: boolean;
  /** Why, in the language asked for, for staff. */
  reason: string;
}

export interface CardState {
  survey: Survey;
  responses: number;
  /** The server's language: everyone reads the card. */
  lang: Language;
  /** When the card is drawn: an `opens` time already past is not shown. */
  now: number;
}

/** What the surveys slice needs from Discord, injected by the adapters (and by tests). */
export interface SurveyPorts {
  /** The server's language. */
  language(guildId: string): Promise<Language>;
  /**
   * Posts the survey's card; returns its message id. Every attempt of one opening carries the
   * same nonce, so Discord hands back a card an attempt of the last few minutes posted.
   */
  postCard(state: CardState): Promise<string>;
  /** The id of this survey's card among its channel's recent messages, posted by an earlier attempt; null if none. Never throws. */
  findCard(survey: Survey): Promise<string | null>;
  /** Edits the card; a card (or channel) that is gone counts as done. */
  editCard(state: CardState): Promise<void>;
  /** What a failed post or edit means, with its reason in `lang`. */
  failure(err: unknown, lang: Language): CardFailure;
  /** Tells the server's staff (their staff channel, else the survey's author by DM); false if it reached nobody. Never throws. */
  tellStaff(survey: Survey, text: string): Promise<boolean>;
  /** Sends a DM; false when it could not be delivered (closed DMs). Never throws. */
  dm(memberId: string, text: string): Promise<boolean>;
  /** Members who could answer (not bots; with the role if one is set), or null when unknown. */
  eligible(guildId: string, roleId: string | null): Promise<number | null>;
  link(survey: Survey): string;
}

export interface SurveyDeps {
  db: Executor;
  clock: Clock;
  logger: Logger;
  ports: SurveyPorts;
  /** Least time between two edits of a card's response count (default 5 s). */
  cardIntervalMs?: number;
}

/** Where a member is in a response: the page to show and the buttons of the paging message. */
export interface Step {
  survey: Survey;
  /** The page (index into the definition's pages) this step is about. */
  page: number;
  /** 1-based position among the visible pages, and how many there are. */
  position: number;
  total: number;
  answers: Answers;
  next: number | null;
  previous: number | null;
  missing: string[];
  /** Whether this response in progress is an edit of a submitted one (whose answers count until it is submitted again). */
  editing: boolean;
}

export interface Results {
  survey: Survey;
  responses: number;
  eligible: number | null;
  rate: number | null;
  questions: QuestionResult[];
  nps: number | null;
  csat: number | null;
  /** Non-anonymous surveys only. */
  roles: RoleGroup[] | null;
}

/** Waits between tries of a card post or closing edit that failed; one more try than waits, then it is given up. */
const CARD_BACKOFF_MS = [1, 5, 15, 60].map((minutes) => minutes * 60_000);
/** Tries of a card post (or of a closed card's closing edit) before the bot gives up on it. */
export const MAX_CARD_ATTEMPTS = CARD_BACKOFF_MS.length + 1;

/** When to try a card again after `attempts` failed tries, or null when it is given up. */
const cardRetryAt = retrySchedule(CARD_BACKOFF_MS, MAX_CARD_ATTEMPTS);

/** How long a member's saved answers must sit untouched before /survey remind DMs them: under that, they are most likely still answering. */
export const REMIND_IDLE_MS = 60 * 60_000;

export class SurveyService {
  /**
   * Every card edit goes through here: a burst of submissions makes one edit per interval, and
   * while one edit is stuck (a 429, a slow Discord) later asks wait as one edit behind it, never
   * one each, nor two edits of a card at once.
   */
  private readonly cards: Coalescer<number>;
  /**
   * Surveys whose card this process is posting right now: `/survey start` marks a survey open
   * before its card's POST returns, and the tick's catch-up (open, never posted) must not post
   * it a second time meanwhile. In memory on purpose: after a crash nothing is being posted, so
   * the catch-up posts a card the crash left unposted, once.
   */
  private readonly posting = new Set<number>();

  constructor(readonly deps: SurveyDeps) {
    this.cards = new Coalescer<number>((id) => this.showCard(id), deps.cardIntervalMs ?? 5_000, realTimers, (err, id) =>
      deps.logger.warn({ err, survey: id }, 'surveys.card-edit-failed'),
    );
  }

  /** The server's language (cards, charts, reminder DMs). */
  language(guildId: string): Promise<Language> {
    return this.deps.ports.language(guildId);
  }

  private get db() {
    return this.deps.db;
  }
  private now() {
    return this.deps.clock.now();
  }

  async get(guildId: string, id: number): Promise<Survey> {
    const survey = await store.getSurvey(this.db, id);
    if (!survey || survey.guildId !== guildId) throw new SurveyRefusal(MSG.noSurvey(id));
    return survey;
  }

  /**
   * The survey a member's button or form is about. Their message outlives the survey: one deleted
   * since is told as such (not with the staff's "pick one in the `survey` option").
   */
  private async forMember(guildId: string, id: number): Promise<Survey> {
    const survey = await store.getSurvey(this.db, id);
    if (!survey || survey.guildId !== guildId) throw new SurveyRefusal(MSG.surveyDeleted);
    return survey;
  }

  async create(guildId: string, authorId: string, definition: Definition): Promise<Survey> {
    const survey = await store.createSurvey(this.db, { guildId, authorId, definition, now: this.now() });
    this.deps.logger.info({ guild: guildId, survey: survey!.id, anonymous: definition.anonymous }, 'surveys.created');
    return survey!;
  }

  /** Opens a draft survey in a channel and posts its card. */
  async start(survey: Survey, input: { channelId: string; roleId: string | null; closesAt: number | null }): Promise<Survey> {
    if (survey.status === 'open') throw new SurveyRefusal(MSG.alreadyOpen(survey.id));
    if (survey.status === 'closed') throw new SurveyRefusal(MSG.alreadyClosed(survey.id));
    // Claimed before it opens: from then until its card is stored, the tick leaves it alone.
    if (this.posting.has(survey.id)) throw new SurveyRefusal(MSG.alreadyOpen(survey.id));
    this.posting.add(survey.id);
    try {
      if (!(await store.openSurvey(this.db, survey.id, { ...input, now: this.now() }))) throw new SurveyRefusal(MSG.alreadyOpen(survey.id));
      const opened = (await store.getSurvey(this.db, survey.id))!;
      try {
        await this.postCard(opened);
      } catch (err) {
        // Back to a draft: nothing was posted, so nobody can answer it.
        await store.reopenAsDraft(this.db, survey.id);
        throw err;
      }
    } finally {
      this.posting.delete(survey.id);
    }
    this.deps.logger.info({ guild: survey.guildId, survey: survey.id, channel: input.channelId }, 'surveys.started');
    return (await store.getSurvey(this.db, survey.id))!;
  }

  /**
   * Posts a survey's card, counted first: a try after one that may have reached Discord (a crash
   * between the POST and saving its id, or an error after it landed) looks for that card in the
   * channel before posting, and the post's nonce drops a duplicate of a recent one.
   */
  private async postCard(survey: Survey): Promise<void> {
    const before = await store.beginPostAttempt(this.db, survey.id);
    const found = before > 0 ? await this.deps.ports.findCard(survey) : null;
    if (found) {
      await store.setSurveyMessage(this.db, survey.id, found);
      this.deps.logger.info({ guild: survey.guildId, survey: survey.id, message: found }, 'surveys.card-found');
      // What it shows is not known: brought up to date like any card whose count changed.
      this.markCard(survey.id);
      return;
    }
    const responses = await store.submittedCount(this.db, survey.id);
    const messageId = await this.deps.ports.postCard({ survey, responses, lang: await this.deps.ports.language(survey.guildId), now: this.now() });
    await store.setSurveyMessage(this.db, survey.id, messageId);
    if (messageId) await store.setShownCount(this.db, survey.id, responses);
  }

  /**
   * Edits a card's count at most once per interval: a burst of submissions makes one edit, and
   * Discord caps edits of messages older than an hour. Each edit reads the current state.
   */
  markCard(surveyId: number): void {
    this.cards.mark(surveyId);
  }

  /** Makes the pending card edits now and waits for those under way (on stop, and in tests). */
  async flushCards(): Promise<void> {
    await this.cards.flush();
  }

  /**
   * Edits a card to the survey's current state now: after an edit of it already under way (so
   * the last edit shows the latest state), joining one already waiting behind that.
   */
  refreshCard(surveyId: number): Promise<void> {
    return this.cards.now(surveyId);
  }

  /**
   * The edit itself, run by the coalescer only. A closed survey's card is recorded as showing it
   * closed only once that edit landed (or the card is gone); a failed one is tried again later
   * (see retryClosedCards), a few times at most.
   */
  private async showCard(surveyId: number): Promise<void> {
    const survey = await store.getSurvey(this.db, surveyId);
    if (!survey?.messageId) return;
    const lang = await this.deps.ports.language(survey.guildId).catch((): Language => 'en');
    try {
      const responses = await store.submittedCount(this.db, survey.id);
      await this.deps.ports.editCard({ survey, responses, lang, now: this.now() });
      await store.setShownCount(this.db, survey.id, responses);
      // Only what this edit showed: a survey read open and closed since is left for its closing edit.
      if (survey.status === 'closed') await store.markClosedShown(this.db, survey.id, this.now());
    } catch (err) {
      if (survey.status !== 'closed') {
        this.deps.logger.warn({ err, guild: survey.guildId, survey: survey.id }, 'surveys.card-edit-failed');
        return;
      }
      const { permanent } = this.deps.ports.failure(err, lang);
      const now = this.now();
      const attempts = await store.countClosedEditFailure(this.db, survey.id, { retryAt: (n) => cardRetryAt(n, now), ...(permanent ? { giveUpAt: MAX_CARD_ATTEMPTS } : {}) });
      const gaveUp = attempts >= MAX_CARD_ATTEMPTS;
      this.deps.logger.warn({ err, guild: survey.guildId, survey: survey.id, attempts }, gaveUp ? 'surveys.closed-card-given-up' : 'surveys.closed-card-edit-failed');
    }
  }

  /** Closed surveys whose card may still show them open (a failed closing edit): tried again, with back-off and a limit. */
  async retryClosedCards(stopped: () => boolean = () => false): Promise<number> {
    const ids = await store.unshownClosedIds(this.db, this.now(), MAX_CARD_ATTEMPTS);
    for (const id of ids) if (!stopped()) await this.refreshCard(id);
    return ids.length;
  }

  /**
   * Start-up: edits the cards of open surveys left behind their stored responses (a crash inside
   * the coalescing window) and of closed surveys whose card may still show them open (a crash
   * right after closing, or a failed closing edit), one after another; `stopped` ends it early.
   * Returns how many.
   */
  async refreshStaleCards(stopped: () => boolean = () => false): Promise<number> {
    const stale = await store.staleCardIds(this.db, this.now(), MAX_CARD_ATTEMPTS);
    if (stale.length) this.deps.logger.info({ surveys: stale.length }, 'surveys.refreshing-stale');
    for (const id of stale) if (!stopped()) await this.refreshCard(id);
    return stale.length;
  }

  // ---------------------------------------------------------------- answering

  /** Refuses members who may not answer now. */
  private check(survey: Survey, member: Member): void {
    // First: a member who cannot see the survey's channel learns nothing more about it.
    if (!member.sees(survey)) throw new SurveyRefusal(MSG.cantSee);
    const now = this.now();
    if (survey.status === 'draft') throw new SurveyRefusal(MSG.notOpen);
    const opens = survey.definition.opens ? Date.parse(survey.definition.opens) : null;
    if (opens !== null && opens > now) throw new SurveyRefusal(MSG.opensLater(opens));
    if (survey.status === 'closed' || (survey.closesAt !== null && survey.closesAt <= now)) throw new SurveyRefusal(MSG.closed);
    if (survey.roleId && !member.roles.includes(survey.roleId)) throw new SurveyRefusal(member.roleGone?.(survey.roleId) ? MSG.roleDeleted(survey.id) : MSG.wrongRole(survey.roleId));
  }

  /** The member's response in progress, if any (a fresh draft, or an edit of a submitted one). */
  private async working(survey: Survey, member: Member) {
    const rows = await store.memberResponses(this.db, survey.id, member.id);
    return { inProgress: rows.find((r) => r.draft !== null), submitted: rows.find((r) => r.status === 'submitted') };
  }

  /**
   * "Take the survey": resumes a response in progress (the paging message), or opens the
   * first page. Creates the draft row, so a member who closes the modal can resume.
   */
  async begin(surveyId: number, guildId: string, member: Member, on: ClickedOn): Promise<{ show: 'modal' | 'menu'; step: Step }> {
    const survey = await this.forMember(guildId, surveyId);
    this.check(survey, member);
    // "Take the survey" is only ever on the survey's card: a take with another survey's id is forged.
    if (on.messageId === null || on.messageId !== survey.messageId) throw new SurveyRefusal(MSG.wrongMessage);
    const def = survey.definition;
    let { inProgress, submitted } = await this.working(survey, member);
    if (!inProgress) {
      if (def.responses === 'one') {
        if (await store.hasAnsweredMark(this.db, survey.id, member.id)) throw new SurveyRefusal(MSG.answeredOptedOut);
        if (survey.anonymous && (await store.hasAnonymousSubmission(this.db, survey.id, member.id))) throw new SurveyRefusal(MSG.answeredLocked);
        if (submitted && (!def.editable || survey.anonymous)) throw new SurveyRefusal(MSG.answeredLocked);
      } else submitted = undefined;
      inProgress = await store.startDraft(this.db, survey.id, member.id, this.now(), def.responses === 'one' ? submitted : undefined);
    }
    const answers = inProgress.draft ?? newAnswers();
    const saved = inProgress.page > 0 || Object.keys(answers).length > 0;
    const editing = inProgress.status === 'submitted';
    if (saved) return { show: 'menu', step: this.step(survey, Math.min(inProgress.page, pagesOf(def).length - 1), answers, editing) };
    const first = visiblePages(def, answers)[0] ?? 0;
    return { show: 'modal', step: this.step(survey, first, answers, editing) };
  }

  /** Opens a page (Continue / Back) of the member's response in progress. */
  async openPage(surveyId: number, guildId: string, member: Member, page: number, on: ClickedOn): Promise<Step> {
    const survey = await this.forMember(guildId, surveyId);
    this.check(survey, member);
    // Page buttons are only ever on the member's ephemeral paging message, never on the public card.
    if (!on.ephemeral) throw new SurveyRefusal(MSG.wrongMessage);
    const { inProgress } = await this.working(survey, member);
    if (!inProgress) throw new SurveyRefusal(MSG.noDraft);
    const answers = inProgress.draft ?? newAnswers();
    if (!visiblePages(survey.definition, answers).includes(page)) throw new SurveyRefusal(MSG.badPage);
    return this.step(survey, page, answers, inProgress.status === 'submitted');
  }

  /** Saves one page's answers to the draft; returns the step for the paging message. */
  async savePage(surveyId: number, guildId: string, member: Member, page: number, fields: ReadonlyMap<string, FieldValue>): Promise<Step> {
    const survey = await this.forMember(guildId, surveyId);
    this.check(survey, member);
    const { inProgress } = await this.working(survey, member);
    if (!inProgress) throw new SurveyRefusal(MSG.noDraft);
    const def = survey.definition;
    const before = inProgress.draft ?? newAnswers();
    const questions = visibleQuestions(def, page, before);
    if (questions.length === 0) throw new SurveyRefusal(MSG.badPage);
    const read = readPage(questions, fields);
    if (!read.ok) throw new SurveyRefusal(read.errors);
    const merged = newAnswers(before);
    for (const q of questions) delete merged[q.id];
    Object.assign(merged, read.value);
    const answers = pruneHidden(def, merged);
    await store.saveDraft(this.db, inProgress.id, answers, page, this.now());
    if (!survey.anonymous) this.deps.logger.debug({ guild: guildId, survey: survey.id, user: member.id, page }, 'surveys.page-saved');
    return this.step(survey, page, answers, inProgress.status === 'submitted');
  }

  /** Submits the member's response in progress. */
  async submit(surveyId: number, guildId: string, member: Member, on: ClickedOn): Promise<{ survey: Survey; edited: boolean }> {
    const survey = await this.forMember(guildId, surveyId);
    this.check(survey, member);
    // Submit is only ever on the member's ephemeral paging message, never on the public card.
    if (!on.ephemeral) throw new SurveyRefusal(MSG.wrongMessage);
    const { inProgress } = await this.working(survey, member);
    if (!inProgress) throw new SurveyRefusal(MSG.noDraft);
    const def = survey.definition;
    const answers = pruneHidden(def, inProgress.draft ?? newAnswers());
    const missing = missingRequired(def, answers);
    if (missing.length) throw new SurveyRefusal(MSG.missing(missing.map((q) => q.label)));
    const edited = inProgress.status === 'submitted';
    // Checked again as it is stored: the survey may have closed, or another click submitted this
    // draft (or another response of a one-response survey), since the checks above.
    const outcome = await store.submitResponse(this.db, {
      responseId: inProgress.id,
      surveyId: survey.id,
      anonymous: survey.anonymous,
      once: def.responses === 'one',
      memberId: member.id,
      answers,
      roles: [...member.roles],
      now: this.now(),
    });
    if (outcome === 'closed') throw new SurveyRefusal(MSG.closed);
    if (outcome === 'submitted') throw new SurveyRefusal(MSG.alreadySubmitted);
    if (outcome === 'answered') throw new SurveyRefusal(MSG.answeredLocked);
    if (outcome === 'marked') throw new SurveyRefusal(MSG.answeredOptedOut);
    // Anonymous: the log says that a response came in, never whose.
    this.deps.logger.info({ guild: guildId, survey: survey.id, ...(survey.anonymous ? {} : { user: member.id }), edited }, 'surveys.submitted');
    this.markCard(survey.id);
    return { survey, edited };
  }

  private step(survey: Survey, page: number, answers: Answers, editing: boolean): Step {
    const def = survey.definition;
    const visible = visiblePages(def, answers);
    const at = visible.indexOf(page);
    return {
      survey,
      page,
      position: at === -1 ? visible.filter((p) => p < page).length + 1 : at + 1,
      total: Math.max(visible.length, 1),
      answers,
      next: nextPage(def, page, answers),
      previous: previousPage(def, page, answers),
      missing: missingRequired(def, answers).map((q) => q.label),
      editing,
    };
  }

  // ---------------------------------------------------------------- closing

  async close(surveyId: number, closedBy: string | null): Promise<boolean> {
    const survey = await store.getSurvey(this.db, surveyId);
    if (!survey || survey.status !== 'open') return false;
    const eligible = await this.deps.ports.eligible(survey.guildId, survey.roleId).catch(() => null);
    const closed = await store.closeSurvey(this.db, surveyId, this.now(), closedBy, eligible);
    if (closed) {
      this.deps.logger.info({ guild: survey.guildId, survey: surveyId, by: closedBy ?? 'schedule' }, 'surveys.closed');
      await this.refreshCard(surveyId);
    }
    return closed;
  }

  async closeDue(): Promise<number> {
    let count = 0;
    for (const id of await store.dueSurveyIds(this.db, this.now())) {
      try {
        if (await this.close(id, null)) count++;
      } catch (err) {
        this.deps.logger.error({ err, survey: id }, 'surveys.close-failed');
      }
    }
    return count;
  }

  /**
   * Deletes a survey and stops the schedules made from it. A deleted run of a recurring survey
   * is never opened again, but its schedule goes on: it belongs to the survey it copies.
   * Returns how many schedules stopped, and the survey whose schedule made this run, if that
   * schedule still runs (so the reply can say how to stop it).
   */
  async remove(survey: Survey): Promise<{ stopped: number; runOf: number | null }> {
    const stopped = await store.stopSchedules(this.db, survey.guildId, survey.id);
    const schedule = survey.scheduleId === null ? undefined : await store.activeSchedule(this.db, survey.scheduleId);
    await store.deleteSurvey(this.db, survey.id);
    this.deps.logger.info({ guild: survey.guildId, survey: survey.id }, 'surveys.deleted');
    return { stopped, runOf: schedule?.sourceSurveyId ?? null };
  }

  // ---------------------------------------------------------------- results

  /** Results with built-in choice labels (yes/no, scales) in `lang`. */
  async results(survey: Survey, lang: Language = 'en'): Promise<Results> {
    const rows = await store.submittedResponses(this.db, survey.id);
    const answers = rows.map((r) => r.answers);
    const eligible = survey.status === 'closed' ? survey.eligible : await this.deps.ports.eligible(survey.guildId, survey.roleId).catch(() => null);
    const scores = headlineScores(survey.definition, answers);
    return {
      survey,
      responses: rows.length,
      eligible,
      rate: responseRate(survey, rows, eligible),
      questions: scoreSurvey(survey.definition, answers, lang),
      nps: scores.nps,
      csat: scores.csat,
      roles: survey.anonymous ? null : roleBreakdown(survey.definition, rows.map((r) => ({ answers: r.answers, roles: r.roles ?? [] })), [survey.guildId]),
    };
  }

  async exportCsv(survey: Survey): Promise<{ csv: string; rows: number }> {
    const stored = await store.submittedResponses(this.db, survey.id);
    // Anonymous rows are sorted by their answers: no row number may follow the order they came in.
    const rows = survey.anonymous ? byAnswers(survey.definition, stored) : stored;
    const csv = responsesCsv(
      survey.definition,
      rows.map((r, i) => ({ number: i + 1, memberId: survey.anonymous ? null : r.respondent, submittedAt: survey.anonymous ? null : r.submittedAt, answers: r.answers })),
    );
    return { csv, rows: rows.length };
  }

  // ---------------------------------------------------------------- reminders

  /**
   * DMs each member who saved answers but did not submit, once, if they have left them for
   * `idleForMs` (someone who saved a page a minute ago is still answering); returns how many
   * were sent, how many could not be reached, and how many saved too recently to be reminded yet.
   */
  async remind(survey: Survey, idleForMs = REMIND_IDLE_MS): Promise<{ sent: number; failed: number; waiting: number }> {
    if (survey.status !== 'open') throw new SurveyRefusal(survey.status === 'closed' ? MSG.closed : MSG.notOpen);
    let sent = 0;
    let failed = 0;
    // A DM about a survey everyone sees: the server's language.
    const lang = await this.deps.ports.language(survey.guildId);
    const { idle, waiting } = await store.draftsToRemind(this.db, survey.id, this.now() - idleForMs);
    for (const draft of idle) {
      if (!(await store.markReminded(this.db, draft.id, this.now()))) continue;
      const ok = await this.deps.ports.dm(draft.memberId, render(lang, MSG.reminder(plainText(survey.title), this.deps.ports.link(survey))));
      if (ok) sent++;
      else failed++;
    }
    this.deps.logger.info({ guild: survey.guildId, survey: survey.id, sent, failed, waiting }, 'surveys.reminded');
    return { sent, failed, waiting };
  }

  // ---------------------------------------------------------------- recurring

  async schedule(survey: Survey, input: Omit<SurveySchedule, 'id' | 'guildId' | 'sourceSurveyId' | 'definition' | 'activeSince' | 'zone'>): Promise<SurveySchedule> {
    await store.stopSchedules(this.db, survey.guildId, survey.id);
    const now = this.now();
    // Every run copies this definition: an `opens` or `closes` already past means nothing to a
    // run (each closes `openForMs` after it opens), and would only show on its card as a stale date.
    const { opens, closes, ...rest } = survey.definition;
    const past = (at: string | undefined) => at === undefined || Date.parse(at) <= now;
    const definition = { ...rest, ...(past(opens) ? {} : { opens }), ...(past(closes) ? {} : { closes }) };
    return store.createSchedule(this.db, { ...input, guildId: survey.guildId, sourceSurveyId: survey.id, definition, activeSince: now, now });
  }

  async stopRecurring(survey: Survey): Promise<number> {
    return store.stopSchedules(this.db, survey.guildId, survey.id);
  }

  /**
   * Opens due recurring runs (see recurring.ts) and posts cards that were never posted, with
   * back-off; a card Discord refuses for good, or still fails after a few tries, is given up.
   */
  async runSchedules(): Promise<Survey[]> {
    const opened = await openDueRuns(this.deps);
    // Cards of open surveys that were never posted (this tick's runs, a run cut short by a stop, a failed post due again).
    for (const { id } of await store.unpostedSurveys(this.db, this.now())) {
      // Not one that /survey start is posting; and read again once claimed, since a post that
      // was under way when the list was read may have landed since.
      if (this.posting.has(id)) continue;
      this.posting.add(id);
      try {
        const survey = await store.getSurvey(this.db, id);
        if (survey?.status === 'open' && survey.messageId === null && survey.channelId) {
          try {
            await this.postCard(survey);
          } catch (err) {
            await this.postFailed(survey, err);
          }
        }
      } catch (err) {
        this.deps.logger.error({ err, survey: id }, 'surveys.card-post-failed');
      } finally {
        this.posting.delete(id);
      }
    }
    await this.tellPostFailures();
    return opened;
  }

  /**
   * A card post failed: tried again later, or given up when Discord refuses for good (the
   * channel is gone or closed to the bot) or after the last try. Given up, the survey goes back
   * to a draft (nobody could answer it: staff start it again where the bot can post), a recurring
   * schedule whose channel refuses is paused (every run would fail the same way), and staff are told.
   */
  private async postFailed(survey: Survey, err: unknown): Promise<void> {
    const lang = await this.deps.ports.language(survey.guildId).catch((): Language => 'en');
    const { permanent, reason } = this.deps.ports.failure(err, lang);
    const attempts = (await store.getSurvey(this.db, survey.id))?.postAttempts ?? survey.postAttempts;
    const now = this.now();
    const retryAt = permanent ? null : cardRetryAt(attempts, now);
    const log = { err, guild: survey.guildId, survey: survey.id, channel: survey.channelId, attempts, permanent };
    if (retryAt !== null) {
      await store.deferPost(this.db, survey.id, reason, retryAt);
      this.deps.logger.warn({ ...log, retryAt }, 'surveys.card-post-failed');
      return;
    }
    const given = await store.givePostUp(this.db, survey.id, { error: reason, now, pauseSchedule: permanent });
    this.deps.logger.warn({ ...log, schedulePaused: given?.schedulePaused ?? false }, 'surveys.card-post-given-up');
  }

  /** Tells staff, once each, about the cards the bot gave up posting (also those a crash kept it from telling). */
  async tellPostFailures(): Promise<number> {
    let told = 0;
    for (const survey of await store.untoldPostFailures(this.db)) {
      if (!(await store.markPostFailureTold(this.db, survey.id, this.now()))) continue;
      const lang = await this.deps.ports.language(survey.guildId);
      const paused = survey.scheduleId === null ? null : await store.schedulePause(this.db, survey.scheduleId);
      // The title is the author's text, shown as written inside the bold.
      const texts = [MSG.cardFailed(survey.id, plainText(survey.title), survey.channelId ?? '', survey.postError ?? '')];
      if (paused) texts.push(MSG.schedulePaused(paused.sourceSurveyId));
      const reached = await this.deps.ports.tellStaff(survey, texts.map((t) => render(lang, t)).join(' '));
      this.deps.logger.info({ guild: survey.guildId, survey: survey.id, reached }, 'surveys.card-failure-told');
      if (reached) told++;
    }
    return told;
  }

  /**
   * One pass of the scheduler: close what is due, open recurring runs, retry failed closing
   * edits, and edit open cards marked as showing an unknown count (an opt-out deleted responses).
   */
  async tick(): Promise<void> {
    await this.closeDue();
    await this.runSchedules();
    await this.retryClosedCards();
    for (const id of await store.unshownOpenIds(this.db)) this.markCard(id);
  }
}
