// The polls adapter: vote controls and native-poll events in, the service's ports out to Discord.
import {
  MessageFlags,
  RESTJSONErrorCodes,
  Routes as Api,
  type Client,
  type GatewayDispatchPayload,
  type GuildMember,
} from 'discord.js';
import type { APIInteractionGuildMember, APIMessage } from 'discord-api-types/v10';
import { z } from 'zod';
import type { Feature, FeatureContext } from '../feature.js';
import { encodeCustomId, idArg, ownMessageWithControl } from '../discord/custom-id.js';
import { snowflakeBefore } from '../discord/snowflake.js';
import { isCode, UserError } from '../discord/errors.js';
import { languageOf, msg, type Language } from '../i18n/index.js';
import { serverLanguage } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { componentRoute, type ComponentInteraction, type Routes } from '../discord/router.js';
import { canSee, commandRoutes, staffOf } from './discord-commands.js';
import { KIND, pollMessage } from './discord-render.js';
import { decideClick, decideSelection, withdrawAll, type Poll, type VoteDecision, type VoterContext } from './poll.js';
import { PollService, type PollPorts, type PollsOptions } from './service.js';
import { sendDm } from '../discord/dm.js';

export type { PollsOptions } from './service.js';

const snowflake = z.string().regex(/^\d{17,20}$/);
const nativeVoteSchema = z.object({
  user_id: snowflake,
  channel_id: snowflake,
  message_id: snowflake,
  guild_id: snowflake.optional(),
  answer_id: z.number().int().min(1).max(10),
});

type MemberLike = GuildMember | APIInteractionGuildMember | null;

export function memberRoleIds(member: MemberLike): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

/** The service's ports, over the discord.js client. */
export function pollPorts(client: Client, db: Kysely<DB>): PollPorts {
  // A custom emoji moves onto a button only when it is from a server Pulse is in (else Discord refuses the message).
  const usable = (id: string) => client.emojis.cache.has(id);
  return {
    async language(guildId): Promise<Language> {
      return serverLanguage(await getSettings(db, guildId), client.guilds.cache.get(guildId)?.preferredLocale);
    },
    async show(lang, poll, tally) {
      if (!poll.messageId) return 'gone';
      try {
        await client.rest.patch(Api.channelMessage(poll.channelId, poll.messageId), { body: pollMessage(lang, poll, tally, usable) });
        return 'shown';
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.UnknownMessage) || isCode(err, RESTJSONErrorCodes.UnknownChannel)) return 'gone';
        if (isCode(err, RESTJSONErrorCodes.MaximumNumberOfEditsToMessagesOlderThanOneHourReached)) return 'capped';
        if (isCode(err, RESTJSONErrorCodes.MissingAccess) || isCode(err, RESTJSONErrorCodes.MissingPermissions)) return 'refused';
        throw err;
      }
    },
    async post(lang, poll, tally, nonce) {
      // As the digests and feedback posts: with enforce_nonce, a repeat within minutes is dropped.
      const message = (await client.rest.post(Api.channelMessages(poll.channelId), { body: { ...pollMessage(lang, poll, tally, usable), nonce, enforce_nonce: true } })) as APIMessage;
      return message.id;
    },
    async findPosted(poll) {
      // The first messages after the poll was created (a minute of leeway for clocks), as a retried
      // feedback or digest post looks in the channel: the bot's one with this poll's controls.
      const after = snowflakeBefore(poll.createdAt - 60_000);
      let recent: APIMessage[];
      try {
        recent = (await client.rest.get(Api.channelMessages(poll.channelId), { query: new URLSearchParams({ after, limit: '100' }) })) as APIMessage[];
      } catch (err) {
        // A channel deleted since holds no poll message.
        if (isCode(err, RESTJSONErrorCodes.UnknownChannel)) return null;
        throw err;
      }
      return ownMessageWithControl(recent, client.user?.id, [encodeCustomId(KIND.vote, poll.id, 0), encodeCustomId(KIND.select, poll.id)]);
    },
    async dm(userId, content) {
      try {
        await sendDm(client, userId, content);
        return true;
      } catch (err) {
        if (isCode(err, RESTJSONErrorCodes.CannotSendMessagesToThisUser)) return false;
        throw err;
      }
    },
  };
}

