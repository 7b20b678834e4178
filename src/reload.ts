/**
 * Live updates of `CORPUS_DIR` (issue 9): the corpus is opened once at start-up (from the index cache
 * when the reports are unchanged), and in chat modes the folder is watched — a report added, replaced
 * or removed is re-read in the background, a complete new engine is built beside the serving one and
 * swapped in with one assignment ({@link EngineHolder}). Questions are answered by the previous engine
 * until then, and no question ever sees a half-built one.
 *
 * Debounce: every change event restarts a timer of `debounceMs`; when it fires, the folder's sizes and
 * times are compared with those seen at the previous firing, and only when they have not moved for a
 * whole period is the folder read. A 30 MB PDF copied in many writes is one reload, and a file still
 * growing is not read half-written.
 */
import { watch as fsWatch } from 'node:fs';
import { Engine, type EngineOptions } from './answer/engine.ts';
import { EngineHolder } from './answer/live.ts';
import type { IndexCache } from './answer/cache.ts';
import { buildInWorker } from './answer/build-worker.ts';
import { CorpusFolder, type FolderLoad, type Scan } from './corpus/folder.ts';
import type { Logger } from './log.ts';
import { realTimer, type Timer } from './timer.ts';

/** Starts watching a folder; `onChange` is called for every event. The default is `fs.watch`. */
export type WatchFn = (dir: string, onChange: () => void, onError: (err: Error) => void) => { close(): void };

const fsWatcher: WatchFn = (dir, onChange, onError) => {
  // A flat folder: no `recursive` (not supported on Linux before Node 20 and not needed here).
  const w = fsWatch(dir, { persistent: false }, () => onChange());
  w.on('error', onError);
  return w;
};

/** How the engine was opened or rebuilt, for the log, `/reports` and the bench. */
export interface Opened {
  engine: Engine;
  fromCache: boolean;
  /** From the start of {@link LiveCorpus.open} to a ready engine (writing the cache after a build not included). */
  ms: number;
  /** Time spent writing the cache after a build, if it was written. */
  cacheWriteMs?: number;
}

/** The serving corpus: its folder, the engine holder, the index cache. */
export class LiveCorpus {
  readonly folder: CorpusFolder;
  readonly holder: EngineHolder;
  private constructor(
    folder: CorpusFolder,
    holder: EngineHolder,
    private readonly options: Partial<EngineOptions>,
    private readonly cache: IndexCache | undefined,
    private readonly logger: Logger,
    private readonly worker: boolean,
  ) {
    this.folder = folder;
    this.holder = holder;
  }

  /**
   * Opens `dir` at start-up: from the index cache when it holds this exact corpus, else by reading
   * every report (the loader's rules: a broken `.md` stops start-up) and building — then caching.
   */
  static async open(
    dir: string,
    opts: {
      options?: Partial<EngineOptions>;
      cache?: IndexCache;
      logger: Logger;
      /** Reloads build in a worker thread (default true); start-up builds in-thread, nothing is served yet. */
      worker?: boolean;
    },
  ): Promise<LiveCorpus & { opened: Opened }> {
    const started = performance.now();
    const folder = new CorpusFolder(dir, opts.logger);
    const scan = await folder.scan();
    const options = opts.options ?? {};
    let engine = opts.cache?.load(scan, options);
    const fromCache = engine !== undefined;
    let ms = 0;
    let cacheWriteMs: number | undefined;
    if (engine) {
      folder.adopt(scan, engine.corpus);
      ms = performance.now() - started;
    } else {
      const load = await folder.load(scan, { strict: true });
      // With a cache to write, the snapshot is encoded during the build (not made again after it).
      const built = load.faithful && opts.cache ? Engine.fromCorpusWithSnapshot(load.corpus, options) : { engine: Engine.fromCorpus(load.corpus, options), snapshot: null };
      engine = built.engine;
      ms = performance.now() - started;
      if (built.snapshot && opts.cache?.saveBytes(scan, options, built.snapshot)) cacheWriteMs = Math.round(performance.now() - started - ms);
    }
    const live = new LiveCorpus(folder, new EngineHolder(engine), options, opts.cache, opts.logger, opts.worker ?? true);
    return Object.assign(live, { opened: { engine, fromCache, ms: Math.round(ms), ...(cacheWriteMs === undefined ? {} : { cacheWriteMs }) } });
  }

  /** The engine to answer with now. */
  current(): Engine {
    return this.holder.current();
  }

