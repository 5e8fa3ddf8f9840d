// The flags feature: flag intake (reactions and the context menu), case posting, reviews, start-up reconciliation.
import { Routes as Api, type APIUser, type Client, type GatewayDispatchPayload } from 'discord.js';
import type { Feature, FeatureContext } from '../feature.js';
import { emojiMatches, type GuildSettings } from '../settings/settings.js';
import { getSettings } from '../settings/store.js';
import { renderCase, reviewRoutes } from './discord-case.js';
import { commandRoutes } from './discord-commands.js';
import { reachesThreshold } from './flags.js';
import { KeyedLock } from './lock.js';
import {
  activeReactionFlaggers,
  addCaseEvent,
  countedFlaggers,
  getCase,
  getCaseByMessage,
  listOpenCases,
  openCase,
  recordFlag,
  setExcerptIfMissing,
  setReviewMessage,
  withdrawReactionFlags,
  type FlagCase,
  type FlagInput,
  type RecordResult,
} from './store.js';

/** Cases reconciled on start, oldest first; the rest catch up as their flags change. */
const RECONCILE_CASES = 200;
/** Pages of 100 reaction users read per case on start. */
const RECONCILE_PAGES = 5;
/** Excerpts of context-menu flags kept in memory until their message reaches a case. */
const EXCERPTS_KEPT = 500;

interface RawReaction {
  user_id: string;
  channel_id: string;
  message_id: string;
  guild_id?: string;
  member?: { user?: { id: string; bot?: boolean } };
  emoji: { id: string | null; name: string | null };
  message_author_id?: string;
}

export interface AddFlagOutcome {
  result: RecordResult;
  /** The message's case, when it has one (opened now or before). */
  case?: FlagCase;
  opened: boolean;
}

export class FlagService {
  readonly lock = new KeyedLock();
  private readonly excerpts = new Map<string, string>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(readonly ctx: FeatureContext) {}

  get db() {
    return this.ctx.db;
  }
  get client(): Client {
    return this.ctx.client;
  }

  /** Keeps a context-menu excerpt in memory only; it reaches the database only with a case. */
  rememberExcerpt(messageId: string, text: string | null): void {
    if (!text) return;
    this.excerpts.delete(messageId);
    this.excerpts.set(messageId, text);
    while (this.excerpts.size > EXCERPTS_KEPT) {
      const oldest = this.excerpts.keys().next().value;
      if (oldest === undefined) break;
      this.excerpts.delete(oldest);
    }
  }

