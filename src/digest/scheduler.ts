/**
 * Posts due digests, exactly once per (subscription, local date).
 *
 * `runDue(now)` is the whole algorithm, and the production loop only calls it at the right moments:
 * 1. for each running subscription, the latest scheduled time at or before `now` (in its zone, on its
 *    days, not before it was subscribed) is the candidate;
 * 2. the day's delivery row is claimed in an IMMEDIATE transaction ({@link DigestStore.claim}) — only
 *    the process that inserted the row (or flipped a failed row back to claimed) posts;
 * 3. the post is tried a few times with backoff; success marks the row sent and advances the rotation,
 *    a "channel gone" error pauses the subscription, a rejected message (the platform refused the body)
 *    closes the day as failed and advances the rotation, other failures leave the row failed with a
 *    retry time that a later run honours while the digest is still within the catch-up window;
 * 4. a day that is later than `DIGEST_CATCHUP_HOURS` is recorded as skipped and logged.
 *
 * One subscription's error is logged and does not stop the others. `stop(graceMs)` ends the backoff
 * waits at once and waits at most `graceMs` for a post in flight.
 *
 * The clock, the sleep between retries and the timer are injected, so tests never wait.
 */
import { randomBytes } from 'node:crypto';
import type { Reply } from '../../commands/types.ts';
import type { Corpus } from '../corpus/types.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import type { Fact } from './facts.ts';
import { digestReply, defaultLabel, type CommandLabel } from './message.ts';
import { DigestStore, type Delivery, type Subscription } from './store.ts';
import { latestOccurrence, nextOccurrence } from './time.ts';
import { ChannelGoneError, MessageRejectedError, type DeliveryKey, type Poster } from './posters.ts';
import { storeError } from '../store/store.ts';
import { realTimer, type Timer } from '../timer.ts';

/** A post that reached the platform but could not be recorded yet (the database was locked or full). */
interface Unrecorded {
  sub: Subscription;
  delivery: Delivery;
  attempts: number;
  ref: string | null;
  at: Date;
}

const keyOf = (d: Delivery): DeliveryKey => ({ id: d.id, subscriptionId: d.subscriptionId, localDate: d.localDate, claimedAt: d.claimedAt ?? d.scheduledAt });

/** Scheduler tuning, with documented defaults in {@link defaultSchedulerOptions}. */
export interface SchedulerOptions {
  /** A digest may be posted at most this many hours after its time (`DIGEST_CATCHUP_HOURS`). */
  catchupHours: number;
  /** Post attempts within one run before the day is left for a later run. */
  attemptsPerRun: number;
  /** Wait before the second attempt; doubles for each further one. */
  retryBaseMs: number;
  /** A later run retries a failed day after this long, doubling with each failed run (capped at an hour). */
  runRetryBaseMs: number;
  /** A claim older than this whose process never reported back is given up (not re-posted). */
  leaseMs: number;
  /** The production loop wakes at least this often (it also wakes at the next scheduled time). */
  maxSleepMs: number;
  /** How long {@link DigestScheduler.stop} waits for a post in flight when not told otherwise. */
  stopGraceMs: number;
  /**
   * Tries at recording a successful post (the database may be locked or full) before it is held in
   * memory and recorded by a later run. The post itself is never repeated.
   */
  recordAttempts: number;
  /** Wait before the second try at recording; doubles for each further one. */
  recordRetryBaseMs: number;
}

export const defaultSchedulerOptions: SchedulerOptions = {
  catchupHours: 6,
  attemptsPerRun: 3,
  retryBaseMs: 2_000,
  runRetryBaseMs: 5 * 60_000,
  leaseMs: 15 * 60_000,
  maxSleepMs: 60_000,
  stopGraceMs: 2_000,
  recordAttempts: 5,
  recordRetryBaseMs: 500,
};

export type { Timer } from '../timer.ts';

export interface SchedulerDeps {
  store: DigestStore;
  corpus: Corpus;
  facts: readonly Fact[];
  /**
   * The corpus and facts to use now, read each time facts are picked or a digest is rendered: with a
   * reloaded corpus, removed reports' facts leave the rotation and new ones join at the next digest.
   * Default: `corpus` and `facts` above, fixed.
   */
  current?: () => { corpus: Corpus; facts: readonly Fact[] };
  /** One poster per platform; subscriptions of a platform without a poster wait (nothing is claimed). */
  posters: Partial<Record<string, Poster>>;
  now?: () => Date;
  /**
   * The wait between post attempts. It should end early when `signal` aborts (the scheduler is
   * stopping); the scheduler checks the signal afterwards either way and stops retrying.
   */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  timer?: Timer;
  logger?: Logger;
  /** How `/ask` is written on a platform (Slack command prefix). */
  commandLabel?: (platform: string) => CommandLabel;
  options?: Partial<SchedulerOptions>;
  /** Names this process in claims (`claimed_by`); random by default. */
  owner?: string;
}

