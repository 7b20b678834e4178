/**
 * The request path's writes: the question log and feedback. Each is tried once without waiting for a
 * lock; if the database is locked or failing, it goes to the {@link WriteQueue} and the answer goes
 * out regardless. A queued question keeps an id allocated here, so the buttons of its answer already
 * carry the id the row will have once it is written.
 */
import { randomInt } from 'node:crypto';
import type { Logger } from '../log.ts';
import type { FeedbackEntry, QuestionLogEntry, Store } from './store.ts';
import { writeQueueFor } from './write-queue.ts';

/**
 * Ids for queued questions: random in [2^40, 2^47), far above any id SQLite's autoincrement reaches in
 * practice, and at most 15 digits as button values require.
 */
const allocateId = (): number => 2 ** 40 + randomInt(2 ** 47 - 2 ** 40);

/** Logs a question and returns its id; never throws and never waits for the database. */
export function logQuestion(store: Store, entry: QuestionLogEntry, logger?: Logger): number {
  try {
    return store.tryNow(() => store.logQuestion(entry));
  } catch {
    const id = allocateId();
    writeQueueFor(store, logger).write({ what: 'log a question', run: (s) => void s.logQuestion({ ...entry, id, at: entry.at ?? new Date() }) });
    return id;
  }
}

/** Records a vote; queued when the database is locked or failing. Never throws. */
export function recordFeedback(store: Store, entry: FeedbackEntry, logger?: Logger): void {
  writeQueueFor(store, logger).write({ what: 'record feedback', run: (s) => s.recordFeedback({ ...entry, at: entry.at ?? new Date() }) });
}
