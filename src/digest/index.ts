/**
 * The digest feature's entry point for the composition root (`src/compose.ts`): starts the
 * {@link DigestScheduler} loop with the adapters' {@link Poster}s. It knows the posters only, never a
 * platform's client. Stop it before the database closes.
 */
import { engineOf, type EngineRef } from '../answer/live.ts';
import { slackCommandName } from '../adapters/slack/manifest.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { factsFor } from './facts.ts';
import { defaultLabel } from './message.ts';
import type { Poster } from './posters.ts';
import { DigestScheduler, type Timer } from './scheduler.ts';
import { DigestStore } from './store.ts';

export { DigestScheduler } from './scheduler.ts';
export { extractFacts, factsFor, type Fact } from './facts.ts';
export { ChannelGoneError, MessageRejectedError, type Poster } from './posters.ts';

export interface DigestServiceDeps {
  config: Config;
  /** The engine, or the holder a reload swaps into: facts are read from its current corpus at each digest. */
  engine: EngineRef;
  store: Store;
  logger: Logger;
  /** One poster per running platform that can post on its own (`slack`, `discord`). */
  posters: Readonly<Partial<Record<string, Poster>>>;
  /** Tests: clock and timer. */
  now?: () => Date;
  timer?: Timer;
}

/** A started scheduler, shaped like main.ts's other stoppables. */
export interface DigestService {
  name: 'digest';
  scheduler: DigestScheduler;
  /**
   * Stops the loop: backoff waits end at once, and a post in flight gets at most `graceMs` (capped at
   * the scheduler's `stopGraceMs`, 2 s by default) to report back.
   */
  stop(graceMs?: number): Promise<void>;
}

/** Starts posting digests for every platform that has a poster. */
export function startDigestScheduler(deps: DigestServiceDeps): DigestService {
  const posters = deps.posters;
  const log = deps.logger.child({ component: 'digest' });
  const corpus = engineOf(deps.engine).corpus;
  const facts = factsFor(corpus);
  const scheduler = new DigestScheduler({
    store: new DigestStore(deps.store),
    corpus,
    facts,
    current: () => {
      const now = engineOf(deps.engine).corpus;
      return { corpus: now, facts: factsFor(now) };
    },
    posters,
    logger: log,
    commandLabel: (platform) => (platform === 'slack' ? (name) => slackCommandName(deps.config, name) : defaultLabel),
    options: { catchupHours: deps.config.DIGEST_CATCHUP_HOURS },
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.timer ? { timer: deps.timer } : {}),
  });
  scheduler.start();
  log.info({ platforms: Object.keys(posters), facts: facts.length }, 'digest scheduler started');
  // main.ts stops the scheduler first and only then gives the adapters their own grace period, all
  // inside one 10 s shutdown budget; so the grace it offers is capped here, or a slow Slack call
  // could eat the adapters' time and push the process past its hard deadline.
  const cap = scheduler.options.stopGraceMs;
  return { name: 'digest', scheduler, stop: (graceMs) => scheduler.stop(Math.min(graceMs ?? cap, cap)) };
}
