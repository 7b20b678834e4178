/**
 * A Discord REST + gateway stand-in on 127.0.0.1 (node:http + ws, port 0), enough for a real discord.js
 * Client to log in, receive events and answer them. It speaks the gateway handshake (HELLO → IDENTIFY →
 * READY → GUILD_CREATE), ACKs heartbeats, accepts RESUME after a dropped socket, and records every REST
 * call so tests can assert what a user would see.
 */
import { duplicateValues } from '../../support/duplicate-ids.ts';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventEmitter } from 'node:events';
import { WebSocketServer, type WebSocket } from 'ws';

export const TOKEN = 'stand-in-token';
export const BOT_ID = '100000000000000001';
export const APP_ID = '100000000000000002';
export const GUILD_ID = '100000000000000003';
export const CHANNEL_ID = '100000000000000004';
export const DM_CHANNEL_ID = '100000000000000005';
export const USER_ID = '100000000000000006';
export const OTHER_BOT_ID = '100000000000000007';
/** A channel the bot can no longer see (REST answers 50001 Missing Access). */
export const FORBIDDEN_CHANNEL_ID = '100000000000000008';
/** A channel that was deleted (REST answers 10003 Unknown Channel). */
export const DELETED_CHANNEL_ID = '100000000000000009';
/** The role Discord creates for the bot when it joins (users can mention it instead of the bot). */
export const BOT_ROLE_ID = '100000000000000010';

/** Permission bits used by the stand-in (Discord's values). */
export const PERMISSIONS = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  manageChannels: 1n << 4n,
};

export interface RecordedCall {
  method: string;
  /** Path without the `/api/v10` prefix, e.g. `/interactions/1/tok/callback`. */
  path: string;
  query: URLSearchParams;
  authorization: string | undefined;
  body: any;
}

export interface StandInOptions {
  /** `rest`: GET /gateway/bot answers 401; `gateway`: IDENTIFY is answered with close code 4004. */
  rejectToken?: 'rest' | 'gateway';
  /** Heartbeat interval sent in HELLO (ms). */
  heartbeatInterval?: number;
}

const API_PREFIX = '/api/v10';

let snowflake = 200_000_000_000_000_000n;
/** Unique, increasing snowflake-shaped ids. */
export const nextId = (): string => String(++snowflake);

export class DiscordStandIn extends EventEmitter {
  readonly calls: RecordedCall[] = [];
  /** Gateway opcodes received, in order (1 heartbeat, 2 identify, 6 resume). */
  readonly gatewayOps: number[] = [];
  identifies = 0;
  resumes = 0;
  heartbeats = 0;
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private socket: WebSocket | null = null;
  private seq = 0;
  private sessionId = '';
  private port = 0;
  private readonly delays: Array<{ route: RegExp; ms: number }> = [];
  /** Messages posted to channels through REST, oldest first (GET /channels/:id/messages lists them). */
  readonly posted: Array<ReturnType<typeof message> & { nonce?: string }> = [];
  private readonly holds: Array<{ route: RegExp; released: Promise<void>; release: () => void }> = [];

  private constructor(private readonly options: StandInOptions) {
    super();
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.wss = new WebSocketServer({ server: this.server });
    this.wss.on('connection', (ws) => this.onConnection(ws));
  }

  static async start(options: StandInOptions = {}): Promise<DiscordStandIn> {
    const standIn = new DiscordStandIn(options);
    await new Promise<void>((resolve) => standIn.server.listen(0, '127.0.0.1', resolve));
    standIn.port = (standIn.server.address() as AddressInfo).port;
    return standIn;
  }

  /** REST root to put in `DISCORD_API_URL`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get gatewayUrl(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get connected(): boolean {
    return this.socket !== null && this.socket.readyState === this.socket.OPEN;
  }

  /** Sends a gateway dispatch (op 0) to the connected client. */
  dispatch(t: string, d: unknown): void {
    if (!this.socket) throw new Error('stand-in: no gateway connection');
    this.socket.send(JSON.stringify({ op: 0, t, s: ++this.seq, d }));
  }

  /** Drops the gateway socket without a close frame, as a network failure would (close code 1006). */
  dropConnection(): void {
    this.socket?.terminate();
    this.socket = null;
  }

