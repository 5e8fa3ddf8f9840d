// The zod schemas of the settings a command sets (the pure rules are in settings.ts, which the
// worker threads load without zod).
import { z } from 'zod';
import { isFlagEmoji, isValidTimeZone } from './settings.js';

export const timeZoneSchema = z
  .string()
  .trim()
  .refine(isValidTimeZone, { message: 'an IANA time zone name such as Europe/Berlin or America/New_York' });

/** A flag emoji is one Unicode emoji or a custom emoji written as <:name:id>. */
export const flagEmojiSchema = z
  .string()
  .trim()
  .refine(isFlagEmoji, { message: 'one emoji, like 🚩, or a custom emoji of this server' });
