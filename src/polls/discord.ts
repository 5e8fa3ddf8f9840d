// The polls feature: votes from buttons and selects, live edits, the closing scheduler, native poll votes.
import { randomBytes } from 'node:crypto';
import {
  DiscordAPIError,
  MessageFlags,
  RESTJSONErrorCodes,
  Routes as Api,
  type ButtonInteraction,
  type Client,
  type GatewayDispatchPayload,
  type GuildMember,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { APIInteractionGuildMember } from 'discord-api-types/v10';
import { z } from 'zod';
import type { Feature, FeatureContext } from '../feature.js';
import { idArg } from '../discord/custom-id.js';
import { UserError } from '../discord/errors.js';
import { componentRoute, replyEphemeral, type Routes } from '../discord/router.js';
import { commandRoutes } from './discord-commands.js';
import { KIND, pollLink, pollMessage } from './discord-render.js';
import { Coalescer, realTimers, type Timers } from './live.js';
import { decideClick, decideSelection, describeOutcome, voteReceipt, withdrawAll, type Poll, type VoteDecision, type VoterContext } from './poll.js';
import {
  castVote,
  closePoll,
  currentTally,
  duePollIds,
  getPoll,
  markAnnounced,
  nextDueAt,
  recordNativeVote,
  removeNativeVote,
  unannouncedPolls,
} from './store.js';

export interface PollsOptions {
  /** Least time between two edits of one poll message (default 3 s). */
  liveIntervalMs?: number;
  timers?: Timers;
}

const OLD_MESSAGE_INTERVAL_MS = 10_000;
const SLOW_INTERVAL_MS = 60_000;

const snowflake = z.string().regex(/^\d{17,20}$/);
const nativeVoteSchema = z.object({
  user_id: snowflake,
  channel_id: snowflake,
  message_id: snowflake,
  guild_id: snowflake.optional(),
  answer_id: z.number().int().min(1).max(10),
});

/** The longest the scheduler sleeps before looking again (timers past ~24.8 days overflow). */
const MAX_SLEEP_MS = 6 * 3_600_000;

type MemberLike = GuildMember | APIInteractionGuildMember | null;

export function memberRoleIds(member: MemberLike): string[] {
  if (!member) return [];
  return Array.isArray(member.roles) ? member.roles : [...member.roles.cache.keys()];
}

export class PollService {
  readonly live: Coalescer<number>;
  private readonly timers: Timers;
  private dueTimer: unknown;
  private stopped = false;
  private readonly inFlight = new Set<Promise<unknown>>();
  /** When each recently voted poll was created, to pace edits of old messages. */
  private readonly createdAt = new Map<number, number>();
  private readonly slowUntil = new Map<number, number>();

  constructor(
    readonly ctx: FeatureContext,
    options: PollsOptions = {},
  ) {
    this.timers = options.timers ?? realTimers;
    const base = options.liveIntervalMs ?? 3_000;
    // Messages older than an hour have a separate, hidden edit cap (30046): edit those less often,
    // and much less often once Discord has said no.
    const interval = (id: number) => {
      const slowUntil = this.slowUntil.get(id);
      if (slowUntil !== undefined && slowUntil > this.ctx.clock.now()) return Math.max(base, SLOW_INTERVAL_MS);
      const created = this.createdAt.get(id);
      return created !== undefined && this.ctx.clock.now() - created > 3_600_000 ? Math.max(base, OLD_MESSAGE_INTERVAL_MS) : base;
    };
    this.live = new Coalescer<number>((id) => this.refreshMessage(id), interval, this.timers, (err, id) => this.ctx.logger.warn({ err, poll: id }, 'polls.live-edit-failed'));
  }

  get db() {
    return this.ctx.db;
  }
  get client(): Client {
    return this.ctx.client;
  }

  // ---------------------------------------------------------------- voting

  /**
   * A vote from a button or the select menu. This is its own error boundary: the router would
   * log failures with the member and the custom_id, which names the clicked choice, and an
   * anonymous poll's votes must never reach the logs.
   */
  async vote(
    interaction: ButtonInteraction | StringSelectMenuInteraction,
    pollId: number,
    decide: (poll: Poll, current: number[], voter: VoterContext) => VoteDecision,
  ): Promise<void> {
    try {
      await this.castAndAnswer(interaction, pollId, decide);
    } catch (err) {
      let text: string;
      if (err instanceof UserError) text = err.message;
      else {
        const errorId = randomBytes(4).toString('hex');
        text = `Sorry, your vote could not be recorded. Try again; if it keeps happening, give the server admins this error id: \`${errorId}\`.`;
        const e = err as { name?: unknown; code?: unknown; status?: unknown; message?: unknown };
        // Only the error's name, code and message: a Discord error's request body would hold the receipt.
        this.ctx.logger.error({ guild: interaction.guildId, poll: pollId, errorId, err: { name: e.name, code: e.code, status: e.status, message: e.message } }, 'polls.vote-failed');
      }
      await replyEphemeral(interaction, text).catch(() => undefined);
    }
  }

  private async castAndAnswer(
    interaction: ButtonInteraction | StringSelectMenuInteraction,
    pollId: number,
    decide: (poll: Poll, current: number[], voter: VoterContext) => VoteDecision,
  ): Promise<void> {
    const now = this.ctx.clock.now();
    const roles = memberRoleIds(interaction.member as MemberLike);
    const outcome = await castVote(this.db, pollId, interaction.user.id, now, (poll, current) =>
      poll.guildId !== interaction.guildId
        ? { kind: 'refused', reason: 'bad-choice', message: 'This poll belongs to another server.' }
        : decide(poll, current, { now, hasRole: poll.roleId === null || roles.includes(poll.roleId) }),
    );
    if (!outcome) throw new UserError('This poll no longer exists.');
    if (outcome.kind === 'refused') {
      // A click on a poll that is past due but not yet closed (the bot was busy) closes it now.
      if (outcome.reason === 'closed' && outcome.poll.status === 'open') this.track(this.closeDue());
      throw new UserError(outcome.message);
    }
    // Anonymous polls: never log who voted for what.
    this.ctx.logger.debug({ guild: interaction.guildId, poll: pollId, ...(outcome.poll.anonymous ? {} : { user: interaction.user.id, choices: outcome.next }) }, 'polls.vote');
    if (this.createdAt.size > 1000) this.createdAt.clear();
    this.createdAt.set(pollId, outcome.poll.createdAt);
    // Hidden results still move the voter count in the footer.
    this.live.mark(pollId);
    await interaction.reply({ content: voteReceipt(outcome.poll, outcome.next), flags: MessageFlags.Ephemeral, allowedMentions: { parse: [] } });
  }

  /** Edits the poll's message to its current state (open or final) from the database. */
  async refreshMessage(pollId: number): Promise<void> {
    const poll = await getPoll(this.db, pollId);
    if (!poll?.messageId) return;
    const t = await currentTally(this.db, pollId);
    if (!t) return;
    try {
      await this.client.rest.patch(Api.channelMessage(poll.channelId, poll.messageId), { body: pollMessage(poll, t) });
    } catch (err) {
      if (isCode(err, RESTJSONErrorCodes.UnknownMessage) || isCode(err, RESTJSONErrorCodes.UnknownChannel)) {
        this.ctx.logger.info({ guild: poll.guildId, poll: poll.id }, 'polls.message-gone');
        return;
      }
      if (isCode(err, RESTJSONErrorCodes.MaximumNumberOfEditsToMessagesOlderThanOneHourReached)) {
        // Try again later; the votes are safe in the database and the next edit shows them all.
        this.slowUntil.set(poll.id, this.ctx.clock.now() + 10 * 60_000);
        this.live.mark(poll.id);
        this.ctx.logger.warn({ guild: poll.guildId, poll: poll.id }, 'polls.edit-capped');
        return;
      }
      throw err;
    }
  }

  // ---------------------------------------------------------------- closing

  /** Closes one poll (once, whoever asks first) and announces it. False if it was closed already. */
  async close(pollId: number, closedBy: string | null): Promise<boolean> {
    const closed = await closePoll(this.db, pollId, this.ctx.clock.now(), closedBy);
    if (closed) {
      this.ctx.logger.info({ poll: pollId, by: closedBy ?? 'schedule' }, 'polls.closed');
      await this.announce(pollId);
    }
    return closed;
  }

  /** Closes everything due now; run by the timer, on start and when a vote finds a poll past due. */
  async closeDue(): Promise<number> {
    let count = 0;
    for (const id of await duePollIds(this.db, this.ctx.clock.now())) {
      try {
        if (await this.close(id, null)) count++;
      } catch (err) {
        this.ctx.logger.error({ err, poll: id }, 'polls.close-failed');
      }
    }
    return count;
  }

  /**
   * Shows the final results on the message, then tells the author. The message edit may repeat
   * (harmless); the DM is claimed atomically first, so it is sent at most once.
   */
  async announce(pollId: number): Promise<void> {
    // Through the coalescer, so a live edit already under way cannot land after the final one.
    await this.live.now(pollId);
    if (!(await markAnnounced(this.db, pollId, this.ctx.clock.now()))) return;
    const poll = await getPoll(this.db, pollId);
    const t = await currentTally(this.db, pollId);
    if (!poll || !t) return;
    const link = pollLink(poll);
    const outcome = describeOutcome(poll.choices, t);
    const content = `Your poll **${poll.question.slice(0, 200)}** (#${poll.id}) has closed. ${outcome.length > 1500 ? `${outcome.slice(0, 1499)}…` : outcome}${link ? `\n${link}` : ''}`;
    try {
      await this.client.users.send(poll.authorId, { content, allowedMentions: { parse: [] } });
    } catch (err) {
      // Members may close their DMs; the results are on the poll message anyway.
      if (!isCode(err, RESTJSONErrorCodes.CannotSendMessagesToThisUser)) this.ctx.logger.warn({ err, poll: pollId }, 'polls.dm-failed');
    }
  }

  /** Arms one timer to the next due poll; re-armed after each run and each new poll. */
  async arm(): Promise<void> {
    if (this.stopped) return;
    const next = await nextDueAt(this.db);
    if (this.dueTimer !== undefined) this.timers.clear(this.dueTimer);
    this.dueTimer = undefined;
    if (next === null || this.stopped) return;
    const delay = Math.min(MAX_SLEEP_MS, Math.max(0, next - this.ctx.clock.now()));
    this.dueTimer = this.timers.set(() => {
      this.dueTimer = undefined;
      this.track(
        this.closeDue()
          .catch((err: unknown) => this.ctx.logger.error({ err }, 'polls.schedule-failed'))
          .then(() => this.arm()),
      );
    }, delay);
  }

  /** Start-up catch-up: close what fell due while the bot was down, finish interrupted announcements. */
  async onReady(): Promise<void> {
    const closed = await this.closeDue();
    for (const poll of await unannouncedPolls(this.db)) await this.announce(poll.id);
    if (closed) this.ctx.logger.info({ closed }, 'polls.caught-up');
    await this.arm();
  }

  // ---------------------------------------------------------------- native polls

  onRaw(packet: GatewayDispatchPayload): void {
    if (packet.t !== 'MESSAGE_POLL_VOTE_ADD' && packet.t !== 'MESSAGE_POLL_VOTE_REMOVE') return;
    const parsed = nativeVoteSchema.safeParse(packet.d);
    if (!parsed.success) {
      this.ctx.logger.warn({ event: packet.t }, 'polls.native-vote-malformed');
      return;
    }
    const d = parsed.data;
    if (!d.guild_id) return; // polls in DMs are not the server's
    const vote = { guildId: d.guild_id, channelId: d.channel_id, messageId: d.message_id, userId: d.user_id, answerId: d.answer_id };
    const work = packet.t === 'MESSAGE_POLL_VOTE_ADD' ? recordNativeVote(this.db, vote, this.ctx.clock.now()) : removeNativeVote(this.db, vote);
    this.track(work.catch((err: unknown) => this.ctx.logger.error({ err, guild: d.guild_id, event: packet.t }, 'polls.native-vote-failed')));
  }

  // ---------------------------------------------------------------- lifecycle

  track(work: Promise<unknown>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.dueTimer !== undefined) this.timers.clear(this.dueTimer);
    this.dueTimer = undefined;
    await Promise.allSettled([...this.inFlight]);
    await this.live.stop();
  }
}

