/**
 * A local stand-in for Slack on 127.0.0.1: the Web API methods the adapter calls (recorded, with
 * plausible answers) and `response_url` endpoints; plus helpers that sign requests exactly as Slack
 * does (v0 HMAC-SHA256 over `v0:timestamp:body` with the signing secret).
 */
import { duplicateValues } from '../../support/duplicate-ids.ts';
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One recorded call: a Web API method (`chat.postMessage`) or `response_url` (`respond`). */
export interface Call {
  method: string;
  /** Decoded arguments; `blocks` parsed from JSON when sent as a form field. */
  body: Record<string, any>;
  authorization?: string;
  /** The URL called (for response_url posts: which one). */
  url: string;
  /** What the stand-in answered (Web API methods). */
  response?: Record<string, any>;
}

export interface SlackStandIn {
  /** Web API root for SLACK_API_URL, e.g. http://127.0.0.1:1234/api/ */
  apiUrl: string;
  /** A fresh response_url. */
  responseUrl(): string;
  calls: Call[];
  /** Resolves with the first call (already made or still to come) matching `pred` and not yet taken. */
  next(pred: (c: Call) => boolean, timeoutMs?: number): Promise<Call>;
  /** Delay the answers to one method (to make an answer "slow"). */
  delay(method: string, ms: number): void;
  /**
   * Hold the answers to one method until the returned function is called (recorded when answered),
   * so a test decides when a slow call completes instead of guessing how long it needs.
   */
  hold(method: string): () => void;
  /** Answer a method with a fixed body (e.g. apps.connections.open → a local WebSocket URL). */
  answer(method: string, body: object): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function decode(raw: string, contentType: string | undefined): Record<string, any> {
  if (contentType?.includes('application/json')) return raw ? JSON.parse(raw) : {};
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (k === 'blocks' || k === 'attachments') && v.startsWith('[') ? JSON.parse(v) : k === 'metadata' && v.startsWith('{') ? JSON.parse(v) : v;
  }
  return out;
}

