// Typed command options from the definitions in commands/: ArgsOf<typeof command, 'sub'>, one handler per subcommand, the focused option.
import {
  ApplicationCommandOptionType as Opt,
  type APIRole,
  type Attachment,
  type AutocompleteInteraction,
  type ChannelType,
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
  readonly autocomplete?: boolean;
  readonly options?: readonly OptionDefinition[];
}

export interface CommandDefinition {
  readonly name: string;
  readonly options?: readonly OptionDefinition[];
}

/** A channel option as the handlers use it: its id and type (the resolved channel may be partial). */
export interface ChannelArg {
  readonly id: string;
  readonly type: ChannelType;
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

type TopOptions<C extends CommandDefinition> = NonNullable<C['options']>[number];
type OptionsOf<D> = D extends { options: infer O extends readonly OptionDefinition[] } ? O[number] : never;

/** A subcommand's route: its name, or "group name" for a subcommand in a group (as Discord shows it). */
type PathsOf<D> = D extends { type: Opt.Subcommand; name: infer N extends string }
  ? N
  : D extends { type: Opt.SubcommandGroup; name: infer G extends string }
    ? OptionsOf<D> extends infer S
      ? S extends { type: Opt.Subcommand; name: infer N extends string }
        ? `${G} ${N}`
        : never
      : never
    : never;

/** The subcommand routes of a command definition: "sub" or "group sub". */
export type SubcommandOf<C extends CommandDefinition> = PathsOf<TopOptions<C>>;

type SubcommandAt<D, P extends string> = D extends { type: Opt.Subcommand; name: P }
  ? D
  : D extends { type: Opt.SubcommandGroup; name: infer G extends string }
    ? OptionsOf<D> extends infer S
      ? S extends { type: Opt.Subcommand; name: infer N extends string }
        ? `${G} ${N}` extends P
          ? S
          : never
        : never
      : never
    : never;

type OptionListOf<D> = D extends { options: infer O extends readonly OptionDefinition[] } ? O : undefined;

/** The typed options of a command (without subcommands) or of one of its subcommand routes. */
export type ArgsOf<C extends CommandDefinition, S extends SubcommandOf<C> | never = never> = [S] extends [never]
  ? ArgsOfOptions<C['options']>
  : ArgsOfOptions<OptionListOf<SubcommandAt<TopOptions<C>, S>>>;

/** Every option of a command at any depth (subcommands' and groups' options included). */
type Inner<D> = D extends { type: Opt.Subcommand | Opt.SubcommandGroup } ? OptionsOf<D> : D;
type LeafOptions<C extends CommandDefinition> = Inner<Inner<TopOptions<C>>>;

/** The names of the options a command autocompletes. */
export type AutocompletedOf<C extends CommandDefinition> = LeafOptions<C> extends infer D ? (D extends { autocomplete: true; name: infer N extends string } ? N : never) : never;

const STALE = msg('router.staleCommand');

function valueOf(def: OptionDefinition, option: CommandInteractionOption): unknown {
  switch (def.type) {
    case Opt.User:
      return option.user ?? null;
    case Opt.Channel:
      return option.channel ? { id: option.channel.id, type: option.channel.type } : null;
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

/** The subcommand route an interaction asks for: "sub", "group sub", or null for none. */
function pathOf(interaction: ChatInputCommandInteraction | AutocompleteInteraction): string | null {
  const sub = interaction.options.getSubcommand(false);
  if (sub === null) return null;
  const group = interaction.options.getSubcommandGroup(false);
  return group === null ? sub : `${group} ${sub}`;
}

/** The subcommand routes a definition declares, each with its options ("group sub" inside groups). */
export function subcommandPaths(command: CommandDefinition): Map<string, readonly OptionDefinition[] | undefined> {
  const paths = new Map<string, readonly OptionDefinition[] | undefined>();
  for (const option of command.options ?? []) {
    if (option.type === Opt.Subcommand) paths.set(option.name, option.options);
    else if (option.type === Opt.SubcommandGroup) {
      for (const sub of option.options ?? []) if (sub.type === Opt.Subcommand) paths.set(`${option.name} ${sub.name}`, sub.options);
    }
  }
  return paths;
}

/** A command handler made of one handler per subcommand route; `subcommands` lists them (for the routes test). */
export interface SubcommandHandler {
  (interaction: ChatInputCommandInteraction): Promise<unknown>;
  readonly command: string;
  readonly subcommands: readonly string[];
}

/** The handler table of a command: one typed handler per subcommand route. */
export type SubcommandTable<C extends CommandDefinition> = {
  [S in SubcommandOf<C>]: (interaction: ChatInputCommandInteraction, args: ArgsOf<C, S>) => Promise<unknown>;
};

/**
 * Routes a command to one typed handler per subcommand ("group sub" for subcommands in a group).
 * The handler table must name every subcommand route of the definition and no other (checked by
 * the type), and gets its options typed from the definition.
 */
export function subcommandRoutes<C extends CommandDefinition>(command: C, handlers: SubcommandTable<C>): SubcommandHandler {
  const table = handlers as Record<string, (interaction: ChatInputCommandInteraction, args: unknown) => Promise<unknown>>;
  const definitions = subcommandPaths(command);
  const handle = async (interaction: ChatInputCommandInteraction) => {
    const path = pathOf(interaction);
    const handler = path === null ? undefined : table[path];
    if (path === null || !handler || !definitions.has(path)) throw new UserError(msg('router.unavailable'));
    return handler(interaction, readOptions(interaction, definitions.get(path)));
  };
  return Object.assign(handle, { command: command.name, subcommands: Object.keys(table) });
}

/** The option being typed in an autocomplete, with the subcommand route it belongs to. */
export interface Focus<C extends CommandDefinition> {
  readonly subcommand: SubcommandOf<C> | null;
  readonly name: AutocompletedOf<C>;
  /** What the member has typed so far (Discord sends it as text whatever the option's type). */
  readonly value: string;
}

/** Reads the focused option of an autocomplete for a command; an option the definition does not autocomplete is stale. */
export function focusOf<C extends CommandDefinition>(interaction: AutocompleteInteraction, command: C): Focus<C> {
  const path = pathOf(interaction);
  const paths = subcommandPaths(command);
  if (path !== null && !paths.has(path)) throw new UserError(STALE);
  const focused = interaction.options.getFocused(true);
  const declared = path === null ? command.options : paths.get(path);
  if (!(declared ?? []).some((o) => o.name === focused.name && o.autocomplete === true)) throw new UserError(STALE);
  return { subcommand: path as SubcommandOf<C> | null, name: focused.name as AutocompletedOf<C>, value: String(focused.value) };
}
