/**
 * Digest persistence on the shared SQLite store (migration 2): subscriptions, each one's rotation,
 * and one delivery row per (subscription, local date). The delivery row is the claim: it is written
 * in an IMMEDIATE transaction before anything is posted, so a restart, a second process on the same
 * file, or a retry finds it and does not post again.
 */
import { randomBytes } from 'node:crypto';
import { hashUser, type Store } from '../store/store.ts';
import type { DigestDays, DigestSchedule, LocalDate } from './time.ts';
import { emptyRotation, selectNext, type RotationState } from './rotation.ts';

/** A channel's digest subscription. */
export interface Subscription extends DigestSchedule {
  id: number;
  platform: string;
  channelId: string;
  /** Facts per digest, 1–5. */
  count: number;
  /** Seed of the rotation's shuffles (stored, so the order survives restarts and is reproducible). */
  seed: string;
  active: boolean;
  /** Scheduled times before this instant are never due (no catch-up for a time before subscribing). */
  activeSince: Date;
  /** Why posting stopped (channel gone, bot removed); null while running. */
  pausedReason: string | null;
  pausedAt: Date | null;
  /** Hashed id of the user who last subscribed the channel. */
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export type DeliveryStatus = 'claimed' | 'sent' | 'failed' | 'skipped';

/** One day's digest for one subscription. */
export interface Delivery {
  id: number;
  subscriptionId: number;
  localDate: LocalDate;
  scheduledAt: Date;
  status: DeliveryStatus;
  attempts: number;
  claimedAt: Date | null;
  claimedBy: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  cycle: number | null;
  firstPosition: number | null;
  lastPosition: number | null;
  total: number | null;
  factIds: string[];
  platformRef: string | null;
  message: string | null;
}

/** What `subscribe` needs; validated by the caller. */
export interface SubscribeInput extends DigestSchedule {
  platform: string;
  channelId: string;
  count: number;
  userId: string;
  now: Date;
  /** Rotation seed for a new subscription; random when omitted. Kept when re-subscribing. */
  seed?: string;
}

/** The result of trying to claim a day's delivery. */
export type ClaimOutcome =
  | { kind: 'claimed'; delivery: Delivery }
  /** Someone already handled (or is handling) this day. */
  | { kind: 'taken'; delivery: Delivery }
  /** Too late (outside the catch-up window), or interrupted earlier: recorded as skipped. */
  | { kind: 'skipped'; delivery: Delivery }
  /** A failed attempt that is not yet due for a retry. */
  | { kind: 'waiting'; delivery: Delivery }
  /**
   * Claimed by a process that never reported back, past the lease, and the caller can look for the
   * message ({@link ClaimRequest.reconcile}): nothing was changed; see {@link DigestStore.takeOver}.
   */
  | { kind: 'stale'; delivery: Delivery };

export interface ClaimRequest {
  subscription: Subscription;
  localDate: LocalDate;
  scheduledAt: Date;
  now: Date;
  /** Every current fact id, in corpus order. */
  factIds: readonly string[];
  /** How late a digest may still be posted. */
  catchupMs: number;
  /** A claim older than this whose process never reported back is treated as interrupted. */
  leaseMs: number;
  /** Identifies this scheduler in `claimed_by`. */
  owner: string;
  /** The poster can look for an interrupted post: return a stale claim instead of giving it up. */
  reconcile?: boolean;
}

interface SubscriptionRow {
  id: number;
  platform: string;
  channel_id: string;
  time: string;
  timezone: string;
  count: number;
  days: DigestDays;
  seed: string;
  active: number;
  active_since: string;
  paused_reason: string | null;
  paused_at: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
}

interface DeliveryRow {
  id: number;
  subscription_id: number;
  local_date: string;
  scheduled_at: string;
  status: DeliveryStatus;
  attempts: number;
  claimed_at: string | null;
  claimed_by: string | null;
  next_attempt_at: string | null;
  sent_at: string | null;
  cycle: number | null;
  first_position: number | null;
  last_position: number | null;
  total: number | null;
  fact_ids: string | null;
  platform_ref: string | null;
  message: string | null;
}

const date = (s: string | null): Date | null => (s === null ? null : new Date(s));

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    platform: r.platform,
    channelId: r.channel_id,
    time: r.time,
    timezone: r.timezone,
    count: r.count,
    days: r.days,
    seed: r.seed,
    active: r.active === 1,
    activeSince: new Date(r.active_since),
    pausedReason: r.paused_reason,
    pausedAt: date(r.paused_at),
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
    updatedAt: new Date(r.updated_at),
  };
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    subscriptionId: r.subscription_id,
    localDate: r.local_date,
    scheduledAt: new Date(r.scheduled_at),
    status: r.status,
    attempts: r.attempts,
    claimedAt: date(r.claimed_at),
    claimedBy: r.claimed_by,
    nextAttemptAt: date(r.next_attempt_at),
    sentAt: date(r.sent_at),
    cycle: r.cycle,
    firstPosition: r.first_position,
    lastPosition: r.last_position,
    total: r.total,
    factIds: r.fact_ids ? (JSON.parse(r.fact_ids) as string[]) : [],
    platformRef: r.platform_ref,
    message: r.message,
  };
}

