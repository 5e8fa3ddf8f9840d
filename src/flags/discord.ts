// The flags adapter: raw reaction events in, the service's ports out to Discord, and the slice's routes.
import { DiscordAPIError, RESTJSONErrorCodes, Routes as Api, type APIGuildMember, type APIMessage, type APIUser, type Client, type GatewayDispatchPayload } from 'discord.js';
import { encodeCustomId, ownMessageWithControl } from '../discord/custom-id.js';
import { isCode } from '../discord/errors.js';
import type { Routes } from '../discord/router.js';
import type { Feature, FeatureContext } from '../feature.js';
import { customEmoji } from '../settings/settings.js';
import { renderCase, reviewRoutes } from './discord-case.js';
import { commandRoutes } from './discord-commands.js';
import { resumePending } from './review-service.js';
import { FlagService, type FlagPorts, type ReactionEvent } from './service.js';
import { onCaseFlaggersRemoved } from './store.js';
import { sendDm } from '../discord/dm.js';
import type { Timers } from '../polls/live.js';

/** Pages of 100 reaction users read per case on start. */
const RECONCILE_PAGES = 5;

interface RawReaction {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  member?: { user?: { id: string; bot?: boolean } };
  emoji: { id: string | null; name: string | null };
  message_author_id?: string;
}

/** The emoji as the reactions route wants it: "name:id" for a custom emoji, else the character. */
export function encodeEmoji(setting: string): string {
  const custom = customEmoji(setting);
  return encodeURIComponent(custom ? `${custom.name}:${custom.id}` : setting);
}

export function flagPorts(client: Client): FlagPorts {
  return {
    botUserId: () => client.user?.id ?? null,
    async postCase(channelId, view, nonce) {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error('moderation channel is not a text channel');
      // As the digests, feedback and polls posts: with enforceNonce, a repeat within minutes is dropped.
      const sent = await channel.send({ ...renderCase(view.lang, view.case, view.flaggers, view.now), nonce, enforceNonce: true });
      return sent.id;
    },
    async findCase(channelId, caseId) {
      const recent = (await client.rest.get(Api.channelMessages(channelId), { query: new URLSearchParams({ limit: '100' }) }).catch(() => null)) as APIMessage[] | null;
      return ownMessageWithControl(recent, client.user?.id, [encodeCustomId('flag-case', caseId, 'claim')]);
    },
    async editCase(channelId, messageId, view) {
      try {
        const channel = await client.channels.fetch(channelId);
        if (!channel?.isTextBased()) return 'gone';
        await channel.messages.edit(messageId, renderCase(view.lang, view.case, view.flaggers, view.now));
        return 'edited';
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.UnknownMessage) || isCode(err, RESTJSONErrorCodes.UnknownChannel)) return 'gone';
        if (isCode(err, RESTJSONErrorCodes.MaximumNumberOfEditsToMessagesOlderThanOneHourReached)) return 'capped';
        throw err;
      }
    },
    async reactionUsers(channelId, messageId, emoji) {
      const users: APIUser[] = [];
      let after: string | undefined;
      for (let page = 0; page < RECONCILE_PAGES; page++) {
        const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
        const batch = (await client.rest.get(Api.channelMessageReaction(channelId, messageId, encodeEmoji(emoji)), { query })) as APIUser[];
        users.push(...batch);
        if (batch.length < 100) break;
        after = batch[batch.length - 1]?.id;
      }
      return { users: users.map((u) => ({ id: u.id, bot: u.bot === true })), complete: users.length < RECONCILE_PAGES * 100 };
    },
    async deleteMessage(channelId, messageId, reason) {
      try {
        await client.rest.delete(Api.channelMessage(channelId, messageId), { reason });
        return true;
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.UnknownMessage)) return false;
        throw err;
      }
    },
    async timeout(guildId, userId, until, reason) {
      await client.rest.patch(Api.guildMember(guildId, userId), { body: { communication_disabled_until: until }, reason });
    },
    async timedOutUntil(guildId, userId) {
      // From Discord itself: a timeout given a moment ago (by anyone) must be seen.
      const member = (await client.rest.get(Api.guildMember(guildId, userId))) as APIGuildMember;
      const until = member.communication_disabled_until ? Date.parse(member.communication_disabled_until) : Number.NaN;
      return Number.isNaN(until) ? null : until;
    },
    async dm(userId, text) {
      try {
        await sendDm(client, userId, text);
        return 'sent';
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.CannotSendMessagesToThisUser)) return 'closed';
        if (isCode(err, RESTJSONErrorCodes.UnknownUser)) return 'undeliverable';
        // Refused when opening the DM channel: a recipient Discord does not take.
        if (isCode(err, RESTJSONErrorCodes.InvalidFormBodyOrContentType) && err instanceof DiscordAPIError && err.url.endsWith(Api.userChannels())) return 'undeliverable';
        throw err;
      }
    },
    async postPinging(channelId, userId, text) {
      const channel = await client.channels.fetch(channelId);
      if (!channel?.isSendable()) throw new Error('not a text channel');
      await channel.send({ content: text, allowedMentions: { users: [userId] } });
    },
    guildName: (guildId) => client.guilds.cache.get(guildId)?.name ?? null,
    guildLocale: (guildId) => client.guilds.cache.get(guildId)?.preferredLocale ?? null,
  };
}

