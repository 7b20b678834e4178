/**
 * Start-up work done before any adapter listens, so a platform's first requests never wait for it:
 * the digest facts are extracted (the scheduler starts with them cached) and one question and one
 * search run through the engine, so its lazy structures and the JIT are warm. Issue 8, item 5.
 */
import { factsFor } from './digest/facts.ts';
import type { Engine } from './answer/engine.ts';
import type { Logger } from './log.ts';

/** What {@link warmUp} did, for the start-up log line. */
export interface WarmUp {
  facts: number | null;
  ms: number;
}

export function warmUp(engine: Engine, logger: Logger, opts: { digests: boolean }): WarmUp {
  const started = performance.now();
  const facts = opts.digests ? factsFor(engine.corpus).length : null;
  engine.answer('What does the report say?');
  engine.search('report', { limit: 5 });
  const done = { facts, ms: Math.round(performance.now() - started) };
  logger.info(done, 'start-up work done');
  return done;
}
