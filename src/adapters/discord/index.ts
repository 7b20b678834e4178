/**
 * The Discord adapter: a discord.js v14 client that turns slash commands, buttons, autocomplete,
 * @mentions and DMs into `runCommand`/`handleAction` calls and renders the Reply with `render.ts`.
 * It only translates: what the answer is, rate limits and error ids live in `src/app.ts`.
 */
import {
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  PermissionFlagsBits,
  type AutocompleteInteraction,
  type ButtonInteraction,
  type ChatInputCommandInteraction,
  type ClientOptions,
  type Interaction,
  type Message,
} from 'discord.js';
import type { Registry } from '../../../commands/index.ts';
import type { Reply } from '../../../commands/types.ts';
import { engineOf, type EngineRef } from '../../answer/live.ts';
import { handleAction, runCommand, type AppServices, type Invocation } from '../../app.ts';
import type { Config } from '../../config.ts';
import { ConfigError, ReportBotError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Store } from '../../store/store.ts';
import { Conversations } from '../../conversation.ts';
import { InFlight } from '../in-flight.ts';
import { buttonSchema, commandSchema, messageSchema, problem } from './validate.ts';
import { autocompleteFor, optionKeyResolver, readInteractionOptions, type InteractionOption } from './commands.ts';
import {
  decodeCustomId,
  fitChoices,
  renderNotice,
  renderReply,
  withoutShare,
  type DiscordMessage,
} from './render.ts';

export { buildCommandJson, validateCommandJson } from './commands.ts';
export { deployCommands } from './deploy.ts';
export { renderReply } from './render.ts';

/** What {@link startDiscord} needs; everything has process lifetime. */
export interface DiscordDeps {
  config: Config;
  /** The engine, or its holder when the corpus is reloaded: read once per invocation. */
  engine: EngineRef;
  registry: Registry;
  store: Store;
  logger: Logger;
  /** Shared rate limiter and error-id source (defaults: one per Config, as for Slack). */
  services?: AppServices;
  /**
   * Called when Discord ends the session for good after start-up (token revoked: close code 4004).
   * main.ts should log it and exit non-zero. Without it the error is only logged.
   */
  onFatal?: (err: ReportBotError) => void;
  /** Extra discord.js client options (tests shorten timeouts). */
  clientOptions?: Partial<ClientOptions>;
}

export interface DiscordBot {
  client: Client;
  /**
   * Stops taking events, waits for the answers in flight (up to `graceMs`, default 8 s), then
   * disconnects from the gateway; safe to call twice.
   */
  stop(graceMs?: number): Promise<void>;
  /** Stops taking new events at once (the first step of shutdown); answers in flight go on. */
  quiesce(): void;
}

/** The message users and operators see when Discord rejects the token. Never includes the token. */
export const TOKEN_REJECTED_MESSAGE =
  'Discord rejected DISCORD_TOKEN (401 Unauthorized / gateway close 4004). Copy the bot token again from the ' +
  'Developer Portal (Applications → your app → Bot → Reset Token) into DISCORD_TOKEN.';

/**
 * Permissions the invite link asks for: see channels, answer in them and in threads, embed answers,
 * read the message it replies to, and react. Nothing administrative.
 */
export const BOT_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.AddReactions;

/** The OAuth2 URL that adds the bot to a server, with the `bot` and `applications.commands` scopes. */
export function inviteUrl(applicationId: string): string {
  const params = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.toString(),
  });
  return `https://discord.com/oauth2/authorize?${params.toString()}`;
}

/** The intents the bot needs. No privileged MessageContent: Discord sends the text of mentions and DMs anyway. */
export const INTENTS = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];

/** A discord.js client configured for report-bot (not logged in). */
export function createDiscordClient(config: Config, extra: Partial<ClientOptions> = {}): Client {
  return new Client({
    intents: INTENTS,
    // DM channels are not cached before their first message; without this partial DMs never arrive.
    partials: [Partials.Channel],
    // Nothing the bot posts may ping anyone, whatever a question or a report contains.
    allowedMentions: { parse: [], repliedUser: false },
    // A question deleted before the answer is ready still gets its answer, as a plain message.
    failIfNotExists: false,
    ...(config.DISCORD_API_URL ? { rest: { api: config.DISCORD_API_URL } } : {}),
    ...extra,
  });
}

/** The discord.js payload for a rendered message (interaction replies, follow-ups, channel messages). */
function payload(m: DiscordMessage, extraContent?: string) {
  const content = [extraContent, m.content].filter(Boolean).join('\n');
  return {
    content: content || undefined,
    embeds: m.embeds,
    components: m.components,
    allowedMentions: m.allowedMentions,
  };
}

