// Routes every interaction to its handler inside the one error boundary.
import { randomBytes } from 'node:crypto';
import {
  MessageFlags,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type Interaction,
  type MessageContextMenuCommandInteraction,
  type ModalSubmitInteraction,
  type RepliableInteraction,
  type StringSelectMenuInteraction,
  type UserContextMenuCommandInteraction,
} from 'discord.js';
import type { z } from 'zod';
import type { Logger } from '../log.js';
import { decodeCustomId } from './custom-id.js';
import { languageOf, msg, render, t } from '../i18n/index.js';
import { JobError } from '../workers/pool.js';
import { friendlyDiscordError, UserError } from './errors.js';

export type ComponentInteraction = ButtonInteraction | StringSelectMenuInteraction;

export interface ComponentRoute<A = string[]> {
  /** Validates the custom_id's arguments; a mismatch is treated as a stale or tampered id. */
  args: z.ZodType<A>;
  /**
   * Keep who clicked and what a failed request carried out of the logs (e.g. an anonymous
   * vote: the member, and a reply body that names their choice). Errors are logged by name,
   * code and message only.
   */
  redact?: boolean;
  handle(interaction: ComponentInteraction, args: A): Promise<unknown>;
}

export interface ModalRoute<A = string[]> {
  args: z.ZodType<A>;
  /** As for components: no member id and no error details beyond name, code and message in logs. */
  redact?: boolean;
  handle(interaction: ModalSubmitInteraction, args: A): Promise<unknown>;
}

/** What a slice contributes to the router. Keys are command names or custom_id kinds. */
export interface Routes {
  commands?: Record<string, (interaction: ChatInputCommandInteraction) => Promise<unknown>>;
  messageCommands?: Record<string, (interaction: MessageContextMenuCommandInteraction) => Promise<unknown>>;
  userCommands?: Record<string, (interaction: UserContextMenuCommandInteraction) => Promise<unknown>>;
  // `any`: each route's argument type is its own; componentRoute() checks it where it is declared.
  components?: Record<string, ComponentRoute<any>>;
  modals?: Record<string, ModalRoute<any>>;
  autocomplete?: Record<string, (interaction: AutocompleteInteraction) => Promise<unknown>>;
}

/** Declares a component route with typed arguments. */
export function componentRoute<A>(route: ComponentRoute<A>): ComponentRoute<A> {
  return route;
}
export function modalRoute<A>(route: ModalRoute<A>): ModalRoute<A> {
  return route;
}

const STALE = msg('router.stale');

export class Router {
  private readonly routes: Required<Routes> = {
    commands: {},
    messageCommands: {},
    userCommands: {},
    components: {},
    modals: {},
    autocomplete: {},
  };
  private readonly inFlight = new Set<Promise<void>>();
  private accepting = true;

  constructor(private readonly logger: Logger) {}

  add(routes: Routes): this {
    for (const key of Object.keys(this.routes) as Array<keyof Routes>) {
      for (const [name, handler] of Object.entries(routes[key] ?? {})) {
        if (name in this.routes[key]) throw new Error(`duplicate ${key} route: ${name}`);
        (this.routes[key] as Record<string, unknown>)[name] = handler;
      }
    }
    return this;
  }

