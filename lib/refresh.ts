/**
 * `refreshTokens(strategy)`: middleware that keeps a signed-in session's Dintero tokens fresh.
 *
 * @packageDocumentation
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { errorLabel, logger } from './debug.js'
import { RefreshRejectedError } from './errors.js'
import { markRefreshedBeforeSession, registerRefresher } from './expiry-guard.js'
import { decodePayload } from './jwt-rs256.js'
import {
  detectHost,
  dropRequestUser,
  guardSave,
  type HostRequest,
  isNewer,
  type LiveSession,
  readStoredUser,
  requestUser,
  type ResponseEnd,
  saveSession,
  type SessionHost,
  type SessionStoreLike,
  sessionOf,
} from './session-access.js'
import { applyTokens, lifecycleOf, type RefreshOutcome, type SessionLifecycle } from './session-lifecycle.js'
import { type DinteroTokens, tokensOf } from './session.js'
import type { DinteroPasswordStrategy } from './strategy.js'
import type { DinteroClaims } from './token-verifier.js'
import { assertSameCustomer, type VerifiedTokens } from './verified-tokens.js'

/** Options of {@link refreshTokens}. */
export interface RefreshTokensOptions {
  /**
   * Refresh when the access token expires within this many seconds (fractions allowed; `0` refreshes
   * only once it has expired). Keep it well below the access token's lifetime (Dintero's live hours),
   * or every request refreshes. Default is `60`.
   */
  window?: number
}

const WHO = 'refreshTokens'
const MAX_WINDOW = 86_400
const log = logger('refresh')

/** The session a request belongs to. */
interface SessionRef {
  req: HostRequest
  host: SessionHost
  session: LiveSession
  sid: string
  store: SessionStoreLike
}

/**
 * Middleware that keeps the signed-in customer's Dintero tokens fresh. Mount it app-wide, right before
 * or after `passport.session()` (before, it refreshes the tokens stored in the session, so
 * passport.session() restores fresh ones). Without it, {@link deserializeUser} signs nobody in whose
 * access token has expired beyond the strategy's `clockTolerance`. On each request of a signed-in user whose access token expires within
 * `window` seconds, it exchanges the refresh token at Dintero, verifies the new access token exactly as
 * at sign-in, and stores the new tokens in `req.user` and in the session (keeping the refresh token
 * when Dintero returns none, taking the new one when Dintero rotates it).
 *
 * - Concurrent requests of one session share one refresh call (within this process; each instance of a
 *   multi-instance app may refresh once, and each first re-reads the session from the store, so it takes
 *   tokens another instance already stored instead of refreshing again).
 * - Dintero refuses the refresh token (expired or revoked), or the access token has expired and there is
 *   no refresh token: the customer is signed out (a refused refresh first waits up to 2 s for newer tokens
 *   another instance may be storing: with rotating refresh tokens it may have spent this one a moment
 *   ago; then `req.logout()`, which clears the user from the
 *   session and regenerates it) and the request continues signed out, so the app's own "sign in" handling
 *   applies.
 * - Dintero cannot be reached, or the new token fails verification: when the access token has expired
 *   the request fails with that `DinteroError` (`next(err)`; `err.status` is 503 for an unreachable
 *   Dintero, 504 for a timeout, 502 for a bad answer); while it is still valid the request goes ahead with
 *   it. Either way the session is left unchanged and the next request tries again.
 *
 * The user must carry its tokens as `user.tokens` in `req.user` and in the session
 * (`req.session.passport.user.tokens`): the default user with {@link serializeUser} does; a custom
 * verify user must keep `tokens` too. Users without tokens (e.g. from another strategy) pass untouched.
 *
 * @example
 * ```ts
 * app.use(session({ ... }))
 * app.use(passport.session())
 * app.use(refreshTokens(strategy))           // or refreshTokens(strategy, { window: 120 })
 * ```
 */
export function refreshTokens(strategy: DinteroPasswordStrategy, options: RefreshTokensOptions = {}): RequestHandler {
  const refresh = refresherOf(strategy, options)
  return function refreshDinteroTokens(req: Request, res: Response, next: NextFunction): void {
    refresh(req, res).then(
      () => next(),
      (err: unknown) => next(err),
    )
  }
}

/**
 * The refresh of one request, for any host of the session seam: resolves once the request may go on
 * (tokens fresh, or signed out), rejects when it must fail. `res` says when the response is done
 * (Express's `res`, Fastify's `reply.raw`). @internal
 */
