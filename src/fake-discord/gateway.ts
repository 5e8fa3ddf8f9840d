// The fake Discord gateway: a `ws` WebSocketServer speaking Discord's gateway protocol (JSON
// encoding, no compression): HELLO, IDENTIFY -> READY, heartbeats, RESUME with replay of missed
// dispatches, RECONNECT / INVALID_SESSION, and REQUEST_GUILD_MEMBERS. What READY and GUILD_CREATE
// contain is decided by the owner through `GatewayHooks`.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  GatewayCloseCodes,
  GatewayDispatchEvents,
  GatewayIntentBits,
  GatewayOpcodes,
  type GatewayIdentifyData,
  type GatewayRequestGuildMembersData,
  type GatewayResumeData,
} from 'discord-api-types/v10';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';

/** A gateway session (survives dropped connections until it is resumed or invalidated). */
export interface GatewaySession {
  readonly id: string;
  readonly intents: number;
  readonly largeThreshold: number;
  readonly identify: GatewayIdentifyData;
  /** Last sequence number used in this session. */
  seq: number;
  /** Every dispatch of this session, for RESUME replay. */
  readonly sent: { s: number; t: string; d: unknown }[];
  /** The live connection, or null while disconnected. */
  connection: GatewayConnection | null;
  /** READY and the initial GUILD_CREATEs have been sent. */
  ready: boolean;
  /** Invalidated sessions can't be resumed and receive nothing. */
  invalidated: boolean;
}

export interface GatewayConnection {
  readonly socket: WebSocket;
  /** Request path and query the client connected with (e.g. `/?v=10&encoding=json`). */
  readonly url: string;
  readonly openedAt: number;
  session: GatewaySession | null;
  heartbeats: number;
  /** Set when the fake itself closed the socket (a drop); the session stays resumable. */
  closedByServer: boolean;
}

/** One gateway dispatch as sent, for `FakeDiscord#gatewayLog`. */
export interface DispatchLogEntry {
  sessionId: string;
  s: number;
  t: string;
  d: unknown;
  at: number;
  /** Sent again as part of a RESUME replay. */
  replay: boolean;
}

export interface GatewayHooks {
  /** Send READY and the GUILD_CREATEs for a freshly identified session (via `FakeGateway#send`). */
  onIdentify(session: GatewaySession): void;
  /** Answer REQUEST_GUILD_MEMBERS (op 8). */
  onRequestGuildMembers(session: GatewaySession, data: GatewayRequestGuildMembersData): void;
}

export interface GatewayOptions {
  heartbeatIntervalMs: number;
  /** When set, IDENTIFY/RESUME with another token closes the socket with 4004. */
  token: string | undefined;
  /** Privileged intents the application has enabled in its portal settings; others close with 4014. */
  allowedPrivilegedIntents: number;
  /** When set, every IDENTIFY and RESUME is answered by closing the socket with this code. */
  refuseCode: number | null;
}

const PRIVILEGED_INTENTS = GatewayIntentBits.GuildMembers | GatewayIntentBits.GuildPresences | GatewayIntentBits.MessageContent;

