/**
 * The engine a running bot answers with, swappable as a whole: the reloader (`src/reload.ts`) builds a
 * complete new engine beside the serving one and {@link EngineHolder.swap}s it in with one assignment.
 * Every command invocation reads {@link engineOf} once, when its context is made, so a question is
 * answered by one engine from start to end — the old one or the new one, never a mix.
 */
import type { Engine } from './engine.ts';

/** Something that hands out the engine to use now. */
export interface EngineSource {
  current(): Engine;
}

/** An engine, or a source of the current one: what adapters and the digest scheduler are given. */
export type EngineRef = Engine | EngineSource;

/** Holds the serving engine; `swap` replaces it atomically (a single reference assignment). */
export class EngineHolder implements EngineSource {
  private engine: Engine;
  private readonly listeners = new Set<(next: Engine, previous: Engine) => void>();

  constructor(engine: Engine) {
    this.engine = engine;
  }

  current(): Engine {
    return this.engine;
  }

  /** Serves `next` from now on; returns the engine it replaced. */
  swap(next: Engine): Engine {
    const previous = this.engine;
    this.engine = next;
    for (const l of this.listeners) l(next, previous);
    return previous;
  }

  /** Calls `fn` after each swap; returns a function that stops it. */
  onSwap(fn: (next: Engine, previous: Engine) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}

/** The engine to use now: the engine itself, or its source's current one. */
export function engineOf(ref: EngineRef): Engine {
  return isSource(ref) ? ref.current() : ref;
}

function isSource(ref: EngineRef): ref is EngineSource {
  return typeof (ref as Partial<EngineSource>).current === 'function';
}