  /** Closes the gateway socket with a close code, as Discord does (4004: the token was revoked). */
  closeWith(code: number, reason = ''): void {
    this.socket?.close(code, reason);
    this.socket = null;
  }

  /**
   * Holds requests whose `METHOD /path` (without `/api/v10`) matches `route` for `ms` before answering
   * them, as a slow Discord would: they are recorded (and `call` emitted) only when answered, while
   * `request` is emitted as soon as they arrive. `ms` 0 removes the delay.
   */
  delay(route: RegExp, ms: number): void {
    const i = this.delays.findIndex((d) => d.route.source === route.source);
    if (i >= 0) this.delays.splice(i, 1);
    if (ms > 0) this.delays.push({ route, ms });
  }

  /**
   * Holds requests whose `METHOD /path` matches `route` until the returned function is called — a
   * Discord that answers exactly when the test says, so no test depends on how fast the machine is.
   * Like {@link delay}, they are recorded when answered; `request` is emitted when they arrive.
   */
  hold(route: RegExp): () => void {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const entry = { route, released, release };
    this.holds.push(entry);
    return () => {
      const i = this.holds.indexOf(entry);
      if (i >= 0) this.holds.splice(i, 1);
      entry.release();
    };
  }

  /** Resolves with the first recorded call (past or future) matching `predicate`. */
  waitForCall(predicate: (call: RecordedCall) => boolean, timeoutMs = 5000, after = 0): Promise<RecordedCall> {
    const found = this.calls.slice(after).find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('call', listener);
        reject(new Error(`stand-in: no matching REST call within ${timeoutMs}ms; saw ${this.describeCalls()}`));
      }, timeoutMs);
      const listener = (call: RecordedCall) => {
        if (!predicate(call)) return;
        clearTimeout(timer);
        this.off('call', listener);
        resolve(call);
      };
      this.on('call', listener);
    });
  }

  /** Resolves once the gateway has seen `count` IDENTIFY + RESUME payloads in total. */
  waitForSession(count: number, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.identifies + this.resumes >= count) {
          clearTimeout(timer);
          this.off('session', check);
          resolve();
        }
      };
      const timer = setTimeout(() => {
        this.off('session', check);
        reject(new Error(`stand-in: only ${this.identifies + this.resumes} sessions, wanted ${count}`));
      }, timeoutMs);
      this.on('session', check);
      check();
    });
  }

  describeCalls(): string {
    return this.calls.map((c) => `${c.method} ${c.path}`).join(', ') || '(none)';
  }

  async close(): Promise<void> {
    for (const client of this.wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- gateway -------------------------------------------------------------------------------

  private onConnection(ws: WebSocket): void {
    this.socket = ws;
    ws.send(JSON.stringify({ op: 10, d: { heartbeat_interval: this.options.heartbeatInterval ?? 1000 } }));
    ws.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as { op: number; d: any };
      this.gatewayOps.push(payload.op);
      if (payload.op === 1) {
        this.heartbeats++;
        ws.send(JSON.stringify({ op: 11 }));
      } else if (payload.op === 2) {
        this.onIdentify(ws, payload.d);
      } else if (payload.op === 6) {
        this.onResume(ws, payload.d);
      }
    });
  }

  private onIdentify(ws: WebSocket, d: { token: string; intents: number }): void {
    if (this.options.rejectToken === 'gateway' || d.token !== TOKEN) {
      ws.close(4004, 'Authentication failed.');
      return;
    }
    this.identifies++;
    this.lastIntents = d.intents;
    this.sessionId = `session-${this.identifies}`;
    this.seq = 0;
    this.dispatch('READY', {
      v: 10,
      user: botUser(),
      guilds: [{ id: GUILD_ID, unavailable: true }],
      session_id: this.sessionId,
      resume_gateway_url: this.gatewayUrl,
      application: { id: APP_ID, flags: 0 },
      shard: [0, 1],
    });
    this.dispatch('GUILD_CREATE', guild());
    this.emit('session');
  }

  /** Intents sent in the last IDENTIFY. */
  lastIntents = 0;

  private onResume(ws: WebSocket, d: { token: string; session_id: string; seq: number }): void {
    if (d.token !== TOKEN || d.session_id !== this.sessionId) {
      ws.send(JSON.stringify({ op: 9, d: false }));
      return;
    }
    this.resumes++;
    this.dispatch('RESUMED', {});
    this.emit('session');
  }

  // ---- REST ----------------------------------------------------------------------------------

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const pathname = decodeURIComponent(url.pathname);
    const path = pathname.startsWith(API_PREFIX) ? pathname.slice(API_PREFIX.length) : pathname;
    const call: RecordedCall = {
      method: req.method ?? 'GET',
      path,
      query: url.searchParams,
      authorization: req.headers.authorization,
      body: text ? JSON.parse(text) : undefined,
    };
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    if (!url.pathname.startsWith(API_PREFIX)) {
      send(404, { message: '404: Not Found', code: 0 });
      return;
    }
    this.emit('request', call);
    const held = this.delays.find((d) => d.route.test(`${call.method} ${path}`));
    if (held) await new Promise((r) => setTimeout(r, held.ms));
    const gate = this.holds.find((h) => h.route.test(`${call.method} ${path}`));
    if (gate) await gate.released;
    this.calls.push(call);
    const authorized = call.authorization === `Bot ${TOKEN}`;
    const route = `${call.method} ${path}`;
    let m: RegExpMatchArray | null;

    if (route === 'GET /gateway/bot') {
      if (this.options.rejectToken === 'rest' || !authorized) send(401, { message: '401: Unauthorized', code: 0 });
      else
        send(200, {
          url: this.gatewayUrl,
          shards: 1,
          session_start_limit: { total: 1000, remaining: 999, reset_after: 86_400_000, max_concurrency: 1 },
        });
    } else if (!authorized && !path.startsWith('/interactions/') && !path.startsWith('/webhooks/')) {
      // Interaction callbacks and webhooks are authorized by their token in the path, as on Discord.
      send(401, { message: '401: Unauthorized', code: 0 });
    } else if ((call.method === 'POST' || call.method === 'PATCH') && duplicateCustomIds(call.body).length > 0) {
      // Discord refuses a message whose components share a custom_id, whatever route carries it.
      send(400, invalidFormBody(duplicateCustomIds(call.body)[0]!));
    } else if ((m = route.match(/^POST \/interactions\/(\d+)\/([^/]+)\/callback$/))) {
      // Tokens marked expired behave like an interaction answered too late.
      if (m[2]!.startsWith('expired-')) send(404, { message: 'Unknown interaction', code: 10062 });
      else send(204);
    } else if ((m = route.match(/^(PATCH|GET) \/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/))) {
      send(200, message({ ...call.body, id: m[4] === '@original' ? nextId() : m[4], channel_id: CHANNEL_ID }, true));
    } else if ((m = route.match(/^DELETE \/webhooks\/(\d+)\/([^/]+)\/messages\/(@original|\d+)$/))) {
      send(204);
    } else if ((m = route.match(/^POST \/webhooks\/(\d+)\/([^/]+)$/))) {
      send(200, message({ ...call.body, channel_id: CHANNEL_ID }, true));
    } else if ((m = route.match(/^(GET|POST) \/channels\/(\d+)(\/messages)?$/))) {
      const channelId = m[2]!;
      if (channelId === DELETED_CHANNEL_ID) send(404, { message: 'Unknown Channel', code: 10003 });
      else if (channelId === FORBIDDEN_CHANNEL_ID) send(403, { message: 'Missing Access', code: 50001 });
      else if (m[1] === 'GET' && !m[3]) send(200, textChannel(channelId));
      else if (m[1] === 'POST' && m[3]) {
        // As Discord does with enforce_nonce: a repeated nonce returns the message already posted.
        const nonce = (call.body as { nonce?: string; enforce_nonce?: boolean } | undefined)?.enforce_nonce ? call.body.nonce : undefined;
        const earlier = nonce === undefined ? undefined : this.posted.find((p) => p.channel_id === channelId && p.nonce === nonce);
        // Ids from the clock, as Discord's snowflakes are (GET …/messages?after= filters on them).
        const id = String(((BigInt(Date.now()) - 1_420_070_400_000n) << 22n) + BigInt(this.posted.length));
        const posted = earlier ?? { ...message({ ...call.body, channel_id: channelId }, true), id };
        if (!earlier) this.posted.push(posted as ReturnType<typeof message> & { nonce?: string });
        send(200, posted);
      } else if (m[1] === 'GET' && m[3]) {
        const after = BigInt(call.query.get('after') ?? '0');
        send(200, this.posted.filter((p) => p.channel_id === channelId && BigInt(p.id) > after).reverse());
      }
      else send(405, { message: '405: Method Not Allowed', code: 0 });
    } else if ((m = route.match(/^PUT \/applications\/(\d+)(\/guilds\/(\d+))?\/commands$/))) {
      const body = Array.isArray(call.body) ? call.body : [];
      send(
        200,
        body.map((c: Record<string, unknown>) => ({ ...c, id: nextId(), application_id: m![1], version: nextId() })),
      );
    } else {
      send(404, { message: '404: Not Found', code: 0 });
    }
    this.emit('call', call);
  }
}