export class FakeGateway {
  readonly sessions = new Map<string, GatewaySession>();
  readonly connections = new Set<GatewayConnection>();
  readonly log: DispatchLogEntry[] = [];
  identifyCount = 0;
  resumeCount = 0;
  /** Number of WebSocket connections ever opened. */
  connectCount = 0;
  /** Number of IDENTIFY/RESUME answered by a close while refusing connections. */
  refusedCount = 0;
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly upgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.wss.handleUpgrade(request, socket, head, (ws) => this.onConnection(ws, request));
  };
  private server: Server | null = null;

  constructor(
    private readonly options: GatewayOptions,
    private readonly hooks: GatewayHooks,
  ) {}

  attach(server: Server): void {
    this.server = server;
    server.on('upgrade', this.upgradeListener);
  }

  /** Sessions that are ready and not invalidated (connected or waiting to resume). */
  liveSessions(): GatewaySession[] {
    return [...this.sessions.values()].filter((s) => s.ready && !s.invalidated);
  }

  /**
   * Sends a dispatch to every live session. `payloadFor` may return a per-session payload
   * (e.g. stripped of message content) or undefined to skip that session.
   */
  broadcast(t: string, payloadFor: (session: GatewaySession) => unknown): number {
    let sent = 0;
    for (const session of this.liveSessions()) {
      const d = payloadFor(session);
      if (d === undefined) continue;
      this.send(session, t, d);
      sent += 1;
    }
    return sent;
  }

  /** Sends one dispatch to a session (buffered for replay while it is disconnected). */
  send(session: GatewaySession, t: string, d: unknown): number {
    session.seq += 1;
    const s = session.seq;
    session.sent.push({ s, t, d });
    this.log.push({ sessionId: session.id, s, t, d, at: Date.now(), replay: false });
    const socket = session.connection?.socket;
    if (socket && socket.readyState === socket.OPEN) socket.send(JSON.stringify({ op: GatewayOpcodes.Dispatch, t, s, d }));
    return s;
  }

  /** Closes every connection with a resumable code (default 4000) or abnormally (`'abnormal'`, code 1006 at the client). */
  drop(code: number | 'abnormal' = GatewayCloseCodes.UnknownError): void {
    for (const connection of this.connections) {
      connection.closedByServer = true;
      if (connection.session) connection.session.connection = null;
      if (code === 'abnormal') connection.socket.terminate();
      else connection.socket.close(code, 'FakeDiscord: connection dropped');
    }
  }

  /** From now on, close every IDENTIFY/RESUME with `code` (null: accept connections again). */
  refuse(code: number | null): void {
    this.options.refuseCode = code;
  }

  /** Sends op 7 RECONNECT to every connection (the client should reconnect and resume). */
  requestReconnect(): void {
    for (const connection of this.connections) this.sendRaw(connection, { op: GatewayOpcodes.Reconnect, d: null });
  }

  /** Sends op 9 INVALID_SESSION. Not resumable sessions are forgotten, so the client must identify again. */
  invalidateSessions(resumable: boolean): void {
    for (const connection of this.connections) {
      if (!connection.session) continue;
      if (!resumable) connection.session.invalidated = true;
      this.sendRaw(connection, { op: GatewayOpcodes.InvalidSession, d: resumable });
    }
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.socket.terminate();
    this.connections.clear();
    this.server?.off('upgrade', this.upgradeListener);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  // ------------------------------------------------------------------ protocol

  private onConnection(socket: WebSocket, request: IncomingMessage): void {
    const connection: GatewayConnection = {
      socket,
      url: request.url ?? '/',
      openedAt: Date.now(),
      session: null,
      heartbeats: 0,
      closedByServer: false,
    };
    this.connections.add(connection);
    this.connectCount += 1;
    socket.on('message', (data, isBinary) => this.onMessage(connection, data, isBinary));
    socket.on('close', (code) => this.onClose(connection, code));
    socket.on('error', () => undefined);

    const query = new URL(connection.url, 'ws://fake').searchParams;
    const version = query.get('v');
    if (version !== null && version !== '10') {
      socket.close(GatewayCloseCodes.InvalidAPIVersion, 'Invalid API version');
      return;
    }
    const encoding = query.get('encoding');
    if (encoding !== null && encoding !== 'json') {
      socket.close(GatewayCloseCodes.DecodeError, 'FakeDiscord only speaks encoding=json');
      return;
    }
    if (query.get('compress')) console.warn('FakeDiscord: gateway transport compression is not supported; sending plain JSON');
    this.sendRaw(connection, { op: GatewayOpcodes.Hello, d: { heartbeat_interval: this.options.heartbeatIntervalMs, _trace: ['fake-discord'] } });
  }

  private onClose(connection: GatewayConnection, code: number): void {
    this.connections.delete(connection);
    const session = connection.session;
    if (!session) return;
    if (session.connection === connection) session.connection = null;
    // A client closing with 1000/1001 ends its session (Discord invalidates it); anything else may resume.
    if (!connection.closedByServer && (code === 1000 || code === 1001)) session.invalidated = true;
  }

  private onMessage(connection: GatewayConnection, data: RawData, isBinary: boolean): void {
    let payload: { op?: unknown; d?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      payload = JSON.parse(rawToString(data)) as { op?: unknown; d?: unknown };
    } catch {
      connection.socket.close(GatewayCloseCodes.DecodeError, 'Error while decoding payload.');
      return;
    }
    switch (payload.op) {
      case GatewayOpcodes.Heartbeat:
        connection.heartbeats += 1;
        this.sendRaw(connection, { op: GatewayOpcodes.HeartbeatAck });
        return;
      case GatewayOpcodes.Identify:
        this.onIdentify(connection, payload.d as GatewayIdentifyData);
        return;
      case GatewayOpcodes.Resume:
        this.onResume(connection, payload.d as GatewayResumeData);
        return;
      case GatewayOpcodes.RequestGuildMembers:
        if (!connection.session) return this.notAuthenticated(connection);
        this.hooks.onRequestGuildMembers(connection.session, payload.d as GatewayRequestGuildMembersData);
        return;
      case GatewayOpcodes.PresenceUpdate:
      case GatewayOpcodes.VoiceStateUpdate:
      case GatewayOpcodes.RequestSoundboardSounds:
        if (!connection.session) return this.notAuthenticated(connection);
        return;
      default:
        connection.socket.close(GatewayCloseCodes.UnknownOpcode, 'Unknown opcode.');
    }
  }

  private notAuthenticated(connection: GatewayConnection): void {
    connection.socket.close(GatewayCloseCodes.NotAuthenticated, 'Not authenticated.');
  }

  /** Closes the connection if the gateway refuses every connection (see `refuseCode`). */
  private refused(connection: GatewayConnection): boolean {
    if (this.options.refuseCode === null) return false;
    this.refusedCount += 1;
    connection.closedByServer = true;
    connection.socket.close(this.options.refuseCode, 'FakeDiscord: connection refused');
    return true;
  }

  private onIdentify(connection: GatewayConnection, data: GatewayIdentifyData): void {
    if (this.refused(connection)) return;
    if (connection.session) {
      connection.socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (!data || typeof data.token !== 'string' || (this.options.token !== undefined && data.token !== this.options.token)) {
      connection.socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const intents = Number(data.intents);
    if (!Number.isInteger(intents) || intents < 0) {
      connection.socket.close(GatewayCloseCodes.InvalidIntents, 'Invalid intent(s).');
      return;
    }
    if (intents & PRIVILEGED_INTENTS & ~this.options.allowedPrivilegedIntents) {
      connection.socket.close(GatewayCloseCodes.DisallowedIntents, 'Disallowed intent(s).');
      return;
    }
    this.identifyCount += 1;
    const session: GatewaySession = {
      id: randomBytes(16).toString('hex'),
      intents,
      largeThreshold: typeof data.large_threshold === 'number' ? data.large_threshold : 50,
      identify: data,
      seq: 0,
      sent: [],
      connection,
      ready: false,
      invalidated: false,
    };
    this.sessions.set(session.id, session);
    connection.session = session;
    this.hooks.onIdentify(session);
    session.ready = true;
  }

  private onResume(connection: GatewayConnection, data: GatewayResumeData): void {
    if (this.refused(connection)) return;
    if (connection.session) {
      connection.socket.close(GatewayCloseCodes.AlreadyAuthenticated, 'Already authenticated.');
      return;
    }
    if (this.options.token !== undefined && data?.token !== this.options.token) {
      connection.socket.close(GatewayCloseCodes.AuthenticationFailed, 'Authentication failed.');
      return;
    }
    const session = data ? this.sessions.get(data.session_id) : undefined;
    if (!session || session.invalidated || typeof data.seq !== 'number' || data.seq > session.seq) {
      this.sendRaw(connection, { op: GatewayOpcodes.InvalidSession, d: false });
      return;
    }
    const previous = session.connection;
    if (previous && previous !== connection) {
      previous.closedByServer = true;
      previous.socket.close(GatewayCloseCodes.SessionTimedOut, 'Session resumed elsewhere');
    }
    this.resumeCount += 1;
    session.connection = connection;
    connection.session = session;
    for (const entry of session.sent) {
      if (entry.s <= data.seq) continue;
      this.log.push({ sessionId: session.id, s: entry.s, t: entry.t, d: entry.d, at: Date.now(), replay: true });
      this.sendRaw(connection, { op: GatewayOpcodes.Dispatch, t: entry.t, s: entry.s, d: entry.d });
    }
    this.send(session, GatewayDispatchEvents.Resumed, { _trace: ['fake-discord'] });
  }

  private sendRaw(connection: GatewayConnection, payload: Record<string, unknown>): void {
    const socket = connection.socket;
    if (socket.readyState !== socket.OPEN) return;
    socket.send(JSON.stringify({ s: null, t: null, ...payload }));
  }
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
