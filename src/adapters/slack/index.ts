/**
 * The Slack adapter (Bolt 5). Translates slash commands, @mentions, DMs, thread follow-ups and button
 * presses into `runCommand` / `handleAction` calls, and renders the replies with `render.ts`. Socket
 * Mode when `SLACK_APP_TOKEN` is set, otherwise HTTP on `PORT` with `GET /healthz`.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
// Named imports: a default import of this CommonJS package means different things to Node and to vitest.
import { App, HTTPReceiver, LogLevel, SocketModeReceiver } from '@slack/bolt';
import type {
  AllMiddlewareArgs,
  BlockAction,
  ButtonAction,
  Logger as BoltLogger,
  RespondFn,
  SlackActionMiddlewareArgs,
  SlackCommandMiddlewareArgs,
} from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Config } from '../../config.ts';
import type { Logger } from '../../log.ts';
import { engineOf, type EngineRef } from '../../answer/live.ts';
import type { Store } from '../../store/store.ts';
import type { Registry } from '../../../commands/index.ts';
import { ACTION_KINDS, type Reply } from '../../../commands/types.ts';
import { runCommand, handleAction, type AppServices, type Invocation, type ActionOutcome } from '../../app.ts';
import { renderReply } from './render.ts';
import { slackCommandName } from './manifest.ts';
import { ReportBotError } from '../../errors.ts';
import { InFlight } from '../in-flight.ts';
import { randomBytes } from 'node:crypto';
import { eventDedupeFor } from '../../store/event-dedupe.ts';
import { guardRequests } from './guard.ts';
import { checkSlackBody, dedupeKey } from './validate.ts';
import { Conversations } from '../../conversation.ts';

export interface SlackDeps {
  /** The engine, or its holder when the corpus is reloaded: read once per invocation. */
  engine: EngineRef;
  registry: Registry;
  store: Store;
  config: Config;
  logger: Logger;
  services?: AppServices;
  /** Add 👀 to a question only if its answer takes longer than this. Default 500 ms. */
  reactionDelayMs?: number;
  /** Clock for command contexts. */
  now?: () => Date;
}

/** A running Slack adapter. */
export interface SlackHandle {
  /** The Web API client (the digest scheduler posts with it). */
  client: WebClient;
  /** HTTP mode: the port actually listened on (useful with PORT=0). */
  port?: number;
  mode: 'http' | 'socket';
  /** Stops taking events, waits for the answers in flight (up to `graceMs`), then disconnects. */
  stop(graceMs?: number): Promise<void>;
  /** Stops taking new events at once (the first step of shutdown); answers in flight go on. */
  quiesce(): void;
}

/** Bolt logs through pino; Bolt's debug chatter goes to trace. */
function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'bolt' });
  const line = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : JSON.stringify(m))).join(' ');
  return {
    debug: (...m) => child.trace(line(m)),
    info: (...m) => child.debug(line(m)),
    warn: (...m) => child.warn(line(m)),
    error: (...m) => child.error(line(m)),
    setLevel: () => {},
    getLevel: () => LogLevel.INFO,
    setName: () => {},
  };
}

/** Threads the bot has answered in, so a reply there counts as a question without a mention. */
export class AnsweredThreads {
  private readonly keys = new Set<string>();
  constructor(private readonly max = 10_000) {}
  add(channel: string, threadTs: string): void {
    const key = `${channel}:${threadTs}`;
    this.keys.delete(key);
    this.keys.add(key);
    if (this.keys.size > this.max) {
      const oldest = this.keys.values().next().value;
      if (oldest !== undefined) this.keys.delete(oldest);
    }
  }
  has(channel: string, threadTs: string): boolean {
    return this.keys.has(`${channel}:${threadTs}`);
  }
}

/** The fields of a message event we use (Bolt's union of subtypes is wider). */
interface MessageLike {
  type: string;
  subtype?: string;
  bot_id?: string;
  user?: string;
  text?: string;
  ts: string;
  thread_ts?: string;
  channel: string;
  channel_type?: string;
}

