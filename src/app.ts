/**
 * The platform-neutral core every adapter calls: {@link runCommand} for a command invocation and
 * {@link handleAction} for a button press. Here — and only here — options are validated, text is
 * sanitized, the rate limit applies, questions are logged, and exceptions become a short apology with
 * an error id (the log keeps the stack). Adapters translate payloads in and render the Reply out.
 */
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { commandLabel, type ActionKind, type CommandContext, type Reply } from '../commands/types.ts';
import type { Registry } from '../commands/index.ts';
import type { Config } from './config.ts';
import { isUserFacing } from './errors.ts';
import { stripInvisible } from './text.ts';
import { notice } from '../commands/notice.ts';
import { RateLimiter } from './rate-limit.ts';
import { bindQuestionLogId, decodeFeedback, decodeView, excerptRef, resolveExcerptRef, resolvePassageRef, type View } from './actions.ts';
import { logQuestion, recordFeedback } from './store/question-log.ts';
import { storeError } from './store/store.ts';

/** What an adapter knows about one invocation: a {@link CommandContext} without the parsed options. */
export type Invocation = Omit<CommandContext, 'options'>;

/** Collaborators with process lifetime. Omitted ones default to one shared instance per Config. */
export interface AppServices {
  limiter?: RateLimiter;
  /** Error ids, injectable for tests. */
  newErrorId?: () => string;
}

const limiters = new WeakMap<Config, RateLimiter>();

/** The process-wide limiter for a configuration (one Config per running bot). */
export function limiterFor(config: Config, now?: () => number): RateLimiter {
  let limiter = limiters.get(config);
  if (!limiter) {
    limiter = new RateLimiter({ limit: config.RATE_LIMIT_PER_MINUTE, ...(now ? { now } : {}) });
    limiters.set(config, limiter);
  }
  return limiter;
}

/** Strips control and invisible characters and collapses whitespace. */
export const sanitizeText = stripInvisible;

const newErrorIdDefault = (): string => randomBytes(4).toString('hex');

/** Turns an exception into a reply: user-facing errors verbatim, anything else an apology with an id. */
function failureReply(err: unknown, ctx: Invocation, services: AppServices, what: Record<string, unknown>): Reply {
  if (isUserFacing(err) && err.code !== 'STORE_FAILED' && err.code !== 'PLATFORM_FAILED') {
    ctx.logger.info({ ...what, code: err.code }, 'request refused');
    return notice(err.message);
  }
  const errorId = (services.newErrorId ?? newErrorIdDefault)();
  // A SQLite error is logged as one that names DATABASE_PATH, the file and what to do.
  const logged = /^SQLITE_/.test(String((err as { code?: unknown } | null)?.code ?? '')) ? storeError(ctx.store.path, err, 'answer the request') : err;
  ctx.logger.error({ err: logged, errorId, platform: ctx.platform, ...what }, 'request failed');
  return {
    kind: 'error',
    heading: 'Sorry — something went wrong on my side.',
    body: `Please try again in a moment. If it keeps happening, give this error id to whoever runs the bot: ${errorId}`,
    items: [],
    actions: [],
    visibility: 'private',
    errorId,
  };
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const key = issue.path.join('.');
      // zod 4 does not keep the input on an issue; its message says what was received.
      if (issue.code === 'invalid_type' && /received undefined$/.test(issue.message)) return `${key || 'input'}: this is required.`;
      if (issue.code === 'invalid_type') return `${key || 'input'}: expected ${(issue as { expected?: string }).expected ?? 'another kind of value'}.`;
      return key ? `${key}: ${issue.message}` : issue.message;
    })
    .join('\n');
}

/** Applies the rate limit; returns a polite refusal when the user has asked too often. */
function rateLimited(ctx: Invocation, services: AppServices): Reply | undefined {
  const limiter = services.limiter ?? limiterFor(ctx.config);
  const decision = limiter.take(`${ctx.platform}:${ctx.user.id}`);
  if (decision.allowed) return undefined;
  ctx.logger.info({ platform: ctx.platform }, 'rate limited');
  return notice(
    "You're asking faster than I can keep up with.",
    `Please wait ${decision.retryAfterSeconds} second${decision.retryAfterSeconds === 1 ? '' : 's'} and try again ` +
      `(limit: ${limiter.limit} questions a minute).`,
  );
}

/** Binds the question-log id into every button value a command left a placeholder in. */
function bindLogId(reply: Reply, logId: number): Reply {
  return {
    ...reply,
    questionLogId: logId,
    actions: reply.actions.map((a) =>
      a.kind === 'full_passage' ? a : { ...a, value: bindQuestionLogId(a.value, logId) },
    ),
  };
}

/**
 * Runs a command: sanitizes and validates `rawOptions` with the command's zod schema, applies the
 * length limit and (unless the command opts out) the per-user rate limit, executes, logs the question
 * when the command says its reply is one, and never throws.
 */