export function refresherOf(
  strategy: DinteroPasswordStrategy,
  options: RefreshTokensOptions = {},
): (req: HostRequest, res: ResponseEnd) => Promise<void> {
  if (typeof strategy?.refresh !== 'function') throw new TypeError(`${WHO} requires a DinteroPasswordStrategy`)
  const windowMs = resolveWindow(options.window) * 1000
  const lifecycle = lifecycleOf(strategy)
  registerRefresher(strategy._options.audience, strategy._options.clockTolerance)

  return async function refreshRequest(req: HostRequest, res: ResponseEnd): Promise<void> {
    const tokens = tokensOf(requestUser(req)) ?? tokensBeforeSession(req)
    if (!tokens) return
    const ref: SessionRef = { req, ...sessionOf(req, WHO) }
    if (lifecycle.isSignedOut(ref.sid)) {
      // This request loaded the session before it was signed out here, and was not yet tracked when the
      // sign-out reached the tracked ones: it must neither act signed in nor save the user back.
      log('a request of a session signed out meanwhile: continuing signed out')
      ref.host.forgetUserIn(ref.session)
      dropRequestUser(req)
      return
    }
    lifecycle.track(ref.sid, req, res)
    // A sign-out on another instance is not seen here: saving this copy checks the store first.
    guardSave(req, ref.host, ref.session, ref.sid, ref.store)
    if (tokens.expiresAt - Date.now() > windowMs) return
    await keepFresh(strategy, lifecycle, ref, tokens, windowMs)
  }
}

/**
 * Mounted before `passport.session()` (no `req.user` yet): the stored user's tokens, refreshed there so
 * that passport.session() restores fresh ones; the request is marked, so the deserializer knows this
 * middleware has had its chance (see expiry-guard.ts).
 */
function tokensBeforeSession(req: HostRequest): DinteroTokens | undefined {
  if (requestUser(req) !== undefined) return undefined
  const host = detectHost(req)
  if (host === undefined || host === 'cookie') return undefined
  const tokens = tokensOf(host.userIn((req as { session?: unknown }).session))
  if (tokens) markRefreshedBeforeSession(req)
  return tokens
}

/** Signs the request out: the host's logout, or before passport.session() (no user restored yet) by forgetting the stored user. */
async function signOut(ref: SessionRef): Promise<void> {
  if (requestUser(ref.req) === undefined) {
    ref.host.forgetUserIn(ref.session)
    return
  }
  await ref.host.logout(ref.req, WHO)
}

/** Checks the `window` option; seconds. @internal */
export function resolveWindow(window: unknown): number {
  if (window === undefined) return 60
  if (typeof window !== 'number' || !Number.isFinite(window) || window < 0 || window > MAX_WINDOW) {
    throw new TypeError(`${WHO}: option window must be a number of seconds from 0 to ${MAX_WINDOW}`)
  }
  return window
}

/** Brings one request's tokens up to date, or signs it out; rejects only when the request must fail. */
async function keepFresh(
  strategy: DinteroPasswordStrategy,
  lifecycle: SessionLifecycle,
  ref: SessionRef,
  tokens: DinteroTokens,
  windowMs: number,
): Promise<void> {
  if (!tokens.refreshToken) {
    if (tokens.expiresAt > Date.now()) return // still valid, and nothing to refresh it with
    log('access token expired and there is no refresh token: signing out')
    lifecycle.settle(ref.sid, { kind: 'signed-out' })
    await signOut(ref)
    return
  }
  let outcome: RefreshOutcome
  try {
    outcome = await lifecycle.flights.run(ref.sid, () => renew(strategy, lifecycle, ref, tokens, windowMs))
  } catch (err) {
    // A misconfiguration (TypeError) always surfaces; Dintero's trouble waits while the token is valid.
    if (tokens.expiresAt > Date.now() && !(err instanceof TypeError)) {
      log('refresh failed (%s); the access token is still valid, going ahead with it', errorLabel(err))
      return
    }
    log('refresh failed (%s) and the access token has expired', errorLabel(err))
    throw err
  }
  if (outcome.kind === 'signed-out') {
    await signOut(ref)
    return
  }
  // Nothing to apply here: renew() settled every tracked request of the session with the outcome, this
  // one included (tracked above, before the refresh began).
}

/**
 * The one refresh of a session: re-reads the session from the store first (another request or instance
 * may have stored newer tokens since this request loaded it), refreshes, and writes the new tokens only
 * into a session that is still signed in.
 */