// ---- message validation ------------------------------------------------------------------------

/** Components of a message body, a webhook edit, or an interaction callback (`data.components`). */
function componentsOf(body: unknown): unknown[] {
  const b = body as { components?: unknown[]; data?: { components?: unknown[] } } | undefined;
  return [...(b?.components ?? []), ...(b?.data?.components ?? [])];
}

/** custom_ids that occur more than once among a body's components (rows and their buttons). */
export function duplicateCustomIds(body: unknown): string[] {
  return duplicateValues(componentsOf(body), 'custom_id');
}

/** Discord's answer to a duplicated custom id: 400, code 50035 Invalid Form Body. */
function invalidFormBody(customId: string) {
  return {
    message: 'Invalid Form Body',
    code: 50035,
    errors: {
      components: {
        _errors: [{ code: 'COMPONENT_CUSTOM_ID_DUPLICATED', message: `Component custom id cannot be duplicated (${customId})` }],
      },
    },
  };
}

// ---- payload builders --------------------------------------------------------------------------

export function botUser() {
  return { id: BOT_ID, username: 'report-bot', discriminator: '0', global_name: null, avatar: null, bot: true };
}

export function user(id = USER_ID, extra: Record<string, unknown> = {}) {
  return { id, username: `user${id.slice(-2)}`, discriminator: '0', global_name: 'Reader', avatar: null, ...extra };
}

