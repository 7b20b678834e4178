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
import { Engine } from './answer/engine.ts';
import { loadRegistry, type Registry } from '../commands/index.ts';
import type { Adapter } from './adapters/types.ts';
import { digestPart, platformAdapters, postersOf, retentionPart, type Parts } from './compose.ts';
import { databaseWritable, startHealthServer, type Check, type HealthServer } from './health.ts';

/** What `main` started; `stop` is what the signal handlers call. */
export interface Running {
  adapters: string[];
  /** The health server's port, when `HEALTH_PORT` is set. */
  healthPort?: number;
  stop(): Promise<void>;
}

/** Time the parts get to finish answers in flight; the rest of the 10 s is for closing. */
const GRACE_MS = 7_000;
/** If closing hangs anyway, leave before a supervisor's SIGKILL (Docker's default is 10 s). */
const HARD_DEADLINE_MS = 9_500;

/** Prints a startup failure the way a user can act on it: the message, no stack, exit 1. */
function fail(message: string, logger?: Logger, err?: unknown): never {
  if (logger && err) logger.debug({ err }, 'startup failed');
  process.stderr.write(`report-bot: ${message}\n`);
  process.exit(1);
}

/** Terminal mode as a part: questions on stdin, answers on stdout; `finished` settles at end of input. */
function terminalPart(parts: Parts): Adapter & { finished: Promise<void> } {
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

/** Starts the bot. Exits the process on fatal startup errors. */
export async function main(env: Record<string, string | undefined> = process.env): Promise<Running> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) fail(err.message);
    throw err;
  }
  const terminal = !slackEnabled(config) && !discordEnabled(config);
  // At a terminal the screen is for answers: the log goes to LOG_FILE, and only warnings and errors
  // reach stderr, in plain words. Chat modes log JSON on stderr for the process manager.
  let logger: Logger;
  try {
    logger = terminal ? createTerminalLogger(config.LOG_LEVEL, config.LOG_FILE) : createLogger(config.LOG_LEVEL);
  } catch (err) {
    fail(`Cannot write the log file LOG_FILE (${config.LOG_FILE}): ${(err as Error).message}`);
  }

  let store: Store;
  try {
    store = new Store(config.DATABASE_PATH);
  } catch (err) {
    fail(err instanceof ReportBotError ? err.message : `Cannot open the database at ${config.DATABASE_PATH}.`, logger, err);
  }

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

  const parts: Parts = { engine, registry, store, config, logger };
  const started: Adapter[] = [];
  let health: HealthServer | undefined;

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // One grace period for the whole shutdown: each part gets what is left of it, not a fresh one,
      // so the sum stays inside the hard deadline.
      const deadline = Date.now() + GRACE_MS;
      // Take no new questions from the first moment, while the digest scheduler winds down first.
      for (const s of started) s.quiesce();
      const stopOne = (s: Adapter) =>
        s.stop(Math.max(0, deadline - Date.now())).catch((err: unknown) => logger.warn({ err, part: s.name }, 'did not stop cleanly'));
      // The digest scheduler first (it may be posting through an adapter), then the rest together.
      await Promise.allSettled(started.filter((s) => s.name === 'digest').map(stopOne));
      await Promise.allSettled(started.filter((s) => s.name !== 'digest').map(stopOne));
      await health?.close();
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

  const adapters = platformAdapters(parts, (err) => {
    // Discord ended the session for good (token revoked): shut down cleanly, but report failure.
    logger.error({ code: err.code }, err.message);
    void stop().then(() => process.exit(1));
  });
  // Digests post through the adapters' posters, so the scheduler starts after them and stops first.
  const all: Adapter[] = [...adapters, ...(adapters.length > 0 ? [digestPart(parts, postersOf(adapters))] : []), retentionPart(parts)];
  let allStarted = false;

  try {
    if (config.HEALTH_PORT !== undefined && !terminal) {
      // Listening before the parts start: /healthz says alive at once, /readyz says what is still starting.
      const checks = (): Record<string, Check> => {
        const c: Record<string, Check> = {
          corpus: () => (engine.stats().passages > 0 ? true : 'no passages loaded'),
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
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.stop(1000)));
    await health?.close();
    store.close();
    fail(err instanceof ReportBotError ? err.message : `Could not start: ${(err as Error).message}`, logger, err);
  }

  startupDone();
  const running = (names: string[]): Running => ({ adapters: names, ...(health ? { healthPort: health.port } : {}), stop });

  if (terminal) {
    logger.info('no Slack or Discord settings: terminal mode');
    const session = terminalPart(parts);
    // A signal ends the session (the question being answered finishes) before the database closes.
    started.push(session);
    await session.start();
    await session.finished;
    await stop();
    return running(['terminal']);
  }
  const names = started.filter((s) => s.name !== 'retention').map((s) => s.name);
  // The order main.test and operators know: the scheduler first, as it stops first.
  names.sort((a, b) => (a === 'digest' ? -1 : b === 'digest' ? 1 : 0));
  logger.info({ adapters: names }, 'report-bot running');
  return running(names);
}

/** Runs the process: reads `.env`, starts, and exits with the right status (the entry points call it). */
export function runMain(): void {
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

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) runMain();
