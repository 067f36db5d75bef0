/**
 * Timers the emulator owns (latency, fault delays, trickling bodies), so that `stop()` can
 * cancel every one of them and never wait on a pending delay.
 *
 * @module
 */

/** A registry of sleeps and intervals that can all be cancelled at once. */
export class PendingTimers {
  private readonly _sleeps = new Map<NodeJS.Timeout, () => void>();
  private readonly _intervals = new Set<NodeJS.Timeout>();

  /** Resolves after `ms` milliseconds, or at once when {@link cancelAll} runs. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this._sleeps.delete(timer);
        resolve();
      }, ms);
      this._sleeps.set(timer, resolve);
    });
  }

  /** Calls `fn` every `ms` milliseconds; returns the function that stops it. */
  every(ms: number, fn: () => void): () => void {
    const timer = setInterval(fn, ms);
    this._intervals.add(timer);
    return () => {
      clearInterval(timer);
      this._intervals.delete(timer);
    };
  }

  /** Clears every timer; pending sleeps resolve immediately. */
  cancelAll(): void {
    for (const [timer, resolve] of this._sleeps) {
      clearTimeout(timer);
      resolve();
    }
    this._sleeps.clear();
    for (const timer of this._intervals) clearInterval(timer);
    this._intervals.clear();
  }
}