  /** Entry point for client.on('interactionCreate'). Never throws. */
  handle(interaction: Interaction): Promise<void> {
    if (!this.accepting) return this.refuseWhileStopping(interaction);
    const route: { redact?: boolean } = {};
    const work = this.dispatch(interaction, route)
      .catch((error: unknown) => this.fail(interaction, error, route.redact === true))
      .catch((error: unknown) => this.logger.error({ err: error }, 'interaction.error-reply-failed'));
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  /** Stops taking new interactions and waits (bounded) for the ones in flight. */
  async drain(timeoutMs = 10_000): Promise<void> {
    this.accepting = false;
    await Promise.race([
      Promise.allSettled([...this.inFlight]),
      new Promise((resolve) => setTimeout(resolve, timeoutMs).unref()),
    ]);
  }

  /** Runs the handler; `found` learns the matched route's options (for the error boundary). */
  private async dispatch(interaction: Interaction, found: { redact?: boolean }): Promise<void> {
    if (!interaction.inGuild()) {
      if (interaction.isRepliable()) throw new UserError(msg('router.guildOnly'));
      return;
    }
    if (interaction.isChatInputCommand()) {
      const handler = this.routes.commands[interaction.commandName];
      if (!handler) throw new UserError(msg('router.unavailable'));
      await handler(interaction);
    } else if (interaction.isMessageContextMenuCommand()) {
      const handler = this.routes.messageCommands[interaction.commandName];
      if (!handler) throw new UserError(msg('router.unavailable'));
      await handler(interaction);
    } else if (interaction.isUserContextMenuCommand()) {
      const handler = this.routes.userCommands[interaction.commandName];
      if (!handler) throw new UserError(msg('router.unavailable'));
      await handler(interaction);
    } else if (interaction.isAutocomplete()) {
      const handler = this.routes.autocomplete[interaction.commandName];
      if (handler) await handler(interaction);
      else await interaction.respond([]);
    } else if (interaction.isButton() || interaction.isStringSelectMenu()) {
      const route = this.lookup(this.routes.components, interaction.customId);
      found.redact = route.route.redact;
      await route.route.handle(interaction, route.args);
    } else if (interaction.isModalSubmit()) {
      const route = this.lookup(this.routes.modals, interaction.customId);
      found.redact = route.route.redact;
      await route.route.handle(interaction, route.args);
    } else if (interaction.isRepliable()) {
      throw new UserError(STALE);
    }
  }

  private lookup<R extends { args: z.ZodType<unknown>; redact?: boolean }>(
    table: Record<string, R>,
    customId: string,
  ): { route: R; args: unknown } {
    const decoded = decodeCustomId(customId);
    const route = decoded ? table[decoded.kind] : undefined;
    if (!decoded || !route) throw new UserError(STALE);
    const args = route.args.safeParse(decoded.args);
    if (!args.success) throw new UserError(STALE);
    return { route, args: args.data };
  }

  private async fail(interaction: Interaction, error: unknown, redact: boolean): Promise<void> {
    const log = { guild: interaction.guildId, ...(redact ? {} : { user: interaction.user.id }), kind: describe(interaction) };
    // Replies to a member speak the member's client language.
    const lang = languageOf(interaction.locale);
    let text: string;
    // A worker job that failed or took too long was logged by the pool with its id; its text,
    // which names that id, is the member's answer, as a UserError's is.
    if (error instanceof UserError || error instanceof JobError) {
      text = error instanceof UserError ? error.in(lang) : render(lang, error.text);
      // (Not the text when redacted: a refusal may name the member's choices in an anonymous poll.)
      this.logger.debug(redact ? log : { ...log, reason: text }, 'interaction.refused');
    } else {
      const known = friendlyDiscordError(error, lang);
      const id = randomBytes(4).toString('hex');
      this.logger.error({ ...log, err: redact ? bare(error) : error, errorId: id }, 'interaction.failed');
      text = known ?? t(lang, 'router.failed', { id });
    }
    if (interaction.isAutocomplete()) {
      if (!interaction.responded) await interaction.respond([]);
      return;
    }
    if (interaction.isRepliable()) await replyEphemeral(interaction, text);
  }

  private async refuseWhileStopping(interaction: Interaction): Promise<void> {
    if (interaction.isRepliable()) {
      await replyEphemeral(interaction, t(languageOf(interaction.locale), 'router.restarting')).catch(() => undefined);
    }
  }
}

/** Answers ephemerally whatever state the interaction is in (fresh, deferred or replied). */
export async function replyEphemeral(interaction: RepliableInteraction, content: string): Promise<void> {
  if (!interaction.deferred && !interaction.replied) {
    await interaction.reply({ content, flags: MessageFlags.Ephemeral });
  } else if (interaction.deferred && !interaction.replied && interaction.ephemeral !== null) {
    // After deferReply the answer replaces the "thinking…" message, so it is only as private
    // as the defer was: Discord can neither make it ephemeral nor take a follow-up once that
    // message is deleted. Handlers that can fail after deferring therefore defer ephemerally.
    await interaction.editReply({ content, embeds: [], components: [], files: [] });
  } else {
    // Replied, or deferUpdate (ephemeral stays null): @original is the message the component
    // sits on, which must be left alone, so the answer is a new ephemeral follow-up.
    await interaction.followUp({ content, flags: MessageFlags.Ephemeral });
  }
}

/** An error reduced to what cannot hold a member's input: a Discord error's request body could. */
function bare(error: unknown): object {
  const e = (error ?? {}) as { name?: unknown; code?: unknown; status?: unknown; message?: unknown };
  return { name: e.name, code: e.code, status: e.status, message: e.message };
}

function describe(interaction: Interaction): string {
  if (interaction.isCommand() || interaction.isAutocomplete()) return `command:${interaction.commandName}`;
  // Only the kind: a custom_id's arguments can say what a member chose (an anonymous vote).
  if (interaction.isMessageComponent() || interaction.isModalSubmit()) return `custom:${decodeCustomId(interaction.customId)?.kind ?? 'unknown'}`;
  return 'other';
}