export function textChannel(id = CHANNEL_ID) {
  return { id, type: 0, guild_id: GUILD_ID, name: 'general', position: 0, permission_overwrites: [], nsfw: false };
}

export function guild() {
  return {
    id: GUILD_ID,
    name: 'Readers',
    icon: null,
    owner_id: USER_ID,
    unavailable: false,
    member_count: 2,
    large: false,
    features: [],
    emojis: [],
    stickers: [],
    roles: [
      {
        id: GUILD_ID,
        name: '@everyone',
        permissions: String(PERMISSIONS.viewChannel | PERMISSIONS.sendMessages),
        position: 0,
        color: 0,
        hoist: false,
        managed: false,
        mentionable: false,
        flags: 0,
      },
      {
        id: BOT_ROLE_ID,
        name: 'report-bot',
        permissions: '0',
        position: 1,
        color: 0,
        hoist: false,
        managed: true,
        mentionable: false,
        flags: 0,
        tags: { bot_id: BOT_ID },
      },
    ],
    channels: [textChannel()],
    threads: [],
    members: [{ user: botUser(), roles: [BOT_ROLE_ID], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false }],
    presences: [],
    voice_states: [],
    joined_at: '2024-01-01T00:00:00.000Z',
    preferred_locale: 'en-US',
    system_channel_flags: 0,
    premium_tier: 0,
  };
}

/** A message object as Discord returns it (the bot as author when `fromBot`). */
export function message(fields: Record<string, unknown>, fromBot = false) {
  return {
    id: nextId(),
    channel_id: CHANNEL_ID,
    author: fromBot ? botUser() : user(),
    content: '',
    timestamp: new Date(0).toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: false,
    mentions: [],
    mention_roles: [],
    attachments: [],
    embeds: [],
    components: [],
    pinned: false,
    type: 0,
    flags: 0,
    ...fields,
  };
}

