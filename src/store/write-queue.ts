/**
 * Writes that must not hold up an answer (the question log, feedback, processed-event keys) are
 * tried once without waiting for a lock; when the database is locked or failing they wait here and are
 * flushed later with backoff, off the request path. The queue is short and bounded: when it is full
 * the oldest write is dropped and logged, because a lost log line is better than a bot that stops.
 */
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { isBusy, storeError, type Store } from './store.ts';

/** Queue tuning, with documented defaults in {@link defaultWriteQueueOptions}. */
export interface WriteQueueOptions {
  /** Most writes held while the database is unavailable; the oldest is dropped beyond this. */
  maxPending: number;
  /** First wait before a flush is retried; doubles up to {@link maxDelayMs}. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A write that failed this many flushes for a reason other than a lock is dropped and logged. */
  maxAttempts: number;
}

export const defaultWriteQueueOptions: WriteQueueOptions = {
  // About 15 s of questions at 300 a second, a few megabytes at most.
  maxPending: 5_000,
  baseDelayMs: 50,
  maxDelayMs: 5_000,
  maxAttempts: 20,
};

/** One queued write: what it is (for the log) and the statement(s) to run. */
export interface QueuedWrite {
  what: string;
  run(store: Store): void;
}

interface Pending extends QueuedWrite {
  attempts: number;
}

export class WriteQueue {
  readonly options: WriteQueueOptions;
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private delay: number;
  /** Writes dropped because the queue was full or they kept failing (for tests and the log). */
  dropped = 0;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger = silentLogger,
    options: Partial<WriteQueueOptions> = {},
  ) {
    this.options = { ...defaultWriteQueueOptions, ...options };
    this.delay = this.options.baseDelayMs;
  }

  /** Writes held for a later flush. */
  get size(): number {
    return this.pending.length;
  }

  /**
   * Runs the write now if the database takes it without waiting; otherwise queues it. Returns true
   * when it was written now. Never throws and never blocks on a lock.
   */
  write(w: QueuedWrite): boolean {
    if (this.pending.length === 0 && this.store.db.open) {
      try {
        this.store.tryNow(() => w.run(this.store));
        return true;
      } catch (err) {
        this.logger.warn({ err: storeError(this.store.path, err, w.what), what: w.what }, 'database write deferred');
      }
    }
    this.enqueue({ ...w, attempts: 1 });
    return false;
  }

  private enqueue(p: Pending): void {
    this.pending.push(p);
    const overflow = this.pending.splice(0, Math.max(0, this.pending.length - this.options.maxPending));
    for (const lost of overflow) {
      this.dropped++;
      this.logger.error({ what: lost.what, database: this.store.path }, 'database write dropped: the queue is full (DATABASE_PATH unavailable for too long)');
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.pending.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, this.delay);
    this.timer.unref();
  }

  /** Writes what is queued, in order, until the first failure; reschedules the rest with backoff. */
  flush(): void {
    for (let next = this.pending[0]; next && this.store.db.open; next = this.pending[0]) {
      try {
        this.store.tryNow(() => next.run(this.store));
        this.pending.shift();
        this.delay = this.options.baseDelayMs;
      } catch (err) {
        next.attempts++;
        if (!isBusy(err) && next.attempts > this.options.maxAttempts) {
          this.pending.shift();
          this.dropped++;
          this.logger.error({ err: storeError(this.store.path, err, next.what), what: next.what }, 'database write dropped after repeated failures');
          continue;
        }
        this.delay = Math.min(this.options.maxDelayMs, this.delay * 2);
        break;
      }
    }
    this.schedule();
  }

  /** Shutdown: one last flush, waiting for locks as usual (the process is about to close the file). */
  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    for (let next = this.pending[0]; next && this.store.db.open; next = this.pending[0]) {
      this.pending.shift();
      try {
        next.run(this.store);
      } catch (err) {
        this.dropped++;
        this.logger.error({ err: storeError(this.store.path, err, next.what), what: next.what }, 'database write lost at shutdown');
      }
    }
  }
}

const queues = new WeakMap<Store, WriteQueue>();

/** The one queue of a store (shared by every adapter of the process). */
export function writeQueueFor(store: Store, logger?: Logger): WriteQueue {
  let q = queues.get(store);
  if (!q) {
    const queue = new WriteQueue(store, logger);
    queues.set(store, queue);
    store.onClose(() => queue.close());
    q = queue;
  }
  return q;
}