/** Removes the leading `<@BOT>` mention (and any other mention of the bot) from a message. */
export function stripBotMention(text: string, botUserId: string | undefined): string {
  const own = botUserId ? new RegExp(`<@${botUserId}(?:\\|[^>]*)?>`, 'g') : /^\s*<@[A-Z0-9]+(?:\|[^>]*)?>/;
  return text.replace(own, ' ').trim();
}

/** Builds the Bolt app with every listener; {@link startSlack} starts it. Exposed for tests. */
export function createSlackApp(deps: SlackDeps) {
  const { config, logger, registry, store } = deps;
  if (!config.SLACK_BOT_TOKEN) throw new ReportBotError('CONFIG_INVALID', 'SLACK_BOT_TOKEN is not set');
  const socketMode = Boolean(config.SLACK_APP_TOKEN);
  const log = logger.child({ adapter: 'slack' });
  const services = deps.services ?? {};
  const now = deps.now ?? (() => new Date());
  const reactionDelayMs = deps.reactionDelayMs ?? 500;
  const threads = new AnsweredThreads();
  const conversations = new Conversations();
  const inFlight = new InFlight();
  const commandLabel = (name: string) => slackCommandName(config, name);
  const newErrorId = services.newErrorId ?? (() => randomBytes(4).toString('hex'));
  const dedupe = eventDedupeFor(store, log);
  /** False for a Slack retry or a replayed request this process or another already took. */
  const firstTime = (kind: 'event' | 'command' | 'block_actions', body: unknown): boolean => {
    const fresh = dedupe.first('slack', dedupeKey(kind, body as Record<string, unknown>));
    if (!fresh) log.info({ kind }, 'slack retry or replay ignored');
    return fresh;
  };

  const clientOptions = {
    ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
    // Slack's default retries for half an hour; an answer that late is useless and delays shutdown.
    retryConfig: { retries: 2, factor: 2, minTimeout: 500 },
    timeout: 10_000,
  };

  const receiver = socketMode
    ? new SocketModeReceiver({
        appToken: config.SLACK_APP_TOKEN ?? '',
        logger: boltLogger(log),
        // The Socket Mode client opens its connection (apps.connections.open) with its own Web API
        // client: give it the same SLACK_API_URL.
        installerOptions: { clientOptions },
        // Socket Mode payloads reach Bolt unchecked (there is no HTTP guard), and Bolt reads fields
        // such as `user.id` before any middleware runs. Whatever it throws is logged and the envelope
        // acknowledged, so Slack does not redeliver a payload that will fail the same way.
        processEventErrorHandler: async ({ error, event }) => {
          const checked = checkSlackBody(event.body);
          if (!checked.ok) log.warn({ reason: checked.reason }, 'slack payload ignored: unexpected shape');
          else log.error({ err: error, errorId: newErrorId() }, 'slack request failed');
          return true;
        },
      })
    : new HTTPReceiver({
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        logger: boltLogger(log),
        // Whatever a listener throws after its ack is logged with an error id; the request still gets a
        // 200 (a 500 would make Slack retry a request that will fail the same way).
        processEventErrorHandler: async ({ error, response }) => {
          log.error({ err: error, errorId: newErrorId() }, 'slack request failed');
          if (!response.headersSent) {
            response.writeHead(200);
            response.end();
          }
          return false;
        },
        customRoutes: [
          {
            path: '/healthz',
            method: ['GET'],
            handler: (_req, res) => {
              res.writeHead(inFlight.accepting ? 200 : 503, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ ok: inFlight.accepting }));
            },
          },
        ],
      });

  if (receiver instanceof HTTPReceiver) {
    receiver.requestListener = guardRequests(receiver.requestListener, {
      signingSecret: config.SLACK_SIGNING_SECRET ?? '',
      logger: log,
      // Signatures are checked against the real clock (as Bolt does), not the commands' clock.
      newErrorId,
    });
  }

  const app = new App({
    token: config.SLACK_BOT_TOKEN,
    receiver,
    logger: boltLogger(log),
    deferInitialization: true,
    clientOptions,
  });

  // The same shape check for Socket Mode, whose payloads do not pass the HTTP guard.
  app.use(async (args) => {
    const checked = checkSlackBody(args.body);
    if (checked.ok && checked.kind !== 'other') return args.next();
    log.warn({ reason: checked.ok ? `type ${checked.type}` : checked.reason }, 'slack payload ignored: unexpected shape');
    if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
  });

  // One engine per invocation: a reload swapping in a new one never changes it mid-answer.
  const invocation = (user: { id: string; name?: string }, channel: Invocation['channel']): Invocation => ({
    engine: engineOf(deps.engine),
    store,
    config,
    logger: log,
    platform: 'slack',
    user,
    channel,
    now,
    commandLabel,
  });

  const helpFooter = (reply: Reply): Reply =>
    reply.kind === 'help'
      ? { ...reply, footer: 'You can also @mention me in a channel, DM me a question, or reply in a thread I answered.' }
      : reply;

  // Slash commands: ack at once (Slack waits 3 s), answer through response_url.
  for (const command of registry.commands) {
    const slash = commandLabel(command.name);
    app.command(slash, async ({ command: payload, ack, respond }: SlackCommandMiddlewareArgs & AllMiddlewareArgs) => {
      await ack();
      if (!firstTime('command', payload)) return;
      await inFlight.run(async () => {
        const text = payload.text ?? '';
        const raw = command.parseText ? command.parseText(text) : defaultRawOptions(command.options.shape, text);
        const ctx = invocation(
          { id: payload.user_id, name: payload.user_name },
          { id: payload.channel_id, kind: payload.channel_name === 'directmessage' ? 'dm' : 'channel' },
        );
        const reply = helpFooter(await runCommand(registry, command.name, raw, ctx, services));
        const visibility = reply.visibility ?? (config.ANSWER_VISIBILITY === 'public' ? 'public' : 'private');
        await safely(log, 'respond to slash command', () =>
          respond({
            response_type: visibility === 'public' ? 'in_channel' : 'ephemeral',
            replace_original: false,
            ...renderReply(reply, { shareable: visibility === 'private' }),
          }),
        );
      });
    });
  }

  /** Answers a message (mention, DM, thread reply) in place: in its thread, or in the DM. */
  async function answerMessage(client: WebClient, m: MessageLike, text: string, where: 'thread' | 'dm'): Promise<void> {
    await inFlight.run(async () => {
      const threadTs = where === 'thread' ? (m.thread_ts ?? m.ts) : m.thread_ts;
      const eyes = markWhileSlow(client, log, m, reactionDelayMs);
      try {
        // A thread or a DM is one conversation: a follow-up there is read against the previous question.
        const conversation = { key: where === 'dm' ? `dm:${m.channel}` : `thread:${m.channel}:${threadTs ?? m.ts}`, memory: conversations };
        const ctx = { ...invocation({ id: m.user ?? '' }, { id: m.channel, kind: where === 'dm' ? 'dm' : 'thread' }), conversation };
        const wantsHelp = /^(help|\?)?$/i.test(text);
        const reply = helpFooter(
          await runCommand(registry, wantsHelp ? 'help' : 'ask', wantsHelp ? {} : { question: text }, ctx, services),
        );
        const message = renderReply(reply, { shareable: false });
        if (reply.visibility === 'private' && where === 'thread') {
          await safely(log, 'post ephemeral reply', () =>
            client.chat.postEphemeral({ channel: m.channel, user: m.user ?? '', ...(threadTs ? { thread_ts: threadTs } : {}), ...message }),
          );
        } else {
          await safely(log, 'post reply', () =>
            client.chat.postMessage({ channel: m.channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...message }),
          );
        }
        if (where === 'thread' && threadTs) threads.add(m.channel, threadTs);
      } finally {
        await eyes.done();
      }
    });
  }

  /** Only plain messages by people: no edits/joins (subtypes), no bots, never this bot itself. */
  const fromOtherHuman = (m: MessageLike, botUserId?: string): boolean =>
    !m.subtype && !m.bot_id && Boolean(m.user) && m.user !== botUserId;

  app.event('app_mention', async ({ event, body, context, client }) => {
    const m = event as unknown as MessageLike;
    if (!fromOtherHuman(m, context.botUserId)) return;
    if (!firstTime('event', body)) return;
    await answerMessage(client, m, stripBotMention(m.text ?? '', context.botUserId), 'thread');
  });

  app.event('message', async ({ event, body, context, client }) => {
    const m = event as unknown as MessageLike;
    if (!fromOtherHuman(m, context.botUserId)) return;
    if (m.channel_type === 'im') {
      if (!firstTime('event', body)) return;
      await answerMessage(client, m, stripBotMention(m.text ?? '', context.botUserId), 'dm');
      return;
    }
    // A reply in a thread the bot answered is a new question; one that mentions the bot arrives as an
    // app_mention too and is answered there, not twice.
    const mentionsBot = context.botUserId ? (m.text ?? '').includes(`<@${context.botUserId}`) : false;
    if (m.thread_ts && m.thread_ts !== m.ts && threads.has(m.channel, m.thread_ts) && !mentionsBot) {
      if (!firstTime('event', body)) return;
      await answerMessage(client, m, (m.text ?? '').trim(), 'thread');
    }
  });

  // A message with several buttons of one kind numbers them (`rb_full_passage_2`, see render.ts actionId).
  const actionPattern = new RegExp(`^rb_(?<kind>${ACTION_KINDS.join('|')})(_\\d+)?$`);
  app.action(actionPattern, async (args: SlackActionMiddlewareArgs & AllMiddlewareArgs) => {
    await args.ack();
    if (!firstTime('block_actions', args.body)) return;
    await inFlight.run(async () => {
      const body = args.body as BlockAction;
      const action = args.action as ButtonAction;
      // Bolt routes only action ids the pattern matches here.
      const matched = actionPattern.exec(action.action_id)?.groups?.kind;
      const kind = ACTION_KINDS.find((k) => k === matched);
      if (!kind) throw new Error(`internal error: action ${action.action_id} routed here without matching ${actionPattern}`);
      const channelId: string = body.channel?.id ?? body.container?.channel_id ?? '';
      const isDm = channelId.startsWith('D');
      const ctx = invocation(
        { id: body.user.id, name: body.user.username ?? body.user.name },
        { id: channelId, kind: isDm ? 'dm' : 'channel' },
      );
      const outcome = await handleAction(registry, { kind, value: action.value ?? '' }, ctx, services);
      await deliverOutcome(args.client, args.respond, body, outcome, isDm);
    });
  });

  /** Places the reply to a button press: privately, where the pressed message was, or shared publicly. */
  async function deliverOutcome(
    client: WebClient,
    respond: RespondFn,
    body: BlockAction,
    outcome: ActionOutcome,
    isDm: boolean,
  ): Promise<void> {
    const ephemeralSource = body.container?.is_ephemeral === true || !body.message;
    const channel = body.channel?.id ?? body.container?.channel_id;
    const message = body.message as { ts: string; thread_ts?: string } | undefined;
    // Follow-ups to a public message go into its thread (or the thread it is in).
    const threadTs = message ? (message.thread_ts ?? message.ts) : undefined;
    const { reply, placement } = outcome;

    if (placement === 'share') {
      const rendered = renderReply(reply, { shareable: false, sharedBy: body.user.id });
      await safely(log, 'share', () =>
        ephemeralSource || !channel
          ? respond({ response_type: 'in_channel', replace_original: false, ...rendered })
          : client.chat.postMessage({ channel, ...(threadTs ? { thread_ts: threadTs } : {}), ...rendered }),
      );
      return;
    }
    const isPrivate = placement === 'private' || ephemeralSource || reply.visibility === 'private';
    const rendered = renderReply(reply, { shareable: ephemeralSource && placement === 'follow' });
    if (isPrivate && !isDm) {
      await safely(log, 'private reply to a button', () =>
        ephemeralSource || !channel
          ? respond({ response_type: 'ephemeral', replace_original: false, ...rendered })
          : client.chat.postEphemeral({
              channel,
              user: body.user.id,
              ...(threadTs ? { thread_ts: threadTs } : {}),
              ...rendered,
            }),
      );
      return;
    }
    if (!channel) return;
    await safely(log, 'reply to a button', () =>
      client.chat.postMessage({
        channel,
        // In a DM a follow-up simply continues the conversation; in a channel it stays in the thread.
        ...(threadTs && !(isDm && !message?.thread_ts) ? { thread_ts: threadTs } : {}),
        ...rendered,
      }),
    );
    if (!isDm && threadTs && channel) threads.add(channel, threadTs);
  }

  app.error(async (error) => {
    log.error({ err: error }, 'unhandled Slack error');
  });

  return {
    app,
    receiver,
    mode: socketMode ? ('socket' as const) : ('http' as const),
    /** Verifies the token (auth.test) and starts listening; returns the HTTP server in HTTP mode. */
    async start(listen: number | { port: number; host?: string } = config.PORT): Promise<SlackHandle> {
      try {
        await app.init();
      } catch (err) {
        const platformError = (err as { data?: { error?: string } }).data?.error;
        throw new ReportBotError(
          'PLATFORM_FAILED',
          platformError
            ? `Slack did not accept SLACK_BOT_TOKEN (${platformError}). Copy the Bot User OAuth Token (xoxb-…) again from the app's "OAuth & Permissions" page.`
            : `Could not reach Slack at ${config.SLACK_API_URL ?? 'https://slack.com/api/'} to check SLACK_BOT_TOKEN: ${(err as Error).message}`,
          { cause: err },
        );
      }
      // Socket Mode ignores the argument; HTTP mode listens on it (a port, or { port, host }).
      const server = (await (socketMode ? app.start() : app.start(listen as number))) as Server | unknown;
      const address =
        !socketMode && server && typeof (server as Server).address === 'function'
          ? ((server as Server).address() as AddressInfo | null)
          : null;
      log.info({ mode: socketMode ? 'socket' : 'http', ...(address ? { port: address.port } : {}) }, 'slack adapter started');
      return {
        client: app.client,
        mode: socketMode ? 'socket' : 'http',
        ...(address ? { port: address.port } : {}),
        quiesce() {
          inFlight.accepting = false;
        },
        async stop(graceMs = 8000) {
          inFlight.accepting = false;
          // Stop the listener first so no new work arrives, then let the answers in flight finish.
          const stopped = app.stop().catch((err: unknown) => log.warn({ err }, 'slack stop failed'));
          await inFlight.drain(graceMs);
          await stopped;
          log.info('slack adapter stopped');
        },
      };
    },
  };
}