/** What one run did, for logs, the CLI and tests. */
export interface RunReport {
  posted: Array<{ subscriptionId: number; localDate: string; attempts: number }>;
  skipped: Array<{ subscriptionId: number; localDate: string; reason: string }>;
  failed: Array<{ subscriptionId: number; localDate: string; error: string }>;
  paused: Array<{ subscriptionId: number; reason: string }>;
  /** Subscriptions whose handling threw (a corrupt row, a store error); the others were still served. */
  errors: Array<{ subscriptionId: number; error: string }>;
}

/** Posts due digests; see the module comment for the algorithm. */
export class DigestScheduler {
  readonly options: SchedulerOptions;
  private readonly deps: SchedulerDeps;
  private readonly owner: string;
  /** The facts of the corpus last read, by id, and their ids in rotation order. */
  private view: { corpus: Corpus; facts: readonly Fact[]; byId: Map<string, Fact>; factIds: string[] };
  private running: Promise<RunReport> | null = null;
  private handle: unknown = null;
  private stopped = true;
  private loop: Promise<void> | null = null;
  /** Aborted by {@link stop}: ends backoff waits and keeps a run from starting more posts. */
  private abort = new AbortController();
  /** Posted but not yet recorded, by delivery id: recorded first thing in every run, never re-posted. */
  private readonly unrecorded = new Map<number, Unrecorded>();

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
    this.options = { ...defaultSchedulerOptions, ...deps.options };
    this.owner = deps.owner ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.view = viewOf(deps.corpus, deps.facts);
  }

  /** The current corpus's facts (re-indexed only when the corpus changed). */
  private facts(): { corpus: Corpus; byId: Map<string, Fact>; factIds: string[] } {
    const now = this.deps.current?.();
    if (now && (now.corpus !== this.view.corpus || now.facts !== this.view.facts)) this.view = viewOf(now.corpus, now.facts);
    return this.view;
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private sleep(ms: number, signal: AbortSignal): Promise<void> {
    return (this.deps.sleep ?? abortableSleep)(ms, signal);
  }

  /** The digest a delivery stands for (its facts were fixed when it was claimed). */
  replyFor(sub: Subscription, d: Pick<Delivery, 'factIds' | 'firstPosition' | 'lastPosition' | 'total'>): Reply {
    const view = this.facts();
    const facts = d.factIds.map((id) => view.byId.get(id)).filter((f): f is Fact => f !== undefined);
    const label = this.deps.commandLabel?.(sub.platform) ?? defaultLabel;
    return digestReply(view.corpus, facts, { first: d.firstPosition ?? 1, last: d.lastPosition ?? facts.length, total: d.total ?? view.factIds.length }, label);
  }

  /**
   * Posts every digest due at `now`. Concurrent calls in one process share one run; across processes
   * the delivery claim keeps each day to one post.
   */
  runDue(now: Date = this.now()): Promise<RunReport> {
    if (this.running) return this.running;
    // A run asked for after stop() (an explicit call, or start() again) is a new beginning.
    if (this.abort.signal.aborted) this.abort = new AbortController();
    this.running = this.run(now).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async run(now: Date): Promise<RunReport> {
    // Timestamps during the run (sent_at, retry times) are `now` plus the time the run has taken, so a
    // run for an explicit instant (tests, `digest run-due --now`) stays on that timeline.
    const started = this.now().getTime();
    const clock = (): Date => new Date(now.getTime() + Math.max(0, this.now().getTime() - started));
    const report: RunReport = { posted: [], skipped: [], failed: [], paused: [], errors: [] };
    const signal = this.abort.signal;
    if (this.facts().factIds.length === 0) {
      this.log.warn('digest: the corpus has no facts; nothing to post');
      return report;
    }
    const store = this.deps.store;
    this.recordPending();
    for (const sub of store.running()) {
      // Stopping: start nothing new (the database may close once stop() returns).
      if (signal.aborted) break;
      try {
        await this.runOne(sub, now, report, clock, signal);
      } catch (err) {
        // One broken subscription (a corrupt row, a store error) must not keep the others from their
        // digests. A day it had already claimed stays claimed and is given up after the lease, never
        // posted twice.
        const named = /^SQLITE_/.test(String((err as { code?: unknown } | null)?.code ?? '')) ? storeError(store.store.path, err, 'run a digest') : err;
        const error = named instanceof Error ? named.message : String(named);
        this.log.error({ err: named, subscriptionId: sub.id, platform: sub.platform }, 'digest subscription failed');
        report.errors.push({ subscriptionId: sub.id, error });
      }
    }
    return report;
  }

  /** Claims and posts one subscription's due digest, if any. */
  private async runOne(sub: Subscription, now: Date, report: RunReport, clock: () => Date, signal: AbortSignal): Promise<void> {
    const store = this.deps.store;
    const poster = this.deps.posters[sub.platform];
    if (!poster) return;
    const { at, localDate } = latestOccurrence(sub, now);
    if (at.getTime() < sub.activeSince.getTime()) return;
    for (const u of this.unrecorded.values()) if (u.sub.id === sub.id && u.delivery.localDate === localDate) return;
    this.recordMissedDays(sub, at, report);
    const outcome = store.claim({
      subscription: sub,
      localDate,
      scheduledAt: at,
      now,
      factIds: this.facts().factIds,
      catchupMs: this.options.catchupHours * 3_600_000,
      leaseMs: this.options.leaseMs,
      owner: this.owner,
      reconcile: Boolean(poster.find),
    });
    if (outcome.kind === 'stale') {
      await this.reconcile(sub, outcome.delivery, poster, report, clock, signal);
      return;
    }
    if (outcome.kind === 'skipped') {
      const reason = outcome.delivery.message ?? 'skipped';
      // Logged once: the row now exists, so later runs see 'taken'.
      this.log.warn({ subscriptionId: sub.id, platform: sub.platform, localDate, reason }, 'digest skipped');
      report.skipped.push({ subscriptionId: sub.id, localDate, reason });
      return;
    }
    if (outcome.kind !== 'claimed') return;
    await this.deliver(sub, outcome.delivery, poster, report, clock, signal);
  }

  /**
   * Days before the current one that were never attempted (the bot was down over them) are recorded
   * as skipped and logged once; only the latest due digest is ever posted, so a channel never gets a
   * burst of old digests after downtime. Looks back at most a week, and stops at the first day that
   * already has a row.
   */
  private recordMissedDays(sub: Subscription, latest: Date, report: RunReport): void {
    let before = latest;
    for (let i = 0; i < 7; i++) {
      const { at, localDate } = latestOccurrence(sub, new Date(before.getTime() - 1));
      if (at.getTime() < sub.activeSince.getTime()) return;
      const reason = 'missed while the bot was not running; a later digest took its place';
      if (!this.deps.store.recordMissed(sub.id, localDate, at, reason)) return;
      this.log.warn({ subscriptionId: sub.id, platform: sub.platform, localDate, reason }, 'digest skipped');
      report.skipped.push({ subscriptionId: sub.id, localDate, reason });
      before = at;
    }
  }

  private async deliver(sub: Subscription, delivery: Delivery, poster: Poster, report: RunReport, clock: () => Date, signal: AbortSignal): Promise<void> {
    const store = this.deps.store;
    const reply = this.replyFor(sub, delivery);
    let attempts = delivery.attempts;
    if (reply.items.length === 0) {
      // The claimed facts left the corpus (a report was removed before a retry): nothing to post today.
      store.markFailed(delivery, this.owner, attempts, 'the facts of this digest are no longer in the corpus', null);
      report.failed.push({ subscriptionId: sub.id, localDate: delivery.localDate, error: 'facts no longer in the corpus' });
      return;
    }
    let lastError = '';
    for (let i = 0; i < this.options.attemptsPerRun; i++) {
      if (i > 0) {
        if (!signal.aborted) await this.sleep(this.options.retryBaseMs * 2 ** (i - 1), signal);
        if (signal.aborted) {
          // Stopping during a backoff wait: the last attempt failed and nothing is in flight, so the
          // day is marked failed with a retry time (below), exactly as when this run's attempts are
          // used up; the next run or process claims that same row again, so it still posts only once.
          this.log.info({ subscriptionId: sub.id, platform: sub.platform, localDate: delivery.localDate, attempts }, 'digest retry interrupted by stop');
          break;
        }
      }
      attempts++;
      let result: { ref?: string } | void;
      try {
        result = await poster(sub, reply, keyOf(delivery));
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        if (err instanceof MessageRejectedError) {
          // The platform refused this body (4xx): the same body would be refused on every retry, and
          // since the rotation only moves on success the next day would build it again. Close the day
          // as failed and move on (see DigestStore.markRejected for why not pause).
          store.markRejected(delivery, this.owner, clock(), attempts, err.reason);
          this.log.error({ subscriptionId: sub.id, platform: sub.platform, localDate: delivery.localDate, reason: err.reason }, 'digest rejected by the platform; day closed, rotation advanced');
          report.failed.push({ subscriptionId: sub.id, localDate: delivery.localDate, error: err.reason });
          return;
        }
        if (err instanceof ChannelGoneError) {
          const at = clock();
          store.markFailed(delivery, this.owner, attempts, lastError, null);
          store.pause(sub.id, err.reason, at);
          this.log.warn({ subscriptionId: sub.id, platform: sub.platform, reason: err.reason }, 'digest paused: channel gone');
          report.paused.push({ subscriptionId: sub.id, reason: err.reason });
          return;
        }
        this.log.warn({ subscriptionId: sub.id, platform: sub.platform, attempt: attempts, error: lastError }, 'digest post failed');
        continue;
      }
      // Posted. Whatever happens from here on, this delivery is never posted again: only the
      // bookkeeping is retried.
      await this.record(sub, delivery, attempts, result?.ref ?? null, report, clock, signal);
      return;
    }
    const runsFailed = Math.max(1, Math.ceil(attempts / this.options.attemptsPerRun));
    const retryIn = Math.min(3_600_000, this.options.runRetryBaseMs * 2 ** (runsFailed - 1));
    store.markFailed(delivery, this.owner, attempts, lastError, new Date(clock().getTime() + retryIn));
    report.failed.push({ subscriptionId: sub.id, localDate: delivery.localDate, error: lastError });
  }

  /**
   * Records a successful post, retrying the write (a locked or full database) with backoff; if it
   * still fails, the post is held in memory and recorded by the next run. Counted as posted either way.
   */
  private async record(
    sub: Subscription,
    delivery: Delivery,
    attempts: number,
    ref: string | null,
    report: RunReport,
    clock: () => Date,
    signal: AbortSignal,
    how: 'posted' | 'found in the channel' = 'posted',
  ): Promise<void> {
    const what = { subscriptionId: sub.id, platform: sub.platform, localDate: delivery.localDate, attempts, ref };
    report.posted.push({ subscriptionId: sub.id, localDate: delivery.localDate, attempts });
    const at = clock();
    for (let i = 0; i < this.options.recordAttempts; i++) {
      if (i > 0) await this.sleep(this.options.recordRetryBaseMs * 2 ** (i - 1), signal);
      try {
        this.deps.store.markSent(delivery, this.owner, at, attempts, ref);
        this.log.info(what, how === 'posted' ? 'digest posted' : 'digest found in the channel after an interrupted post; recorded as sent');
        return;
      } catch (err) {
        this.log.warn({ ...what, err: storeError(this.deps.store.store.path, err, 'record a posted digest') }, 'digest posted; recording it failed, will retry the record (not the post)');
      }
    }
    this.unrecorded.set(delivery.id, { sub, delivery, attempts, ref, at });
    this.log.error(what, 'digest posted but not recorded yet; the next run records it, and it is not posted again');
  }

  /** Records posts an earlier run could not write down (see {@link record}). */
  private recordPending(): void {
    for (const [id, u] of this.unrecorded) {
      try {
        this.deps.store.markSent(u.delivery, this.owner, u.at, u.attempts, u.ref);
        this.unrecorded.delete(id);
        this.log.info({ subscriptionId: u.sub.id, localDate: u.delivery.localDate, ref: u.ref }, 'digest post recorded late');
      } catch (err) {
        this.log.warn({ subscriptionId: u.sub.id, err: storeError(this.deps.store.store.path, err, 'record a posted digest') }, 'digest post still not recorded');
      }
    }
  }

  /** Posts held in memory because the database would not take their record (tests, the CLI's report). */
  get unrecordedCount(): number {
    return this.unrecorded.size;
  }

  /**
   * A claim whose process never reported back (it died between claiming and recording): look for the
   * message in the channel. Found: record it as sent. Not found: the post never arrived, so it is
   * posted now (within the catch-up window). The channel cannot be checked: give the day up, since
   * posting could duplicate it (at most once).
   */
  private async reconcile(sub: Subscription, stale: Delivery, poster: Poster, report: RunReport, clock: () => Date, signal: AbortSignal): Promise<void> {
    const store = this.deps.store;
    // The store only reports a stale claim to a caller that said it can look for the post.
    if (!poster.find) throw new Error('internal error: a stale claim to reconcile for a poster that cannot look for its posts');
    const mine = store.takeOver(stale, this.owner, clock());
    if (!mine) return;
    const what = { subscriptionId: sub.id, platform: sub.platform, localDate: mine.localDate, claimedBy: stale.claimedBy };
    const reply = this.replyFor(sub, mine);
    let found: { ref: string } | null;
    try {
      found = await poster.find(sub, reply, keyOf(stale));
    } catch (err) {
      const reason = `interrupted while posting, and the channel could not be checked (${err instanceof Error ? err.message : String(err)}); not posted again to avoid a duplicate`;
      store.giveUp(mine, reason.slice(0, 500));
      this.log.warn({ ...what, reason }, 'digest skipped');
      report.skipped.push({ subscriptionId: sub.id, localDate: mine.localDate, reason });
      return;
    }
    if (found) {
      await this.record(sub, mine, Math.max(1, mine.attempts), found.ref, report, clock, signal, 'found in the channel');
      return;
    }
    if (clock().getTime() - mine.scheduledAt.getTime() > this.options.catchupHours * 3_600_000) {
      const reason = 'interrupted while posting and not in the channel; past the catch-up window';
      store.giveUp(mine, reason);
      this.log.warn({ ...what, reason }, 'digest skipped');
      report.skipped.push({ subscriptionId: sub.id, localDate: mine.localDate, reason });
      return;
    }
    this.log.info(what, 'digest interrupted before it reached the channel; posting it now');
    await this.deliver(sub, mine, poster, report, clock, signal);
  }

  /** When the loop should next run: the earliest scheduled time (or pending retry) after `now`. */
  nextWake(now: Date = this.now()): Date {
    let next = now.getTime() + this.options.maxSleepMs;
    for (const sub of this.deps.store.running()) {
      if (!this.deps.posters[sub.platform]) continue;
      next = Math.min(next, nextOccurrence(sub, now).getTime());
    }
    return new Date(next);
  }

  /** Starts the production loop: run what is due now, then sleep until the next due time (≤ a minute). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const tick = (): void => {
      if (this.stopped) return;
      this.loop = this.runDue()
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ err }, 'digest run failed'))
        .finally(() => {
          if (this.stopped) return;
          const wait = Math.max(250, this.nextWake().getTime() - this.now().getTime());
          this.handle = (this.deps.timer ?? realTimer).set(tick, wait);
        });
    };
    tick();
  }

  /**
   * Stops the loop: ends backoff waits at once (no further attempts, see {@link deliver}), then waits
   * at most `graceMs` for a post in flight to report back. If the platform has not answered by then,
   * stop returns anyway so the process can meet its shutdown deadline; that day's claim stays
   * `claimed`, and since nobody knows whether the post arrived, it is given up after the lease rather
   * than posted again.
   */
  async stop(graceMs: number = this.options.stopGraceMs): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) (this.deps.timer ?? realTimer).clear(this.handle);
    this.handle = null;
    this.abort.abort();
    const settled = (async () => {
      await this.loop;
      if (this.running) await this.running.catch(() => undefined);
    })();
    let timeout: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => {
      timeout = setTimeout(() => resolve('expired'), Math.max(0, graceMs));
      timeout.unref?.();
    });
    try {
      if ((await Promise.race([settled.then(() => 'done' as const), expired])) === 'expired') {
        this.log.warn({ graceMs }, 'digest scheduler stopped with a post still in flight; its day will not be posted again');
      }
    } finally {
      clearTimeout(timeout);
    }
  }
}

/** `setTimeout` as a promise that also resolves as soon as `signal` aborts. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function viewOf(corpus: Corpus, facts: readonly Fact[]): { corpus: Corpus; facts: readonly Fact[]; byId: Map<string, Fact>; factIds: string[] } {
  return { corpus, facts, byId: new Map(facts.map((f) => [f.id, f])), factIds: facts.map((f) => f.id) };
}
