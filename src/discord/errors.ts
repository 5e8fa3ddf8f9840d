// Errors that are safe to show users, and friendly text for Discord's own error codes.
import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';

/** An error whose message is written for the user and shown to them as is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}

const friendly: Partial<Record<number, string>> = {
  [RESTJSONErrorCodes.MissingPermissions]: "I don't have the permissions to do that here. A server admin can grant them.",
  [RESTJSONErrorCodes.MissingAccess]: "I can't see that channel. A server admin can give me access.",
  [RESTJSONErrorCodes.UnknownMessage]: 'That message no longer exists.',
  [RESTJSONErrorCodes.UnknownChannel]: 'That channel no longer exists.',
  [RESTJSONErrorCodes.UnknownMember]: 'That member is no longer in this server.',
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: 'That member does not accept direct messages.',
};

/** Text for a Discord API error that users can act on, or undefined for anything else. */
export function friendlyDiscordError(error: unknown): string | undefined {
  if (error instanceof DiscordAPIError && typeof error.code === 'number') return friendly[error.code];
  return undefined;
}

/** Whether an error is Discord's answer with this JSON error code (e.g. 10008 Unknown Message). */
export function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}
