/**
 * The session seam: the little of the host's session and Passport that keeping tokens fresh, signing
 * out and the MFA pending state need, for each host the package knows:
 *
 * | host | session id | Passport's user in the session | sign-out |
 * |---|---|---|---|
 * | express-session + passport (Express 4/5, NestJS on Express) | `req.sessionID` | `session.passport.user` | `req.logout(cb)` |
 * | @fastify/session + @fastify/passport | `request.session.sessionId` | `session.passport` | `await request.logOut()` |
 *
 * Both keep the store at `req.sessionStore` with `get(sid, cb)`, and sessions with `save(cb)` and
 * `destroy(cb)`. A cookie-only session (cookie-session, @fastify/secure-session) has no id and no store:
 * it is refused wherever a refresh token or `mfa_token` would end up in the cookie. Structural types
 * only, so the package needs none of these at runtime (any store works).
 *
 * @packageDocumentation
 */
import { decodePayload } from './jwt-rs256.js'
import { type DinteroTokens, isRecord, tokensOf } from './session.js'
import type { VerifiedTokens } from './verified-tokens.js'

/** Where Passport keeps its part of the session (`session.passport`). */
const PASSPORT_KEY = 'passport'

type Callback = (err?: unknown) => void

/** A server-side session (express-session's or @fastify/session's), as far as this package uses it. @internal */
export interface LiveSession {
  [key: string]: unknown
  save(callback: Callback): unknown
  destroy(callback: Callback): unknown
}

/** A session store (express-session's or @fastify/session's), as far as this package uses it. @internal */
export interface SessionStoreLike {
  get(sid: string, callback: (err: unknown, session?: Record<string, unknown> | null) => void): void
}

/**
 * Any request of a host the seam knows (an Express request, a Fastify request with @fastify/session
 * and @fastify/passport): read structurally, never by its framework's type.
 */
export type HostRequest = object

/** The signed-in user, as Passport (or @fastify/passport) put it on the request (`req.user`). @internal */
export function requestUser(req: HostRequest): unknown {
  return (req as { user?: unknown }).user
}

/** Something that says when its response is done (an Express `res`, Fastify's `reply.raw`). @internal */
export interface ResponseEnd {
  once(event: 'close', listener: () => void): unknown
}

/** How one host names the session id, where Passport keeps the user, and how to sign out. @internal */
export interface SessionHost {
  /** The host's name, for error messages. */
  readonly name: string
  /** The request's session id now (it changes when the session is regenerated). */
  sidOf(req: HostRequest): string | undefined
  /** The Passport user held by session data (the live session or as read from the store). */
  userIn(data: unknown): Record<string, unknown> | undefined
  /** Removes the Passport user from session data. */
  forgetUserIn(data: unknown): void
  /** Passport's sign-out (clears the request's user, removes it from the session, regenerates it). */
  logout(req: HostRequest, who: string): Promise<void>
}

function field(value: unknown, key: string): unknown {
  return isRecord(value) || typeof value === 'function' ? (value as Record<string, unknown>)[key] : undefined
}

/** express-session with passport: Express 4 and 5, NestJS on Express. */
const EXPRESS_SESSION: SessionHost = {
  name: 'express-session',
  sidOf: (req) => {
    const sid = field(req, 'sessionID')
    return typeof sid === 'string' ? sid : undefined
  },
  userIn: (data) => {
    const user = field(field(data, PASSPORT_KEY), 'user')
    return isRecord(user) ? user : undefined
  },
  forgetUserIn: (data) => {
    const passport = field(data, PASSPORT_KEY)
    if (isRecord(passport)) delete passport['user']
  },
  logout: (req, who) => {
    const logoutFn = field(req, 'logout')
    if (typeof logoutFn !== 'function') throw new TypeError(`${who} needs Passport: mount passport.session() first`)
    return new Promise((resolve, reject) => {
      ;(logoutFn as (cb: Callback) => void).call(req, (err) => (err ? reject(err) : resolve()))
    })
  },
}

/** @fastify/session with @fastify/passport (its user is the whole of `session.passport`). */
const FASTIFY_SESSION: SessionHost = {
  name: '@fastify/session',
  sidOf: (req) => {
    const sid = field(field(req, 'session'), 'sessionId')
    return typeof sid === 'string' ? sid : undefined
  },
  userIn: (data) => {
    const user = field(data, PASSPORT_KEY)
    return isRecord(user) ? user : undefined
  },
  forgetUserIn: (data) => {
    if (isRecord(data) && PASSPORT_KEY in data) data[PASSPORT_KEY] = undefined
  },
  logout: async (req, who) => {
    const logoutFn = field(req, 'logOut')
    if (typeof logoutFn !== 'function') throw new TypeError(`${who} needs @fastify/passport: register fastifyPassport.initialize() and fastifyPassport.secureSession() first`)
    await (logoutFn as () => Promise<void>).call(req)
  },
}

