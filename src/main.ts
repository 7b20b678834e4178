/**
 * The bot process: configuration → store → engine → the parts `src/compose.ts` builds (every adapter
 * whose settings are present — Slack and Discord together is normal — the digest scheduler posting
 * through their posters, the question-log retention), or terminal mode when no platform is set.
 * With `HEALTH_PORT`, `/healthz` and `/readyz` answer in every chat mode. SIGINT/SIGTERM stop intake,
 * let answers in flight finish, close the database and exit 0 within 10 seconds.
 *
 * Production: `node dist/main.js` (after `npm run build`), run directly so it receives SIGTERM.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig, loadDotEnv, slackEnabled, discordEnabled, type Config } from './config.ts';
import { ConfigError, CorpusError, ReportBotError } from './errors.ts';
import { createLogger, createTerminalLogger, type Logger } from './log.ts';
import { Store } from './store/store.ts';
import { IndexCache } from './answer/cache.ts';
import { CorpusWatcher, LiveCorpus } from './reload.ts';
import { loadRegistry, type Registry } from '../commands/index.ts';
import type { Adapter } from './adapters/types.ts';
import { digestPart, platformAdapters, postersOf, retentionPart, terminalPart, type Parts } from './compose.ts';
import { databaseWritable, startHealthServer, type Check, type HealthServer } from './health.ts';
import { installLastResort } from './last-resort.ts';
import { warmUp } from './startup.ts';
import { configureReportReading } from './corpus/read-file.ts';

/** What `main` started; `stop` is what the signal handlers call. */
export interface Running {
  adapters: string[];
  /** The health server's port, when `HEALTH_PORT` is set. */
  healthPort?: number;
  /** Terminal mode: settles once the session has ended (end of input, /quit) and everything stopped. */
  done?: Promise<void>;
  stop(): Promise<void>;
}

/** Time the parts get to finish answers in flight; the rest of the 10 s is for closing. */
const GRACE_MS = 7_000;
/** If closing hangs anyway, leave before a supervisor's SIGKILL (Docker's default is 10 s). */
const HARD_DEADLINE_MS = 9_500;

/**
 * A start-up failure, worded for the person starting the bot: what is wrong and which setting to look
 * at, never a stack. {@link runMain} prints it as one line and exits 1.
 */
export class StartupError extends ReportBotError {
  constructor(message: string, options?: { cause?: unknown }) {
    // The cause's code when it has one (CORPUS_MISSING, STORE_FAILED, …): the message is reworded, the kind is not.
    super(options?.cause instanceof ReportBotError ? options.cause.code : 'CONFIG_INVALID', message, options);
    this.name = 'StartupError';
  }
}

/** Throws a {@link StartupError}; logs the cause at debug level for whoever needs the details. */
function fail(message: string, logger?: Logger, err?: unknown): never {
  if (logger && err) logger.debug({ err }, 'startup failed');
  throw new StartupError(message, { cause: err });
}

export interface MainOptions {
  /**
   * A platform ended the session for good after start-up (Discord: the token was revoked). Default:
   * log it, stop cleanly and exit 1, so the process manager sees the failure.
   */
  onFatal?: (err: ReportBotError, stop: () => Promise<void>) => void;
}

/**
 * Starts the bot and resolves once every part is up (in terminal mode: once the session has begun;
 * `done` settles when it ends).
 * Rejects with a {@link StartupError} that says what to fix; whatever had started is stopped first.
 * Signals are {@link runMain}'s business.
 */
