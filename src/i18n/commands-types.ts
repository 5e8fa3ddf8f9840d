// The shape of a language's command localizations, keyed by command path.
/**
 * Keys: 'poll' (a command), 'poll create' (a subcommand), 'poll create question' (an option),
 * 'digest schedule weekday:1' (a choice, by its value), 'Flag for moderators' (a context-menu
 * command). Values: [name, description] for commands, subcommands and options; [name] for
 * context-menu commands (they have no description); the shown name for choices. Slash command
 * and option names follow Discord's rules: lower case, no spaces, 1–32 letters, digits, - or _.
 */
export type CommandLocalizations = Readonly<Record<string, readonly [name: string, description: string] | readonly [name: string] | string>>;