/** Reads a raw reaction event: raw events carry the author and the member, so no fetch is needed. */
function reactionEvent(client: Client, packet: GatewayDispatchPayload): ReactionEvent | null {
  switch (packet.t) {
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE': {
      const d = packet.d as unknown as RawReaction;
      if (!d.guild_id) return null;
      if (packet.t === 'MESSAGE_REACTION_REMOVE') return { kind: 'remove', guildId: d.guild_id, messageId: d.message_id, userId: d.user_id, emoji: d.emoji };
      const userIsBot = d.member?.user?.bot ?? client.users.cache.get(d.user_id)?.bot ?? false;
      return { kind: 'add', guildId: d.guild_id, channelId: d.channel_id, messageId: d.message_id, userId: d.user_id, userIsBot, authorId: d.message_author_id ?? null, emoji: d.emoji };
    }
    case 'MESSAGE_REACTION_REMOVE_EMOJI':
      return packet.d.guild_id ? { kind: 'remove-emoji', guildId: packet.d.guild_id, messageId: packet.d.message_id, emoji: packet.d.emoji } : null;
    case 'MESSAGE_REACTION_REMOVE_ALL':
      return packet.d.guild_id ? { kind: 'remove-all', guildId: packet.d.guild_id, messageId: packet.d.message_id } : null;
    default:
      return null;
  }
}

export interface FlagsFeature extends Feature {
  readonly service: FlagService;
}

export interface FlagsOptions {
  /** Least time between two edits of a case message as its flags change (default 3 s). */
  liveIntervalMs?: number;
  timers?: Timers;
}

export function flagsFeature(ctx: FeatureContext, options: FlagsOptions = {}): FlagsFeature {
  const service = new FlagService({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, ports: flagPorts(ctx.client), ...options });
  // Opt-out steps (on this thread, on this database) hand over the cases whose flaggers they removed.
  onCaseFlaggersRemoved(ctx.database.sqlite, (caseIds) => service.flaggersRemoved(caseIds));
  return {
    name: 'flags',
    service,
    routes: mergeRoutes(reviewRoutes(service), commandRoutes(service)),
    attach(client) {
      client.on('raw', (packet: GatewayDispatchPayload) => {
        const event = reactionEvent(client, packet);
        if (event) service.onReaction(event);
      });
    },
    async onReady() {
      // Closes a killed process left half done first, then flags changed while down, unposted
      // cases, then case messages a crash left behind their case (the steps before refresh theirs).
      await resumePending(service);
      await service.reconcile();
      await service.refreshUnshown();
      service.startRetries();
    },
    async onReconnect() {
      // A new session: the reactions added or removed in the gap never came; read them again.
      await service.reconnected();
    },
    async stop() {
      onCaseFlaggersRemoved(ctx.database.sqlite, null);
      await service.drain();
    },
  };
}

function mergeRoutes(...all: Routes[]): Routes {
  const out: Routes = {};
  for (const r of all) {
    for (const key of Object.keys(r) as Array<keyof Routes>) {
      (out as Record<string, object>)[key] = { ...((out as Record<string, object>)[key] ?? {}), ...(r[key] ?? {}) };
    }
  }
  return out;
}
