// The fake Discord's HTTP side: parses requests (JSON or multipart), records every one of them,
// answers with Discord's rate-limit headers and error shapes, serves scripted 429s/errors, routes
// `/api/v10/...` to the handlers registered in fake-discord-routes.ts, and serves attachment bytes.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FakeState, UploadedFile } from './state.js';
import { DiscordHttpError, Errors, isRecord } from './util.js';

/** One REST request as the fake received it. */
export interface RecordedRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path without the `/api/v10` prefix, e.g. `/channels/123/messages`. */
  path: string;
  /** The route template that handled it (e.g. `/channels/:channelId/messages`), or null when unrouted. */
  route: string | null;
  query: Record<string, string>;
  /** Parsed JSON body; for multipart requests, the parsed payload_json plus `files`. */
  body: unknown;
  /** Files of a multipart request. */
  files: UploadedFile[];
  multipart: boolean;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** Status the fake answered with (0 while in flight). */
  status: number;
  /** Body the fake answered with (undefined for 204). */
  response: unknown;
  /** ms timestamp when it arrived. */
  at: number;
}

/** Which requests a scripted rate limit / failure applies to. */
export interface RequestMatcher {
  method?: string;
  /** A RegExp tested against the path (no /api/v10 prefix), an exact path, or a template like `/channels/:id/messages`. */
  path?: RegExp | string;
}

export interface RateLimitOptions {
  /** Seconds, as in Discord's `retry_after`. */
  retryAfter: number;
  global?: boolean;
  scope?: 'user' | 'shared' | 'global';
}

/** A scripted one-shot rule; `served` becomes true once a request hit it. */
export interface ScriptedRule {
  readonly matcher: RequestMatcher;
  served: boolean;
  request: RecordedRequest | undefined;
}

interface RateLimitRule extends ScriptedRule {
  kind: 'rate-limit';
  options: RateLimitOptions;
}

interface FailureRule extends ScriptedRule {
  kind: 'failure';
  status: number;
  body: unknown;
  /** The request is carried out first, then answered with the error (Discord did it; the answer was lost). */
  after?: boolean;
}

export interface RouteContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** JSON body, or payload_json for multipart requests (an empty object when there is none). */
  body: Record<string, unknown>;
  /** The raw parsed JSON, when it is not an object (bulk overwrite takes an array). */
  json: unknown;
  files: UploadedFile[];
  headers: Record<string, string>;
  request: RecordedRequest;
}

/** What a handler returns: `{ status, body }`, or a plain value (200 JSON), or undefined (204). */
export type RouteResult = { status: number; body?: unknown } | undefined;
export type RouteHandler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>;

interface Route {
  method: string;
  template: string;
  segments: string[];
  literalCount: number;
  auth: boolean;
  handler: RouteHandler;
}

export interface RestOptions {
  /** When set, requests must carry `Authorization: Bot <token>`. */
  token: string | undefined;
  /** Requests per rate-limit bucket per window the headers advertise. */
  bucketLimit: number;
  /** Length of a rate-limit window in ms. */
  bucketWindowMs: number;
}

export function ok(body: unknown, status = 200): RouteResult {
  return { status, body };
}

export const noContent: RouteResult = { status: 204 };

export class FakeRest {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly rules: (RateLimitRule | FailureRule)[] = [];
  private readonly buckets = new Map<string, { remaining: number; resetAt: number }>();

  constructor(
    private readonly state: FakeState,
    private readonly options: RestOptions,
  ) {}

  /** Registers a route. `auth: false` for interaction callbacks and webhook-token routes. */
  route(method: string, template: string, handler: RouteHandler, options: { auth?: boolean } = {}): void {
    const segments = template.split('/').filter(Boolean);
    this.routes.push({
      method: method.toUpperCase(),
      template,
      segments,
      literalCount: segments.filter((s) => !s.startsWith(':')).length,
      auth: options.auth ?? true,
      handler,
    });
  }

  rateLimitNext(matcher: RequestMatcher, options: RateLimitOptions): ScriptedRule {
    const rule: RateLimitRule = { kind: 'rate-limit', matcher, options, served: false, request: undefined };
    this.rules.push(rule);
    return rule;
  }

  failNext(matcher: RequestMatcher, status: number, body: unknown): ScriptedRule {
    const rule: FailureRule = { kind: 'failure', matcher, status, body, served: false, request: undefined };
    this.rules.push(rule);
    return rule;
  }

