/**
 * `/digest subscribe|unsubscribe|status|preview` — daily facts posted to a channel. On Discord these
 * are subcommands with typed options (and time-zone autocomplete, which the Discord adapter adds for an
 * option named `timezone`); on Slack they are words: `/digest subscribe 08:30 America/Lima 2 daily`.
 */
import { notice } from './notice.ts';
import { z } from 'zod';
import { commandLabel, surfaceOf, type Command, type CommandContext, type Reply } from './types.ts';
import { InputError } from '../src/errors.ts';
import { factsFor } from '../src/digest/facts.ts';
import { digestReply, reportTitle } from '../src/digest/message.ts';
import { progress, selectNext } from '../src/digest/rotation.ts';
import { DigestStore, type Subscription } from '../src/digest/store.ts';
import {
  formatInZone,
  isTimeZone,
  nextOccurrence,
  parseTime,
  parseTimeZone,
  type DigestDays,
} from '../src/digest/time.ts';

/** Defaults of `/digest subscribe` (the zone defaults to `DEFAULT_TIMEZONE`). */
export const DIGEST_DEFAULTS = { time: '09:00', count: 3, days: 'weekdays' as DigestDays };

const SUBCOMMANDS = ['subscribe', 'unsubscribe', 'status', 'preview'] as const;

const time = z.string().max(40).optional().describe('Local time to post, HH:MM in 24-hour form (default 09:00)');
const timezone = z.string().max(64).optional().describe('IANA time zone such as America/Lima (default: the server’s)');
const count = z.coerce
  .number({ error: 'must be a whole number from 1 to 5 (facts per digest)' })
  .int({ error: 'must be a whole number from 1 to 5 (facts per digest)' })
  .min(1, { error: 'must be a whole number from 1 to 5 (facts per digest)' })
  .max(5, { error: 'must be a whole number from 1 to 5 (facts per digest)' })
  .optional()
  .describe('Facts per digest, 1–5 (default 3)');
const days = z
  .enum(['daily', 'weekdays'], { error: 'must be "daily" or "weekdays"' })
  .optional()
  .describe('Post every day, or Monday to Friday only (default weekdays)');

const subscribeOptions = z.object({ time, timezone, count, days });

const options = z.object({
  subcommand: z
    .enum(SUBCOMMANDS, { error: `must be one of ${SUBCOMMANDS.join(', ')}` })
    .default('status')
    .describe('What to do'),
  time,
  timezone,
  count,
  days,
  /** Words of a Slack command that fit no option; subscribe refuses them with a usage line. */
  extra: z.string().max(200).optional(),
  /** A Slack `count` that is not a whole number (`count=two`). */
  invalidCount: z.string().max(40).optional(),
});

type Options = z.infer<typeof options>;

const KEYS: Record<string, 'time' | 'timezone' | 'count' | 'days'> = {
  time: 'time',
  at: 'time',
  timezone: 'timezone',
  tz: 'timezone',
  zone: 'timezone',
  count: 'count',
  facts: 'count',
  days: 'days',
};

const DAY_WORDS: Record<string, DigestDays> = {
  daily: 'daily',
  everyday: 'daily',
  'every-day': 'daily',
  weekdays: 'weekdays',
  weekday: 'weekdays',
  workdays: 'weekdays',
};

/**
 * Reads Slack text: the subcommand first, then the options in any order, positional
 * (`08:30 America/Lima 2 daily`) or named (`time 08:30`, `count=2`, `tz:Europe/Berlin`). Words that fit
 * nothing go to `extra`; validation (with messages saying what is accepted) happens later.
 */
export function parseDigestText(text: string): Record<string, unknown> {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  const raw: Record<string, unknown> = {};
  const first = tokens.shift();
  if (first === undefined) return raw;
  raw.subcommand = first.toLowerCase();
  const extra: string[] = [];
  const set = (key: 'time' | 'timezone' | 'count' | 'days', value: string) => {
    // A count that is not a whole number is reported by `subscribe` in words (zod would only say "invalid").
    if (key === 'count' && !/^\d+$/.test(value)) raw.invalidCount = value;
    else if (raw[key] !== undefined) extra.push(value);
    else raw[key] = key === 'days' ? (DAY_WORDS[value.toLowerCase()] ?? value.toLowerCase()) : value;
  };
  const queue = [...tokens];
  for (let tok = queue.shift(); tok !== undefined; tok = queue.shift()) {
    const named = /^([a-z]+)[=:](.+)$/i.exec(tok);
    const namedKey = named?.[1] ? KEYS[named[1].toLowerCase()] : undefined;
    if (namedKey && named?.[2]) {
      set(namedKey, named[2]);
      continue;
    }
    const key = KEYS[tok.toLowerCase()];
    const value = key ? queue[0] : undefined;
    if (key && value !== undefined) {
      queue.shift();
      set(key, value);
      continue;
    }
    const lower = tok.toLowerCase();
    if (DAY_WORDS[lower]) set('days', lower);
    else if (/^\d+$/.test(tok)) set('count', tok);
    else if (/^\d/.test(tok) || /\d\s*(am|pm)$/i.test(tok)) set('time', tok);
    else if (tok.includes('/') || isTimeZone(tok) || /^[\p{L}_+-]+$/u.test(tok)) set('timezone', tok);
    else extra.push(tok);
  }
  if (extra.length) raw.extra = extra.join(' ');
  return raw;
}