/** The message for a cookie-only session, where secrets would travel to the browser. @internal */
export function cookieSessionError(who: string, secret: string): TypeError {
  return new TypeError(
    `${who}: refusing a cookie-only session (cookie-session, @fastify/secure-session): the ${secret} would be stored in the browser's cookie; use express-session or @fastify/session with a server-side store`,
  )
}

/**
 * The host of a request: express-session (`req.sessionID`) or @fastify/session (`session.sessionId`
 * and its store at `req.sessionStore`); `'cookie'` for any other session (cookie-only); undefined
 * without a session. @internal
 */
export function detectHost(req: HostRequest): SessionHost | 'cookie' | undefined {
  if (EXPRESS_SESSION.sidOf(req) !== undefined) return EXPRESS_SESSION
  const session = field(req, 'session')
  if (!isRecord(session)) return undefined
  // @fastify/session always decorates the request with its store; without one, a `sessionId` is only a
  // data key of a cookie-only session (cookie-session and @fastify/secure-session expose their data as
  // properties), and taking it for @fastify/session would put secrets into the cookie.
  if (FASTIFY_SESSION.sidOf(req) !== undefined && typeof field(field(req, 'sessionStore'), 'get') === 'function') return FASTIFY_SESSION
  return 'cookie'
}

/**
 * The request's host, session, id and store; throws a `TypeError` naming `who` and what is missing
 * when the request has no server-side session the seam knows. `secret` names what would leak into a
 * cookie-only session. @internal
 */
export function sessionOf(
  req: HostRequest,
  who: string,
  secret = 'refresh token',
): { host: SessionHost; session: LiveSession; sid: string; store: SessionStoreLike } {
  const host = detectHost(req)
  if (host === 'cookie') throw cookieSessionError(who, secret)
  if (host === undefined) {
    throw new TypeError(
      `${who} needs a server-side session: no req.session (mount express-session, or register @fastify/session, before it and after Passport's session support)`,
    )
  }
  const session = field(req, 'session')
  const store = field(req, 'sessionStore')
  const missing = [
    ...(typeof field(session, 'save') === 'function' ? [] : ['req.session.save()']),
    ...(typeof field(session, 'destroy') === 'function' ? [] : ['req.session.destroy()']),
    ...(typeof field(store, 'get') === 'function' ? [] : ['req.sessionStore.get()']),
  ]
  if (missing.length > 0) throw new TypeError(`${who}: the ${host.name} session lacks ${missing.join(', ')}`)
  return { host, session: session as LiveSession, sid: host.sidOf(req)!, store: store as SessionStoreLike }
}

/** Signs this request's own view out (`req.user`), without touching the session: Passport reads it as signed out. @internal */
export function dropRequestUser(req: HostRequest): void {
  ;(req as { user?: unknown }).user = null
}

/** The Passport user as the store holds it now (not as this request loaded it); undefined when signed out or gone. @internal */
export async function readStoredUser(host: SessionHost, store: SessionStoreLike, sid: string): Promise<Record<string, unknown> | undefined> {
  return host.userIn(await readStore(store, sid))
}

/** The session data the store holds under `sid` now; `null` when it holds none. */
function readStore(store: SessionStoreLike, sid: string): Promise<Record<string, unknown> | null> {
  return new Promise((resolve, reject) => {
    store.get(sid, (err, data) => (err ? reject(err) : resolve(isRecord(data) ? data : null)))
  })
}

/**
 * The session data as the store holds it now (not as this request loaded it): `null` when the store has
 * no session under the request's id, `undefined` when the request has no store to ask. @internal
 */
export function readStoredSession(req: HostRequest): Promise<Record<string, unknown> | null | undefined> {
  const host = detectHost(req)
  const store = field(req, 'sessionStore')
  const sid = typeof host === 'object' ? host.sidOf(req) : undefined
  if (sid === undefined || typeof field(store, 'get') !== 'function') return Promise.resolve(undefined)
  return readStore(store as SessionStoreLike, sid)
}

/** Saves the request's session now, when the host can (`session.save()`); else nothing. @internal */
export async function saveIfPossible(session: unknown): Promise<void> {
  if (isRecord(session) && typeof session['save'] === 'function') await saveSession(session as LiveSession)
}

/**
 * Puts verified tokens into a user object, in place (so an application's own class instances stay
 * what they are): `tokens` always, `claims` when the object has claims. @internal
 */