interface InteractionBase {
  /** Makes Discord refuse the callback with 10062 Unknown interaction (answered too late). */
  expired?: boolean;
  /** Whether the interaction comes from a DM rather than the guild channel. */
  dm?: boolean;
  /** Member permissions (guild only); default: View Channel + Send Messages. */
  permissions?: bigint;
  userId?: string;
}

function interactionBase(type: number, o: InteractionBase) {
  const id = nextId();
  const who = user(o.userId ?? USER_ID);
  const base = {
    id,
    application_id: APP_ID,
    type,
    token: `${o.expired ? 'expired' : 'itoken'}-${id}`,
    version: 1,
    locale: 'en-US',
    app_permissions: String(PERMISSIONS.viewChannel | PERMISSIONS.sendMessages),
    entitlements: [],
    authorizing_integration_owners: {},
  };
  if (o.dm) {
    return { ...base, channel_id: DM_CHANNEL_ID, channel: { id: DM_CHANNEL_ID, type: 1 }, user: who, context: 1 };
  }
  return {
    ...base,
    guild_id: GUILD_ID,
    guild_locale: 'en-US',
    channel_id: CHANNEL_ID,
    channel: textChannel(),
    context: 0,
    member: {
      user: who,
      roles: [],
      joined_at: '2024-01-01T00:00:00.000Z',
      deaf: false,
      mute: false,
      permissions: String(o.permissions ?? PERMISSIONS.viewChannel | PERMISSIONS.sendMessages),
    },
  };
}

const OPTION_TYPES = { string: 3, integer: 4, boolean: 5, number: 10 } as const;

/** Turns `{ question: 'x' }` into interaction option payloads (types inferred from JS values). */
function toOptions(values: Record<string, unknown>, focused?: string) {
  return Object.entries(values).map(([name, value]) => ({
    name,
    type:
      typeof value === 'boolean'
        ? OPTION_TYPES.boolean
        : typeof value === 'number'
          ? Number.isInteger(value)
            ? OPTION_TYPES.integer
            : OPTION_TYPES.number
          : OPTION_TYPES.string,
    value,
    ...(name === focused ? { focused: true } : {}),
  }));
}

/** An APPLICATION_COMMAND interaction; `subcommand` nests the options as Discord does. */
export function slashCommand(
  name: string,
  options: Record<string, unknown> = {},
  o: InteractionBase & { subcommand?: string } = {},
) {
  const opts = o.subcommand ? [{ name: o.subcommand, type: 1, options: toOptions(options) }] : toOptions(options);
  return { ...interactionBase(2, o), data: { id: nextId(), name, type: 1, options: opts } };
}

/** An APPLICATION_COMMAND_AUTOCOMPLETE interaction with `focused` the option being typed. */
export function autocomplete(
  name: string,
  options: Record<string, unknown>,
  focused: string,
  o: InteractionBase & { subcommand?: string } = {},
) {
  const opts = o.subcommand
    ? [{ name: o.subcommand, type: 1, options: toOptions(options, focused) }]
    : toOptions(options, focused);
  return { ...interactionBase(4, o), data: { id: nextId(), name, type: 1, options: opts } };
}

/** A MESSAGE_COMPONENT (button) interaction on a message the bot sent. */
export function buttonClick(customId: string, onMessage: Record<string, unknown>, o: InteractionBase = {}) {
  return {
    ...interactionBase(3, o),
    message: message(onMessage, true),
    data: { custom_id: customId, component_type: 2 },
  };
}

/** A MESSAGE_CREATE in the guild channel (or DM when `dm`). */
export function userMessage(content: string, o: { dm?: boolean; mentionsBot?: boolean; author?: object } = {}) {
  const fields: Record<string, unknown> = {
    content,
    author: o.author ?? user(),
    mentions: o.mentionsBot ? [botUser()] : [],
    mention_everyone: false,
  };
  // Discord sends `channel_type` with MESSAGE_CREATE; discord.js needs it to build a partial DM channel.
  if (o.dm) return message({ ...fields, channel_id: DM_CHANNEL_ID, channel_type: 1 });
  return message({
    ...fields,
    channel_id: CHANNEL_ID,
    channel_type: 0,
    guild_id: GUILD_ID,
    member: { roles: [], joined_at: '2024-01-01T00:00:00.000Z', deaf: false, mute: false },
  });
}
