/**
 * `logout(strategy)`: middleware that signs the customer out at Dintero and locally.
 *
 * @packageDocumentation
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express'
import { errorLabel, logger } from './debug.js'
import { destroySession, detectHost, type HostRequest, type LiveSession, requestUser } from './session-access.js'
import { lifecycleOf, type SessionLifecycle } from './session-lifecycle.js'
import { type DinteroTokens, tokensOf } from './session.js'
import type { DinteroPasswordStrategy } from './strategy.js'

/** Options of {@link logout}; `R` is the host's request type (Express's by default). */
export interface LogoutOptions<R = Request> {
  /**
   * Called when revoking the refresh token at Dintero fails (Dintero unreachable, timeout, an error
   * answer). The local sign-out goes ahead regardless; the refresh token stays valid at Dintero until it
   * expires. `err` is a `DinteroError` and never contains the token. Default: the failure is written to
   * the debug log (`DEBUG=passport-dintero:logout`).
   */
  onRevokeError?: (err: unknown, req: R) => void
}

const WHO = 'logout'
const log = logger('logout')

/**
 * Middleware that signs the customer out: revokes the refresh token at Dintero (when the user has
 * one), then `req.logout()`, then destroys the session; then calls `next()` so your handler can
 * redirect or answer. A failed revoke never blocks the local sign-out: it is reported to
 * `onRevokeError`. A failure to sign out locally (the session store failing) goes to `next(err)`.
 *
 * When a refresh of the same session is in flight in this process, it waits for it and revokes the
 * newest refresh token. Requests of the session still being handled lose the user from their copy of
 * the session, and one that loaded the session before the sign-out but reaches {@link refreshTokens}
 * after it continues signed out, so finishing them cannot sign the session in again; on another
 * instance sharing the store, saving a signed-in copy re-reads the store first (all with
 * {@link refreshTokens} mounted before the routes).
 *
 * @example
 * ```ts
 * app.post('/logout', logout(strategy, { onRevokeError: (err) => console.warn('revoke failed', err.code) }),
 *   (req, res) => res.redirect('/'))
 * ```
 */
export function logout(strategy: DinteroPasswordStrategy, options: LogoutOptions = {}): RequestHandler {
  const signOut = signOutOf(strategy, options)
  return function logoutDintero(req: Request, _res: Response, next: NextFunction): void {
    signOut(req).then(
      () => next(),
      (err: unknown) => next(err),
    )
  }
}

/** The sign-out of one request, for any host of the session seam (see {@link logout}). @internal */
export function signOutOf<R extends HostRequest>(strategy: DinteroPasswordStrategy, options: LogoutOptions<R> = {}): (req: R) => Promise<void> {
  if (typeof strategy?.revoke !== 'function') throw new TypeError(`${WHO} requires a DinteroPasswordStrategy`)
  const { onRevokeError } = options
  if (onRevokeError !== undefined && typeof onRevokeError !== 'function') {
    throw new TypeError(`${WHO}: option onRevokeError must be a function`)
  }
  const lifecycle = lifecycleOf(strategy)
  return (req) => signOut(strategy, lifecycle, req, onRevokeError)
}

async function signOut<R extends HostRequest>(
  strategy: DinteroPasswordStrategy,
  lifecycle: SessionLifecycle,
  req: R,
  onRevokeError: LogoutOptions<R>['onRevokeError'],
): Promise<void> {
  const found = detectHost(req)
  const host = typeof found === 'object' ? found : undefined
  const sid = host?.sidOf(req)
  const tokens = await newestTokens(lifecycle, sid, tokensOf(requestUser(req)))
  if (tokens?.refreshToken) {
    try {
      await strategy.revoke(tokens.refreshToken)
      log('refresh token revoked')
    } catch (err) {
      report(err, req, onRevokeError)
    }
  }
  if (typeof sid === 'string') lifecycle.settle(sid, { kind: 'signed-out' })
  if (!host) {
    throw found === 'cookie'
      ? new TypeError(`${WHO} needs a server-side session: a cookie-only session cannot be ended at the server`)
      : new TypeError(`${WHO} needs a server-side session: no req.session (mount express-session, or register @fastify/session)`)
  }
  await host.logout(req, WHO)
  // Both hosts regenerate the session at sign-out; the new one is destroyed too, so nothing of it stays.
  const { session } = req as { session?: LiveSession }
  if (session && typeof session.destroy === 'function') await destroySession(session)
  log('signed out')
}

/** The request's tokens, or those a refresh of the session in flight is about to store (it may rotate the refresh token). */
async function newestTokens(
  lifecycle: SessionLifecycle,
  sid: string | undefined,
  tokens: DinteroTokens | undefined,
): Promise<DinteroTokens | undefined> {
  const inflight = typeof sid === 'string' ? lifecycle.flights.current(sid) : undefined
  if (!inflight) return tokens
  const outcome = await inflight.catch(() => undefined)
  return outcome?.kind === 'renewed' ? outcome.tokens : tokens
}

function report<R>(err: unknown, req: R, onRevokeError: LogoutOptions<R>['onRevokeError']): void {
  log('revoking the refresh token failed (%s); signing out locally anyway', errorLabel(err))
  if (!onRevokeError) return
  try {
    onRevokeError(err, req)
  } catch (callbackErr) {
    // The callback's own failure must not block the sign-out either.
    log('onRevokeError threw (%s)', errorLabel(callbackErr))
  }
}
