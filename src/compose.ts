/**
 * The composition root: the one place that builds the running bot's parts and wires them together —
 * the platform adapters (each library loaded only when its platform starts), the terminal, the digest
 * scheduler with the adapters' posters, the question-log retention. `src/main.ts` runs what this
 * builds; the CLI takes its posters from here too, so no other module creates a platform client.
 */
import type { Registry } from '../commands/index.ts';
import type { EngineRef } from './answer/live.ts';
import type { Adapter, Poster } from './adapters/types.ts';
import { discordEnabled, slackEnabled, type Config } from './config.ts';
import { ReportBotError } from './errors.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/store.ts';

/** What every part shares; all of it lives as long as the process. */
export interface Parts {
  /** The engine, or (in the running bot) the holder a corpus reload swaps a new one into. */
  engine: EngineRef;
  registry: Registry;
  store: Store;
  config: Config;
  logger: Logger;
}

/**
 * A poster that waits for its adapter: usable once the adapter has started. It passes the delivery
 * key on (Slack message metadata, Discord nonce) and offers `find` for reconciling an interrupted
 * post; a `find` that cannot look (adapter not started, platform without a lookup) throws, and the
 * scheduler then gives the day up rather than risk a duplicate.
 */
function latePoster(name: string, get: () => Poster | undefined): Poster {
  const started = (): Poster => {
    const poster = get();
    if (!poster) throw new ReportBotError('PLATFORM_FAILED', `the ${name} adapter has not started`);
    return poster;
  };
  const poster: Poster = async (sub, reply, key) => started()(sub, reply, key);
  poster.find = async (sub, reply, key) => {
    const find = started().find;
    if (!find) throw new ReportBotError('PLATFORM_FAILED', `the ${name} adapter cannot look for an earlier post`);
    return find(sub, reply, key);
  };
  return poster;
}

/** The Slack adapter; `@slack/bolt` is imported when it starts. */
export function slackAdapter(parts: Parts): Adapter {
  let handle: import('./adapters/slack/index.ts').SlackHandle | undefined;
  let poster: Poster | undefined;
  let stopped = false;
  return {
    name: 'slack',
    async start() {
      const [{ startSlack }, { slackPoster }] = await Promise.all([import('./adapters/slack/index.ts'), import('./adapters/slack/poster.ts')]);
      handle = await startSlack(parts);
      poster = slackPoster(handle.client);
    },
    ready: () => handle !== undefined && !stopped,
    quiesce: () => handle?.quiesce(),
    async stop(graceMs) {
      stopped = true;
      await handle?.stop(graceMs);
    },
    poster: latePoster('slack', () => poster),
  };
}

/**
 * The Discord adapter; discord.js is imported when it starts. `onFatal` hears of a session Discord
 * ended for good after start-up (a revoked token).
 */
export function discordAdapter(parts: Parts, onFatal: (err: ReportBotError) => void): Adapter {
  let bot: import('./adapters/discord/index.ts').DiscordBot | undefined;
  let poster: Poster | undefined;
  let stopped = false;
  return {
    name: 'discord',
    async start() {
      const [{ startDiscord }, { discordPoster }] = await Promise.all([import('./adapters/discord/index.ts'), import('./adapters/discord/poster.ts')]);
      bot = await startDiscord({ ...parts, onFatal });
      poster = discordPoster(bot.client);
    },
    // Connected to the gateway, not only started: a lost session shows as not ready.
    ready: () => bot !== undefined && !stopped && bot.client.isReady(),
    quiesce: () => bot?.quiesce(),
    async stop(graceMs) {
      stopped = true;
      await bot?.stop(graceMs);
    },
    poster: latePoster('discord', () => poster),
  };
}

/** The platform adapters whose settings are present, not yet started. */
export function platformAdapters(parts: Parts, onFatal: (err: ReportBotError) => void): Adapter[] {
  const adapters: Adapter[] = [];
  if (slackEnabled(parts.config)) adapters.push(slackAdapter(parts));
  if (discordEnabled(parts.config)) adapters.push(discordAdapter(parts, onFatal));
  return adapters;
}