export async function runCommand(
  registry: Registry,
  name: string,
  rawOptions: Record<string, unknown>,
  ctx: Invocation,
  services: AppServices = {},
): Promise<Reply> {
  const what = { command: name, platform: ctx.platform };
  try {
    const command = registry.get(name);
    if (!command) {
      const known = registry.commands.map((c) => commandLabel(ctx, c.name)).join(', ');
      return notice(`I don't know the command "${sanitizeText(name).slice(0, 40)}".`, `The commands here are ${known}.`);
    }

    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rawOptions)) {
      if (value === undefined || value === null) continue;
      const clean = typeof value === 'string' ? sanitizeText(value) : value;
      if (typeof clean === 'string' && clean.length > ctx.config.MAX_QUESTION_CHARS) {
        return notice(
          `That's too long for me: ${clean.length.toLocaleString('en-US')} characters.`,
          `Please keep it under ${ctx.config.MAX_QUESTION_CHARS.toLocaleString('en-US')} characters — ` +
            'one question, in your own words, works best.',
        );
      }
      // Optional options left empty count as not given.
      if (clean === '' && !(command.options.shape[key] && !command.options.shape[key].safeParse(undefined).success)) continue;
      options[key] = clean;
    }
    const parsed = command.options.safeParse(options);
    if (!parsed.success) return notice("I couldn't read that.", formatIssues(parsed.error));

    if (command.rateLimited !== false) {
      const refusal = rateLimited(ctx, services);
      if (refusal) return refusal;
    }

    const started = Date.now();
    let reply = await command.execute({
      ...ctx,
      commands: ctx.commands ?? registry.commands,
      options: parsed.data,
    });
    ctx.logger.info({ ...what, kind: reply.kind, ms: Date.now() - started }, 'command answered');

    const entry = command.logAsQuestion?.(parsed.data, reply);
    if (entry) {
      try {
        // Tried once without waiting for the database, else queued: the reply never waits on a lock.
        const logId = logQuestion(ctx.store, { ...entry, platform: ctx.platform, userId: ctx.user.id, channelId: ctx.channel.id, at: ctx.now() }, ctx.logger);
        reply = bindLogId(reply, logId);
      } catch (err) {
        // The user still gets the answer; only the log (and replaying its buttons) is lost.
        ctx.logger.error({ err, ...what }, 'question log failed');
      }
    }
    return reply;
  } catch (err) {
    return failureReply(err, ctx, services, what);
  }
}

/** How an adapter should place the reply to a button press. */
export type Placement =
  /** Only the person who pressed sees it. */
  | 'private'
  /** Where the pressed message was: privately if it was private, else publicly (in its thread). */
  | 'follow'
  /** Publicly in the channel, marked as shared by the person who pressed. */
  | 'share';

export interface ActionOutcome {
  reply: Reply;
  placement: Placement;
}

/** A pressed button, as every platform reports it. */
export interface PressedAction {
  kind: ActionKind;
  value: string;
}

const expired = (): ActionOutcome => ({
  reply: notice('That button has expired.', 'Please ask again — the answer will be the same, with fresh buttons.'),
  placement: 'private',
});

/**
 * Produces the reply a view stands for (deterministic: the same as when the button was made), with the
 * renderer of the command that owns that kind of view.
 */
function renderView(registry: Registry, view: View, ctx: Invocation): Reply | undefined {
  for (const command of registry.commands) {
    const render = command.views?.[view.kind] as ((v: View, c: Invocation) => Reply | undefined) | undefined;
    if (render) return render(view, ctx);
  }
  return undefined;
}

/**
 * Handles a button press: Full passage, More results, Share, 👍/👎. Never throws; malformed or
 * outdated values get a short private explanation.
 */
export async function handleAction(
  registry: Registry,
  action: PressedAction,
  ctx: Invocation,
  services: AppServices = {},
): Promise<ActionOutcome> {
  const what = { action: action.kind, platform: ctx.platform };
  try {
    const ctxWithCommands: Invocation = { ...ctx, commands: ctx.commands ?? registry.commands };
    switch (action.kind) {
      case 'full_passage': {
        const found = resolveExcerptRef(ctx.engine.corpus, action.value);
        if (!found) return expired();
        const reply = renderView(registry, { kind: 'source', ref: excerptRef(found.passage, found.through !== undefined) }, ctxWithCommands);
        return reply ? { reply, placement: 'follow' } : expired();
      }
      case 'more_results': {
        const view = decodeView(action.value);
        if (view === undefined || view === 'expired') return expired();
        const refusal = rateLimited(ctx, services);
        if (refusal) return { reply: refusal, placement: 'private' };
        const reply = renderView(registry, view, ctxWithCommands);
        return reply ? { reply, placement: 'follow' } : expired();
      }
      case 'share': {
        const view = decodeView(action.value);
        if (view === undefined || view === 'expired') return expired();
        const reply = renderView(registry, view, ctxWithCommands);
        if (!reply) return expired();
        return {
          reply: { ...reply, visibility: 'public', actions: reply.actions.filter((a) => a.kind !== 'share') },
          placement: 'share',
        };
      }
      case 'feedback_up':
      case 'feedback_down': {
        const decoded = decodeFeedback(action.value);
        const passage = decoded && resolvePassageRef(ctx.engine.corpus, decoded.ref);
        if (!decoded || !passage) return expired();
        const vote = action.kind === 'feedback_up' ? 1 : -1;
        recordFeedback(ctx.store, {
          platform: ctx.platform,
          userId: ctx.user.id,
          questionLogId: decoded.logId,
          passageId: passage.id,
          vote,
          at: ctx.now(),
        }, ctx.logger);
        ctx.logger.info({ ...what, vote }, 'feedback recorded');
        return {
          reply: notice(
            vote === 1 ? 'Thanks for the 👍 — glad that helped.' : 'Thanks for the 👎 — noted, it helps improve the answers.',
          ),
          placement: 'private',
        };
      }
      default:
        return expired();
    }
  } catch (err) {
    return { reply: failureReply(err, ctx, services, what), placement: 'private' };
  }
}
