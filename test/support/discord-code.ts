// What Discord answered a request: 'ok', its JSON error code, or the error's text (fake-discord tests).
import { DiscordAPIError } from 'discord.js';

export async function code(work: Promise<unknown>): Promise<number | string> {
  try {
    await work;
    return 'ok';
  } catch (err) {
    return err instanceof DiscordAPIError ? Number(err.code) : String(err);
  }
}
