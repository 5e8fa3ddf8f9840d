// The REST routes of the fake Discord, stateful and with Discord's permission checks and error codes.
// Paths are relative to /api/v10. Channel and guild routes live in fake-discord-routes-channels.ts and
// fake-discord-routes-guilds.ts.
import { ApplicationFlags, ChannelType, GatewayIntentBits, type APIApplication, type APIApplicationCommand, type APIGatewayBotInfo } from 'discord-api-types/v10';
import { buildCommand, overwriteCommands, sameCommand } from './commands.js';
import { noContent, ok, type FakeRest, type RouteContext, type RouteResult } from './rest.js';
import { createRouteHelpers, type RouteDeps } from './route-helpers.js';
import { registerChannelRoutes } from './routes-channels.js';
import { registerGuildRoutes } from './routes-guilds.js';
import { DiscordHttpError, Errors, clone, optString } from './util.js';

export type { RouteDeps } from './route-helpers.js';

export function registerRoutes(rest: FakeRest, deps: RouteDeps): void {
  const { state, interactions } = deps;
  const bot = state.botUser;
  const h = createRouteHelpers(deps);

  const application = (): APIApplication => {
    const flags =
      (deps.allowedPrivilegedIntents & GatewayIntentBits.GuildPresences ? ApplicationFlags.GatewayPresenceLimited : 0) |
      (deps.allowedPrivilegedIntents & GatewayIntentBits.GuildMembers ? ApplicationFlags.GatewayGuildMembersLimited : 0) |
      (deps.allowedPrivilegedIntents & GatewayIntentBits.MessageContent ? ApplicationFlags.GatewayMessageContentLimited : 0) |
      (state.globalCommands.size > 0 ? ApplicationFlags.ApplicationCommandBadge : 0);
    return {
      id: state.appId,
      name: bot.username,
      icon: null,
      description: '',
      summary: '',
      bot_public: true,
      bot_require_code_grant: false,
      bot: state.renderUser(bot),
      owner: state.renderUserById(deps.applicationOwnerId),
      verify_key: '0'.repeat(64),
      team: null,
      flags,
      flags_new: String(flags),
      approximate_guild_count: state.guilds.size,
      redirect_uris: [],
      interactions_endpoint_url: null,
      role_connections_verification_url: null,
    };
  };

  // ---------------------------------------------------------------- gateway, users, application

  rest.route('GET', '/gateway', () => ok({ url: deps.gatewayUrl() }), { auth: false });
  rest.route('GET', '/gateway/bot', () => {
    const info: APIGatewayBotInfo = {
      url: deps.gatewayUrl(),
      shards: 1,
      session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
    };
    return ok(info);
  });
  rest.route('GET', '/users/@me', () => ok({ ...state.renderUser(bot), verified: true, mfa_enabled: false, email: null, locale: 'en-US', flags: 0, premium_type: 0 }));
  rest.route('GET', '/users/:userId', (ctx) => {
    const user = state.user(ctx.params['userId'] ?? '');
    if (!user) throw Errors.unknownUser();
    return ok(state.renderUser(user));
  });
  rest.route('GET', '/users/@me/guilds', () =>
    ok(
      [...state.guilds.values()].map((g) => ({
        id: g.id,
        name: g.name,
        icon: null,
        banner: null,
        owner: g.ownerId === bot.id,
        permissions: state.basePermissions(g, bot.id).toString(),
        features: [...g.features],
      })),
    ),
  );
  rest.route('GET', '/applications/@me', () => ok(application()));
  rest.route('GET', '/oauth2/applications/@me', () => ok(application()));
  rest.route('POST', '/users/@me/channels', (ctx) => {
    const recipientId = optString(ctx.body['recipient_id']);
    const recipient = recipientId ? state.user(recipientId) : undefined;
    if (!recipient) throw Errors.invalidForm('recipient_id', 'Value "' + String(recipientId) + '" is not snowflake.', 'NUMBER_TYPE_COERCE');
    let channelId = state.dmChannels.get(recipient.id);
    if (!channelId) {
      channelId = state.createChannel({ guildId: null, type: ChannelType.DM, name: null, recipientId: recipient.id }).id;
      state.dmChannels.set(recipient.id, channelId);
    }
    return ok(state.renderChannel(state.requireChannel(channelId)));
  });

  registerChannelRoutes(rest, deps, h);
  registerGuildRoutes(rest, deps, h);

  // ---------------------------------------------------------------- application commands

  const appOr403 = (appId: string | undefined): void => {
    if (appId !== state.appId) throw new DiscordHttpError(403, 20012, 'You are not authorized to perform this action on this application');
  };
  const commandScope = (ctx: RouteContext): { guildId: string | null; commands: Map<string, APIApplicationCommand> } => {
    appOr403(ctx.params['appId']);
    const guildId = ctx.params['guildId'] ?? null;
    if (guildId !== null && !state.guild(guildId)) throw Errors.missingAccess();
    return { guildId, commands: state.commandsFor(guildId) };
  };
  const bulkOverwrite = (ctx: RouteContext): RouteResult => {
    const { guildId } = commandScope(ctx);
    if (!Array.isArray(ctx.json)) throw Errors.invalidForm('_root', 'Must be an array.', 'BASE_TYPE_ARRAY');
    return ok(overwriteCommands(state, ctx.json, guildId));
  };
  // As Discord lists commands: the localization dictionaries only with ?with_localizations=true;
  // otherwise each name and description in the requester's language (X-Discord-Locale) instead.
  const list = (ctx: RouteContext) => {
    const all = [...commandScope(ctx).commands.values()].map((c) => clone(c));
    if (/^(true|1)$/i.test(ctx.query.get('with_localizations') ?? '')) return ok(all);
    const locale = ctx.headers['x-discord-locale'] ?? null;
    return ok(all.map((c) => withoutLocalizations(c, locale)));
  };
  const create = (ctx: RouteContext) => {
    const { guildId, commands } = commandScope(ctx);
    const existing = [...commands.values()].find((c) => sameCommand(ctx.body, c));
    const command = buildCommand(state, ctx.body, guildId, '', existing);
    commands.set(command.id, command);
    return ok(clone(command), existing ? 200 : 201);
  };
  const commandOr404 = (ctx: RouteContext): { guildId: string | null; commands: Map<string, APIApplicationCommand>; command: APIApplicationCommand } => {
    const scope = commandScope(ctx);
    const command = scope.commands.get(ctx.params['commandId'] ?? '');
    if (!command) throw Errors.unknownCommand();
    return { ...scope, command };
  };
  const getOne = (ctx: RouteContext) => ok(clone(commandOr404(ctx).command));
  const edit = (ctx: RouteContext) => {
    const { guildId, commands, command } = commandOr404(ctx);
    const merged = { ...(clone(command) as unknown as Record<string, unknown>), ...ctx.body };
    const updated = buildCommand(state, merged, guildId, '', command);
    commands.set(updated.id, updated);
    return ok(clone(updated));
  };
  const remove = (ctx: RouteContext) => {
    const { commands, command } = commandOr404(ctx);
    commands.delete(command.id);
    return noContent;
  };
  for (const base of ['/applications/:appId/commands', '/applications/:appId/guilds/:guildId/commands']) {
    rest.route('PUT', base, bulkOverwrite);
    rest.route('GET', base, list);
    rest.route('POST', base, create);
    rest.route('GET', `${base}/:commandId`, getOne);
    rest.route('PATCH', `${base}/:commandId`, edit);
    rest.route('DELETE', `${base}/:commandId`, remove);
  }
  rest.route('GET', '/applications/:appId/guilds/:guildId/commands/permissions', (ctx) => {
    commandScope(ctx);
    return ok([]);
  });

  // ---------------------------------------------------------------- interactions

  rest.route(
    'POST',
    '/interactions/:interactionId/:token/callback',
    (ctx) => {
      const result = interactions.callback(ctx.params['interactionId'] ?? '', ctx.params['token'] ?? '', ctx.body, ctx.files, ctx.query.get('with_response') === 'true');
      return result.status === 204 ? noContent : ok(result.body, result.status);
    },
    { auth: false },
  );
  rest.route('GET', '/webhooks/:webhookId/:token/messages/:messageId', (ctx) => ok(interactions.getMessage(ctx.params['webhookId'] ?? '', ctx.params['token'] ?? '', ctx.params['messageId'] ?? '')), { auth: false });
  rest.route(
    'PATCH',
    '/webhooks/:webhookId/:token/messages/:messageId',
    (ctx) => ok(interactions.editMessage(ctx.params['webhookId'] ?? '', ctx.params['token'] ?? '', ctx.params['messageId'] ?? '', ctx.body, ctx.files)),
    { auth: false },
  );
  rest.route(
    'DELETE',
    '/webhooks/:webhookId/:token/messages/:messageId',
    (ctx) => {
      interactions.deleteMessage(ctx.params['webhookId'] ?? '', ctx.params['token'] ?? '', ctx.params['messageId'] ?? '');
      return noContent;
    },
    { auth: false },
  );
  rest.route('POST', '/webhooks/:webhookId/:token', (ctx) => ok(interactions.followUp(ctx.params['webhookId'] ?? '', ctx.params['token'] ?? '', ctx.body, ctx.files)), { auth: false });
}

/**
 * A listed command as Discord returns it without with_localizations: on the command, its options
 * and their choices, name_localizations / description_localizations give way to name_localized /
 * description_localized, the text in `locale` (the default text when it has none), where localized.
 */
function withoutLocalizations<T>(value: T, locale: string | null): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutLocalizations(v, locale)) as T;
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const field = /^(name|description)_localizations$/.exec(key)?.[1];
    if (!field) out[key] = withoutLocalizations(v, locale);
    else if (v && typeof v === 'object') {
      const text = locale ? (v as Record<string, string>)[locale] : undefined;
      out[`${field}_localized`] = text ?? (value as Record<string, unknown>)[field];
    }
  }
  return out as T;
}
