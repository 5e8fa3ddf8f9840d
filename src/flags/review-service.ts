// Review use-cases: a moderator's step on a case (claim, resolve, dismiss, delete, warn, time out), atomic and raced safely,
// and on start the steps a killed process left half done.
import { friendlyDiscordError, UserError } from '../discord/errors.js';
import { msg, render, type Language, type MessageKey, type Text } from '../i18n/index.js';
import { jumpLink, outcomeKey, outcomeOf, refusal, timeoutUntil, transition, type CaseAction, type TimeoutAction } from './flags.js';
import type { FlagService } from './service.js';
import { discordTime, plainText, truncateChars } from '../text.js';
import { addCaseEvent, applyCaseAction, closingCases, finishCaseAction, getCase, reopenCase, type FlagCase } from './store.js';

/** Half-done closes redone per start, oldest first. */
const RESUME_CASES = 200;

/** What carrying out a close did: the note kept on the case, and what the moderator is told instead of the usual confirmation. */
interface Performed {
  note: Text | null;
  instead?: Text;
}

/** A member never reviews the case about their own message, whatever their roles. */
export function refuseOwnCase(c: FlagCase, actorId: string): void {
  if (c.authorId !== null && c.authorId === actorId) throw new UserError(msg('flags.error.ownCase'));
}

/**
 * A timeout longer than the one chosen, already on the member (another moderator's, Discord's own
 * or another bot's), is never shortened: null when it is, else its end (ms).
 */
async function longerTimeout(service: FlagService, c: FlagCase, until: number): Promise<number | null> {
  if (!c.authorId || !service.ports.timedOutUntil) return null;
  const current = await service.ports.timedOutUntil(c.guildId, c.authorId);
  return current !== null && current >= until ? current : null;
}

/**
 * One review step by a moderator. The per-case lock serialises clicks in this process; the
 * conditional UPDATE makes the step atomic in the database. Throws UserError for the loser.
 * A step with a Discord side is recorded as pending ('closing') before it runs and closed after,
 * so a process killed in between redoes it on start (resumePending).
 * The confirmation is in `lang` (the moderator's); the note kept on the case and the warning
 * sent to the author are in the server's language.
 */
export async function review(service: FlagService, caseId: number, action: CaseAction, actorId: string, lang: Language, warning?: string): Promise<string> {
  const first = await getCase(service.db, caseId);
  if (!first) throw new UserError(msg('flags.error.caseGone'));
  return service.lock.run(first.messageId, async () => {
    const c = (await getCase(service.db, caseId))!;
    refuseOwnCase(c, actorId);
    const step = transition(c.status, action);
    if (!step.ok) throw new UserError(refusal(c));
    const now = service.clock.now();
    const outcome = action === 'claim' ? null : outcomeOf(action);
    if (!(await applyCaseAction(service.db, c.id, action, outcome, actorId, now))) {
      throw new UserError(refusal((await getCase(service.db, caseId)) ?? c));
    }
    const serverLang = await service.language(c.guildId);
    let done: Performed;
    try {
      done = await perform(service, serverLang, c, action, actorId, warning);
    } catch (err) {
      await reopenCase(service.db, c.id, actorId, c, service.clock.now(), err instanceof Error ? err.message : String(err));
      await service.refresh(c.id);
      throw err;
    }
    const kept = done.note ? render(serverLang, done.note) : null;
    // Done on Discord: now the case is closed (resolve and dismiss already are).
    await finishCaseAction(service.db, c.id, kept);
    if (kept) await addCaseEvent(service.db, c.id, service.clock.now(), actorId, 'note', kept);
    if (warning) await addCaseEvent(service.db, c.id, service.clock.now(), actorId, 'warning_text', truncateChars(warning, 500));
    service.logger.info({ guild: c.guildId, case: c.id, action, actor: actorId }, 'flags.reviewed');
    await service.refresh(c.id);
    return done.instead ? render(lang, done.instead) : confirmation(lang, c, action, done.note);
  });
}

/** The Discord side of a close. Only ever runs because a moderator pressed a button. */
/**
 * Why, in Discord's audit log (X-Audit-Log-Reason, at most 512 characters): in the server's
 * language, like everything else the server's staff read about a case.
 */
