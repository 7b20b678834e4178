/**
 * The bot process: configuration → store → engine → every adapter whose settings are present (Slack
 * and Discord together is normal), or terminal mode when none are. SIGINT/SIGTERM stop intake, let
 * answers in flight finish, close the database and exit 0 within 10 seconds.
 *
 * Run it directly (`node --import tsx src/main.ts`) in production: `npm start` does not forward
 * SIGTERM to the node process.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, loadDotEnv, slackEnabled, discordEnabled, type Config } from './config.ts';
import { ConfigError, CorpusError, ReportBotError } from './errors.ts';
import { createLogger, type Logger } from './log.ts';
import { Store } from './store/store.ts';
import { Engine } from './answer/engine.ts';
import { loadRegistry, type Registry } from '../commands/index.ts';
import { startSlack, type SlackHandle } from './adapters/slack/index.ts';
import { installLastResort } from './last-resort.ts';
import { warmUp } from './startup.ts';
import { configureReportReading } from './corpus/read-file.ts';

/** What `main` started; `stop` is what the signal handlers call. */
export interface Running {
  adapters: string[];
  stop(): Promise<void>;
}

/** Anything started alongside: an adapter, the digest scheduler. */
interface Stoppable {
  name: string;
  stop(graceMs?: number): Promise<void>;
  /** Stops taking new work at once, before anything else is stopped. */
  quiesce?(): void;
}

/** Everything the adapters share. */
interface Deps {
  engine: Engine;
  registry: Registry;
  store: Store;
  config: Config;
  logger: Logger;
}

/** Time the adapters get to finish answers in flight; the rest of the 10 s is for closing. */
const GRACE_MS = 7_000;
/** If closing hangs anyway, leave before a supervisor's SIGKILL (Docker's default is 10 s). */
const HARD_DEADLINE_MS = 9_500;

/**
 * The Discord adapter, written separately (src/adapters/discord/index.ts exports `startDiscord`).
 * Imported lazily so a Slack-only deployment never loads discord.js.
 */
async function startDiscordAdapter(
  deps: Deps,
  onFatal: (err: ReportBotError) => void,
): Promise<Stoppable & { client: import('discord.js').Client }> {
  const { startDiscord } = await import('./adapters/discord/index.ts');
  const bot = await startDiscord({ ...deps, onFatal });
  // The grace period reaches the adapter, so answers in flight are posted before the database closes.
  return { name: 'discord', client: bot.client, stop: (graceMs) => bot.stop(graceMs), quiesce: () => bot.quiesce() };
}

/** Terminal mode (no platform settings): questions on stdin, answers on stdout. */
async function runTerminalMode(deps: Deps, signal: AbortSignal): Promise<void> {
  const { runTerminal } = await import('./adapters/console/terminal.ts');
  await runTerminal({ ...deps, input: process.stdin, output: process.stdout, signal });
}

/** Prints a startup failure the way a user can act on it: the message, no stack, exit 1. */
function fail(message: string, logger?: Logger, err?: unknown): never {
  if (logger && err) logger.debug({ err }, 'startup failed');
  process.stderr.write(`report-bot: ${message}\n`);
  process.exit(1);
}


