// Review use-cases: a moderator's step on a case (claim, resolve, dismiss, delete, warn, time out), atomic and raced safely.
import { UserError } from '../discord/errors.js';
import { jumpLink, outcomeOf, refusal, timeoutMs, transition, type CaseAction, type TimeoutAction } from './flags.js';
import type { FlagService } from './service.js';
import { addCaseEvent, applyCaseAction, getCase, reopenCase, setCaseNote, type FlagCase } from './store.js';

/**
 * One review step by a moderator. The per-case lock serialises clicks in this process; the
 * conditional UPDATE makes the step atomic in the database. Throws UserError for the loser.
 */
export async function review(service: FlagService, caseId: number, action: CaseAction, actorId: string, warning?: string): Promise<string> {
  const first = await getCase(service.db, caseId);
  if (!first) throw new UserError('This case no longer exists.');
  return service.lock.run(first.messageId, async () => {
    const c = (await getCase(service.db, caseId))!;
    const step = transition(c.status, action);
    if (!step.ok) throw new UserError(refusal(c));
    const now = service.clock.now();
    const outcome = action === 'claim' ? null : outcomeOf(action);
    if (!(await applyCaseAction(service.db, c.id, action, outcome, actorId, now))) {
      throw new UserError(refusal((await getCase(service.db, caseId)) ?? c));
    }
    let note: string | null = null;
    try {
      note = await perform(service, c, action, actorId, warning);
    } catch (err) {
      await reopenCase(service.db, c.id, actorId, c, service.clock.now(), err instanceof Error ? err.message : String(err));
      await service.refresh(c.id);
      throw err;
    }
    if (note) {
      await setCaseNote(service.db, c.id, note);
      await addCaseEvent(service.db, c.id, service.clock.now(), actorId, 'note', note);
    }
    if (warning) await addCaseEvent(service.db, c.id, service.clock.now(), actorId, 'warning_text', warning.slice(0, 500));
    service.logger.info({ guild: c.guildId, case: c.id, action, actor: actorId }, 'flags.reviewed');
    await service.refresh(c.id);
    return confirmation(c, action, note);
  });
}

/** The Discord side of a close. Only ever runs because a moderator pressed a button. */
async function perform(service: FlagService, c: FlagCase, action: CaseAction, actorId: string, warning?: string): Promise<string | null> {
  const reason = `Pulse flag case #${c.id}, by moderator ${actorId}`;
  switch (action) {
    case 'delete':
      return (await service.ports.deleteMessage(c.channelId, c.messageId, reason)) ? null : 'The message was already gone.';
    case 't10m':
    case 't1h':
    case 't1d': {
      if (!c.authorId) throw new UserError('The author of this message is unknown, so I cannot time them out.');
      const until = new Date(service.clock.now() + timeoutMs[action as TimeoutAction]).toISOString();
      await service.ports.timeout(c.guildId, c.authorId, until, reason);
      return null;
    }
    case 'warn':
      return deliverWarning(service, c, warning ?? '');
    default:
      return null;
  }
}

/** DM first; when DMs are closed, reply to the author in the message's channel, and say so. */
async function deliverWarning(service: FlagService, c: FlagCase, warning: string): Promise<string> {
  if (!c.authorId) throw new UserError('The author of this message is unknown, so I cannot warn them.');
  const guildName = service.ports.guildName(c.guildId) ?? 'this server';
  const text = `⚠️ The moderators of **${guildName}** are warning you about [your message](${jumpLink(c)}):\n>>> ${warning}`;
  try {
    await service.ports.dm(c.authorId, text);
    return 'Warning sent by DM.';
  } catch (dmErr) {
    service.logger.info({ err: dmErr, guild: c.guildId, case: c.id }, 'flags.warn-dm-failed');
  }
  try {
    await service.ports.postPinging(c.channelId, c.authorId, `<@${c.authorId}> ${text}`);
    return `DM failed (closed DMs); warning posted in <#${c.channelId}>.`;
  } catch (err) {
    service.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.warn-post-failed');
    return 'DM failed and the warning could not be posted: tell the member yourself.';
  }
}

function confirmation(c: FlagCase, action: CaseAction, note: string | null): string {
  const base: Record<CaseAction, string> = {
    claim: `You claimed case #${c.id}.`,
    dismiss: `Case #${c.id} dismissed.`,
    resolve: `Case #${c.id} resolved without action.`,
    delete: `Message deleted; case #${c.id} closed.`,
    warn: `Author warned; case #${c.id} closed.`,
    t10m: `Author timed out for 10 minutes; case #${c.id} closed.`,
    t1h: `Author timed out for 1 hour; case #${c.id} closed.`,
    t1d: `Author timed out for 1 day; case #${c.id} closed.`,
  };
  return note ? `${base[action]} ${note}` : base[action];
}