  /**
   * Reads the folder again and swaps in a new engine when anything changed. Never throws: a folder that
   * cannot be read, or holds no readable report any more, is logged and the current engine kept.
   * Resolves to what happened. `prepare` runs on a new engine before it is swapped in (warm-up).
   */
  async reload(prepare?: (engine: Engine) => void): Promise<ReloadOutcome> {
    const started = performance.now();
    const log = this.logger;
    let scan: Scan;
    try {
      scan = await this.folder.scan();
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'corpus reload failed; still serving the reports loaded before');
      return { kind: 'failed', reason: (err as Error).message };
    }
    const before = this.folder.current;
    if (before && before.fingerprint === scan.fingerprint) return { kind: 'unchanged' };
    let load: FolderLoad;
    try {
      load = await this.folder.load(scan, { strict: false });
    } catch (err) {
      log.warn({ err: (err as Error).message }, `corpus reload failed; still serving the reports loaded before: ${(err as Error).message}`);
      return { kind: 'failed', reason: (err as Error).message };
    }
    let engine: Engine | undefined;
    let fromCache = false;
    let builtIn: 'worker' | 'main thread' | 'cache' = 'cache';
    if (load.faithful) {
      engine = this.cache?.load(scan, this.options);
      if (engine) {
        fromCache = true;
        this.folder.adopt(scan, engine.corpus);
      }
    }
    if (!engine) {
      try {
        ({ engine, builtIn } = await this.build(load, scan));
      } catch (err) {
        // Not served: the next change event must not find the folder "unchanged".
        this.folder.forgetScan();
        log.error({ err }, 'corpus reload failed building the index; still serving the reports loaded before');
        return { kind: 'failed', reason: (err as Error).message };
      }
    }
    try {
      prepare?.(engine);
    } catch (err) {
      log.warn({ err }, 'warming the reloaded engine failed; swapping it in anyway');
    }
    this.holder.swap(engine);
    const stats = engine.stats();
    const ms = Math.round(performance.now() - started);
    log.info(
      { documents: stats.documents, passages: stats.passages, read: load.read, removed: load.removed, kept: (engine.corpus.kept ?? []).map((k) => k.file), builtIn, ms },
      'corpus reloaded',
    );
    return { kind: 'reloaded', engine, read: load.read, removed: load.removed, fromCache, ms, builtIn };
  }

  /**
   * Builds the engine over a reload's corpus: in a worker thread, so the serving engine keeps answering
   * while it indexes, then read back from the snapshot the worker made (which is also what the cache
   * saves). If the worker cannot run, in this thread.
   */
  private async build(load: FolderLoad, scan: Scan): Promise<{ engine: Engine; builtIn: 'worker' | 'main thread' }> {
    if (this.worker) {
      try {
        const bytes = await buildInWorker(load.corpus, this.options);
        const engine = Engine.fromSnapshot(bytes, this.options);
        if (load.corpus.kept) engine.corpus.kept = load.corpus.kept;
        if (load.faithful) {
          this.cache?.saveBytes(scan, this.options, bytes);
          // The engine's documents (read back from the bytes) become what each file was read as: one copy in memory.
          this.folder.adopt(scan, engine.corpus);
        }
        return { engine, builtIn: 'worker' };
      } catch (err) {
        this.logger.warn({ err: (err as Error).message }, 'building the index in a worker thread failed; building it in the main thread');
      }
    }
    if (load.faithful && this.cache) {
      const { engine, snapshot } = Engine.fromCorpusWithSnapshot(load.corpus, this.options);
      this.cache.saveBytes(scan, this.options, snapshot);
      return { engine, builtIn: 'main thread' };
    }
    return { engine: Engine.fromCorpus(load.corpus, this.options), builtIn: 'main thread' };
  }
}

export type ReloadOutcome =
  | { kind: 'unchanged' }
  | { kind: 'failed'; reason: string }
  | { kind: 'reloaded'; engine: Engine; read: string[]; removed: string[]; fromCache: boolean; ms: number; /** Where the index was built. */ builtIn: 'worker' | 'main thread' | 'cache' };

export interface WatcherOptions {
  /** Quiet time (ms) before a reload; see the module comment. */
  debounceMs: number;
  logger: Logger;
  watch?: WatchFn;
  timer?: Timer;
  /** Runs on each new engine before it is swapped in (the bot warms it up: digest facts, a first answer). */
  prepare?: (engine: Engine) => void;
  /** Called after each reload attempt (tests, the bench). */
  onReload?: (outcome: ReloadOutcome) => void;
}

/** Watches the live corpus's folder and reloads it after each quiet period. */
export class CorpusWatcher {
  private handle: { close(): void } | undefined;
  private timer: unknown = null;
  private lastStamps: string | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = true;

  constructor(
    private readonly live: LiveCorpus,
    private readonly options: WatcherOptions,
  ) {}

  private get clock(): Timer {
    return this.options.timer ?? realTimer;
  }

  /** Starts watching. A folder that cannot be watched is logged; the bot serves what it loaded. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    try {
      this.handle = (this.options.watch ?? fsWatcher)(this.live.folder.dir, () => this.notify(), (err) => {
        this.options.logger.warn({ err: err.message, dir: this.live.folder.dir }, 'stopped watching CORPUS_DIR; restart the bot to pick up changes');
        this.handle?.close();
        this.handle = undefined;
      });
      this.options.logger.info({ dir: this.live.folder.dir, debounceMs: this.options.debounceMs }, 'watching CORPUS_DIR for changes');
    } catch (err) {
      this.options.logger.warn({ err: (err as Error).message, dir: this.live.folder.dir }, 'cannot watch CORPUS_DIR; restart the bot to pick up changes');
    }
  }

  /** A change event: (re)starts the quiet period. */
  notify(): void {
    if (this.stopped) return;
    if (this.timer !== null) this.clock.clear(this.timer);
    this.timer = this.clock.set(() => {
      this.timer = null;
      void this.tick();
    }, this.options.debounceMs);
  }

  /** The quiet period ended: reload if the folder held still over it, else wait one more. */
  private async tick(): Promise<void> {
    if (this.stopped) return;
    if (this.running) {
      // A reload is under way: look again once it is done.
      this.again = true;
      return;
    }
    const stamps = await this.live.folder.stamps();
    if (stamps !== this.lastStamps) {
      this.lastStamps = stamps;
      this.notify();
      return;
    }
    this.running = this.live
      .reload(this.options.prepare)
      .then((outcome) => this.options.onReload?.(outcome))
      .catch((err: unknown) => this.options.logger.error({ err }, 'corpus reload failed; still serving the reports loaded before'))
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.notify();
        }
      });
    await this.running;
  }

  /** Stops watching; waits for a reload under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clear(this.timer);
    this.timer = null;
    this.handle?.close();
    this.handle = undefined;
    await this.running;
  }
}