/** Maps Slack's free text to a command's options: the whole text is its first option. */
export function defaultRawOptions(shape: Record<string, unknown>, text: string): Record<string, unknown> {
  const first = Object.keys(shape)[0];
  return first === undefined ? {} : { [first]: text };
}

/**
 * The 👀 on a question whose answer — computing it and posting it — takes longer than `delayMs`, counted
 * from the moment the question is picked up. The engine is synchronous, so the timer fires at the first
 * await past the deadline: during a slow post, or right after a slow computation, while the post is
 * still on its way. `done` cancels a timer that has not fired and takes the 👀 off again once the
 * answer is out (after the add has gone through, so the two cannot cross).
 */
function markWhileSlow(client: WebClient, log: Logger, m: MessageLike, delayMs: number): { done(): Promise<void> } {
  const target = { channel: m.channel, timestamp: m.ts, name: 'eyes' };
  let added: Promise<boolean> | undefined;
  const timer = setTimeout(() => {
    added = client.reactions.add(target).then(
      () => true,
      (err: unknown) => {
        log.error({ err, what: 'add 👀 reaction' }, 'slack call failed');
        return false;
      },
    );
  }, delayMs);
  return {
    async done() {
      clearTimeout(timer);
      if (added && (await added)) await safely(log, 'remove 👀 reaction', () => client.reactions.remove(target));
    },
  };
}

/** Runs a Slack API call; a failure is logged (never thrown into Bolt, which would answer 500). */
async function safely(log: Logger, what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    log.error({ err, what }, 'slack call failed');
  }
}

/** Starts the Slack adapter (the entry point `main.ts` uses). */
export async function startSlack(deps: SlackDeps): Promise<SlackHandle> {
  return createSlackApp(deps).start();
}
