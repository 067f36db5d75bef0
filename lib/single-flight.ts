/**
 * One call in flight per key: callers that ask while a call for their key runs share its outcome.
 *
 * @packageDocumentation
 */

/**
 * Runs at most one call per key at a time. The key is forgotten when the call settles, so the next
 * caller after that starts a new call (a failure is never cached). @internal
 */
export class SingleFlight<T> {
  private readonly _inflight = new Map<string, Promise<T>>()

  /** The outcome of the call in flight for `key`, starting `call` when there is none. */
  run(key: string, call: () => Promise<T>): Promise<T> {
    const running = this._inflight.get(key)
    if (running) return running
    // A call that throws before its first await settles `started` at once: its `finally` has run
    // already, so storing it then would keep the failure for every later caller of this key.
    let settled = false
    const started = (async () => {
      try {
        return await call()
      } finally {
        settled = true
        this._inflight.delete(key)
      }
    })()
    if (!settled) this._inflight.set(key, started)
    return started
  }

  /** The call in flight for `key`, if any. */
  current(key: string): Promise<T> | undefined {
    return this._inflight.get(key)
  }

  /** How many keys have a call in flight. */
  get size(): number {
    return this._inflight.size
  }
}
