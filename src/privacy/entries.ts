// Every slice's privacy entries, in the order the opt-out job runs them (a new slice adds its
// list here). Activity's id map comes after its hourly records: that step finds the member by it.
import { activityPrivacy } from '../activity/privacy-store.js';
import { digestsPrivacy } from '../digests/privacy-store.js';
import { feedbackPrivacy } from '../feedback/privacy-store.js';
import { flagsPrivacy } from '../flags/privacy-store.js';
import { pollsPrivacy } from '../polls/privacy-store.js';
import { surveysPrivacy } from '../surveys/privacy-store.js';
import type { PrivacyEntry } from './registry.js';

export const privacyEntries: readonly PrivacyEntry[] = [...activityPrivacy, ...pollsPrivacy, ...flagsPrivacy, ...digestsPrivacy, ...surveysPrivacy, ...feedbackPrivacy];

export function privacyEntry(name: string): PrivacyEntry {
  const entry = privacyEntries.find((e) => e.name === name);
  if (!entry) throw new Error(`no privacy entry ${name}`);
  return entry;
}