export function putTokens(target: Record<string, unknown>, verified: VerifiedTokens): void {
  target['tokens'] = { ...verified.tokens }
  if ('claims' in target) target['claims'] = verified.claims
}

/**
 * True when `candidate` are other tokens than `current` (another access or refresh token: a refresh in
 * the same second as the sign-in may return the same access token with a rotated refresh token) that
 * live at least as long. @internal
 */
export function isNewer(candidate: DinteroTokens | undefined, current: DinteroTokens): candidate is DinteroTokens {
  if (candidate === undefined || candidate.expiresAt < current.expiresAt) return false
  return candidate.accessToken !== current.accessToken || candidate.refreshToken !== current.refreshToken
}

/**
 * Makes saving this request's copy of session `sid` re-read the store first: when the store no longer
 * holds a signed-in session under that id (signed out or ended meanwhile, on any instance), or holds
 * another customer's tokens there, the user is removed from the copy before it is saved, so the save
 * cannot sign the session in again nor put one customer's tokens under another's user. Costs one
 * store read per save (both hosts save a session only when it changed, unless told to always save).
 * When the store holds other tokens than the copy loaded and the copy still has those (another instance
 * refreshed meanwhile), the copy takes the store's, so it cannot put a spent rotating refresh token back.
 * A session regenerated meanwhile (a new id: a sign-in) is saved as it is. Both hosts save through
 * `session.save(callback)`. @internal
 */
export function guardSave(req: HostRequest, host: SessionHost, session: LiveSession, sid: string, store: SessionStoreLike): void {
  // Called with the session as `this`, as express-session's own save (its wrapper) expects.
  const save = Reflect.get<LiveSession, 'save'>(session, 'save')
  const loaded = tokensOf(host.userIn(session))
  Object.defineProperty(session, 'save', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function guardedSave(this: LiveSession, callback?: Callback) {
      if (typeof callback !== 'function') {
        // @fastify/session's promise form: the same check, as a promise.
        return new Promise<void>((resolve, reject) => guardedSave.call(this, (err) => (err ? reject(err) : resolve())))
      }
      if (host.sidOf(req) !== sid || host.userIn(this) === undefined) return save.call(this, callback)
      readStoredUser(host, store, sid).then(
        (stored) => {
          // A store that holds no user, or another customer's, under this id: the copy must not sign
          // its customer in again, nor take the other customer's tokens.
          if (stored === undefined || !sameCustomer(tokensOf(host.userIn(this)), tokensOf(stored))) host.forgetUserIn(this)
          else takeStoredTokens(host.userIn(this), loaded, stored)
          save.call(this, callback)
        },
        (err: unknown) => callback(err),
      )
      return this
    },
  })
}

/**
 * When this request kept the tokens it loaded while the store got others (another instance refreshed
 * meanwhile), the copy takes the store's tokens (and claims): with rotating refresh tokens the loaded
 * refresh token is spent, and saving it would sign the customer out at the next refresh.
 */
function takeStoredTokens(copy: Record<string, unknown> | undefined, loaded: DinteroTokens | undefined, stored: Record<string, unknown>): void {
  const current = tokensOf(copy)
  const theirs = tokensOf(stored)
  // Never older ones (a writer that bypassed this check may have put them back).
  if (!copy || !current || !loaded || !sameTokens(current, loaded) || !isNewer(theirs, current)) return
  copy['tokens'] = { ...theirs }
  if ('claims' in copy && 'claims' in stored) copy['claims'] = stored['claims']
}

/**
 * False when both carry tokens and their access tokens name different customers (`sub`). Read, not
 * verified: both were verified when they were stored; this only keeps one customer's tokens from being
 * copied under another's user.
 */
function sameCustomer(a: DinteroTokens | undefined, b: DinteroTokens | undefined): boolean {
  if (!a || !b || a.accessToken === b.accessToken) return true
  return decodePayload(a.accessToken)?.['sub'] === decodePayload(b.accessToken)?.['sub']
}

function sameTokens(a: DinteroTokens, b: DinteroTokens): boolean {
  return a.accessToken === b.accessToken && a.refreshToken === b.refreshToken
}

/** `session.save()` as a promise. @internal */
export function saveSession(session: LiveSession): Promise<void> {
  return new Promise((resolve, reject) => session.save((err) => (err ? reject(err) : resolve())))
}

/** `session.destroy()` as a promise. @internal */
export function destroySession(session: LiveSession): Promise<void> {
  return new Promise((resolve, reject) => session.destroy((err) => (err ? reject(err) : resolve())))
}
