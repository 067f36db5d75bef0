/**
 * Bounding the key-set fetches that tokens with unknown `kid`s can cause. jwks-rsa's own rate limit
 * queues callers beyond its budget and lets them through as tokens drip back in, so a burst of
 * unknown `kid`s turned into more fetches than the limit and sign-ins left waiting for minutes.
 * This wrapper refuses at once instead.
 *
 * @packageDocumentation
 */

import { SingleFlight } from './single-flight.js'

/** The window the limit counts fetches in, in milliseconds. */
const WINDOW_MS = 60_000
/** The one key of the single flight: there is one key set. */
const KEY = 'keys'

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
  const flight = new SingleFlight<T>()
  return () => {
    const running = flight.current(KEY)
    if (running) return running
    const at = now()
    while (started.length > 0 && at - started[0]! >= WINDOW_MS) started.shift()
    if (started.length >= perMinute) return Promise.reject(refuse())
    started.push(at)
    return flight.run(KEY, fetch)
  }
}