/** Zones whose last part is the word given ("Lima" → America/Lima), for "did you mean". */
function zoneSuggestions(word: string): string[] {
  const w = word.trim().toLowerCase().replace(/\s+/g, '_');
  if (w.length < 3) return [];
  return Intl.supportedValuesOf('timeZone')
    .filter((z) => z.toLowerCase().split('/').pop() === w)
    .slice(0, 3);
}

function zoneOrExplain(input: string): string {
  try {
    return parseTimeZone(input);
  } catch (err) {
    const suggestions = zoneSuggestions(input);
    if (err instanceof InputError && suggestions.length) {
      throw new InputError(`${err.message} Did you mean ${suggestions.join(' or ')}?`);
    }
    throw err;
  }
}

/** The platform's way of typing commands, as a function (digest messages name several). */
const label = (ctx: CommandContext<Options>) => (name: string) => commandLabel(ctx, name);

function usage(ctx: CommandContext<Options>): string {
  return `${label(ctx)('digest')} subscribe [HH:MM] [time zone] [count 1–5] [daily|weekdays], e.g. ${label(ctx)('digest')} subscribe 08:30 America/Lima 2 daily`;
}

function requireManager(ctx: CommandContext<Options>, what: string): void {
  // Discord fills canManageChannel; Slack leaves it undefined (anyone in the channel may).
  if (ctx.canManageChannel === false) {
    throw new InputError(`Only members who can manage this channel (Manage Channels permission) can ${what}.`);
  }
}

function schedulePhrase(s: Pick<Subscription, 'count' | 'days' | 'time' | 'timezone'>): string {
  const facts = s.count === 1 ? '1 fact' : `${s.count} facts`;
  return `${facts} every ${s.days === 'daily' ? 'day' : 'weekday (Monday–Friday)'} at ${s.time} (${s.timezone})`;
}

function who(ctx: CommandContext<Options>): string {
  const name = ctx.user.name?.replace(/[\s\u0000-\u001f]+/g, ' ').trim().slice(0, 80);
  return name ? `@${name}` : 'Someone';
}

/**
 * Where there is no channel to post to (the terminal), subscribe, unsubscribe and status all say the
 * same thing — and what can be done instead.
 */
function noChannel(ctx: CommandContext<Options>): Reply {
  return notice(
    'Daily digests are posted to Slack or Discord channels; there is no channel here to subscribe.',
    `To see what they look like: ${label(ctx)('digest')} preview, or a week of them with report-bot digest preview --days 7.`,
  );
}

async function subscribe(ctx: CommandContext<Options>): Promise<Reply> {
  if (!surfaceOf(ctx).channel) return noChannel(ctx);
  const o = ctx.options;
  if (o.extra) throw new InputError(`I didn't understand “${o.extra}”. Use ${usage(ctx)}.`);
  if (o.invalidCount !== undefined) {
    throw new InputError(`“${o.invalidCount}” is not a count. Use a whole number from 1 to 5 (facts per digest).`);
  }
  requireManager(ctx, 'subscribe it to daily facts');
  const schedule = {
    time: parseTime(o.time ?? DIGEST_DEFAULTS.time),
    timezone: o.timezone ? zoneOrExplain(o.timezone) : ctx.config.DEFAULT_TIMEZONE,
    count: o.count ?? DIGEST_DEFAULTS.count,
    days: o.days ?? DIGEST_DEFAULTS.days,
  };
  const facts = factsFor(ctx.engine.corpus);
  if (facts.length === 0) throw new InputError('The report has no sentence I can quote as a fact, so there is nothing to post.');
  const now = ctx.now();
  const { subscription, created } = new DigestStore(ctx.store).subscribe({
    platform: ctx.platform,
    channelId: ctx.channel.id,
    userId: ctx.user.id,
    now,
    ...schedule,
  });
  const next = nextOccurrence(subscription, now);
  return {
    kind: 'notice',
    heading: created
      ? `${who(ctx)} subscribed this channel to daily facts from ${reportTitle(facts)}.`
      : `${who(ctx)} changed this channel's daily facts.`,
    body: [
      `${schedulePhrase(subscription)}, each quoted and cited — none repeated until all ${facts.length} have been shown.`,
      `First digest: ${formatInZone(next, subscription.timezone)}.`,
      `Change it with ${label(ctx)('digest')} subscribe, stop it with ${label(ctx)('digest')} unsubscribe.`,
    ].join('\n'),
    items: [],
    actions: [],
    // Everyone in the channel should know why facts start appearing.
    visibility: 'public',
  };
}

