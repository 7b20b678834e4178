/**
 * Posts due digests, exactly once per (subscription, local date).
 *
 * `runDue(now)` is the whole algorithm, and the production loop only calls it at the right moments:
 * 1. for each running subscription, the latest scheduled time at or before `now` (in its zone, on its
 *    days, not before it was subscribed) is the candidate;
 * 2. the day's delivery row is claimed in an IMMEDIATE transaction ({@link DigestStore.claim}) — only
 *    the process that inserted the row (or flipped a failed row back to claimed) posts;
 * 3. the post is tried a few times with backoff; success marks the row sent and advances the rotation,
 *    a "channel gone" error pauses the subscription, other failures leave the row failed with a retry
 *    time that a later run honours while the digest is still within the catch-up window;
 * 4. a day that is later than `DIGEST_CATCHUP_HOURS` is recorded as skipped and logged.
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
import { ChannelGoneError, type Poster } from './posters.ts';

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
}

export const defaultSchedulerOptions: SchedulerOptions = {
  catchupHours: 6,
  attemptsPerRun: 3,
  retryBaseMs: 2_000,
  runRetryBaseMs: 5 * 60_000,
  leaseMs: 15 * 60_000,
  maxSleepMs: 60_000,
};

/** A timer the loop can use; `setTimeout` in production, a fake in tests. */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface SchedulerDeps {
  store: DigestStore;
  corpus: Corpus;
  facts: readonly Fact[];
  /** One poster per platform; subscriptions of a platform without a poster wait (nothing is claimed). */
  posters: Partial<Record<string, Poster>>;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
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
}

const realTimer: Timer = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Posts due digests; see the module comment for the algorithm. */
export class DigestScheduler {
  readonly options: SchedulerOptions;
  private readonly deps: SchedulerDeps;
  private readonly owner: string;
  private readonly byId: Map<string, Fact>;
  private readonly factIds: string[];
  private running: Promise<RunReport> | null = null;
  private handle: unknown = null;
  private stopped = true;
  private loop: Promise<void> | null = null;

  constructor(deps: SchedulerDeps) {
    this.deps = deps;
    this.options = { ...defaultSchedulerOptions, ...deps.options };
    this.owner = deps.owner ?? `${process.pid}-${randomBytes(4).toString('hex')}`;
    this.byId = new Map(deps.facts.map((f) => [f.id, f]));
    this.factIds = deps.facts.map((f) => f.id);
  }

  private get log(): Logger {
    return this.deps.logger ?? silentLogger;
  }

  private now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  private sleep(ms: number): Promise<void> {
    return (this.deps.sleep ?? ((t) => new Promise((r) => setTimeout(r, t))))(ms);
  }

  /** The digest a delivery stands for (its facts were fixed when it was claimed). */
  replyFor(sub: Subscription, d: Pick<Delivery, 'factIds' | 'firstPosition' | 'lastPosition' | 'total'>): Reply {
    const facts = d.factIds.map((id) => this.byId.get(id)).filter((f): f is Fact => f !== undefined);
    const label = this.deps.commandLabel?.(sub.platform) ?? defaultLabel;
    return digestReply(this.deps.corpus, facts, { first: d.firstPosition ?? 1, last: d.lastPosition ?? facts.length, total: d.total ?? this.factIds.length }, label);
  }

  /**
   * Posts every digest due at `now`. Concurrent calls in one process share one run; across processes
   * the delivery claim keeps each day to one post.
   */
  runDue(now: Date = this.now()): Promise<RunReport> {
    if (this.running) return this.running;
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
    const report: RunReport = { posted: [], skipped: [], failed: [], paused: [] };
    if (this.factIds.length === 0) {
      this.log.warn('digest: the corpus has no facts; nothing to post');
      return report;
    }
    const store = this.deps.store;
    for (const sub of store.running()) {
      const poster = this.deps.posters[sub.platform];
      if (!poster) continue;
      const { at, localDate } = latestOccurrence(sub, now);
      if (at.getTime() < sub.activeSince.getTime()) continue;
      this.recordMissedDays(sub, at, report);
      const outcome = store.claim({
        subscription: sub,
        localDate,
        scheduledAt: at,
        now,
        factIds: this.factIds,
        catchupMs: this.options.catchupHours * 3_600_000,
        leaseMs: this.options.leaseMs,
        owner: this.owner,
      });
      if (outcome.kind === 'skipped') {
        const reason = outcome.delivery.message ?? 'skipped';
        // Logged once: the row now exists, so later runs see 'taken'.
        this.log.warn({ subscriptionId: sub.id, platform: sub.platform, localDate, reason }, 'digest skipped');
        report.skipped.push({ subscriptionId: sub.id, localDate, reason });
        continue;
      }
      if (outcome.kind !== 'claimed') continue;
      await this.deliver(sub, outcome.delivery, poster, report, clock);
    }
    return report;
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

  private async deliver(sub: Subscription, delivery: Delivery, poster: Poster, report: RunReport, clock: () => Date): Promise<void> {
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
      if (i > 0) await this.sleep(this.options.retryBaseMs * 2 ** (i - 1));
      attempts++;
      try {
        const result = await poster(sub, reply);
        store.markSent(delivery, this.owner, clock(), attempts, result?.ref ?? null);
        this.log.info({ subscriptionId: sub.id, platform: sub.platform, localDate: delivery.localDate, attempts }, 'digest posted');
        report.posted.push({ subscriptionId: sub.id, localDate: delivery.localDate, attempts });
        return;
      } catch (err) {
        lastError = err instanceof Error ? err.message : String(err);
        if (err instanceof ChannelGoneError) {
          const at = clock();
          store.markFailed(delivery, this.owner, attempts, lastError, null);
          store.pause(sub.id, err.reason, at);
          this.log.warn({ subscriptionId: sub.id, platform: sub.platform, reason: err.reason }, 'digest paused: channel gone');
          report.paused.push({ subscriptionId: sub.id, reason: err.reason });
          return;
        }
        this.log.warn({ subscriptionId: sub.id, platform: sub.platform, attempt: attempts, error: lastError }, 'digest post failed');
      }
    }
    const runsFailed = Math.max(1, Math.ceil(attempts / this.options.attemptsPerRun));
    const retryIn = Math.min(3_600_000, this.options.runRetryBaseMs * 2 ** (runsFailed - 1));
    store.markFailed(delivery, this.owner, attempts, lastError, new Date(clock().getTime() + retryIn));
    report.failed.push({ subscriptionId: sub.id, localDate: delivery.localDate, error: lastError });
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

  /** Stops the loop and waits for a run in progress to finish (so no claim is left dangling). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) (this.deps.timer ?? realTimer).clear(this.handle);
    this.handle = null;
    await this.loop;
    if (this.running) await this.running.catch(() => undefined);
  }
}