/** The posters of the adapters that have one, by platform name. */
export function postersOf(adapters: readonly Adapter[]): Partial<Record<string, Poster>> {
  const posters: Partial<Record<string, Poster>> = {};
  for (const a of adapters) if (a.poster) posters[a.name] = a.poster;
  return posters;
}

/** The digest scheduler as a part: it posts through `posters` only. */
export function digestPart(parts: Parts, posters: Readonly<Partial<Record<string, Poster>>>): Adapter {
  let service: import('./digest/index.ts').DigestService | undefined;
  return {
    name: 'digest',
    async start() {
      const { startDigestScheduler } = await import('./digest/index.ts');
      service = startDigestScheduler({ ...parts, posters });
    },
    ready: () => service !== undefined,
    quiesce: () => undefined,
    stop: async (graceMs) => service?.stop(graceMs),
  };
}

/** Terminal mode as a part: questions on stdin, answers on stdout; `finished` settles at end of input. */
export function terminalPart(parts: Parts): Adapter & { finished: Promise<void> } {
  const controller = new AbortController();
  let session: Promise<void> | undefined;
  let finish!: (p: Promise<void>) => void;
  const finished = new Promise<void>((r) => (finish = (p) => void p.then(r, r)));
  return {
    name: 'terminal',
    async start() {
      const { runTerminal } = await import('./adapters/console/terminal.ts');
      session = runTerminal({ ...parts, input: process.stdin, output: process.stdout, signal: controller.signal });
      finish(session);
    },
    ready: () => session !== undefined,
    quiesce: () => controller.abort(),
    async stop() {
      controller.abort();
      await session?.catch(() => undefined);
    },
    finished,
  };
}

const DAY_MS = 24 * 3_600_000;

/**
 * Retention of the question log: questions older than `QUESTION_LOG_DAYS` are deleted at start and
 * then once a day (0 keeps them forever).
 */
export function retentionPart(parts: Parts, now: () => Date = () => new Date()): Adapter {
  let timer: NodeJS.Timeout | undefined;
  let started = false;
  const days = parts.config.QUESTION_LOG_DAYS;
  const purge = () => {
    try {
      const deleted = parts.store.purgeQuestions(new Date(now().getTime() - days * DAY_MS));
      if (deleted > 0) parts.logger.info({ deleted, days }, 'old questions purged from the log');
    } catch (err) {
      parts.logger.warn({ err }, 'question log purge failed; trying again tomorrow');
    }
  };
  return {
    name: 'retention',
    async start() {
      started = true;
      if (days === 0) return;
      purge();
      timer = setInterval(purge, DAY_MS);
      timer.unref();
    },
    ready: () => started,
    quiesce: () => clearInterval(timer),
    stop: async () => clearInterval(timer),
  };
}

/**
 * Posters for `digest run-due` from the command line: REST-only clients for the platforms whose
 * tokens are set (posting needs no gateway session or socket), and a clean-up for them.
 */
export async function configuredPosters(config: Config): Promise<{ posters: Partial<Record<string, Poster>>; close: () => Promise<void> }> {
  const posters: Partial<Record<string, Poster>> = {};
  const closers: Array<() => Promise<void>> = [];
  if (config.SLACK_BOT_TOKEN) {
    const [{ webApi }, { slackPoster }] = await Promise.all([import('@slack/bolt'), import('./adapters/slack/poster.ts')]);
    const web = new webApi.WebClient(config.SLACK_BOT_TOKEN, {
      ...(config.SLACK_API_URL ? { slackApiUrl: config.SLACK_API_URL } : {}),
      retryConfig: { retries: 0 },
      timeout: 10_000,
    });
    posters.slack = slackPoster(web);
  }
  if (config.DISCORD_TOKEN) {
    const [{ createDiscordClient }, { discordPoster }] = await Promise.all([import('./adapters/discord/index.ts'), import('./adapters/discord/poster.ts')]);
    const client = createDiscordClient(config);
    client.rest.setToken(config.DISCORD_TOKEN);
    posters.discord = discordPoster(client);
    closers.push(async () => void (await client.destroy()));
  }
  return { posters, close: async () => void (await Promise.allSettled(closers.map((c) => c()))) };
}