/** Subscriptions, rotations and deliveries, over an open {@link Store}. */
export class DigestStore {
  constructor(readonly store: Store) {}

  private get db() {
    return this.store.db;
  }

  /**
   * Subscribes a channel, or updates its subscription: new settings, resumed if paused, due times
   * counted from `now`. The rotation (and its seed) is kept, so progress survives a re-subscribe.
   */
  subscribe(input: SubscribeInput): { subscription: Subscription; created: boolean } {
    const now = input.now.toISOString();
    const run = this.db.transaction(() => {
      const existing = this.find(input.platform, input.channelId);
      if (existing) {
        this.db
          .prepare(
            `UPDATE digest_subscription SET time = ?, timezone = ?, count = ?, days = ?, active = 1, active_since = ?,
               paused_reason = NULL, paused_at = NULL, created_by = ?, updated_at = ? WHERE id = ?`,
          )
          .run(input.time, input.timezone, input.count, input.days, now, hashUser(input.platform, input.userId), now, existing.id);
        return { subscription: this.writtenSubscription(existing.id), created: !existing.active };
      }
      const info = this.db
        .prepare(
          `INSERT INTO digest_subscription (platform, channel_id, time, timezone, count, days, seed, active, active_since,
             created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
        )
        .run(
          input.platform,
          input.channelId,
          input.time,
          input.timezone,
          input.count,
          input.days,
          input.seed ?? randomBytes(8).toString('hex'),
          now,
          hashUser(input.platform, input.userId),
          now,
          now,
        );
      return { subscription: this.writtenSubscription(Number(info.lastInsertRowid)), created: true };
    });
    return run.immediate();
  }

  /** Stops a channel's digests. Returns false when it was not subscribed. */
  unsubscribe(platform: string, channelId: string, now: Date): boolean {
    const info = this.db
      .prepare(`UPDATE digest_subscription SET active = 0, updated_at = ? WHERE platform = ? AND channel_id = ? AND active = 1`)
      .run(now.toISOString(), platform, channelId);
    return info.changes > 0;
  }

  /** The channel's subscription (active or not). */
  find(platform: string, channelId: string): Subscription | undefined {
    const row = this.db
      .prepare('SELECT * FROM digest_subscription WHERE platform = ? AND channel_id = ?')
      .get(platform, channelId) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  byId(id: number): Subscription | undefined {
    const row = this.db.prepare('SELECT * FROM digest_subscription WHERE id = ?').get(id) as SubscriptionRow | undefined;
    return row && toSubscription(row);
  }

  /** A subscription just written in the running transaction: not finding it is a bug. */
  private writtenSubscription(id: number): Subscription {
    const s = this.byId(id);
    if (!s) throw new Error(`internal error: subscription ${id} is missing just after it was written`);
    return s;
  }

  /** Subscriptions that should post: active and not paused. */
  running(): Subscription[] {
    const rows = this.db
      .prepare('SELECT * FROM digest_subscription WHERE active = 1 AND paused_reason IS NULL ORDER BY id')
      .all() as SubscriptionRow[];
    return rows.map(toSubscription);
  }

  /** Stops posting to a subscription until someone subscribes again, recording why. */
  pause(id: number, reason: string, now: Date): void {
    this.db
      .prepare('UPDATE digest_subscription SET paused_reason = ?, paused_at = ?, updated_at = ? WHERE id = ?')
      .run(reason, now.toISOString(), now.toISOString(), id);
  }

  /** The persisted rotation, or an empty one before the first digest. */
  rotation(subscriptionId: number): RotationState {
    const row = this.db
      .prepare('SELECT cycle, position, fact_order FROM digest_rotation WHERE subscription_id = ?')
      .get(subscriptionId) as { cycle: number; position: number; fact_order: string } | undefined;
    if (!row) return emptyRotation();
    return { cycle: row.cycle, position: row.position, order: JSON.parse(row.fact_order) as string[] };
  }

  private saveRotation(subscriptionId: number, s: RotationState, now: Date): void {
    this.db
      .prepare(
        `INSERT INTO digest_rotation (subscription_id, cycle, position, fact_order, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription_id) DO UPDATE SET cycle = excluded.cycle, position = excluded.position,
           fact_order = excluded.fact_order, updated_at = excluded.updated_at`,
      )
      .run(subscriptionId, s.cycle, s.position, JSON.stringify(s.order), now.toISOString());
  }

  delivery(subscriptionId: number, localDate: LocalDate): Delivery | undefined {
    const row = this.db
      .prepare('SELECT * FROM digest_delivery WHERE subscription_id = ? AND local_date = ?')
      .get(subscriptionId, localDate) as DeliveryRow | undefined;
    return row && toDelivery(row);
  }

  /** The delivery an insert met in conflict, under the same lock: not finding it is a bug. */
  private existingDelivery(subscriptionId: number, localDate: LocalDate): Delivery {
    const d = this.delivery(subscriptionId, localDate);
    if (!d) throw new Error(`internal error: the delivery of subscription ${subscriptionId} on ${localDate} is missing after a conflicting insert`);
    return d;
  }

  /** Every delivery of a subscription, oldest first. */
  deliveries(subscriptionId: number): Delivery[] {
    const rows = this.db
      .prepare('SELECT * FROM digest_delivery WHERE subscription_id = ? ORDER BY local_date, id')
      .all(subscriptionId) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  private deliveryById(id: number): Delivery {
    return toDelivery(this.db.prepare('SELECT * FROM digest_delivery WHERE id = ?').get(id) as DeliveryRow);
  }

  /**
   * Claims the day's delivery in one IMMEDIATE transaction (the write lock is taken before reading,
   * so two processes cannot both see "no row yet"). A new claim picks the facts from the rotation
   * and stores them on the row, so every retry posts the same facts; the rotation itself only
   * advances when the post succeeds ({@link markSent}).
   */
  claim(req: ClaimRequest): ClaimOutcome {
    const now = req.now.toISOString();
    const late = req.now.getTime() - req.scheduledAt.getTime();
    const run = this.db.transaction((): ClaimOutcome => {
      const existing = this.delivery(req.subscription.id, req.localDate);
      if (!existing) {
        if (late > req.catchupMs) {
          const id = this.insertDelivery(req, 'skipped', {
            message: `missed by ${formatHours(late)}; the catch-up window is ${formatHours(req.catchupMs)}`,
          });
          return { kind: 'skipped', delivery: this.deliveryById(id) };
        }
        const selection = selectNext(this.rotation(req.subscription.id), req.factIds, req.subscription.count, req.subscription.seed);
        this.saveRotation(req.subscription.id, selection.state, req.now);
        const info = this.db
          .prepare(
            `INSERT INTO digest_delivery (subscription_id, local_date, scheduled_at, status, attempts, claimed_at, claimed_by,
               cycle, first_position, last_position, total, fact_ids)
             VALUES (?, ?, ?, 'claimed', 0, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (subscription_id, local_date) DO NOTHING`,
          )
          .run(
            req.subscription.id,
            req.localDate,
            req.scheduledAt.toISOString(),
            now,
            req.owner,
            selection.state.cycle,
            selection.first,
            selection.last,
            selection.total,
            JSON.stringify(selection.factIds),
          );
        // The IMMEDIATE lock makes a conflict impossible here; the clause is a second line of defence.
        if (info.changes === 0) return { kind: 'taken', delivery: this.existingDelivery(req.subscription.id, req.localDate) };
        return { kind: 'claimed', delivery: this.deliveryById(Number(info.lastInsertRowid)) };
      }
      if (existing.status === 'failed' && existing.nextAttemptAt !== null) {
        if (late > req.catchupMs) {
          this.db
            .prepare(`UPDATE digest_delivery SET status = 'skipped', next_attempt_at = NULL, message = ? WHERE id = ? AND status = 'failed'`)
            .run(`gave up after ${existing.attempts} attempts (${existing.message ?? 'post failed'}); past the catch-up window`, existing.id);
          return { kind: 'skipped', delivery: this.deliveryById(existing.id) };
        }
        if (existing.nextAttemptAt.getTime() > req.now.getTime()) return { kind: 'waiting', delivery: existing };
        const info = this.db
          .prepare(
            `UPDATE digest_delivery SET status = 'claimed', claimed_at = ?, claimed_by = ?, next_attempt_at = NULL
             WHERE id = ? AND status = 'failed'`,
          )
          .run(now, req.owner, existing.id);
        if (info.changes === 1) return { kind: 'claimed', delivery: this.deliveryById(existing.id) };
        return { kind: 'taken', delivery: this.deliveryById(existing.id) };
      }
      if (existing.status === 'claimed' && existing.claimedAt && req.now.getTime() - existing.claimedAt.getTime() > req.leaseMs) {
        if (req.reconcile) return { kind: 'stale', delivery: existing };
        // The claiming process stopped without reporting back. The post may or may not have reached the
        // platform; posting again could duplicate it, so this day is given up (at most once).
        this.db
          .prepare(`UPDATE digest_delivery SET status = 'skipped', message = ? WHERE id = ? AND status = 'claimed'`)
          .run('interrupted while posting; not posted again to avoid a duplicate', existing.id);
        return { kind: 'skipped', delivery: this.deliveryById(existing.id) };
      }
      return { kind: 'taken', delivery: existing };
    });
    return run.immediate();
  }

  /**
   * Takes over a stale claim (see {@link ClaimOutcome} `stale`) for `owner`, so that exactly one
   * process reconciles it. Returns the claim, or undefined when another process took it first.
   */
  takeOver(d: Delivery, owner: string, now: Date): Delivery | undefined {
    const info = this.db
      .prepare(
        `UPDATE digest_delivery SET claimed_by = ?, claimed_at = ?
         WHERE id = ? AND status = 'claimed' AND claimed_by IS ? AND claimed_at IS ?`,
      )
      .run(owner, now.toISOString(), d.id, d.claimedBy, d.claimedAt ? d.claimedAt.toISOString() : null);
    return info.changes === 1 ? this.deliveryById(d.id) : undefined;
  }

  /** Gives up a stale claim whose post cannot be checked: at most once, never posted twice. */
  giveUp(d: Delivery, reason: string): void {
    this.db.prepare(`UPDATE digest_delivery SET status = 'skipped', message = ? WHERE id = ? AND status = 'claimed'`).run(reason, d.id);
  }

  /**
   * Records a day that was never attempted (the bot was down and a later digest is due now) as
   * skipped. Returns false when the day already has a row.
   */
  recordMissed(subscriptionId: number, localDate: LocalDate, scheduledAt: Date, message: string): boolean {
    const info = this.db
      .prepare(
        `INSERT INTO digest_delivery (subscription_id, local_date, scheduled_at, status, message) VALUES (?, ?, ?, 'skipped', ?)
         ON CONFLICT (subscription_id, local_date) DO NOTHING`,
      )
      .run(subscriptionId, localDate, scheduledAt.toISOString(), message);
    return info.changes === 1;
  }

  private insertDelivery(req: ClaimRequest, status: DeliveryStatus, extra: { message: string }): number {
    const info = this.db
      .prepare(
        `INSERT INTO digest_delivery (subscription_id, local_date, scheduled_at, status, message) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (subscription_id, local_date) DO NOTHING`,
      )
      .run(req.subscription.id, req.localDate, req.scheduledAt.toISOString(), status, extra.message);
    return info.changes === 1 ? Number(info.lastInsertRowid) : this.existingDelivery(req.subscription.id, req.localDate).id;
  }

  /** Records that a claimed delivery was posted, and advances the rotation past its facts. */
  markSent(d: Delivery, owner: string, at: Date, attempts: number, platformRef: string | null): void {
    const run = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `UPDATE digest_delivery SET status = 'sent', sent_at = ?, attempts = ?, platform_ref = ?, message = NULL
           WHERE id = ? AND status = 'claimed' AND claimed_by = ?`,
        )
        .run(at.toISOString(), attempts, platformRef, d.id, owner);
      if (info.changes === 0 || d.cycle === null || d.firstPosition === null || d.lastPosition === null) return;
      // Advance only from where this delivery started: a rotation moved on by anything else stays put.
      this.db
        .prepare(`UPDATE digest_rotation SET position = ?, updated_at = ? WHERE subscription_id = ? AND cycle = ? AND position = ?`)
        .run(d.lastPosition, at.toISOString(), d.subscriptionId, d.cycle, d.firstPosition - 1);
    });
    run.immediate();
  }

  /**
   * Records a day whose message the platform refused (Slack `invalid_blocks`, Discord 50035) as failed
   * for good, and advances the rotation past its facts as {@link markSent} would. Not retried: the same
   * body would be refused again. Advanced rather than left in place because the rotation only moves on
   * success, so otherwise every following day would claim the same facts, build the same message and be
   * refused too — one bad digest would silence the channel for good. (Pausing instead would also stop
   * every later digest that renders fine; the log line and the delivery's message keep the reason.)
   */
  markRejected(d: Delivery, owner: string, at: Date, attempts: number, reason: string): void {
    const run = this.db.transaction(() => {
      const info = this.db
        .prepare(
          `UPDATE digest_delivery SET status = 'failed', attempts = ?, message = ?, next_attempt_at = NULL
           WHERE id = ? AND status = 'claimed' AND claimed_by = ?`,
        )
        .run(attempts, reason.slice(0, 500), d.id, owner);
      if (info.changes === 0 || d.cycle === null || d.firstPosition === null || d.lastPosition === null) return;
      this.db
        .prepare(`UPDATE digest_rotation SET position = ?, updated_at = ? WHERE subscription_id = ? AND cycle = ? AND position = ?`)
        .run(d.lastPosition, at.toISOString(), d.subscriptionId, d.cycle, d.firstPosition - 1);
    });
    run.immediate();
  }

  /**
   * Records a failed post. With `retryAt` the day stays open for a later run (within the catch-up
   * window); without it the day is closed as failed.
   */
  markFailed(d: Delivery, owner: string, attempts: number, error: string, retryAt: Date | null): void {
    this.db
      .prepare(
        `UPDATE digest_delivery SET status = 'failed', attempts = ?, message = ?, next_attempt_at = ?
         WHERE id = ? AND status = 'claimed' AND claimed_by = ?`,
      )
      .run(attempts, error.slice(0, 500), retryAt ? retryAt.toISOString() : null, d.id, owner);
  }

  /** The most recent delivery that reached the channel. */
  lastSent(subscriptionId: number): Delivery | undefined {
    const row = this.db
      .prepare(`SELECT * FROM digest_delivery WHERE subscription_id = ? AND status = 'sent' ORDER BY local_date DESC LIMIT 1`)
      .get(subscriptionId) as DeliveryRow | undefined;
    return row && toDelivery(row);
  }
}

function formatHours(ms: number): string {
  const h = ms / 3_600_000;
  return `${Number.isInteger(h) ? h : h.toFixed(1)} h`;
}
