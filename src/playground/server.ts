// The playground's web page and its small JSON API, on 127.0.0.1 only. Every action is a member
// doing something in the stand-in Discord; the real bot answers through the fake.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { ApplicationCommandType, PermissionFlagsBits, type APIMessage } from 'discord-api-types/v10';
import { FLAG_MESSAGE_COMMAND } from '../../commands/flag-message.js';
import type { FakeDiscord, InteractionHandle, SlashOptionValue } from '../fake-discord/index.js';
import { page } from './page.js';
import { ids, type World } from './world.js';

export interface PlaygroundServer {
  readonly url: string;
  close(): Promise<void>;
}

export interface ServerOptions {
  fake: FakeDiscord;
  world: World;
  port: number;
  stats: { events: number };
}

/** A visitor's mistake or a refusal of the stand-in Discord: shown on the page as is. */
class ActionError extends Error {}

const str = (v: unknown, name: string): string => {
  if (typeof v !== 'string' || v === '') throw new ActionError(`missing ${name}`);
  return v;
};

/** Listens on 127.0.0.1:port; a busy or forbidden port comes back as one readable sentence. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${port} is in use: pick another with --port N, or leave --port out.`));
      else if (error.code === 'EACCES') reject(new Error(`Port ${port} is not allowed for this user: pick one above 1023 with --port N, or leave --port out.`));
      else reject(error);
    });
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

/** Checks that the page's port is free, before the slow part of the start-up. */
export async function checkPort(port: number): Promise<void> {
  const probe = createNetServer();
  await listen(probe, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

export async function startServer(o: ServerOptions): Promise<PlaygroundServer> {
  const { fake, world } = o;
  const guildId = world.guildId;
  const personaIds = new Set(world.personas.map((p) => p.id));
  const memberNames = new Map(world.members.map((m) => [m.id, m.name]));
  const streams = new Set<ServerResponse>();

  const version = () => `${fake.requests.length}.${fake.gatewayLog.length}.${fake.interactions.length}`;
  let last = version();
  const ticker = setInterval(() => {
    const v = version();
    if (v === last) return;
    last = v;
    for (const res of streams) res.write(`data: ${v}\n\n`);
  }, 200);

  const canView = (userId: string, channelId: string) => (fake.permissions(guildId, userId, channelId) & PermissionFlagsBits.ViewChannel) !== 0n;

  /** What `as` sees in the channel list, threads and forum posts included. */
  const channelsOf = (as: string) =>
    fake.channels(guildId)
      .filter((c) => canView(as, c.id))
      .map((c) => {
        const f = c as { name?: string | null; topic?: string | null; parent_id?: string | null };
        return { id: c.id, name: f.name ?? c.id, type: c.type, topic: f.topic ?? null, parentId: f.parent_id ?? null };
      });

  function worldView(as: string) {
    const perms = fake.permissions(guildId, as);
    const admin = (perms & PermissionFlagsBits.Administrator) !== 0n;
    const channels = channelsOf(as);
    // Like Discord's client: a command with default_member_permissions is hidden from members without them.
    const commands = fake.commands()
      .filter((c) => Number(c.type ?? ApplicationCommandType.ChatInput) === Number(ApplicationCommandType.ChatInput))
      .filter((c) => admin || !c.default_member_permissions || (perms & BigInt(c.default_member_permissions)) === BigInt(c.default_member_permissions))
      .map((c) => ({ name: c.name, description: c.description, options: c.options ?? [] }));
    const guild = fake.guild(guildId);
    return {
      guild: { id: guildId, name: guild?.name ?? 'Server' },
      personas: world.personas,
      channels,
      commands,
      roles: (guild?.roles ?? []).filter((r) => r.id !== guildId && !r.managed).map((r) => ({ id: r.id, name: r.name })),
      users: Object.fromEntries([...memberNames, [fake.appId, 'Pulse']]),
      bot: fake.appId,
      events: o.stats.events,
    };
  }

  function channelView(as: string, channelId: string) {
    const channels = channelsOf(as);
    if (!canView(as, channelId)) return { messages: [], ephemeral: [], hidden: true, channels };
    const messages = fake.channelMessages(channelId).slice(-80);
    const ephemeral: APIMessage[] = [];
    for (const h of fake.interactions) {
      if (h.context.userId !== as || h.context.channelId !== channelId) continue;
      for (const m of [h.original, ...h.followUps]) if (m && (m.flags ?? 0) & 64) ephemeral.push(m);
    }
    return { messages, ephemeral, hidden: false, channels };
  }

  /** Waits for the bot's first callback; a modal goes back to the page as a form. */
  async function answer(handle: InteractionHandle) {
    await handle.response(10_000);
    const modal = handle.modal;
    return modal ? { modal, interactionId: handle.id } : { ok: true };
  }

  async function act(body: Record<string, unknown>): Promise<unknown> {
    const as = str(body['as'], 'as');
    if (!personaIds.has(as)) throw new ActionError('pick who you are first');
    const channelId = typeof body['channel'] === 'string' ? body['channel'] : '';
    const message = () => ({ channelId, messageId: str(body['message'], 'message') });
    switch (body['kind']) {
      case 'post':
        fake.post({ channelId, userId: as, content: str(body['content'], 'content').slice(0, 2000) });
        return { ok: true };
      case 'slash': {
        const options = (body['options'] ?? {}) as Record<string, SlashOptionValue>;
        const sub = typeof body['subcommand'] === 'string' && body['subcommand'] ? body['subcommand'] : undefined;
        const group = typeof body['group'] === 'string' && body['group'] ? body['group'] : undefined;
        return answer(fake.slash({ userId: as, channelId, name: str(body['name'], 'name'), ...(sub ? { subcommand: sub } : {}), ...(group ? { group } : {}), options }));
      }
      case 'autocomplete': {
        const sub = typeof body['subcommand'] === 'string' && body['subcommand'] ? body['subcommand'] : undefined;
        const h = fake.autocomplete({ userId: as, channelId, name: str(body['name'], 'name'), ...(sub ? { subcommand: sub } : {}), options: {}, focused: str(body['focused'], 'focused'), value: String(body['value'] ?? '') });
        return { choices: (await h.reply(5000)).choices ?? [] };
      }
      case 'click':
        return answer(fake.click({ userId: as, message: message(), customId: str(body['customId'], 'customId') }));
      case 'select':
        return answer(fake.select({ userId: as, message: message(), customId: str(body['customId'], 'customId'), values: (body['values'] as string[]) ?? [] }));
      case 'flag':
        return answer(fake.messageCommand({ userId: as, channelId, name: FLAG_MESSAGE_COMMAND, message: message() }));
      case 'react':
        fake.react({ channelId, messageId: str(body['message'], 'message'), userId: as, emoji: str(body['emoji'], 'emoji') });
        return { ok: true };
      case 'vote':
        fake.vote({ channelId, messageId: str(body['message'], 'message'), userId: as, answerId: Number(body['answerId']) });
        return { ok: true };
      case 'modal': {
        const handle = fake.interactions.find((h) => h.id === body['interactionId']);
        if (!handle || handle.context.userId !== as) throw new ActionError('that form has expired');
        return answer(handle.submitModal((body['fields'] ?? {}) as Record<string, string | string[]>, { userId: as }));
      }
      case 'digest': {
        // "Preview the digest": the owner runs /digest preview in #staff (an answer only they see),
        // the same digest the schedule posts there.
        const h = fake.slash({ userId: ids.owner, channelId: ids.staff, name: 'digest', subcommand: 'preview', options: { period: 'week' } });
        const reply = await h.reply(60_000);
        return { message: reply.message };
      }
      default:
        throw new ActionError('unknown action');
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const json = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
      res.end(JSON.stringify(value));
    };
    try {
      if (req.method === 'GET' && url.pathname === '/') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': `default-src 'self' 'unsafe-inline' ${fake.baseUrl}; img-src 'self' data: ${fake.baseUrl}` });
        res.end(page(world.personas));
      } else if (req.method === 'GET' && url.pathname === '/api/world') {
        json(200, worldView(url.searchParams.get('as') ?? ids.owner));
      } else if (req.method === 'GET' && url.pathname === '/api/channel') {
        json(200, channelView(url.searchParams.get('as') ?? ids.owner, url.searchParams.get('channel') ?? ids.general));
      } else if (req.method === 'GET' && url.pathname === '/events') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(`data: ${last}\n\n`);
        streams.add(res);
        req.on('close', () => streams.delete(res));
      } else if (req.method === 'POST' && url.pathname === '/api/action') {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
        json(200, await act(body));
      } else {
        json(404, { error: 'not found' });
      }
    } catch (error) {
      // The stand-in refuses what Discord's client would not let a person do (a required option missing...).
      const text = error instanceof Error ? error.message.replace(/^FakeDiscord: /, '') : String(error);
      if (!res.headersSent) json(400, { error: text });
    }
  }

  try {
    await listen(server, o.port);
  } catch (error) {
    clearInterval(ticker);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      clearInterval(ticker);
      for (const res of streams) res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