/** Starts the bot. Exits the process on fatal startup errors. */
export async function main(env: Record<string, string | undefined> = process.env): Promise<Running> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  // A person typing at a terminal reads answers, not JSON log lines: there, routine info lines are
  // held back (warnings and errors still show; LOG_LEVEL=debug or trace shows everything).
  const atKeyboard = !slackEnabled(config) && !discordEnabled(config) && Boolean(process.stdin.isTTY && process.stdout.isTTY);
  const logger = createLogger(atKeyboard && config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL);

  let store: Store;
  try {
    store = new Store(config.DATABASE_PATH);
  } catch (err) {
    fail(err instanceof ReportBotError ? err.message : `Cannot open the database at ${config.DATABASE_PATH}.`, logger, err);
  }

  configureReportReading({ maxReportBytes: config.MAX_REPORT_BYTES, logger });
  let engine: Engine;
  try {
    engine = await Engine.load(config.CORPUS_DIR);
  } catch (err) {
    store.close();
    const where = resolve(config.CORPUS_DIR);
    if (err instanceof CorpusError) fail(`Cannot load the report from CORPUS_DIR (${where}): ${err.message}`, logger, err);
    fail(`Cannot load the report from CORPUS_DIR (${where}): ${(err as Error).message}`, logger, err);
  }

  let registry: Registry;
  try {
    registry = loadRegistry();
  } catch (err) {
    store.close();
    fail((err as Error).message, logger, err);
  }

  const deps: Deps = { engine, registry, store, config, logger };
  const started: Stoppable[] = [];

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // One grace period for the whole shutdown: each part gets what is left of it, not a fresh one,
      // so the sum stays inside the hard deadline.
      const deadline = Date.now() + GRACE_MS;
      // Take no new questions from the first moment, while the digest scheduler winds down first.
      for (const s of started) s.quiesce?.();
      const stopOne = (s: Stoppable) =>
        s.stop(Math.max(0, deadline - Date.now())).catch((err: unknown) => logger.warn({ err, part: s.name }, 'did not stop cleanly'));
      // The digest scheduler first (it may be posting through an adapter), then the adapters together.
      await Promise.allSettled(started.filter((s) => s.name === 'digest').map(stopOne));
      await Promise.allSettled(started.filter((s) => s.name !== 'digest').map(stopOne));
      store.close();
      logger.info('stopped; database closed');
    })();
    return stopping;
  };

  let startupDone!: () => void;
  const startup = new Promise<void>((r) => (startupDone = r));
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        process.stderr.write('report-bot: shutdown took too long; exiting\n');
        process.exit(1);
      }, HARD_DEADLINE_MS).unref();
      // A signal during start-up waits for it, so everything started is also stopped.
      void startup.then(stop).then(() => process.exit(0));
    });
  }

  const stats = engine.stats();
  logger.info({ documents: stats.documents, passages: stats.passages, database: store.path }, 'report loaded');

  // Everything slow happens before an adapter listens, so the first requests find a ready bot.
  warmUp(engine, logger, { digests: slackEnabled(config) || discordEnabled(config) });

  try {
    let slackClient: SlackHandle['client'] | undefined;
    let discordClient: import('discord.js').Client | undefined;
    if (slackEnabled(config)) {
      const slack = await startSlack(deps);
      slackClient = slack.client;
      started.push({ name: 'slack', stop: (g) => slack.stop(g), quiesce: () => slack.quiesce() });
    }
    if (discordEnabled(config)) {
      const discord = await startDiscordAdapter(deps, (err) => {
        // Discord ended the session for good (token revoked): shut down cleanly, but report failure.
        logger.error({ code: err.code }, err.message);
        void stop().then(() => process.exit(1));
      });
      discordClient = discord.client;
      started.push(discord);
    }
    if (slackClient || discordClient) {
      // Digests post through the adapters' clients, so the scheduler stops first (see `stop`).
      const { startDigestScheduler } = await import('./digest/index.ts');
      started.unshift(
        startDigestScheduler({
          config,
          engine,
          store,
          logger,
          ...(slackClient ? { slack: slackClient } : {}),
          ...(discordClient ? { discord: discordClient } : {}),
        }),
      );
    }
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.stop(1000)));
    store.close();
    fail(err instanceof ReportBotError ? err.message : `Could not start: ${(err as Error).message}`, logger, err);
  }

  startupDone();
  // From here on no single request may end the process (issue 8, item 3).
  installLastResort(logger);

  if (started.length === 0) {
    logger.info('no Slack or Discord settings: terminal mode');
    const controller = new AbortController();
    const session = runTerminalMode(deps, controller.signal);
    // A signal ends the session (the question being answered finishes) before the database closes.
    started.push({
      name: 'terminal',
      stop: async () => {
        controller.abort();
        await session.catch(() => undefined);
      },
    });
    await session;
    await stop();
    return { adapters: ['terminal'], stop };
  }
  logger.info({ adapters: started.map((s) => s.name) }, 'report-bot running');
  return { adapters: started.map((s) => s.name), stop };
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  try {
    loadDotEnv();
  } catch (err) {
    fail((err as Error).message);
  }
  main().then(
    (running) => {
      if (running.adapters[0] === 'terminal') process.exit(0);
    },
    (err: unknown) => {
      process.stderr.write(`report-bot: ${err instanceof ReportBotError ? err.message : String((err as Error)?.stack ?? err)}\n`);
      process.exit(1);
    },
  );
}
