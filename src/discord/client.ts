// Builds the discord.js client: the intents and partials Pulse needs, bounded caches.
import { Client, GatewayIntentBits, Options, Partials, type VoiceState } from 'discord.js';
import type { Config } from '../config.js';

/** The voice states swept every hour: members no longer in a voice channel (a cache that only grew). */
export const VOICE_STATES_SWEEP = { interval: 3600, filter: () => (state: VoiceState) => state.channelId === null };

export function createClient(discord: NonNullable<Config['discord']>): Client {
  return new Client({
    intents: [
      GatewayIntentBits.Guilds,
      GatewayIntentBits.GuildMembers,
      GatewayIntentBits.GuildMessages,
      GatewayIntentBits.GuildMessageReactions,
      GatewayIntentBits.GuildVoiceStates,
      GatewayIntentBits.GuildMessagePolls,
    ],
    // Reactions and poll votes on uncached messages arrive only with these partials.
    partials: [Partials.Message, Partials.Reaction, Partials.User, Partials.Channel, Partials.GuildMember, Partials.Poll, Partials.PollAnswer],
    allowedMentions: { parse: [] },
    // Pulse counts metadata from events; it needs almost nothing cached. VoiceStateManager
    // stays unbounded (start-up reads who is in voice from it) but is swept (below), and the
    // bot's own member is always kept (permission checks).
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 25,
      ReactionManager: 0,
      ReactionUserManager: 0,
      PresenceManager: 0,
      GuildMessageManager: 25,
      ThreadMemberManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 1000, keepOverLimit: (user) => user.id === user.client.user.id },
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      GuildScheduledEventManager: 0,
      StageInstanceManager: 0,
      AutoModerationRuleManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      messages: { interval: 600, lifetime: 1800 },
      threads: { interval: 3600, lifetime: 3600 },
      // discord.js keeps a voice state for every member who ever used voice (one who left voice
      // stays, with no channel) until they leave the server: an hourly sweep drops those.
      voiceStates: VOICE_STATES_SWEEP,
    },
    rest: discord.apiUrl ? { api: discord.apiUrl } : {},
  });
}
