/**
 * Work an adapter started for an event (an answer being computed and posted), tracked so shutdown can
 * stop taking new events yet let the answers in flight reach the user before the database closes.
 */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();
  /** False once shutdown began: {@link run} then drops new work instead of starting it. */
  accepting = true;

  /** Starts `work` and tracks it; after {@link drain} began, does nothing and resolves undefined. */
  run<T>(work: () => Promise<T>): Promise<T | undefined> {
    if (!this.accepting) return Promise.resolve(undefined);
    const p = work();
    this.running.add(p);
    const done = () => this.running.delete(p);
    p.then(done, done);
    return p;
  }

  /** How many pieces of work are still running. */
  get size(): number {
    return this.running.size;
  }

  /** Stops accepting work and waits for what is running, at most `graceMs`. */
  async drain(graceMs: number): Promise<void> {
    this.accepting = false;
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, graceMs);
        // A shutdown timer alone must not keep the process alive.
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
  }
}
