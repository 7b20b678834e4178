/** Timers the long-running loops use (the digest scheduler, the corpus reload's debounce). */

/** A timer a loop can use: `setTimeout` in production, a fake in tests. */
export interface Timer {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** `setTimeout`, unref'd so that a pending tick never keeps the process alive. */
export const realTimer: Timer = {
  set: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};
