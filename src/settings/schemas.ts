// The zod schemas of the settings a command sets (the pure rules are in settings.ts, which the
// worker threads load without zod).
import { z } from 'zod';
import { canonicalTimeZone } from '../zone.js';
import { isFlagEmoji } from './settings.js';

/** A time zone as staff type it (any case, 'New York', an old name), read as its current IANA name. */
export const timeZoneSchema = z
  .string()
  .transform((typed, ctx) => {
    const zone = canonicalTimeZone(typed);
    if (zone === null) {
      ctx.addIssue({ code: 'custom', message: 'an IANA time zone name such as Europe/Berlin or America/New_York' });
      return z.NEVER;
    }
    return zone;
  });

/** A flag emoji is one Unicode emoji or a custom emoji written as <:name:id>. */
export const flagEmojiSchema = z
  .string()
  .trim()
  .refine(isFlagEmoji, { message: 'one emoji, like 🚩, or a custom emoji of this server' });
