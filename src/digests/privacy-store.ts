// The digests slice's privacy entry (see src/privacy/registry.ts): who last changed a schedule.
import { countWith, iso, type PrivacyEntry } from '../privacy/registry.js';

const schedules: PrivacyEntry = {
  name: 'digest_schedules',
  table: 'digest_schedules',
  columns: ['updated_by'],
  label: 'privacy.entry.digestSchedule',
  fate: 'kept',
  why: 'a staff action on a server setting; the next change replaces it',
  count: countWith(`SELECT count(*) FROM digest_schedules WHERE guild_id = ? AND updated_by = ?`),
  *exportRows(read, guildId, userId) {
    const at = read.prepare(`SELECT updated_at FROM digest_schedules WHERE guild_id = ? AND updated_by = ?`).pluck().get(guildId, userId) as number | undefined;
    if (at !== undefined) yield { updated_at: iso(at) };
  },
};

export const digestsPrivacy: readonly PrivacyEntry[] = [schedules];