export function isCode(err: unknown, code: number): boolean {
  return err instanceof DiscordAPIError && err.code === code;
}

function voteRoutes(service: PollService): Routes {
  return {
    components: {
      [KIND.vote]: componentRoute({
        args: idArg.int.array().length(2).transform(([poll, choice]) => ({ poll: poll ?? 0, choice: choice ?? 0 })),
        handle: (interaction, { poll, choice }) => service.vote(interaction, poll, (p, current, voter) => decideClick(p, current, choice, voter)),
      }),
      [KIND.select]: componentRoute({
        args: idArg.int.array().length(1).transform(([poll]) => poll ?? 0),
        handle: (interaction, poll) => {
          if (!interaction.isStringSelectMenu()) throw new UserError('This control is no longer valid.');
          const picked = interaction.values.map((v) => (/^\d{1,2}$/.test(v) ? Number(v) : -1));
          return service.vote(interaction, poll, (p, current, voter) => decideSelection(p, current, picked, voter));
        },
      }),
      [KIND.withdraw]: componentRoute({
        args: idArg.int.array().length(1).transform(([poll]) => poll ?? 0),
        handle: (interaction, poll) => service.vote(interaction, poll, (p, current, voter) => withdrawAll(p, current, voter)),
      }),
    },
  };
}

export interface PollsFeature extends Feature {
  readonly service: PollService;
}

export function pollsFeature(ctx: FeatureContext, options: PollsOptions = {}): PollsFeature {
  const service = new PollService(ctx, options);
  const votes = voteRoutes(service);
  const commands = commandRoutes(service);
  return {
    name: 'polls',
    service,
    routes: { ...commands, components: votes.components },
    attach(client) {
      client.on('raw', (packet: GatewayDispatchPayload) => service.onRaw(packet));
    },
    onReady: () => service.onReady(),
    stop: () => service.stop(),
  };
}