async function renew(
  strategy: DinteroPasswordStrategy,
  lifecycle: SessionLifecycle,
  ref: SessionRef,
  tokens: DinteroTokens,
  windowMs: number,
): Promise<RefreshOutcome> {
  const { host, session, sid, store } = ref
  const stored = tokensOfStored(await readStoredUser(host, store, sid))
  if (stored === null) return signedOut(lifecycle, sid, 'the session was signed out meanwhile')
  let base = tokens
  if (isNewer(stored, tokens)) {
    if (stored.expiresAt - Date.now() > windowMs) {
      log('newer tokens are already in the store: taking them')
      return renewed(lifecycle, sid, await verifiedStored(strategy, stored, tokens))
    }
    // Refreshing from another customer's refresh token would hand this request that customer's tokens.
    assertSameCustomer(tokens.accessToken, { tokens: stored, claims: { sub: decodePayload(stored.accessToken)?.['sub'] } as DinteroClaims })
    base = stored
  }

  let fresh: VerifiedTokens
  try {
    fresh = await strategy.refresh(base)
  } catch (err) {
    if (!(err instanceof RefreshRejectedError)) throw err
    // With rotating refresh tokens, another instance may have used this one a moment ago and still be
    // verifying or storing what Dintero gave it: losing that race must not sign anyone out.
    const latest = await newerInStore(host, store, sid, base, Math.min(RACE_WAIT_MS, strategy._options.timeout))
    if (latest) {
      log('refresh token refused, but newer tokens are in the store: taking them')
      return renewed(lifecycle, sid, await verifiedStored(strategy, latest, base))
    }
    return signedOut(lifecycle, sid, 'Dintero refused the refresh token')
  }

  // Never write into a session that was signed out while Dintero answered: that would sign it in again.
  if ((await readStoredUser(host, store, sid)) === undefined) {
    // Only a rotated token nobody holds is revoked. The token refreshed from may be held by a session
    // regenerated with the same user meanwhile (Passport's req.login): revoking it would sign that out.
    const rotated = fresh.tokens.refreshToken
    if (rotated && rotated !== base.refreshToken) {
      strategy.revoke(rotated).catch((err: unknown) => log('revoking an orphaned refresh token failed (%s)', errorLabel(err)))
    }
    return signedOut(lifecycle, sid, 'the session was signed out during the refresh')
  }
  applyTokens(host.userIn(session), fresh)
  applyTokens(requestUser(ref.req), fresh)
  await saveSession(session)
  log('tokens refreshed and stored')
  return renewed(lifecycle, sid, fresh)
}

/**
 * How long a refused refresh waits for another instance's new tokens before signing out, in
 * milliseconds (at most the strategy's `timeout`). The winner of the race stores them within
 * milliseconds of Dintero's answer unless verifying them needs a slow key-set fetch; a refresh token
 * Dintero really refused (expired, revoked) signs out this much later.
 */
const RACE_WAIT_MS = 2_000

/** Pauses between looks at the store while another instance may be storing its tokens, in milliseconds. */
const STORE_POLL_MS = [5, 10, 20, 40, 80, 160, 320, 640]

/**
 * Newer, still valid tokens than `base` once another instance stores them: looks at the store at once,
 * then again with growing pauses for up to `waitMs`. Undefined when none came, or the session was signed out.
 */
async function newerInStore(host: SessionHost, store: SessionStoreLike, sid: string, base: DinteroTokens, waitMs: number): Promise<DinteroTokens | undefined> {
  const deadline = Date.now() + waitMs
  for (let attempt = 0; ; attempt++) {
    const latest = tokensOfStored(await readStoredUser(host, store, sid))
    if (latest === null) return undefined
    if (isNewer(latest, base) && latest.expiresAt > Date.now()) return latest
    const pause = Math.min(STORE_POLL_MS[Math.min(attempt, STORE_POLL_MS.length - 1)]!, deadline - Date.now())
    if (pause <= 0) return undefined
    await new Promise((resolve) => setTimeout(resolve, pause))
  }
}

/** The stored user's tokens; `null` when the session is gone or signed out. */
function tokensOfStored(user: Record<string, unknown> | undefined): DinteroTokens | null {
  if (user === undefined) return null
  const tokens = tokensOf(user)
  if (!tokens) {
    throw new TypeError(`${WHO}: the session's user has no tokens; store them with the user (see serializeUser)`)
  }
  return tokens
}

/**
 * Tokens another request stored, with their claims: verified again, as anything put into `req.user` is,
 * and required to be the same customer's as the tokens this request holds.
 */
async function verifiedStored(strategy: DinteroPasswordStrategy, tokens: DinteroTokens, current: DinteroTokens): Promise<VerifiedTokens> {
  const verified = { tokens, claims: await strategy._verifier.verify(tokens.accessToken) }
  assertSameCustomer(current.accessToken, verified)
  return verified
}

function renewed(lifecycle: SessionLifecycle, sid: string, verified: VerifiedTokens): RefreshOutcome {
  const outcome: RefreshOutcome = { kind: 'renewed', ...verified }
  lifecycle.settle(sid, outcome)
  return outcome
}

function signedOut(lifecycle: SessionLifecycle, sid: string, why: string): RefreshOutcome {
  log('%s: signing out', why)
  const outcome: RefreshOutcome = { kind: 'signed-out' }
  lifecycle.settle(sid, outcome)
  return outcome
}