function auditReason(serverLang: Language, c: FlagCase, moderatorId: string | null): string {
  const text = moderatorId ? msg('flags.auditReason', { id: c.id, moderator: moderatorId }) : msg('flags.auditReasonNoModerator', { id: c.id });
  return truncateChars(render(serverLang, text), 512);
}

async function perform(service: FlagService, serverLang: Language, c: FlagCase, action: CaseAction, actorId: string, warning?: string): Promise<Performed> {
  const reason = auditReason(serverLang, c, actorId);
  switch (action) {
    case 'delete':
      return { note: (await service.ports.deleteMessage(c.channelId, c.messageId, reason)) ? null : msg('flags.error.messageGone') };
    case 't10m':
    case 't1h':
    case 't1d': {
      if (!c.authorId) throw new UserError(msg('flags.error.authorUnknownTimeout'));
      const until = timeoutUntil(action as TimeoutAction, service.clock.now());
      // Already timed out for longer: that timeout stays, the case closes as timed out, saying so.
      const longer = await longerTimeout(service, c, until);
      if (longer !== null) {
        const at = discordTime(longer, 'f');
        return { note: msg('flags.note.alreadyTimedOut', { at }), instead: msg('flags.done.alreadyTimedOut', { id: c.id, at }) };
      }
      await service.ports.timeout(c.guildId, c.authorId, new Date(until).toISOString(), reason);
      return { note: null };
    }
    case 'warn':
      return { note: await deliverWarning(service, serverLang, c, warning ?? '') };
    default:
      return { note: null };
  }
}

/** DM first; when DMs are closed (and only then), reply to the author in the message's channel, and say so. */
async function deliverWarning(service: FlagService, serverLang: Language, c: FlagCase, warning: string): Promise<Text> {
  if (!c.authorId) throw new UserError(msg('flags.error.authorUnknownWarn'));
  // The server's name is set by its owner: shown as written inside the bold, no markdown of its own.
  const name = service.ports.guildName(c.guildId);
  const guildName = name !== null ? plainText(name) : render(serverLang, msg('flags.warn.thisServer'));
  const text = render(serverLang, msg('flags.warn.dm', { server: guildName, url: jumpLink(c), warning }));
  let dm: 'sent' | 'closed' | 'undeliverable';
  try {
    dm = await service.ports.dm(c.authorId, text);
  } catch (dmErr) {
    // Only closed DMs make the warning public. Any other failure (Discord down, a 5xx, a timeout)
    // says nothing about the member: nobody was warned, the case stays open (review() reopens
    // it), and the moderator can try again.
    service.logger.info({ err: dmErr, guild: c.guildId, case: c.id }, 'flags.warn-dm-failed');
    throw new UserError(msg('flags.warn.dmNotTaken'));
  }
  // No user to DM (the message came from a webhook or an app): trying again won't help.
  if (dm === 'undeliverable') {
    service.logger.info({ guild: c.guildId, case: c.id }, 'flags.warn-dm-undeliverable');
    throw new UserError(msg('flags.warn.cannotDmUser'));
  }
  if (dm === 'sent') return msg('flags.warn.sentDm');
  service.logger.info({ guild: c.guildId, case: c.id }, 'flags.warn-dm-closed');
  try {
    await service.ports.postPinging(c.channelId, c.authorId, `<@${c.authorId}> ${text}`);
    return msg('flags.warn.postedInChannel', { channel: c.channelId });
  } catch (err) {
    // Nobody was warned: the case stays open (review() reopens it), and the moderator hears why.
    service.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.warn-post-failed');
    throw new UserError(msg('flags.warn.failed'));
  }
}

const done: Record<CaseAction, MessageKey> = {
  claim: 'flags.done.claim',
  dismiss: 'flags.done.dismiss',
  resolve: 'flags.done.resolve',
  delete: 'flags.done.delete',
  warn: 'flags.done.warn',
  t10m: 'flags.done.t10m',
  t1h: 'flags.done.t1h',
  t1d: 'flags.done.t1d',
};

function confirmation(lang: Language, c: FlagCase, action: CaseAction, note: Text | null): string {
  const base = render(lang, msg(done[action], { id: c.id }));
  return note ? `${base} ${render(lang, note)}` : base;
}