  /** Like failNext, but the request is carried out before the error answers it. */
  failAfterNext(matcher: RequestMatcher, status: number, body: unknown): ScriptedRule {
    const rule: FailureRule = { kind: 'failure', matcher, status, body, served: false, request: undefined, after: true };
    this.rules.push(rule);
    return rule;
  }

  /** node:http request listener. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if ((req.method === 'GET' || req.method === 'HEAD') && /^\/(media\/)?attachments\//.test(url.pathname)) {
      this.serveAttachment(url.pathname, res);
      return;
    }
    const api = /^\/api(?:\/v(\d+))?(\/.*)?$/.exec(url.pathname);
    const raw = await readBody(req);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[key.toLowerCase()] = value;
    const record: RecordedRequest = {
      method: (req.method ?? 'GET').toUpperCase(),
      path: api ? (api[2] ?? '/') : url.pathname,
      route: null,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      files: [],
      multipart: false,
      headers,
      status: 0,
      response: undefined,
      at: Date.now(),
    };
    this.requests.push(record);
    let bucket: Record<string, string> = {};
    try {
      const parsed = await parseBody(headers['content-type'] ?? '', raw);
      record.files = parsed.files;
      record.multipart = parsed.multipart;
      record.body = parsed.multipart ? { ...(isRecord(parsed.json) ? parsed.json : {}), files: parsed.files } : parsed.json;
      if (!api) throw Errors.notFound();
      if (parsed.files.reduce((n, f) => n + f.data.length, 0) > this.state.uploadLimitBytes) throw Errors.requestTooLarge();
      const { route, params, methodMismatch } = this.match(record.method, record.path);
      if (!route) {
        if (methodMismatch) {
          console.warn(`FakeDiscord: unimplemented method ${record.method} ${record.path}`);
          bucket = this.bucketHeaders(`${record.method} ${record.path}`, 'global');
          throw Errors.methodNotAllowed();
        }
        console.warn(`FakeDiscord: unimplemented route ${record.method} ${record.path}`);
        bucket = this.bucketHeaders(`${record.method} ${record.path}`, 'global');
        throw Errors.notFound();
      }
      record.route = route.template;
      bucket = this.bucketHeaders(`${route.method} ${route.template}`, params['channelId'] ?? params['guildId'] ?? params['webhookId'] ?? params['interactionId'] ?? 'global');
      const scripted = this.takeRule(record);
      if (scripted && !(scripted.kind === 'failure' && scripted.after)) {
        this.sendScripted(res, record, scripted, bucket);
        return;
      }
      if (route.auth) this.checkAuth(headers['authorization']);
      const result = await route.handler({
        method: record.method,
        path: record.path,
        params,
        query: url.searchParams,
        body: isRecord(parsed.json) ? parsed.json : {},
        json: parsed.json,
        files: parsed.files,
        headers,
        request: record,
      });
      if (scripted) {
        this.sendScripted(res, record, scripted, bucket);
        return;
      }
      this.send(res, record, result?.status ?? 204, result?.body, bucket);
    } catch (error) {
      if (error instanceof DiscordHttpError) {
        this.send(res, record, error.status, error.toJSON(), bucket);
        return;
      }
      console.error('FakeDiscord: handler crashed', record.method, record.path, error);
      this.send(res, record, 500, { message: '500: Internal Server Error', code: 0 }, {});
    }
  }

  private checkAuth(authorization: string | undefined): void {
    if (!authorization) throw Errors.unauthorized();
    const match = /^Bot (.+)$/.exec(authorization);
    if (!match || (this.options.token !== undefined && match[1] !== this.options.token)) throw Errors.unauthorized();
  }

  private match(method: string, path: string): { route: Route | undefined; params: Record<string, string>; methodMismatch: boolean } {
    const parts = path.split('/').filter(Boolean);
    let best: { route: Route; params: Record<string, string> } | undefined;
    let methodMismatch = false;
    for (const route of this.routes) {
      if (route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let matched = true;
      for (let i = 0; i < parts.length; i += 1) {
        const segment = route.segments[i] as string;
        const part = parts[i] as string;
        if (segment.startsWith(':')) params[segment.slice(1)] = safeDecode(part);
        else if (segment !== part) {
          matched = false;
          break;
        }
      }
      if (!matched) continue;
      if (route.method !== method) {
        methodMismatch = true;
        continue;
      }
      if (!best || route.literalCount > best.route.literalCount) best = { route, params };
    }
    return { route: best?.route, params: best?.params ?? {}, methodMismatch };
  }

  private takeRule(record: RecordedRequest): RateLimitRule | FailureRule | undefined {
    const index = this.rules.findIndex((rule) => matches(rule.matcher, record));
    if (index < 0) return undefined;
    const [rule] = this.rules.splice(index, 1);
    if (rule) {
      rule.served = true;
      rule.request = record;
    }
    return rule;
  }

  private sendScripted(res: ServerResponse, record: RecordedRequest, rule: RateLimitRule | FailureRule, bucket: Record<string, string>): void {
    if (rule.kind === 'failure') {
      this.send(res, record, rule.status, rule.body, bucket);
      return;
    }
    const { retryAfter } = rule.options;
    const global = rule.options.global ?? false;
    const scope = rule.options.scope ?? (global ? 'global' : 'user');
    const headers: Record<string, string> = { 'Retry-After': String(retryAfter), 'X-RateLimit-Scope': scope };
    if (global) headers['X-RateLimit-Global'] = 'true';
    else {
      Object.assign(headers, bucket, {
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
        'X-RateLimit-Reset-After': retryAfter.toFixed(3),
      });
    }
    this.send(res, record, 429, { message: 'You are being rate limited.', retry_after: retryAfter, global }, headers);
  }

  /** Discord's per-route bucket headers: a stable hash per route, a window per (bucket, major parameter). */
  private bucketHeaders(routeKey: string, major: string): Record<string, string> {
    const hash = createHash('md5').update(routeKey).digest('hex').slice(0, 32);
    const key = `${hash}:${major}`;
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.resetAt <= now) {
      bucket = { remaining: this.options.bucketLimit, resetAt: now + this.options.bucketWindowMs };
      this.buckets.set(key, bucket);
    }
    bucket.remaining = Math.max(0, bucket.remaining - 1);
    return {
      'X-RateLimit-Limit': String(this.options.bucketLimit),
      'X-RateLimit-Remaining': String(bucket.remaining),
      'X-RateLimit-Reset': (bucket.resetAt / 1000).toFixed(3),
      'X-RateLimit-Reset-After': ((bucket.resetAt - now) / 1000).toFixed(3),
      'X-RateLimit-Bucket': hash,
    };
  }

  private send(res: ServerResponse, record: RecordedRequest, status: number, body: unknown, headers: Record<string, string>): void {
    record.status = status;
    record.response = status === 204 ? undefined : body;
    for (const [key, value] of Object.entries(headers)) res.setHeader(key, value);
    if (status === 204 || body === undefined) {
      res.statusCode = status === 200 && body === undefined ? 204 : status;
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json');
    res.setHeader('Content-Length', Buffer.byteLength(text));
    res.end(text);
  }

  private serveAttachment(pathname: string, res: ServerResponse): void {
    const id = /attachments\/[^/]+\/([^/]+)\//.exec(pathname)?.[1];
    const stored = id ? this.state.attachments.get(id) : undefined;
    if (!stored) {
      res.statusCode = 404;
      res.end('Not Found');
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', stored.contentType);
    res.setHeader('Content-Length', stored.data.length);
    res.end(stored.data);
  }
}

export function matches(matcher: RequestMatcher, record: { method: string; path: string }): boolean {
  if (matcher.method && matcher.method.toUpperCase() !== record.method) return false;
  const path = matcher.path;
  if (path === undefined) return true;
  if (path instanceof RegExp) return path.test(record.path);
  if (!path.includes(':')) return path === record.path;
  const want = path.split('/').filter(Boolean);
  const have = record.path.split('/').filter(Boolean);
  return want.length === have.length && want.every((segment, i) => segment.startsWith(':') || segment === have[i]);
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

async function parseBody(contentType: string, raw: Buffer): Promise<{ json: unknown; files: UploadedFile[]; multipart: boolean }> {
  if (raw.length === 0) return { json: undefined, files: [], multipart: false };
  if (contentType.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Request('http://fake/', { method: 'POST', headers: { 'content-type': contentType }, body: raw }).formData();
    } catch {
      throw Errors.invalidForm('files', 'Invalid multipart body.', 'BASE_TYPE_INVALID');
    }
    const files: UploadedFile[] = [];
    let json: unknown;
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') {
        if (name === 'payload_json') json = parseJson(value);
        continue;
      }
      files.push({ name, filename: value.name, contentType: value.type || 'application/octet-stream', data: Buffer.from(await value.arrayBuffer()) });
    }
    return { json, files, multipart: true };
  }
  return { json: parseJson(raw.toString('utf8')), files: [], multipart: false };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new DiscordHttpError(400, 50109, 'The request body contains invalid JSON.');
  }
}
