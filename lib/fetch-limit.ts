/**
 * Bounding the key-set fetches that tokens with unknown `kid`s can cause. jwks-rsa's own rate limit
 * queues callers beyond its budget and lets them through as tokens drip back in, so a burst of
 * unknown `kid`s turned into more fetches than the limit and sign-ins left waiting for minutes.
 * This wrapper refuses at once instead.
 *
 * @packageDocumentation
 */

/** The window the limit counts fetches in, in milliseconds. */
const WINDOW_MS = 60_000

/**
 * Wraps `fetch` so that callers arriving while a fetch is in flight share it, and at most
 * `perMinute` fetches start in any 60-second window. A caller beyond that is rejected at once with
 * `refuse()`: never queued, never sent upstream. @internal
 */
export function limitFetches<T>(
  fetch: () => Promise<T>,
  perMinute: number,
  refuse: () => Error,
  now: () => number = Date.now,
): () => Promise<T> {
  // When the last `perMinute` fetches started, oldest first (-Infinity for those that never did).
  const started = new Array<number>(perMinute).fill(Number.NEGATIVE_INFINITY)
  let running: Promise<T> | undefined
  return () => {
    if (running) return running
    const at = now()
    // The oldest of the last `perMinute` starts less than a window ago: `perMinute` in this window.
    if (at - started[0]! < WINDOW_MS) return Promise.reject(refuse())
    started.shift()
    started.push(at)
    // A synchronous throw becomes a rejection; the next caller after it settles starts a new fetch.
    running = (async () => fetch())().finally(() => {
      running = undefined
    })
    return running
  }
}