export async function main(env: Record<string, string | undefined> = process.env, options: MainOptions = {}): Promise<Running> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message, undefined, err);
    throw err;
  }
  const terminal = !slackEnabled(config) && !discordEnabled(config);
  // At a terminal the screen is for answers: the log goes to LOG_FILE, and only warnings and errors
  // reach stderr, in plain words. Chat modes log JSON on stderr for the process manager.
  let logger: Logger;
  try {
    logger = terminal ? createTerminalLogger(config.LOG_LEVEL, config.LOG_FILE) : createLogger(config.LOG_LEVEL);
  } catch (err) {
    fail(`Cannot write the log file LOG_FILE (${config.LOG_FILE}): ${(err as Error).message}`, undefined, err);
  }

  let store: Store;
  try {
    store = new Store(config.DATABASE_PATH);
  } catch (err) {
    fail(err instanceof ReportBotError ? err.message : `Cannot open the database at ${config.DATABASE_PATH}.`, logger, err);
  }

  configureReportReading({ maxReportBytes: config.MAX_REPORT_BYTES, logger });
  let live: LiveCorpus & { opened: { fromCache: boolean; ms: number } };
  try {
    live = await LiveCorpus.open(config.CORPUS_DIR, {
      options: { maxQuestionChars: config.MAX_QUESTION_CHARS, sentenceCachePassages: config.SENTENCE_CACHE_PASSAGES },
      ...(config.INDEX_CACHE_DIR ? { cache: new IndexCache(config.INDEX_CACHE_DIR, logger) } : {}),
      logger,
    });
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

  // Adapters and the digest scheduler get the holder: each invocation reads the engine serving then.
  const parts: Parts = { engine: live.holder, registry, store, config, logger };
  const engine = () => live.current();
  // Chat modes watch CORPUS_DIR; a terminal session is short, and its screen is for answers.
  const watcher =
    !terminal && config.CORPUS_WATCH && config.CORPUS_RELOAD_MS > 0
      ? new CorpusWatcher(live, {
          debounceMs: config.CORPUS_RELOAD_MS,
          logger,
          // The new corpus's digest facts and a first answer, before a platform's next request needs them.
          prepare: (next) => void warmUp(next, logger, { digests: true }),
        })
      : undefined;
  const started: Adapter[] = [];
  let health: HealthServer | undefined;

  let removeLastResort: (() => void) | undefined;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down');
      // One grace period for the whole shutdown: each part gets what is left of it, not a fresh one,
      // so the sum stays inside the hard deadline.
      const deadline = Date.now() + GRACE_MS;
      // Take no new questions from the first moment, while the digest scheduler winds down first.
      for (const s of started) s.quiesce();
      await watcher?.stop();
      const stopOne = (s: Adapter) =>
        s.stop(Math.max(0, deadline - Date.now())).catch((err: unknown) => logger.warn({ err, part: s.name }, 'did not stop cleanly'));
      // The digest scheduler first (it may be posting through an adapter), then the rest together.
      await Promise.allSettled(started.filter((s) => s.name === 'digest').map(stopOne));
      await Promise.allSettled(started.filter((s) => s.name !== 'digest').map(stopOne));
      await health?.close();
      store.close();
      removeLastResort?.();
      logger.info('stopped; database closed');
    })();
    return stopping;
  };

  const stats = engine().stats();
  logger.info(
    { documents: stats.documents, passages: stats.passages, database: store.path, fromCache: live.opened.fromCache, ms: live.opened.ms },
    'report loaded',
  );

  // Everything slow (digest facts, a warm engine) happens before anything listens, the health server
  // included, so a platform's first requests find a ready bot (issue 8, item 5). A terminal has no
  // burst of requests to protect, and its first answer would only wait for the warm-up's.
  if (!terminal) warmUp(engine(), logger, { digests: true });

  const adapters = platformAdapters(parts, (err) => {
    logger.error({ code: err.code }, err.message);
    // Shut down cleanly, but report the failure.
    (options.onFatal ?? ((_err, stopAll) => void stopAll().then(() => process.exit(1))))(err, stop);
  });
  // Digests post through the adapters' posters, so the scheduler starts after them and stops first.
  const all: Adapter[] = [...adapters, ...(adapters.length > 0 ? [digestPart(parts, postersOf(adapters))] : []), retentionPart(parts)];
  let allStarted = false;

  try {
    if (config.HEALTH_PORT !== undefined && !terminal) {
      // Listening before the parts start: /healthz says alive at once, /readyz says what is still starting.
      const checks = (): Record<string, Check> => {
        const c: Record<string, Check> = {
          corpus: () => (engine().stats().passages > 0 ? true : 'no passages loaded'),
          database: () => databaseWritable(store),
        };
        for (const part of all) c[part.name] = () => (part.ready() ? true : allStarted ? 'not connected' : 'starting');
        return c;
      };
      health = await startHealthServer({ port: config.HEALTH_PORT, host: config.HEALTH_HOST, checks });
      logger.info({ port: health.port }, 'health server listening (/healthz, /readyz)');
    }
    for (const part of all) {
      await part.start();
      started.push(part);
    }
    allStarted = true;
    watcher?.start();
  } catch (err) {
    await watcher?.stop();
    await Promise.allSettled(started.map((s) => s.stop(1000)));
    await health?.close();
    store.close();
    fail(err instanceof ReportBotError ? err.message : `Could not start: ${(err as Error).message}`, logger, err);
  }

  // From here on no single request may end the process (issue 8, item 3): an exception nothing
  // caught is logged with an error id. Start-up failures above still reject.
  removeLastResort = installLastResort(logger);

  const running = (names: string[]): Running => ({ adapters: names, ...(health ? { healthPort: health.port } : {}), stop });

  if (terminal) {
    logger.info('no Slack or Discord settings: terminal mode');
    const session = terminalPart(parts);
    // A signal ends the session (the question being answered finishes) before the database closes.
    started.push(session);
    await session.start();
    return { ...running(['terminal']), done: session.finished.then(stop) };
  }
  const names = started.filter((s) => s.name !== 'retention').map((s) => s.name);
  // The order main.test and operators know: the scheduler first, as it stops first.
  names.sort((a, b) => (a === 'digest' ? -1 : b === 'digest' ? 1 : 0));
  logger.info({ adapters: names }, 'report-bot running');
  return running(names);
}

/** Writes a failure as one line on stderr (no stack for the ones worded for users) and exits 1. */
function exitWith(err: unknown): never {
  process.stderr.write(`report-bot: ${err instanceof ReportBotError ? err.message : String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
}

/**
 * The process (the entry points call it): reads `.env`, starts, and on SIGINT/SIGTERM stops intake,
 * lets answers in flight finish, closes the database and exits 0 — within 10 s, or exits 1.
 */
export function runMain(): void {
  try {
    loadDotEnv();
  } catch (err) {
    exitWith(err);
  }
  const starting = main();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        process.stderr.write('report-bot: shutdown took too long; exiting\n');
        process.exit(1);
      }, HARD_DEADLINE_MS).unref();
      // A signal during start-up waits for it, so everything started is also stopped.
      void starting.then((running) => running.stop(), () => undefined).then(() => process.exit(0));
    });
  }
  starting.then((running) => void running.done?.then(() => process.exit(0)), exitWith);
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) runMain();
