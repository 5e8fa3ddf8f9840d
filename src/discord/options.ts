// Typed command options from the definitions in commands/: ArgsOf<typeof command, 'sub'>, and one handler per subcommand.
import {
  ApplicationCommandOptionType as Opt,
  type APIRole,
  type Attachment,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type Role,
  type User,
} from 'discord.js';
import { msg } from '../i18n/index.js';
import { UserError } from './errors.js';

/** The part of an option definition the types and the reader need. */
export interface OptionDefinition {
  readonly type: number;
  readonly name: string;
  readonly required?: boolean;
  readonly options?: readonly OptionDefinition[];
}

export interface CommandDefinition {
  readonly name: string;
  readonly options?: readonly OptionDefinition[];
}

/** A channel option as the handlers use it: its id (the resolved channel may be partial). */
export interface ChannelArg {
  readonly id: string;
}

type ValueOf<T> = T extends Opt.String
  ? string
  : T extends Opt.Integer | Opt.Number
    ? number
    : T extends Opt.Boolean
      ? boolean
      : T extends Opt.User
        ? User
        : T extends Opt.Channel
          ? ChannelArg
          : T extends Opt.Role
            ? Role | APIRole
            : T extends Opt.Attachment
              ? Attachment
              : T extends Opt.Mentionable
                ? { id: string }
                : never;

/** The options of a definition as an object: required ones as their value, the rest value or null. */
export type ArgsOfOptions<O extends readonly OptionDefinition[] | undefined> = O extends readonly OptionDefinition[]
  ? { [D in O[number] as D['name']]: D extends { required: true } ? ValueOf<D['type']> : ValueOf<D['type']> | null }
  : Record<never, never>;

type Subcommands<C extends CommandDefinition> = Extract<NonNullable<C['options']>[number], { type: Opt.Subcommand }>;

/** The subcommand names of a command definition. */
export type SubcommandOf<C extends CommandDefinition> = Subcommands<C>['name'];

/** The typed options of a command (without subcommands) or of one of its subcommands. */
export type ArgsOf<C extends CommandDefinition, S extends SubcommandOf<C> | never = never> = [S] extends [never]
  ? ArgsOfOptions<C['options']>
  : ArgsOfOptions<Extract<Subcommands<C>, { name: S }>['options']>;

const STALE = 'This command has changed since it was registered. Try again in a minute; if it keeps happening, ask an admin to run `deploy-commands`.';

function valueOf(def: OptionDefinition, option: CommandInteractionOption): unknown {
  switch (def.type) {
    case Opt.User:
      return option.user ?? null;
    case Opt.Channel:
      return option.channel ? { id: option.channel.id } : null;
    case Opt.Role:
      return option.role ?? null;
    case Opt.Attachment:
      return option.attachment ?? null;
    case Opt.Mentionable: {
      const found = option.user ?? option.role;
      return found ? { id: found.id } : null;
    }
    default:
      return option.value ?? null;
  }
}

/** Reads the options a definition declares, checked against their declared types. */
export function readOptions<O extends readonly OptionDefinition[] | undefined>(interaction: ChatInputCommandInteraction, definitions: O): ArgsOfOptions<O> {
  const out: Record<string, unknown> = {};
  for (const def of definitions ?? []) {
    const option = interaction.options.get(def.name);
    if (option && option.type !== def.type) throw new UserError(STALE);
    const value = option ? valueOf(def, option) : null;
    if (value === null && def.required) throw new UserError(STALE);
    out[def.name] = value;
  }
  return out as ArgsOfOptions<O>;
}

/** A command handler made of one handler per subcommand; `subcommands` lists them (for the routes test). */
export interface SubcommandHandler {
  (interaction: ChatInputCommandInteraction): Promise<unknown>;
  readonly command: string;
  readonly subcommands: readonly string[];
}

/**
 * Routes a command to one typed handler per subcommand. The handler table must name every
 * subcommand of the definition and no other (checked by the type), and gets its options typed
 * from the definition.
 */
export function subcommandRoutes<C extends CommandDefinition>(
  command: C,
  handlers: { [S in SubcommandOf<C>]: (interaction: ChatInputCommandInteraction, args: ArgsOf<C, S>) => Promise<unknown> },
): SubcommandHandler {
  const table = handlers as Record<string, (interaction: ChatInputCommandInteraction, args: unknown) => Promise<unknown>>;
  const definitions = new Map((command.options ?? []).filter((o) => o.type === Opt.Subcommand).map((o) => [o.name, o.options]));
  const handle = async (interaction: ChatInputCommandInteraction) => {
    const name = interaction.options.getSubcommand(false);
    const handler = name === null ? undefined : table[name];
    if (name === null || !handler || !definitions.has(name)) throw new UserError(msg('router.unavailable'));
    return handler(interaction, readOptions(interaction, definitions.get(name)));
  };
  return Object.assign(handle, { command: command.name, subcommands: Object.keys(table) });
}