/**
 * What to log about a failed Discord request. A DiscordAPIError carries the request URL (with the
 * interaction token in it) and the request body (with the user's question); neither belongs in a log.
 */
export function loggableError(err: unknown): Record<string, unknown> {
  if (err instanceof DiscordAPIError) {
    return { name: err.name, message: err.message, code: err.code, status: err.status, method: err.method };
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack };
  return { message: String(err) };
}

/** True for errors that mean the token was refused (REST 401, gateway close 4004). */
function isTokenRejection(err: unknown): boolean {
  if (err instanceof DiscordAPIError && err.status === 401) return true;
  const e = err as { code?: unknown; message?: unknown; status?: unknown } | null;
  return (
    e?.code === 'TokenInvalid' ||
    e?.status === 401 ||
    (typeof e?.message === 'string' && /Authentication failed/i.test(e.message))
  );
}

/**
 * Connects to Discord and serves the registry. Resolves once the gateway session is ready. A rejected
 * token rejects with a {@link ConfigError} naming DISCORD_TOKEN; main.ts exits non-zero on it.
 */
export async function startDiscord(deps: DiscordDeps): Promise<DiscordBot> {
  const { config, logger } = deps;
  if (!config.DISCORD_TOKEN) throw new ConfigError('DISCORD_TOKEN is not set: the Discord bot cannot connect.');
  const log = logger.child({ platform: 'discord' });
  const client = createDiscordClient(config, deps.clientOptions);
  const handlers = new DiscordHandlers(deps, client, log);
  const inFlight = new InFlight();

  // Tracked so shutdown can let an answer being computed or posted finish before the client (which
  // holds the REST token) is destroyed and main.ts closes the database.
  client.on(Events.InteractionCreate, (i) => void inFlight.run(() => handlers.onInteraction(i)));
  client.on(Events.MessageCreate, (m) => void inFlight.run(() => handlers.onMessage(m)));
  // Without an 'error' listener an emitted error would crash the process.
  client.on(Events.Error, (err) => log.error({ err }, 'discord client error'));
  client.on(Events.ShardError, (err) => log.warn({ err }, 'gateway connection error'));
  client.on(Events.ShardReconnecting, () => log.warn('gateway connection lost; reconnecting'));
  client.on(Events.ShardResume, (_id, replayed) => log.info({ replayed }, 'gateway session resumed'));
  client.on(Events.ShardDisconnect, (event) => {
    // discord.js reconnects on its own except after close codes that cannot recover.
    const err =
      event.code === 4004
        ? new ConfigError(TOKEN_REJECTED_MESSAGE)
        : new ReportBotError('PLATFORM_FAILED', `Discord closed the gateway for good (close code ${event.code}).`);
    log.error({ code: event.code }, err.message);
    deps.onFatal?.(err);
  });

  let stopping: Promise<void> | undefined;
  const stop = (graceMs = 8000): Promise<void> => {
    stopping ??= (async () => {
      // The gateway stays connected while draining (a destroyed client cannot post), but new events
      // are dropped: shutdown stops taking work.
      const pending = inFlight.size;
      await inFlight.drain(graceMs);
      if (inFlight.size > 0) log.warn({ unfinished: inFlight.size }, 'answers still in flight after the grace period');
      await client.destroy();
      log.info({ drained: pending }, 'discord adapter stopped');
    })();
    return stopping;
  };

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.DISCORD_TOKEN);
    await ready;
  } catch (err) {
    await stop(0).catch(() => undefined);
    if (isTokenRejection(err)) throw new ConfigError(TOKEN_REJECTED_MESSAGE);
    const base = config.DISCORD_API_URL ?? 'https://discord.com/api';
    throw new ReportBotError('PLATFORM_FAILED', `Could not connect to Discord at ${base}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const appId = client.application?.id;
  if (config.DISCORD_APPLICATION_ID && appId && appId !== config.DISCORD_APPLICATION_ID) {
    log.warn({ appId }, 'DISCORD_APPLICATION_ID differs from the application of DISCORD_TOKEN; `discord deploy` would register commands on the wrong app');
  }
  log.info({ user: client.user?.tag, guilds: client.guilds.cache.size }, 'discord bot connected');
  return { client, stop, quiesce: () => (inFlight.accepting = false) };
}

type Visibility = 'private' | 'public';

/** Per-client event handling, separate from start-up so each handler stays short. */
class DiscordHandlers {
  /** The previous turn of each DM and of each user's mentions in a channel, for follow-ups. */
  private readonly conversations = new Conversations();

  constructor(
    private readonly deps: DiscordDeps,
    private readonly client: Client,
    private readonly log: Logger,
  ) {}

  private get defaultVisibility(): Visibility {
    return this.deps.config.ANSWER_VISIBILITY === 'public' ? 'public' : 'private';
  }

  private invocation(
    user: { id: string; username: string; globalName?: string | null },
    channel: { id: string; kind: Invocation['channel']['kind'] },
    canManageChannel?: boolean,
  ): Invocation {
    const { store, config } = this.deps;
    return {
      // One engine per invocation: a reload swapping in a new one never changes it mid-answer.
      engine: engineOf(this.deps.engine),
      store,
      config,
      logger: this.log,
      platform: 'discord',
      user: { id: user.id, name: user.globalName ?? user.username },
      channel,
      ...(canManageChannel === undefined ? {} : { canManageChannel }),
      now: () => new Date(),
      commandLabel: (name) => `/${name}`,
    };
  }

  private interactionInvocation(i: Interaction): Invocation {
    const kind: Invocation['channel']['kind'] = !i.inGuild() ? 'dm' : i.channel?.isThread() ? 'thread' : 'channel';
    // In a DM the user owns the conversation; in a server only Manage Channels may (un)subscribe digests.
    const canManage = kind === 'dm' ? true : (i.memberPermissions?.has(PermissionFlagsBits.ManageChannels) ?? undefined);
    return this.invocation(i.user, { id: i.channelId ?? i.user.id, kind }, canManage);
  }

  async onInteraction(i: Interaction): Promise<void> {
    try {
      const bad = i.isButton() ? problem(buttonSchema, i) : i.isChatInputCommand() || i.isAutocomplete() ? problem(commandSchema, i) : undefined;
      if (bad) {
        this.log.warn({ reason: bad, type: i.type }, 'discord payload ignored: unexpected shape');
        if (i.isAutocomplete()) await i.respond([]);
        else if (i.isRepliable()) await i.reply({ ...payload(renderNotice("I couldn't read that request.")), flags: MessageFlags.Ephemeral });
        return;
      }
      if (i.isAutocomplete()) await this.onAutocomplete(i);
      else if (i.isChatInputCommand()) await this.onSlashCommand(i);
      else if (i.isButton()) await this.onButton(i);
    } catch (err) {
      // Typically the interaction expired (10062) or Discord refused a payload; nothing left to tell the user.
      this.log.error({ err: loggableError(err), type: i.type }, 'discord interaction failed');
    }
  }

  private async onSlashCommand(i: ChatInputCommandInteraction): Promise<void> {
    const { registry, services } = this.deps;
    const deferred = this.defaultVisibility;
    // Always defer: the engine answers synchronously, so once it runs nothing could send a late
    // deferral; deferring first keeps every command inside Discord's 3-second window.
    await i.deferReply(deferred === 'private' ? { flags: MessageFlags.Ephemeral } : {});
    const command = registry.get(i.commandName);
    const raw = command ? readInteractionOptions(command, i.options.data as readonly InteractionOption[]) : {};
    const reply = await runCommand(registry, i.commandName, raw, this.interactionInvocation(i), services);
    const visibility = reply.visibility ?? this.defaultVisibility;
    await this.deliver(i, deferred, renderReply(reply, { visibility, echoQuestion: true }));
  }

  /**
   * Sends the final message of a deferred interaction. A deferral fixes the visibility; when the reply
   * needs the other one (a private notice under ANSWER_VISIBILITY=public), the placeholder is deleted
   * and a follow-up with the right visibility is sent instead.
   */
  private async deliver(i: ChatInputCommandInteraction | ButtonInteraction, deferred: Visibility, m: DiscordMessage, extra?: string) {
    const wanted: Visibility = m.ephemeral ? 'private' : 'public';
    if (wanted === deferred) {
      await i.editReply(payload(m, extra));
      return;
    }
    await i.deleteReply().catch((err: unknown) => this.log.warn({ err: loggableError(err) }, 'could not delete deferred reply'));
    await i.followUp({ ...payload(m, extra), ...(m.ephemeral ? { flags: MessageFlags.Ephemeral } : {}) });
  }

  private async onButton(i: ButtonInteraction): Promise<void> {
    const action = decodeCustomId(i.customId);
    if (!action) {
      await i.reply({ ...payload(renderNotice('That button has expired. Please ask again.')), flags: MessageFlags.Ephemeral });
      return;
    }
    const { registry, services } = this.deps;
    const pressedPrivate = i.message.flags.has(MessageFlags.Ephemeral);
    if (action.kind === 'share') {
      // Acknowledge on the pressed (private) message, then post the answer publicly as a follow-up.
      await i.deferUpdate();
      const outcome = await handleAction(registry, action, this.interactionInvocation(i), services);
      if (outcome.placement === 'share') {
        const m = renderReply(outcome.reply, { visibility: 'public', echoQuestion: true });
        await i.followUp(payload(m, `Shared by <@${i.user.id}>`));
        const remaining = withoutShare(i.message.components.map((row) => row.toJSON()) as DiscordMessage['components']);
        await i.editReply({ components: remaining });
      } else {
        const m = renderReply(outcome.reply, { visibility: 'private' });
        await i.followUp({ ...payload(m), flags: MessageFlags.Ephemeral });
      }
      return;
    }
    // Votes are private; Full passage / More results follow the pressed message's visibility.
    const deferred: Visibility = action.kind === 'feedback_up' || action.kind === 'feedback_down' || pressedPrivate ? 'private' : 'public';
    await i.deferReply(deferred === 'private' ? { flags: MessageFlags.Ephemeral } : {});
    const outcome = await handleAction(registry, action, this.interactionInvocation(i), services);
    const visibility: Visibility =
      outcome.placement === 'private' || outcome.reply.visibility === 'private' ? 'private' : pressedPrivate ? 'private' : 'public';
    await this.deliver(i, deferred, renderReply(outcome.reply, { visibility }));
  }

  private async onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const command = this.deps.registry.get(i.commandName);
    const focused = i.options.getFocused(true);
    if (!command) {
      await i.respond([]);
      return;
    }
    const sub = i.options.getSubcommand(false);
    const shape = { ...command.options.shape, ...(command.subcommands?.find((s) => s.name === sub)?.options.shape ?? {}) };
    const key = optionKeyResolver(shape)(focused.name);
    const suggest = autocompleteFor(command, key);
    let choices: { name: string; value: string }[] = [];
    if (suggest) {
      try {
        // Suggestions run on every keystroke: no rate limit, no log — and a failure just shows none.
        choices = suggest({ ...this.interactionInvocation(i), options: {} }, String(focused.value ?? ''));
      } catch (err) {
        this.log.warn({ err: loggableError(err), command: i.commandName, option: key }, 'autocomplete failed');
      }
    }
    await i.respond(fitChoices(this.describePassages(choices)));
  }

  /** Names passage-id choices after their section, so users pick by topic rather than by slug. */
  private describePassages(choices: { name: string; value: string }[]): { name: string; value: string }[] {
    const byId = engineOf(this.deps.engine).corpus.byId;
    return choices.map((c) => {
      const p = byId.get(c.value);
      return p && c.name === c.value ? { name: `${p.sectionTitle} ¶${p.paragraph} — ${p.id}`, value: c.value } : c;
    });
  }

  async onMessage(message: Message): Promise<void> {
    try {
      const me = this.client.user;
      const bad = problem(messageSchema, message);
      if (bad) {
        this.log.warn({ reason: bad }, 'discord payload ignored: unexpected shape');
        return;
      }
      if (!me || message.author.bot || message.author.id === me.id || message.webhookId || message.system) return;
      const inDm = message.channel.type === ChannelType.DM;
      const botRoleId = message.guild?.members.me?.roles.botRole?.id;
      const mentionTokens = [`<@${me.id}>`, `<@!${me.id}>`, ...(botRoleId ? [`<@&${botRoleId}>`] : [])];
      const mentioned = mentionTokens.some((t) => message.content.includes(t));
      if (!inDm && !mentioned) return;

      let question = message.content;
      for (const t of mentionTokens) question = question.split(t).join(' ');
      question = question.trim();
      const kind: Invocation['channel']['kind'] = inDm ? 'dm' : message.channel.isThread() ? 'thread' : 'channel';
      // A DM is one conversation; in a channel or thread, each user's mentions are one.
      const conversation = { key: inDm ? `dm:${message.channelId}` : `${message.channelId}:${message.author.id}`, memory: this.conversations };
      const ctx = { ...this.invocation(message.author, { id: message.channelId, kind }), conversation };
      const { registry, services } = this.deps;
      // A bare mention gets the help text rather than a "type a question" error.
      const reply = question
        ? await runCommand(registry, 'ask', { question }, ctx, services)
        : await runCommand(registry, 'help', {}, ctx, services);
      // The user asked in the open, so the answer is public (the question is visible above it).
      await message.reply(payload(renderReply(reply, { visibility: 'public' })));
    } catch (err) {
      this.log.error({ err: loggableError(err) }, 'discord message handling failed');
    }
  }
}