  /**
   * Gateway entry: raw reaction events carry the author and the member, so no fetch is needed.
   * The message's lock is taken at once, so a message's events are handled in arrival order.
   */
  onRaw(packet: GatewayDispatchPayload): void {
    const messageId = reactionMessageId(packet);
    if (!messageId) return;
    const work = this.lock
      .run(messageId, () => this.route(packet))
      .catch((err: unknown) => this.ctx.logger.error({ err, event: packet.t }, 'flags.raw-failed'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Runs under the message's lock. */
  private async route(packet: GatewayDispatchPayload): Promise<void> {
    switch (packet.t) {
      case 'MESSAGE_REACTION_ADD':
      case 'MESSAGE_REACTION_REMOVE': {
        const d = packet.d as unknown as RawReaction;
        if (!d.guild_id) return;
        const settings = await getSettings(this.db, d.guild_id);
        if (!emojiMatches(settings.flagEmoji, d.emoji)) return;
        if (packet.t === 'MESSAGE_REACTION_ADD') await this.onReactionAdd(d, d.guild_id, settings);
        else await this.withdrawLocked(d.guild_id, d.message_id, d.user_id);
        return;
      }
      case 'MESSAGE_REACTION_REMOVE_EMOJI': {
        const d = packet.d;
        if (!d.guild_id) return;
        const settings = await getSettings(this.db, d.guild_id);
        if (emojiMatches(settings.flagEmoji, d.emoji)) await this.withdrawLocked(d.guild_id, d.message_id, null);
        return;
      }
      case 'MESSAGE_REACTION_REMOVE_ALL':
        if (packet.d.guild_id) await this.withdrawLocked(packet.d.guild_id, packet.d.message_id, null);
        return;
      default:
        return;
    }
  }

  private async onReactionAdd(d: RawReaction, guildId: string, settings: GuildSettings): Promise<void> {
    // Pulse's own messages (case messages among them) are never flagged into a case.
    if (d.message_author_id && d.message_author_id === this.client.user?.id) return;
    const isBot = d.user_id === this.client.user?.id || (d.member?.user?.bot ?? this.client.users.cache.get(d.user_id)?.bot ?? false);
    await this.addFlagLocked(
      {
        guildId,
        channelId: d.channel_id,
        messageId: d.message_id,
        userId: d.user_id,
        source: 'reaction',
        authorId: d.message_author_id ?? null,
        flaggerIsBot: isBot,
        reason: null,
        details: null,
      },
      { staffFlag: false },
      settings,
    );
  }

  private async withdrawLocked(guildId: string, messageId: string, userId: string | null): Promise<void> {
    const changed = await withdrawReactionFlags(this.db, messageId, userId, this.ctx.clock.now());
    if (!changed) return;
    const c = await getCaseByMessage(this.db, messageId);
    if (c && c.guildId === guildId) {
      await addCaseEvent(this.db, c.id, this.ctx.clock.now(), userId, 'flag_withdrawn', null);
      await this.refresh(c.id);
    }
  }

  /**
   * Records a flag and opens or updates the message's case. Runs under the message's lock so
   * the threshold is crossed once and the case message is posted once.
   */
  async addFlag(input: FlagInput, opts: { staffFlag: boolean; settings?: GuildSettings }): Promise<AddFlagOutcome> {
    const settings = opts.settings ?? (await getSettings(this.db, input.guildId));
    return this.lock.run(input.messageId, () => this.addFlagLocked(input, opts, settings));
  }

  private async addFlagLocked(input: FlagInput, opts: { staffFlag: boolean }, settings: GuildSettings): Promise<AddFlagOutcome> {
    const log = { guild: input.guildId, message: input.messageId, user: input.userId, source: input.source };
    {
      const now = this.ctx.clock.now();
      const limits = { dailyLimit: settings.flagDailyLimit, maxAgeHours: settings.flagMaxAgeHours };
      const result = await this.db.transaction().execute((trx) => recordFlag(trx, input, limits, now));
      if (result.kind === 'ignored') {
        this.ctx.logger.debug({ ...log, reason: result.reason }, 'flags.ignored');
        return { result, opened: false };
      }
      const existing = await getCaseByMessage(this.db, input.messageId);
      const excerpt = this.excerpts.get(input.messageId) ?? null;
      if (!existing) {
        const flaggers = await countedFlaggers(this.db, input.guildId, input.messageId);
        if (!reachesThreshold(flaggers.length, settings.flagThreshold, opts.staffFlag)) return { result, opened: false };
        const opener = { guildId: input.guildId, channelId: input.channelId, messageId: input.messageId, authorId: input.authorId, excerpt, openedBy: opts.staffFlag ? input.userId : null };
        const opened = (await openCase(this.db, opener, now)) ?? (await getCaseByMessage(this.db, input.messageId));
        if (!opened) return { result, opened: false };
        this.excerpts.delete(input.messageId);
        this.ctx.logger.info({ ...log, case: opened.id, flaggers: flaggers.length }, 'flags.case-opened');
        await this.publish(opened, settings);
        return { result, case: (await getCase(this.db, opened.id)) ?? opened, opened: true };
      }
      let changed = result.kind === 'new';
      if (changed) await addCaseEvent(this.db, existing.id, now, input.userId, 'flag_joined', input.source);
      if (excerpt && (await setExcerptIfMissing(this.db, existing.id, excerpt))) changed = true;
      if (input.source === 'command') changed = true; // the reason may have changed
      if (changed) await this.refresh(existing.id, settings);
      return { result, case: existing, opened: false };
    }
  }

  /** Posts a new case to the moderation channel; without one, the case waits in `/flags queue`. */
  private async publish(c: FlagCase, settings: GuildSettings): Promise<void> {
    if (!settings.modChannelId) {
      this.ctx.logger.warn({ guild: c.guildId, case: c.id }, 'flags.no-mod-channel');
      return;
    }
    try {
      const channel = await this.client.channels.fetch(settings.modChannelId);
      if (!channel?.isSendable()) throw new Error('moderation channel is not a text channel');
      const flaggers = await countedFlaggers(this.db, c.guildId, c.messageId);
      const sent = await channel.send(renderCase(c, flaggers, this.ctx.clock.now()));
      await setReviewMessage(this.db, c.id, channel.id, sent.id);
    } catch (err) {
      this.ctx.logger.error({ err, guild: c.guildId, case: c.id }, 'flags.post-failed');
    }
  }

  /** Re-renders the case message (or posts it, if it never was). Never throws. */
  async refresh(caseId: number, settings?: GuildSettings): Promise<void> {
    const c = await getCase(this.db, caseId);
    if (!c) return;
    if (!c.reviewChannelId || !c.reviewMessageId) {
      await this.publish(c, settings ?? (await getSettings(this.db, c.guildId)));
      return;
    }
    try {
      const flaggers = await countedFlaggers(this.db, c.guildId, c.messageId);
      const channel = await this.client.channels.fetch(c.reviewChannelId);
      if (!channel?.isTextBased()) return;
      await channel.messages.edit(c.reviewMessageId, renderCase(c, flaggers, this.ctx.clock.now()));
    } catch (err) {
      this.ctx.logger.error({ err, guild: c.guildId, case: c.id }, 'flags.case-edit-failed');
    }
  }

  /**
   * Start-up catch-up: for each open case, read the flag emoji's reactions once and bring the
   * stored reaction flags in line (added or removed while the bot was down). Bounded: at most
   * RECONCILE_CASES cases and RECONCILE_PAGES pages each; @discordjs/rest paces the requests.
   */
  async reconcile(): Promise<void> {
    const cases = await listOpenCases(this.db, null, RECONCILE_CASES);
    for (const c of cases) {
      try {
        await this.reconcileCase(c);
      } catch (err) {
        this.ctx.logger.warn({ err, guild: c.guildId, case: c.id }, 'flags.reconcile-failed');
      }
    }
    if (cases.length) this.ctx.logger.info({ cases: cases.length }, 'flags.reconciled');
  }

  private async reconcileCase(c: FlagCase): Promise<void> {
    const settings = await getSettings(this.db, c.guildId);
    const users: APIUser[] = [];
    let after: string | undefined;
    for (let page = 0; page < RECONCILE_PAGES; page++) {
      const query = new URLSearchParams({ limit: '100', ...(after ? { after } : {}) });
      const batch = (await this.client.rest.get(Api.channelMessageReaction(c.channelId, c.messageId, encodeEmoji(settings.flagEmoji)), { query })) as APIUser[];
      users.push(...batch);
      if (batch.length < 100) break;
      after = batch[batch.length - 1]?.id;
    }
    const complete = users.length < RECONCILE_PAGES * 100;
    await this.lock.run(c.messageId, async () => {
      const now = this.ctx.clock.now();
      let changed = false;
      const present = new Set(users.map((u) => u.id));
      for (const user of users) {
        const input: FlagInput = {
          guildId: c.guildId,
          channelId: c.channelId,
          messageId: c.messageId,
          userId: user.id,
          source: 'reaction',
          authorId: c.authorId,
          flaggerIsBot: user.bot === true || user.id === this.client.user?.id,
          reason: null,
          details: null,
        };
        const limits = { dailyLimit: settings.flagDailyLimit, maxAgeHours: settings.flagMaxAgeHours };
        const result = await this.db.transaction().execute((trx) => recordFlag(trx, input, limits, now));
        if (result.kind === 'new') {
          changed = true;
          await addCaseEvent(this.db, c.id, now, user.id, 'flag_joined', 'reconciled');
        }
      }
      if (complete) {
        for (const userId of await activeReactionFlaggers(this.db, c.messageId)) {
          if (present.has(userId)) continue;
          await withdrawReactionFlags(this.db, c.messageId, userId, now);
          await addCaseEvent(this.db, c.id, now, userId, 'flag_withdrawn', 'reconciled');
          changed = true;
        }
      }
      if (changed || !c.reviewMessageId) await this.refresh(c.id, settings);
    });
  }

  /** Waits for gateway work in flight (bounded by the caller's shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
    await this.lock.idle();
  }
}

function reactionMessageId(packet: GatewayDispatchPayload): string | null {
  switch (packet.t) {
    case 'MESSAGE_REACTION_ADD':
    case 'MESSAGE_REACTION_REMOVE':
    case 'MESSAGE_REACTION_REMOVE_EMOJI':
    case 'MESSAGE_REACTION_REMOVE_ALL':
      return packet.d.message_id;
    default:
      return null;
  }
}

/** The emoji as the reactions route wants it: "name:id" for a custom emoji, else the character. */
export function encodeEmoji(setting: string): string {
  const custom = /^<a?:([A-Za-z0-9_]{2,32}):(\d{17,20})>$/.exec(setting);
  return encodeURIComponent(custom ? `${custom[1]}:${custom[2]}` : setting);
}

export function flagsFeature(ctx: FeatureContext): Feature {
  const service = new FlagService(ctx);
  return {
    name: 'flags',
    routes: mergeRoutes(reviewRoutes(service), commandRoutes(service)),
    attach(client) {
      client.on('raw', (packet: GatewayDispatchPayload) => service.onRaw(packet));
    },
    onReady: () => service.reconcile(),
    stop: () => service.drain(),
  };
}

function mergeRoutes(...all: Array<NonNullable<Feature['routes']>>): NonNullable<Feature['routes']> {
  const out: NonNullable<Feature['routes']> = {};
  for (const r of all) {
    for (const key of Object.keys(r) as Array<keyof typeof r>) {
      (out as Record<string, object>)[key] = { ...((out as Record<string, object>)[key] ?? {}), ...(r[key] ?? {}) };
    }
  }
  return out;
}
