/**
 * The application's own client token: cached until shortly before it expires, with one request in
 * flight however many logins ask at once.
 *
 * @packageDocumentation
 */
import { logger } from './debug.js'

const log = logger('client-token')

/** A client token and how long Dintero says it lives. @internal */
export interface IssuedToken {
  token: string
  /** Seconds, from Dintero's `expires_in`. */
  expiresIn: number
}

/** A cached token with the time it was fetched and the time to stop using it, in ms since epoch. @internal */
export interface CachedToken {
  token: string
  fetchedAt: number
  renewAt: number
}

/** At most this long before expiry a token is renewed, in milliseconds. */
const MAX_MARGIN = 60_000
/**
 * At most one renewal forced by a refusal in this window, in milliseconds: if Dintero refuses even a
 * brand-new token (a disabled client), sign-ins error instead of hammering the token endpoint.
 */
const FORCED_RENEWAL_INTERVAL = 5_000

/**
 * Caches one token from `fetch`. `get()` answers from the cache while the token is fresh; otherwise all
 * callers share the one fetch in flight. A failed fetch is not cached: the next caller tries again.
 * @internal
 */
export class ClientTokenCache {
  // Private fields (#), not `private`: util.inspect and JSON never show them, not even with showHidden.
  #current: CachedToken | undefined // the client token
  #inflight: Promise<CachedToken> | undefined
  private _lastForcedRenewal = Number.NEGATIVE_INFINITY

  constructor(
    private readonly _fetch: () => Promise<IssuedToken>,
    private readonly _now: () => number = Date.now,
  ) {}

  /** A token fresh enough to use. */
  async get(): Promise<CachedToken> {
    const current = this.#current
    if (current && this._now() < current.renewAt) return current
    return (this.#inflight ??= this._load())
  }

  /**
   * A replacement for `stale`, which Dintero just refused with a 401: the newer token when one was
   * fetched meanwhile (so many callers refused at once cause one fetch, not one each), else a fresh
   * one, at most once per {@link FORCED_RENEWAL_INTERVAL}; undefined when renewing now is not allowed.
   */
  async renewAfterRefusal(stale: string): Promise<CachedToken | undefined> {
    if (this.#inflight) return this.#inflight
    if (this.#current && this.#current.token !== stale) return this.#current
    const now = this._now()
    if (now - this._lastForcedRenewal < FORCED_RENEWAL_INTERVAL) {
      log('Dintero refused the client token; renewed too recently to renew again')
      return undefined
    }
    log('Dintero refused the client token; renewing it')
    this._lastForcedRenewal = now
    this.#current = undefined
    return this.get()
  }

  private async _load(): Promise<CachedToken> {
    try {
      const fetchedAt = this._now()
      const { token, expiresIn } = await this._fetch()
      const lifetime = expiresIn * 1000
      // Renew early: a tenth of the lifetime, at most a minute, so a token never expires in flight.
      const renewAt = fetchedAt + lifetime - Math.min(MAX_MARGIN, lifetime / 10)
      this.#current = { token, fetchedAt, renewAt }
      log('client token fetched; renewed in %ds', Math.round((renewAt - fetchedAt) / 1000))
      return this.#current
    } finally {
      this.#inflight = undefined
    }
  }
}
