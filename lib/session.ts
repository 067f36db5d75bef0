/**
 * The default user and the helpers that put it into, and take it out of, a server-side session.
 *
 * @packageDocumentation
 */
import type {} from 'passport'
import { isStale } from './expiry-guard.js'
import { decodePayload } from './jwt-rs256.js'
import { type DinteroClaims, withTypedClaims } from './token-verifier.js'

/** The tokens of a signed-in customer. Secrets: keep them server-side, never log them. */
export interface DinteroTokens {
  /** The verified access token (a JWT). */
  accessToken: string
  /** The refresh token, when the API client has scope `create:accounts:auth:refresh_token`. */
  refreshToken?: string
  /** Usually `'Bearer'`. */
  tokenType: string
  /** When the access token expires, in milliseconds since epoch (from its verified `exp` claim). */
  expiresAt: number
}

/** The user the strategy signs in when no `verify` callback is given. */
export interface DinteroUser {
  /** The customer's id: the access token's `sub` claim. */
  id: string
  /** The verified claims of the access token. */
  claims: DinteroClaims
  /** The customer's tokens. */
  tokens: DinteroTokens
}

/** Builds the default user from verified claims and tokens. @internal */
export function defaultUser(tokens: DinteroTokens, claims: DinteroClaims): DinteroUser {
  return { id: claims.sub, claims, tokens }
}

/** A plain JSON-style object (not null, not an array). @internal */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** True when `value` has the shape of {@link DinteroTokens} (as read back from a session store). */
export function isDinteroTokens(value: unknown): value is DinteroTokens {
  return (
    isRecord(value) &&
    typeof value['accessToken'] === 'string' &&
    typeof value['tokenType'] === 'string' &&
    typeof value['expiresAt'] === 'number' &&
    (value['refreshToken'] === undefined || typeof value['refreshToken'] === 'string')
  )
}

/** True when `value` has the shape of a {@link DinteroUser} (as read back from a session store). */
export function isDinteroUser(value: unknown): value is DinteroUser {
  return isRecord(value) && typeof value['id'] === 'string' && isRecord(value['claims']) && isDinteroTokens(value['tokens'])
}

/** The tokens a user (default or the app's own) carries as `user.tokens`, when it carries well-formed ones. @internal */
export function tokensOf(user: unknown): DinteroTokens | undefined {
  return isRecord(user) && isDinteroTokens(user['tokens']) ? user['tokens'] : undefined
}

/**
 * For `passport.serializeUser(serializeUser)`: stores the default user's id and tokens in the session.
 * Passport regenerates the session at login, so the tokens must travel with the user. The claims are
 * not stored twice: they are the payload of the access token beside them, read back by
 * {@link deserializeUser}. A smaller session is less for express-session to parse, hash and save on
 * every request. Use a server-side session store: the refresh token must never reach the browser.
 */
export function serializeUser(user: Express.User, done: (err: unknown, stored?: unknown) => void): void {
  if (!isDinteroUser(user)) {
    done(new TypeError('serializeUser expects the default Dintero user ({ id, claims, tokens })'))
    return
  }
  const { id, tokens } = user
  done(null, { id, tokens: { ...tokens } })
}

/**
 * For `passport.deserializeUser(deserializeUser)`: reads the user back from the session, with its
 * claims from the stored access token (verified when it was stored, at sign-in or refresh). Anything
 * that is not a well-formed user (an old or tampered session) signs the visitor out instead of failing.
 *
 * A user whose access token expired more than the strategy's `clockTolerance` ago is not signed in
 * either, unless a `refreshTokens(strategy)` middleware will still see it in this request (one was
 * created for the token's audience, and it did not already run before `passport.session()`): then
 * refreshTokens refreshes it or signs it out before the route runs. Passport calls it with the request first
 * (`(req, stored, done)`, as it does for every deserializer declared with three parameters); called
 * directly as `(stored, done)` it cannot tell whether refreshTokens already ran, and assumes it did not.
 */
export function deserializeUser(req: object, stored: unknown, done: DeserializeDone): void
export function deserializeUser(stored: unknown, done: DeserializeDone): void
export function deserializeUser(first: unknown, second: unknown, third?: DeserializeDone): void {
  const [req, stored, done] = third ? [first as object, second, third] : [undefined, first, second as DeserializeDone]
  const user = restoreUser(stored)
  if (!user || isStale(user.claims.aud, user.tokens.expiresAt, user.tokens.refreshToken !== undefined, req)) {
    done(null, false)
    return
  }
  done(null, user)
}

/** The callback of {@link deserializeUser}. */
export type DeserializeDone = (err: unknown, user?: Express.User | false) => void

/** The default user from what {@link serializeUser} stored; the claims always from the stored access token. */
function restoreUser(stored: unknown): DinteroUser | undefined {
  if (!isRecord(stored) || typeof stored['id'] !== 'string' || !isDinteroTokens(stored['tokens'])) return undefined
  const tokens = stored['tokens']
  const claims = decodePayload(tokens.accessToken)
  if (!claims || claims['sub'] !== stored['id']) return undefined
  return { id: stored['id'], claims: withTypedClaims(claims) as DinteroClaims, tokens }
}
