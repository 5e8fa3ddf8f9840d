// A direct message to a member (a closed poll's author, a survey reminder, a flag warning, a
// privacy notice, a feedback author): one way for every slice.
import { randomBytes } from 'node:crypto';
import type { Client } from 'discord.js';

/**
 * Sends `content` to the member's DM channel.
 * - The channel is not cached: discord.js would keep every DM channel it ever opened (~0.8 KB each,
 *   never swept) and look each new one up by scanning them all.
 * - The message carries a nonce Discord enforces: should discord.js send it again (a 5xx or a lost
 *   answer after Discord made it), the member still gets it once.
 * - It pings nobody.
 * Throws Discord's errors as they come (50007: the member does not take DMs from the bot).
 */
export async function sendDm(client: Client, userId: string, content: string): Promise<void> {
  const channel = await client.users.createDM(userId, { cache: false });
  await channel.send({ content, allowedMentions: { parse: [] }, nonce: `dm-${randomBytes(9).toString('base64url')}`, enforceNonce: true });
}