type Decide = (poll: Poll, current: number[], voter: VoterContext) => VoteDecision;

async function vote(service: PollService, interaction: ComponentInteraction, pollId: number, decide: Decide): Promise<void> {
  const staff = await staffOf(service, interaction);
  const ballot = {
    pollId,
    guildId: interaction.guildId!,
    userId: interaction.user.id,
    roleIds: memberRoleIds(interaction.member as MemberLike),
    lang: languageOf(interaction.locale),
    messageId: interaction.message.id,
    canSee: (poll: Poll) => canSee(interaction, poll, staff),
    // The server's roles are cached from the gateway (GUILD_ROLE_DELETE removes one); no cached server, no claim.
    roleGone: (roleId: string) => (interaction.guild ? !interaction.guild.roles.cache.has(roleId) : false),
  };
  await service.vote(ballot, decide, async (receipt) => {
    await interaction.reply({ content: receipt, flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  });
}

/** Vote routes redact their logs: a custom_id or a failed reply's body can say what an anonymous voter chose. */
function voteRoutes(service: PollService): Routes {
  return {
    components: {
      [KIND.vote]: componentRoute({
        redact: true,
        args: idArg.int.array().length(2).transform(([poll, choice]) => ({ poll: poll ?? 0, choice: choice ?? 0 })),
        handle: (interaction, { poll, choice }) => vote(service, interaction, poll, (p, current, voter) => decideClick(p, current, choice, voter)),
      }),
      [KIND.select]: componentRoute({
        redact: true,
        args: idArg.int.array().length(1).transform(([poll]) => poll ?? 0),
        handle: (interaction, poll) => {
          if (!interaction.isStringSelectMenu()) throw new UserError(msg('polls.error.badControl'));
          const picked = interaction.values.map((v) => (/^\d{1,2}$/.test(v) ? Number(v) : -1));
          return vote(service, interaction, poll, (p, current, voter) => decideSelection(p, current, picked, voter));
        },
      }),
      [KIND.withdraw]: componentRoute({
        redact: true,
        args: idArg.int.array().length(1).transform(([poll]) => poll ?? 0),
        handle: (interaction, poll) => vote(service, interaction, poll, (p, current, voter) => withdrawAll(p, current, voter)),
      }),
    },
  };
}

function onRaw(service: PollService, ctx: FeatureContext, packet: GatewayDispatchPayload): void {
  if (packet.t !== 'MESSAGE_POLL_VOTE_ADD' && packet.t !== 'MESSAGE_POLL_VOTE_REMOVE') return;
  const parsed = nativeVoteSchema.safeParse(packet.d);
  if (!parsed.success) {
    ctx.logger.warn({ event: packet.t }, 'polls.native-vote-malformed');
    return;
  }
  const d = parsed.data;
  if (!d.guild_id) return; // polls in DMs are not the server's
  service.nativeVote({ guildId: d.guild_id, channelId: d.channel_id, messageId: d.message_id, userId: d.user_id, answerId: d.answer_id }, packet.t === 'MESSAGE_POLL_VOTE_ADD');
}

export interface PollsFeature extends Feature {
  readonly service: PollService;
}

export function pollsFeature(ctx: FeatureContext, options: PollsOptions = {}): PollsFeature {
  const service = new PollService({ db: ctx.db, clock: ctx.clock, logger: ctx.logger, ports: pollPorts(ctx.client, ctx.db) }, options);
  const votes = voteRoutes(service);
  const commands = commandRoutes(service);
  return {
    name: 'polls',
    service,
    routes: { ...commands, components: votes.components },
    attach(client) {
      client.on('raw', (packet: GatewayDispatchPayload) => onRaw(service, ctx, packet));
    },
    onReady: () => service.onReady(),
    stop: () => service.stop(),
  };
}
