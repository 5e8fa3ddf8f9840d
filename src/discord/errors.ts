// Errors that are safe to show users, and friendly text for Discord's own error codes.
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { render, t, type Language, type MessageKey, type Text } from '../i18n/index.js';

/**
 * An error whose message is written for the user and shown to them as is. Give it a catalogue
 * Text (msg('key', {…})) and the router renders it in the member's language; a plain string
 * is shown unchanged (slices not converted yet).
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly text: Text | null;

  constructor(message: string | Text) {
    super(typeof message === 'string' ? message : render('en', message));
    this.text = typeof message === 'string' ? null : message;
  }

  /** The message in a language. */
  in(lang: Language): string {
    return this.text ? render(lang, this.text) : this.message;
  }
}

const friendly: Partial<Record<number, MessageKey>> = {
  [RESTJSONErrorCodes.MissingPermissions]: 'discordError.missingPermissions',
  [RESTJSONErrorCodes.MissingAccess]: 'discordError.missingAccess',
  [RESTJSONErrorCodes.UnknownMessage]: 'discordError.unknownMessage',
  [RESTJSONErrorCodes.UnknownChannel]: 'discordError.unknownChannel',
  [RESTJSONErrorCodes.UnknownMember]: 'discordError.unknownMember',
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: 'discordError.cannotDm',
};

/** Text for a Discord API error that users can act on, or undefined for anything else. */
export function friendlyDiscordError(error: unknown, lang: Language = 'en'): string | undefined {
  if (error instanceof DiscordAPIError && typeof error.code === 'number') {
    const key = friendly[error.code];
    return key ? t(lang, key) : undefined;
  }
  return undefined;
}

/** Whether an error is Discord's answer with this JSON error code (e.g. 10008 Unknown Message). */
export function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}
