// What the flags slice's e2e tests share: waiting for the bot, and reading a case's message.
import type { APIActionRowComponent, APIButtonComponent, APIEmbed, APIMessage } from 'discord-api-types/v10';

/**
 * Polls a condition until it holds (the bot handles gateway events asynchronously): its value, or
 * an error naming `what` after `ms`. No timing is asserted.
 */
export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what = 'condition', ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The value of the case embed's field whose name starts with `prefix`. */
export function field(embed: APIEmbed | undefined, prefix: string): string | undefined {
  return embed?.fields?.find((f) => f.name.startsWith(prefix))?.value;
}

/** The custom_id of the case message's button labelled `label`. */
export function button(message: APIMessage, label: string): string {
  const found = (message.components ?? []).flatMap((row) => (row as APIActionRowComponent<APIButtonComponent>).components).find((b) => 'label' in b && b.label === label);
  if (!found || !('custom_id' in found)) throw new Error(`no button ${label}`);
  return found.custom_id;
}
