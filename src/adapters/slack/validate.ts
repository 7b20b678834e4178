/**
 * The shape of every Slack payload the adapter acts on, checked with zod at the adapter's edge —
 * before Bolt or a listener reads a field. A payload that does not fit (a `null` body, `user: null`,
 * `actions: {}`, a number where a button value belongs, a repeated form field) is acknowledged and
 * logged, never answered with a 500 and never allowed to throw inside Bolt.
 */
import { z } from 'zod';
import { fingerprint } from '../../store/event-dedupe.ts';

const id = z.string().min(1).max(255);
const optionalText = z.string().max(100_000).optional();

/** `message` and `app_mention` events: the fields the listeners read. */
const messageEvent = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  bot_id: z.string().optional(),
  user: id.optional(),
  text: optionalText,
  ts: id,
  thread_ts: id.optional(),
  channel: id,
  channel_type: z.string().optional(),
});

export const eventCallbackSchema = z.looseObject({
  type: z.literal('event_callback'),
  event_id: id,
  event: z.looseObject({ type: z.string().min(1) }),
});

export const slashCommandSchema = z.looseObject({
  command: z.string().regex(/^\/\S{1,64}$/),
  text: optionalText,
  user_id: id,
  user_name: z.string().max(255).optional(),
  channel_id: id,
  channel_name: z.string().max(255).optional(),
  response_url: z.url().max(2_000),
  trigger_id: z.string().max(255).optional(),
});

export const blockActionsSchema = z.looseObject({
  type: z.literal('block_actions'),
  user: z.looseObject({ id, username: z.string().max(255).optional(), name: z.string().max(255).optional() }),
  actions: z
    .array(
      z.looseObject({
        type: z.string(),
        action_id: z.string().min(1).max(255),
        value: z.string().max(2_000).optional(),
      }),
    )
    .min(1)
    .max(25),
  channel: z.looseObject({ id }).optional(),
  container: z
    .looseObject({ channel_id: id.optional(), is_ephemeral: z.boolean().optional(), message_ts: z.string().optional() })
    .optional(),
  message: z.looseObject({ ts: id, thread_ts: id.optional() }).optional(),
  response_url: z.url().max(2_000).optional(),
});

const urlVerificationSchema = z.looseObject({ type: z.literal('url_verification'), challenge: z.string().max(1_000) });

/** What a request body is, once checked. `key` identifies it for retry/replay deduplication. */
export type SlackBody =
  | { ok: true; kind: 'event' | 'command' | 'block_actions'; key: string }
  | { ok: true; kind: 'ssl_check' | 'url_verification' }
  /** Well-formed, but nothing the bot handles (a shortcut, a modal): acknowledged and ignored. */
  | { ok: true; kind: 'other'; type: string }
  | { ok: false; reason: string };

const describe = (error: z.ZodError): string =>
  error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
    .join('; ');

/** Dedup key of a checked body: the event id, or a fingerprint of the whole (replayed) body. */
export const dedupeKey = (kind: 'event' | 'command' | 'block_actions', body: Record<string, unknown>): string =>
  kind === 'event' ? `event:${String(body.event_id)}` : `${kind}:${fingerprint(JSON.stringify(body))}`;

/** Checks a parsed Slack request body (Events API envelope, slash command, or interaction payload). */
export function checkSlackBody(body: unknown): SlackBody {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { ok: false, reason: `the body is ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}, not an object` };
  }
  const b = body as Record<string, unknown>;
  if (b.ssl_check === '1') return { ok: true, kind: 'ssl_check' };
  if (b.type === 'url_verification') {
    const r = urlVerificationSchema.safeParse(b);
    return r.success ? { ok: true, kind: 'url_verification' } : { ok: false, reason: describe(r.error) };
  }
  if (b.type === 'event_callback') {
    const r = eventCallbackSchema.safeParse(b);
    if (!r.success) return { ok: false, reason: describe(r.error) };
    if (r.data.event.type === 'message' || r.data.event.type === 'app_mention') {
      const m = messageEvent.safeParse(r.data.event);
      if (!m.success) return { ok: false, reason: describe(m.error) };
    }
    return { ok: true, kind: 'event', key: dedupeKey('event', b) };
  }
  if ('command' in b) {
    const r = slashCommandSchema.safeParse(b);
    return r.success ? { ok: true, kind: 'command', key: dedupeKey('command', b) } : { ok: false, reason: describe(r.error) };
  }
  if (b.type === 'block_actions') {
    const r = blockActionsSchema.safeParse(b);
    return r.success ? { ok: true, kind: 'block_actions', key: dedupeKey('block_actions', b) } : { ok: false, reason: describe(r.error) };
  }
  if (typeof b.type === 'string' && b.type.length > 0 && b.type.length < 100) return { ok: true, kind: 'other', type: b.type };
  return { ok: false, reason: 'not a Slack event, command or interaction' };
}