async function unsubscribe(ctx: CommandContext<Options>): Promise<Reply> {
  if (!surfaceOf(ctx).channel) return noChannel(ctx);
  requireManager(ctx, 'stop its daily facts');
  const stopped = new DigestStore(ctx.store).unsubscribe(ctx.platform, ctx.channel.id, ctx.now());
  if (!stopped) return notice('This channel is not subscribed to daily facts.', `Subscribe with ${usage(ctx)}.`);
  return {
    kind: 'notice',
    heading: `${who(ctx)} unsubscribed this channel from daily facts.`,
    body: `No more digests will be posted here. Subscribe again any time with ${label(ctx)('digest')} subscribe.`,
    items: [],
    actions: [],
    visibility: 'public',
  };
}

async function status(ctx: CommandContext<Options>): Promise<Reply> {
  if (!surfaceOf(ctx).channel) return noChannel(ctx);
  const digests = new DigestStore(ctx.store);
  const sub = digests.find(ctx.platform, ctx.channel.id);
  if (!sub || !sub.active) {
    return notice(
      'This channel is not subscribed to daily facts.',
      `Subscribe with ${usage(ctx)}. Defaults: ${DIGEST_DEFAULTS.time}, ${ctx.config.DEFAULT_TIMEZONE}, ${DIGEST_DEFAULTS.count} facts, weekdays.`,
    );
  }
  const facts = factsFor(ctx.engine.corpus);
  const p = progress(digests.rotation(sub.id), facts.map((f) => f.id), sub.seed);
  const lines = [
    sub.pausedReason
      ? `Paused since ${formatInZone(sub.pausedAt ?? sub.updatedAt, sub.timezone)}: ${sub.pausedReason}. Subscribe again to resume.`
      : `Next digest: ${formatInZone(nextOccurrence(sub, ctx.now()), sub.timezone)}.`,
    `Progress: shown ${p.shown} of ${p.total}${p.cycle > 1 ? ` (round ${p.cycle})` : ''}.`,
  ];
  const last = digests.lastSent(sub.id);
  if (last?.sentAt) lines.push(`Last digest: ${formatInZone(last.sentAt, sub.timezone)}.`);
  return notice(`Daily facts here: ${schedulePhrase(sub)}.`, lines.join('\n'));
}

async function preview(ctx: CommandContext<Options>): Promise<Reply> {
  const facts = factsFor(ctx.engine.corpus);
  if (facts.length === 0) return notice('The report has no sentence I can quote as a fact.');
  const digests = new DigestStore(ctx.store);
  const sub = digests.find(ctx.platform, ctx.channel.id);
  const active = sub?.active ? sub : undefined;
  const ids = facts.map((f) => f.id);
  // The digest this channel would get next — computed, not stored: previewing moves nothing on.
  const selection = active
    ? selectNext(digests.rotation(active.id), ids, active.count, active.seed)
    : selectNext({ cycle: 0, position: 0, order: [] }, ids, DIGEST_DEFAULTS.count, `preview:${ctx.platform}:${ctx.channel.id}`);
  const byId = new Map(facts.map((f) => [f.id, f]));
  const reply = digestReply(
    ctx.engine.corpus,
    selection.factIds.flatMap((id) => byId.get(id) ?? []),
    { first: selection.first, last: selection.last, total: selection.total },
    label(ctx),
  );
  return {
    ...reply,
    heading: `Preview — ${reply.heading}`,
    body: active
      ? `This is what the next digest here will look like (${schedulePhrase(active)}).`
      : surfaceOf(ctx).channel
        ? `A sample digest. Subscribe this channel with ${usage(ctx)}.`
        : 'A sample digest: in a Slack or Discord channel, /digest subscribe posts one like it every day.',
    visibility: 'private',
  };
}

export default {
  name: 'digest',
  description: 'Daily facts from the report in this channel: subscribe, unsubscribe, status, preview',
  options,
  subcommands: [
    { name: 'subscribe', description: 'Post a few cited facts here every day at a local time', options: subscribeOptions },
    { name: 'unsubscribe', description: 'Stop the daily facts in this channel', options: z.object({}) },
    { name: 'status', description: 'When the next digest comes and how many facts were shown', options: z.object({}) },
    { name: 'preview', description: 'Show what the next digest will look like (only to you)', options: z.object({}) },
  ],
  parseText: parseDigestText,
  async execute(ctx) {
    switch (ctx.options.subcommand) {
      case 'subscribe':
        return subscribe(ctx);
      case 'unsubscribe':
        return unsubscribe(ctx);
      case 'preview':
        return preview(ctx);
      case 'status':
      default:
        return status(ctx);
    }
  },
} satisfies Command<typeof options>;
