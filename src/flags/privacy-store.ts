// The flags slice's privacy entries (see src/privacy/registry.ts): flags a member made go (with
// the steps they left on cases), flags on their messages lose their name, and moderation cases
// stay whole for the server's record.
import { countWith, eachKey, iso, type PrivacyEntry, scanWith } from '../privacy/registry.js';
import { caseFlaggersRemoved, OPTED_OUT_AUTHOR } from './store.js';

/**
 * The case events a flagger's flag leaves (it joined the case, it was withdrawn; live or found on
 * start), as SQL: the flagger's, not a moderation step. Every other kind is a staff step.
 */
const FLAGGER_KINDS = `('flag_joined', 'flag_withdrawn')`;

/**
 * A moderation step's text (a case's note, a warning, why an action failed) as the member it is
 * about may read it: other people's mentions and ids are left out (`@…`, `…`); theirs, channels
 * (`<#…>`) and links stay.
 */
function withoutOthers(text: string | null, userId: string): string | null {
  if (text === null) return null;
  return text
    .replace(/<@!?(\d{17,20})>/g, (mention, id: string) => (id === userId ? mention : '@…'))
    .replace(/(?<![#/\d])\d{17,20}(?!\d)/g, (id) => (id === userId ? id : '…'));
}

const made: PrivacyEntry = {
  name: 'flags',
  table: 'flags',
  columns: ['user_id'],
  label: 'privacy.entry.flagsRaised',
  fate: 'deleted',
  why: 'the case messages they were on are edited: you, and the details you typed, leave their list of flaggers',
  count: countWith(`SELECT count(*) FROM flags WHERE guild_id = ? AND user_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT channel_id, message_id, source, reason, details, flagged_at, withdrawn_at FROM flags WHERE guild_id = ? AND user_id = ? ORDER BY flagged_at`);
    for (const f of s.iterate(guildId, userId) as Iterable<{ channel_id: string; message_id: string; source: string; reason: string | null; details: string | null; flagged_at: number; withdrawn_at: number | null }>) {
      yield { channel_id: f.channel_id, message_id: f.message_id, source: f.source, reason: f.reason, details: f.details, flagged_at: iso(f.flagged_at), withdrawn_at: iso(f.withdrawn_at) };
    }
  },
  scan: scanWith(`SELECT rowid FROM flags WHERE guild_id = ? AND user_id = ?`),
  apply(write, _guildId, userId, keys) {
    const remove = write.prepare(`DELETE FROM flags WHERE rowid = ? AND user_id = ? RETURNING message_id`).pluck();
    const messages = new Set<string>();
    for (const [rowid] of keys) {
      const messageId = remove.get(rowid, userId) as string | undefined;
      if (messageId !== undefined) messages.add(messageId);
    }
    // The cases on those messages list the member among their flaggers (with the details they
    // typed): each counts a change in this same step, so a crash before the edit is caught on the
    // next start (unshownCases), and their messages are edited now.
    const bump = write.prepare(`UPDATE flag_cases SET changes = changes + 1 WHERE message_id = ? RETURNING id`).pluck();
    const cases: number[] = [];
    for (const messageId of messages) {
      const id = bump.get(messageId) as number | undefined;
      if (id !== undefined) cases.push(id);
    }
    caseFlaggersRemoved(write, cases);
  },
};

const received: PrivacyEntry = {
  name: 'flags.author_id',
  table: 'flags',
  columns: ['author_id'],
  label: 'privacy.entry.flagsOnYou',
  fate: 'anonymised',
  why: "the flag is the other member's; the author column is replaced by a placeholder (`~`, nobody's id), as a flag raised after your opt-out gets at once (the case keeps the author)",
  count: countWith(`SELECT count(*) FROM flags WHERE guild_id = ? AND author_id = ?`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT message_id, flagged_at FROM flags WHERE guild_id = ? AND author_id = ? ORDER BY flagged_at`);
    for (const f of s.iterate(guildId, userId) as Iterable<{ message_id: string; flagged_at: number }>) yield { message_id: f.message_id, flagged_at: iso(f.flagged_at) };
  },
  scan: scanWith(`SELECT rowid FROM flags WHERE guild_id = ? AND author_id = ?`),
  apply: eachKey(`UPDATE flags SET author_id = '${OPTED_OUT_AUTHOR}' WHERE rowid = ? AND author_id = ?`),
};

const cases: PrivacyEntry = {
  name: 'flag_cases',
  table: 'flag_cases',
  columns: ['author_id', 'opened_by', 'claimed_by', 'closed_by'],
  label: 'privacy.entry.cases',
  fate: 'kept',
  why: "a moderation case is the server's record and must stay whole (including the flagged message's excerpt)",
  count: countWith(`SELECT count(*) FROM flag_cases WHERE guild_id = @guild AND @user IN (author_id, opened_by, claimed_by, closed_by)`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(
      `SELECT id, message_id, status, outcome, opened_at, closed_at, author_id = @user AS about_you, excerpt, note FROM flag_cases WHERE guild_id = @guild AND @user IN (author_id, opened_by, claimed_by, closed_by) ORDER BY id`,
    );
    // What the moderators did about the member's message, step by step (opened, claimed, the
    // outcome, the warning sent to them, a note such as how it was delivered or until when they
    // were already timed out, an action that failed, a reopening): never who took a step, nor
    // the other members' flags (theirs, in their own export).
    const steps = read.prepare(`SELECT kind, detail, at FROM flag_case_events WHERE case_id = ? AND kind NOT IN ${FLAGGER_KINDS} ORDER BY at, id`);
    type Row = { id: number; message_id: string; status: string; outcome: string | null; opened_at: number; closed_at: number | null; about_you: number; excerpt: string | null; note: string | null };
    // All rows first: the steps' statement cannot run while the cases' one is still iterating.
    for (const c of s.all({ guild: guildId, user: userId }) as Row[]) {
      // The excerpt kept of a flagged message is the member's own text: theirs to see, nobody else's;
      // so are the case's note and steps, which are about them.
      const about = c.about_you === 1;
      const row = { case_id: c.id, message_id: c.message_id, about_your_message: about, ...(about && c.excerpt !== null ? { excerpt: c.excerpt } : {}), status: c.status, outcome: c.outcome, opened_at: iso(c.opened_at), closed_at: iso(c.closed_at) };
      if (!about) {
        yield row;
        continue;
      }
      const history = (steps.all(c.id) as Array<{ kind: string; detail: string | null; at: number }>).map((e) => ({ step: e.kind, detail: withoutOthers(e.detail, userId), at: iso(e.at) }));
      yield { ...row, note: withoutOthers(c.note, userId), steps: history };
    }
  },
};

const flagSteps: PrivacyEntry = {
  name: 'flag_case_events.flags',
  table: 'flag_case_events',
  columns: ['actor_id'],
  label: 'privacy.entry.caseFlagSteps',
  fate: 'deleted',
  why: 'they go with the flags you raised; the moderators\' steps on the case stay',
  count: countWith(`SELECT count(*) FROM flag_case_events e JOIN flag_cases c ON c.id = e.case_id WHERE c.guild_id = ? AND e.actor_id = ? AND e.kind IN ${FLAGGER_KINDS}`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT e.case_id, e.kind, e.detail, e.at FROM flag_case_events e JOIN flag_cases c ON c.id = e.case_id WHERE c.guild_id = ? AND e.actor_id = ? AND e.kind IN ${FLAGGER_KINDS} ORDER BY e.at, e.id`);
    for (const e of s.iterate(guildId, userId) as Iterable<{ case_id: number; kind: string; detail: string | null; at: number }>) {
      // Their detail is where the flag came from: a reaction, the menu, or start-up's catch-up
      // ('reconciled'); a withdrawal seen live has none (it is a reaction removed).
      yield { case_id: e.case_id, kind: e.kind, source: e.detail ?? 'reaction', at: iso(e.at) };
    }
  },
  scan: scanWith(`SELECT e.id FROM flag_case_events e JOIN flag_cases c ON c.id = e.case_id WHERE c.guild_id = ? AND e.actor_id = ? AND e.kind IN ${FLAGGER_KINDS}`),
  apply: eachKey(`DELETE FROM flag_case_events WHERE id = ? AND actor_id = ? AND kind IN ${FLAGGER_KINDS}`),
};

const caseEvents: PrivacyEntry = {
  name: 'flag_case_events',
  table: 'flag_case_events',
  columns: ['actor_id'],
  label: 'privacy.entry.caseSteps',
  fate: 'kept',
  why: "part of a moderation case's history (opening, claiming, closing, notes, a failed action)",
  count: countWith(`SELECT count(*) FROM flag_case_events e JOIN flag_cases c ON c.id = e.case_id WHERE c.guild_id = ? AND e.actor_id = ? AND e.kind NOT IN ${FLAGGER_KINDS}`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT e.case_id, e.kind, e.at FROM flag_case_events e JOIN flag_cases c ON c.id = e.case_id WHERE c.guild_id = ? AND e.actor_id = ? AND e.kind NOT IN ${FLAGGER_KINDS} ORDER BY e.at`);
    for (const e of s.iterate(guildId, userId) as Iterable<{ case_id: number; kind: string; at: number }>) yield { case_id: e.case_id, kind: e.kind, at: iso(e.at) };
  },
};

const blocks: PrivacyEntry = {
  name: 'flag_blocks',
  table: 'flag_blocks',
  columns: ['user_id', 'blocked_by'],
  label: 'privacy.entry.blocks',
  fate: 'kept',
  why: 'a moderation decision: opting out must not lift it',
  count: countWith(`SELECT count(*) FROM flag_blocks WHERE guild_id = @guild AND (user_id = @user OR blocked_by = @user)`),
  *exportRows(read, guildId, userId) {
    const s = read.prepare(`SELECT blocked_at, user_id = @user AS on_you FROM flag_blocks WHERE guild_id = @guild AND (user_id = @user OR blocked_by = @user)`);
    for (const b of s.iterate({ guild: guildId, user: userId }) as Iterable<{ blocked_at: number; on_you: number }>) yield { blocked_at: iso(b.blocked_at), you: b.on_you ? 'blocked' : 'blocked someone' };
  },
};

export const flagsPrivacy: readonly PrivacyEntry[] = [made, flagSteps, received, cases, caseEvents, blocks];
