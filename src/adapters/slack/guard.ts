/**
 * The HTTP receiver's front door: every POST to `/slack/events` passes here before Bolt sees it.
 * It reads the body (bounded), checks the signature and that the timestamp is within five minutes of
 * now in either direction (Bolt only refuses old ones), parses it as Bolt would and checks its shape
 * ({@link checkSlackBody}). A request that fails is answered here — 401 for a bad signature, 413 for
 * an oversized body, 400 for one that is not JSON or a form, 200 for a signed one whose shape is wrong
 * (so Slack does not retry it) — and logged; nothing a request carries can throw inside Bolt.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import type { Logger } from '../../log.ts';
import { checkSlackBody } from './validate.ts';

/** Slack refuses a signature whose timestamp is further than this from now, either way. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/** Bolt's own default body limit. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface GuardOptions {
  signingSecret: string;
  logger: Logger;
  /** Paths Bolt takes events on. */
  endpoints?: string[];
  now?: () => number;
  newErrorId: () => string;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge(`body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
};

/** Why a request's signature is not acceptable, or undefined when it is. */
export function signatureProblem(secret: string, req: IncomingMessage, raw: string, nowMs: number): string | undefined {
  const signature = header(req, 'x-slack-signature');
  const stamp = header(req, 'x-slack-request-timestamp');
  if (!signature || !stamp) return 'missing signature headers';
  if (!/^\d{1,12}$/.test(stamp)) return 'malformed x-slack-request-timestamp';
  const skew = Math.floor(nowMs / 1000) - Number(stamp);
  if (Math.abs(skew) > MAX_CLOCK_SKEW_SECONDS) {
    return `x-slack-request-timestamp is ${Math.abs(skew)} s in the ${skew > 0 ? 'past' : 'future'} (at most ${MAX_CLOCK_SKEW_SECONDS} s either way)`;
  }
  const expected = Buffer.from(`v0=${createHmac('sha256', secret).update(`v0:${stamp}:${raw}`).digest('hex')}`);
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature mismatch';
  return undefined;
}

/** Parses a body as Bolt's HTTP receiver does (a form, a form with `payload=` JSON, or JSON). */
export function parseSlackBody(raw: string, contentType: string | undefined): unknown {
  if (contentType === 'application/x-www-form-urlencoded') {
    const form = parseQuery(raw);
    return typeof form.payload === 'string' ? JSON.parse(form.payload) : { ...form };
  }
  return JSON.parse(raw);
}

function answer(res: ServerResponse, status: number): void {
  if (res.headersSent) return;
  res.writeHead(status);
  res.end();
}

/**
 * Wraps Bolt's request listener: checked requests go on to Bolt with their body already read
 * (Bolt reuses `req.rawBody`), everything else is answered here.
 */
export function guardRequests(inner: RequestListener, opts: GuardOptions): RequestListener {
  const endpoints = new Set(opts.endpoints ?? ['/slack/events']);
  const now = opts.now ?? Date.now;
  const log = opts.logger;
  return (req, res) => {
    let path = '';
    try {
      path = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      answer(res, 400);
      return;
    }
    if (req.method !== 'POST' || !endpoints.has(path)) {
      inner(req, res);
      return;
    }
    void (async () => {
      let raw: Buffer;
      try {
        raw = await readBody(req, MAX_BODY_BYTES);
      } catch (err) {
        const tooLarge = err instanceof TooLarge;
        log.warn({ reason: (err as Error).message }, tooLarge ? 'slack request refused: too large' : 'slack request refused: unreadable body');
        answer(res, tooLarge ? 413 : 400);
        return;
      }
      const text = raw.toString('utf8');
      const contentType = header(req, 'content-type');
      // ssl_check pings are unsigned by design; Bolt strips anything else they carry.
      const sslCheck = contentType === 'application/x-www-form-urlencoded' && parseQuery(text).ssl_check === '1';
      const problem = sslCheck ? undefined : signatureProblem(opts.signingSecret, req, text, now());
      if (problem) {
        log.warn({ reason: problem }, 'slack request refused: bad signature');
        answer(res, 401);
        return;
      }
      let body: unknown;
      try {
        body = sslCheck ? { ssl_check: '1' } : parseSlackBody(text, contentType);
      } catch (err) {
        log.warn({ reason: (err as Error).message }, 'slack request refused: malformed body');
        answer(res, 400);
        return;
      }
      const checked = checkSlackBody(body);
      if (!checked.ok) {
        // Signed by Slack (or by someone with the secret) but not a shape we act on: acknowledge, so
        // Slack does not retry it, and log what was wrong.
        log.warn({ reason: checked.reason }, 'slack payload ignored: unexpected shape');
        answer(res, 200);
        return;
      }
      if (checked.kind === 'other') {
        log.info({ type: checked.type }, 'slack payload ignored: nothing handles this type');
        answer(res, 200);
        return;
      }
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = raw;
      inner(req, res);
    })().catch((err: unknown) => {
      const errorId = opts.newErrorId();
      log.error({ err, errorId }, 'slack request failed before Bolt');
      answer(res, 200);
    });
  };
}
