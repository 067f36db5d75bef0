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
  const started: number[] = []
  let inflight: Promise<T> | undefined
  return () => {
    if (inflight) return inflight
    const at = now()
    while (started.length > 0 && at - started[0]! >= WINDOW_MS) started.shift()
    if (started.length >= perMinute) return Promise.reject(refuse())
    started.push(at)
    const current = (async () => {
      try {
        return await fetch()
      } finally {
        inflight = undefined
      }
    })()
    inflight = current
    return current
  }
}