/**
 * Start-up: closes a killed process decided and did not see through (the case is 'closing').
 * Each is redone once, as far as that is safe: a delete again (a message already gone counts as
 * deleted), a timeout to the end the moderator chose (skipped when that end has passed, and
 * never shortening a longer timeout the author already has). A
 * warning may or may not have reached the author, and one that can't be redone is not guessed
 * at: the case opens again, with a note saying why. Then the case message is brought up to date.
 */
export async function resumePending(service: FlagService): Promise<void> {
  const cases = await closingCases(service.db, RESUME_CASES);
  for (const c of cases) {
    // A server Pulse is not in (it left, or Discord has it down) would refuse the redo, and the
    // case would reopen with the moderator's decision lost: it waits, still closing, for a start
    // that finds the server.
    if (!service.present(c)) continue;
    try {
      await service.lock.run(c.messageId, () => resumeCase(service, c.id));
    } catch (err) {
      service.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.resume-failed');
    }
  }
}

async function resumeCase(service: FlagService, caseId: number): Promise<void> {
  const c = await getCase(service.db, caseId);
  // Seen through meanwhile (or never pending): nothing to redo.
  if (!c || c.status !== 'closing' || !c.pendingAction) return;
  const action = c.pendingAction;
  const actorId = c.closedBy ?? '';
  const serverLang = await service.language(c.guildId);
  const log = { guild: c.guildId, case: c.id, action, actor: actorId };
  let redone: { detail: string; note?: Text };
  try {
    redone = await redo(service, serverLang, c, action);
  } catch (err) {
    const reason = err instanceof UserError ? err.in(serverLang) : (friendlyDiscordError(err, serverLang) ?? (err instanceof Error ? err.message : String(err)));
    const outcome = render(serverLang, msg(outcomeKey[outcomeOf(action as Exclude<CaseAction, 'claim'>)]));
    const note = render(serverLang, action === 'warn' ? msg('flags.note.warnInterrupted') : msg('flags.note.resumeFailed', { outcome, reason }));
    await reopenCase(service.db, c.id, actorId, { status: c.claimedBy ? 'claimed' : 'open' }, service.clock.now(), reason, note);
    await addCaseEvent(service.db, c.id, service.clock.now(), null, 'note', note);
    service.logger.warn({ ...log, err }, 'flags.resume-reopened');
    await service.refresh(c.id);
    return;
  }
  const kept = redone.note ? render(serverLang, redone.note) : null;
  await finishCaseAction(service.db, c.id, kept);
  await addCaseEvent(service.db, c.id, service.clock.now(), null, 'action_resumed', redone.detail);
  if (kept) await addCaseEvent(service.db, c.id, service.clock.now(), null, 'note', kept);
  service.logger.info({ ...log, detail: redone.detail }, 'flags.resumed');
  await service.refresh(c.id);
}

/** Redoes a pending action, where doing it twice is safe; returns what was done (and a note for the case). Throws when it can't be. */
async function redo(service: FlagService, serverLang: Language, c: FlagCase, action: CaseAction): Promise<{ detail: string; note?: Text }> {
  const reason = auditReason(serverLang, c, c.closedBy);
  switch (action) {
    case 'delete':
      // Gone already (10008): most likely the first try's doing; either way it is deleted.
      return { detail: (await service.ports.deleteMessage(c.channelId, c.messageId, reason)) ? 'deleted' : 'already gone' };
    case 't10m':
    case 't1h':
    case 't1d': {
      if (!c.authorId) throw new UserError(msg('flags.error.authorUnknownTimeout'));
      const until = timeoutUntil(action, c.closedAt ?? service.clock.now());
      if (until <= service.clock.now()) return { detail: 'timeout already over' };
      // As on the click: a longer timeout given meanwhile (or before) is not shortened.
      const longer = await longerTimeout(service, c, until);
      if (longer !== null) return { detail: `already timed out until ${new Date(longer).toISOString()}`, note: msg('flags.note.alreadyTimedOut', { at: discordTime(longer, 'f') }) };
      await service.ports.timeout(c.guildId, c.authorId, new Date(until).toISOString(), reason);
      return { detail: `timed out until ${new Date(until).toISOString()}` };
    }
    case 'warn':
      // Not known whether the DM (or the post) went out, and sending it twice is worse: staff decide.
      throw new UserError(msg('flags.note.warnInterrupted'));
    default:
      return { detail: 'closed' };
  }
}
