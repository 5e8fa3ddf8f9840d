// Gateway dispatch payloads as Discord sends them (the fields Pulse reads), for store and replay tests.
export const G = '100000000000000001';
export const G2 = '100000000000000002';
export const C = '400000000000000001';
export const VOICE = '400000000000000009';
export const u = (n: number) => `2000000000000000${String(n).padStart(2, '0')}`;

let next = 1;
export const newId = () => `3000000000000${String(next++).padStart(5, '0')}`;

export const message = (user: string, at: string, extra: Record<string, unknown> = {}) => ({
  t: 'MESSAGE_CREATE',
  at,
  d: { id: newId(), guild_id: G, channel_id: C, author: { id: user, username: 'x' }, timestamp: at, content: 'never stored', attachments: [], ...extra },
});
export const reaction = (user: string, messageId: string, author: string, at: string, emoji = '👍', guild = G) => ({
  t: 'MESSAGE_REACTION_ADD',
  at,
  d: { guild_id: guild, channel_id: C, message_id: messageId, user_id: user, message_author_id: author, emoji: { id: null, name: emoji }, member: { user: { id: user } } },
});
export const voice = (user: string, channel: string | null, at: string, guild = G) => ({
  t: 'VOICE_STATE_UPDATE',
  at,
  d: { guild_id: guild, channel_id: channel, user_id: user, session_id: 's', member: { user: { id: user } } },
});
export const join = (user: string, at: string, guild = G) => ({ t: 'GUILD_MEMBER_ADD', at, d: { guild_id: guild, user: { id: user }, joined_at: at } });
export const leave = (user: string, at: string, guild = G) => ({ t: 'GUILD_MEMBER_REMOVE', at, d: { guild_id: guild, user: { id: user } } });
export const thread = (user: string, at: string, newly = true, extra: Record<string, unknown> = {}) => ({
  t: 'THREAD_CREATE',
  at,
  d: { id: newId(), guild_id: G, parent_id: C, owner_id: user, newly_created: newly, type: 11, ...extra },
});
