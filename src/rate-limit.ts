/**
 * A per-user sliding-window rate limit. In memory on purpose: it protects the process from a burst,
 * and a restart forgetting the window is harmless.
 */

/** Outcome of one {@link RateLimiter.take} call. */
export interface RateDecision {
  allowed: boolean;
  /** Whole seconds until the oldest counted request leaves the window (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiterOptions {
  /** Requests allowed per key within `windowMs`. */
  limit: number;
  /** Window length in milliseconds. Default: one minute. */
  windowMs?: number;
  /** Clock, injectable for tests. Default: `Date.now`. */
  now?: () => number;
  /** Keys remembered at most; the least recently used is dropped first. Default: 10 000. */
  maxKeys?: number;
}

export const defaultRateLimiterOptions = { windowMs: 60_000, maxKeys: 10_000 } as const;

export class RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly maxKeys: number;
  /** Key → timestamps of the requests still inside the window, oldest first. */
  private readonly hits = new Map<string, number[]>();

  constructor(options: RateLimiterOptions) {
    const o = { ...defaultRateLimiterOptions, now: Date.now, ...options };
    this.limit = o.limit;
    this.windowMs = o.windowMs;
    this.now = o.now;
    this.maxKeys = o.maxKeys;
  }

  /** Counts one request for `key` if the limit allows it. A refused request is not counted. */
  take(key: string): RateDecision {
    const now = this.now();
    const recent = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    this.hits.delete(key); // re-inserted below so Map order tracks recency for eviction
    if (recent.length >= this.limit) {
      this.hits.set(key, recent);
      const oldest = recent[0] ?? now;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) {
      const first = this.hits.keys().next().value;
      if (first !== undefined) this.hits.delete(first);
    }
    return { allowed: true, retryAfterSeconds: 0 };
  }
}
