/**
 * "Have we handled this platform event already?" — for Slack's retries (the same `event_id`, with
 * `X-Slack-Retry-Num`) and replayed requests (the same signed body). The answer lives in the SQLite
 * store (`processed_event`), so two processes on one file agree: the first to insert a key handles
 * the event. A key is kept for {@link RETRY_WINDOW_MS}; Slack retries within minutes and refuses
 * signatures older than five.
 *
 * The check never blocks on the database: it is tried without waiting for a lock; when the file is
 * locked, this process's own memory decides (a retry to the same process is still caught).
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { isBusy, storeError, type Store } from './store.ts';

/** How long a processed key is remembered: longer than Slack's last retry (about 5 minutes after). */
export const RETRY_WINDOW_MS = 60 * 60_000;

/** A stable fingerprint of a request body (a replay is byte-for-byte the same body). */
export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 40);
}

export class EventDedupe {
  private readonly recent = new Map<string, number>();
  private lastPrune = 0;
  private lastWarning = -Infinity;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger = silentLogger,
    private readonly now: () => number = Date.now,
    private readonly maxInMemory = 50_000,
  ) {}

  /**
   * True the first time a key is seen (handle the event); false for a retry or replay (ignore it).
   * Never throws.
   */
  first(platform: string, key: string): boolean {
    const now = this.now();
    const full = `${platform}:${key}`;
    const seen = this.recent.get(full);
    if (seen !== undefined && now - seen < RETRY_WINDOW_MS) return false;
    this.remember(full, now);
    const at = new Date(now).toISOString();
    const insert = (store: Store) =>
      store.db.prepare('INSERT INTO processed_event (key, platform, seen_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING').run(full, platform, at);
    try {
      const info = this.store.tryNow(() => insert(this.store));
      this.prune(now);
      if (info.changes === 1) return true;
      // Another process inserted it: unless that row is older than the window (then it is stale).
      const row = this.store.db.prepare('SELECT seen_at FROM processed_event WHERE key = ?').get(full) as { seen_at: string } | undefined;
      if (row && now - Date.parse(row.seen_at) >= RETRY_WINDOW_MS) {
        this.store.tryNow(() => this.store.db.prepare('UPDATE processed_event SET seen_at = ? WHERE key = ?').run(at, full));
        return true;
      }
      return false;
    } catch (err) {
      // Locked or failing: decide from this process's memory. The key is not queued for later: the
      // queue is kept for the question log and feedback, and by the time the file is free Slack's
      // retries (seconds to minutes) have mostly come and gone.
      // Once per ten seconds at most: under a held lock every event lands here.
      if (now - this.lastWarning >= 10_000) {
        this.lastWarning = now;
        this.logger.warn({ err: storeError(this.store.path, err, 'record a processed event'), busy: isBusy(err) }, 'event dedupe falls back to this process');
      }
      return true;
    }
  }

  private remember(key: string, now: number): void {
    this.recent.delete(key);
    this.recent.set(key, now);
    while (this.recent.size > this.maxInMemory) {
      const oldest = this.recent.keys().next().value;
      if (oldest === undefined) break;
      this.recent.delete(oldest);
    }
  }

  /** Deletes keys older than the window, at most once a minute. */
  private prune(now: number): void {
    if (now - this.lastPrune < 60_000) return;
    this.lastPrune = now;
    try {
      this.store.tryNow(() =>
        this.store.db.prepare('DELETE FROM processed_event WHERE seen_at < ?').run(new Date(now - RETRY_WINDOW_MS).toISOString()),
      );
    } catch {
      // Pruning is housekeeping; the next minute tries again.
    }
  }
}

const dedupes = new WeakMap<Store, EventDedupe>();

/** The process's dedupe over a store (every adapter shares it). */
export function eventDedupeFor(store: Store, logger?: Logger): EventDedupe {
  let d = dedupes.get(store);
  if (!d) {
    d = new EventDedupe(store, logger);
    dedupes.set(store, d);
  }
  return d;
}