export async function startSlackStandIn(): Promise<SlackStandIn> {
  const calls: Call[] = [];
  const taken = new Set<Call>();
  const waiters: Array<{ pred: (c: Call) => boolean; resolve: (c: Call) => void }> = [];
  const delays = new Map<string, number>();
  const holds = new Map<string, Promise<void>>();
  const fixed = new Map<string, object>();
  // Message timestamps from the real clock, as Slack's are (conversations.history filters on them).
  let ts = Math.floor(Date.now() / 1000);
  let responseUrls = 0;

  const record = (call: Call) => {
    calls.push(call);
    const i = waiters.findIndex((w) => w.pred(call));
    if (i >= 0) {
      taken.add(call);
      waiters.splice(i, 1)[0]!.resolve(call);
    }
  };

  let base = '';
  const server: Server = createServer(async (req, res) => {
    const raw = await readBody(req);
    const body = decode(raw, req.headers['content-type']);
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = path.startsWith('/respond/') ? 'respond' : path.replace(/^\/api\//, '');
    const wait = delays.get(method);
    if (wait) await new Promise((r) => setTimeout(r, wait));
    const gate = holds.get(method);
    if (gate) await gate;
    record({
      method,
      body,
      url: `${base}${req.url ?? '/'}`,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    if (method === 'respond') {
      // A response_url answers a refused message with HTTP 400 and the error as plain text.
      if (duplicateActionIds(body.blocks).length > 0) res.writeHead(400, { 'content-type': 'text/plain' }).end('invalid_blocks');
      else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    // A bot token containing "revoked" is refused, as Slack refuses a revoked token.
    const revoked = req.headers.authorization?.includes('revoked') ?? false;
    const answers: Record<string, object> = {
      'auth.test': revoked ? { ok: false, error: 'invalid_auth' } : { ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'reportbot', team_id: 'T1', user_id: 'UBOT', bot_id: 'BBOT' },
      'chat.postMessage': { ok: true, channel: body.channel, ts: `${++ts}.000100`, message: { text: body.text } },
      'chat.postEphemeral': { ok: true, message_ts: `${++ts}.000200` },
      // The channel's messages as posted through this stand-in (newest first, as Slack lists them).
      'conversations.history': {
        ok: true,
        messages: calls
          .filter((c) => c.method === 'chat.postMessage' && c.body.channel === body.channel && c.response)
          .map((c) => ({ type: 'message', ts: c.response!.ts, text: c.body.text, ...(c.body.metadata ? { metadata: c.body.metadata } : {}) }))
          .filter((m) => !body.oldest || Number(m.ts) >= Number(body.oldest))
          .reverse(),
      },
      'reactions.add': { ok: true },
      'reactions.remove': { ok: true },
    };
    // Slack refuses blocks whose interactive elements share an action_id, as the real Web API does.
    const refused = duplicateActionIds(body.blocks).length > 0 ? { ok: false, error: 'invalid_blocks' } : undefined;
    const answer = refused ?? fixed.get(method) ?? answers[method] ?? { ok: false, error: 'unknown_method' };
    const call = calls.find((c) => c.body === body);
    if (call) call.response = answer as Record<string, any>;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiUrl: `${base}/api/`,
    responseUrl: () => `${base}/respond/${++responseUrls}`,
    calls,
    next(pred, timeoutMs = 5000) {
      const done = calls.find((c) => !taken.has(c) && pred(c));
      if (done) {
        taken.add(done);
        return Promise.resolve(done);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no matching Slack call arrived')), timeoutMs);
        waiters.push({
          pred,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
        });
      });
    },
    delay(method, ms) {
      delays.set(method, ms);
    },
    hold(method) {
      let release!: () => void;
      holds.set(method, new Promise<void>((r) => (release = r)));
      return () => {
        holds.delete(method);
        release();
      };
    },
    answer(method, body) {
      fixed.set(method, body);
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/**
 * The action_ids that occur more than once among a message's blocks (buttons, menus, inputs): Slack
 * answers such a message with `invalid_blocks`.
 */
export function duplicateActionIds(blocks: unknown): string[] {
  return duplicateValues(blocks, 'action_id');
}

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface PostOptions {
  secret: string;
  /** Seconds since the epoch; default now. */
  timestamp?: number;
  /** Override the computed signature (bad-signature tests). */
  signature?: string;
}

/** POSTs a signed request to the Bolt app, as Slack would. */
export async function postSigned(
  url: string,
  body: string,
  contentType: 'application/json' | 'application/x-www-form-urlencoded',
  opts: PostOptions,
): Promise<{ status: number; text: string }> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': opts.signature ?? signature(opts.secret, timestamp, body),
    },
    body,
  });
  return { status: res.status, text: await res.text() };
}

/** A slash command payload (form-encoded). */
export function slashBody(p: { command: string; text: string; user?: string; channel?: string; responseUrl: string }): string {
  return new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'T1',
    team_domain: 'test',
    channel_id: p.channel ?? 'C1',
    channel_name: 'general',
    user_id: p.user ?? 'U1',
    user_name: 'ana',
    command: p.command,
    text: p.text,
    api_app_id: 'A1',
    response_url: p.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
}

let eventSeq = 0;

/** An Events API envelope around `event` (JSON). */
export function eventBody(event: Record<string, unknown>): string {
  eventSeq++;
  return JSON.stringify({
    token: 'legacy-verification-token',
    team_id: 'T1',
    api_app_id: 'A1',
    type: 'event_callback',
    event_id: `Ev${eventSeq}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: 'T1', user_id: 'UBOT', is_bot: true }],
    event,
  });
}

/** A block_actions payload for a button press (form-encoded `payload=`). */
export function buttonBody(p: {
  actionId: string;
  value: string;
  user?: string;
  channel?: string;
  responseUrl: string;
  /** Ephemeral source (a private slash answer): no `message`. */
  ephemeral?: boolean;
  message?: { ts: string; thread_ts?: string };
}): string {
  const channel = p.channel ?? 'C1';
  const payload = {
    type: 'block_actions',
    team: { id: 'T1', domain: 'test' },
    user: { id: p.user ?? 'U1', username: 'ana', team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy-verification-token',
    trigger_id: '1.2.3',
    response_url: p.responseUrl,
    channel: { id: channel, name: 'general' },
    container: p.ephemeral
      ? { type: 'message', message_ts: '1700000000.000001', channel_id: channel, is_ephemeral: true }
      : { type: 'message', message_ts: p.message?.ts, channel_id: channel, is_ephemeral: false },
    ...(p.ephemeral ? {} : { message: { type: 'message', user: 'UBOT', bot_id: 'BBOT', text: 'answer', ...p.message } }),
    actions: [
      { type: 'button', action_id: p.actionId, block_id: 'rb_actions', value: p.value, text: { type: 'plain_text', text: 'x' }, action_ts: '1700000001.000001' },
    ],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** All mrkdwn/plain text in a message's blocks, joined: what a user reads. */
export function visibleText(body: Record<string, any>): string {
  const parts: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o.text === 'string') parts.push(o.text);
      for (const [k, v] of Object.entries(o)) if (k !== 'text' || typeof v !== 'string') walk(v);
    }
  };
  walk(body.blocks ?? []);
  return parts.join('\n');
}

/** The buttons of a message: action_id → value. */
export function buttons(body: Record<string, any>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const block of body.blocks ?? []) {
    if (block.type !== 'actions') continue;
    for (const el of block.elements) out[el.action_id] = el.value;
  }
  return out;
}
