/**
 * The little of express-session and Passport that keeping tokens fresh needs: the request's session,
 * its store, the signed-in user stored in it, and promise forms of save, destroy and `req.logout`.
 * Structural types only, so the package needs neither at runtime (any store works).
 *
 * @packageDocumentation
 */
import type { Request } from 'express'
import { type DinteroTokens, isRecord, tokensOf } from './session.js'
import type { VerifiedTokens } from './verified-tokens.js'

/** Where Passport keeps the signed-in user in the session (`req.session.passport.user`). */
const PASSPORT_KEY = 'passport'

type Callback = (err?: unknown) => void

/** An express-session session, as far as this package uses it. @internal */
export interface LiveSession {
  [key: string]: unknown
  save(callback: Callback): unknown
  destroy(callback: Callback): unknown
}

/** An express-session store, as far as this package uses it. @internal */
export interface SessionStoreLike {
  get(sid: string, callback: (err: unknown, session?: Record<string, unknown> | null) => void): void
}

/** A request with express-session and Passport mounted. @internal */
export type SessionRequest = Request & {
  session?: LiveSession
  sessionID?: string
  sessionStore?: SessionStoreLike
}

/** The session, its id and its store; throws a `TypeError` naming `who` when express-session is missing. @internal */
export function sessionOf(req: Request, who: string): { session: LiveSession; sid: string; store: SessionStoreLike } {
  const { session, sessionID, sessionStore } = req as SessionRequest
  if (!session || typeof sessionID !== 'string' || !sessionStore || typeof sessionStore.get !== 'function') {
    throw new TypeError(`${who} needs express-session: mount it after session() and passport.session()`)
  }
  return { session, sid: sessionID, store: sessionStore }
}

/** The Passport user held by session data (`data.passport.user`), or undefined. @internal */
export function storedUserOf(data: unknown): Record<string, unknown> | undefined {
  const passport = isRecord(data) ? data[PASSPORT_KEY] : undefined
  const user = isRecord(passport) ? passport['user'] : undefined
  return isRecord(user) ? user : undefined
}

/** Removes the Passport user from session data, so saving it can never sign anyone in again. @internal */
export function forgetStoredUser(data: unknown): void {
  const passport = isRecord(data) ? data[PASSPORT_KEY] : undefined
  if (isRecord(passport)) delete passport['user']
}

/** Signs this request's own view out (`req.user`), without touching the session: Passport reads it as signed out. @internal */
export function dropRequestUser(req: Request): void {
  ;(req as { user?: unknown }).user = null
}

/** The Passport user as the store holds it now (not as this request loaded it); undefined when signed out or gone. @internal */
export function readStoredUser(store: SessionStoreLike, sid: string): Promise<Record<string, unknown> | undefined> {
  return new Promise((resolve, reject) => {
    store.get(sid, (err, data) => (err ? reject(err) : resolve(storedUserOf(data))))
  })
}

/**
 * The session data as the store holds it now (not as this request loaded it): `null` when the store has
 * no session under the request's id, `undefined` when the request has no store to ask (a host other
 * than express-session). @internal
 */
export function readStoredSession(req: Request): Promise<Record<string, unknown> | null | undefined> {
  const { sessionID, sessionStore } = req as SessionRequest
  if (typeof sessionID !== 'string' || typeof sessionStore?.get !== 'function') return Promise.resolve(undefined)
  return new Promise((resolve, reject) => {
    sessionStore.get(sessionID, (err, data) => (err ? reject(err) : resolve(isRecord(data) ? data : null)))
  })
}

/** Saves the request's session now, when the host can (express-session's `session.save()`); else nothing. @internal */
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
 * holds a signed-in session under that id (signed out or ended meanwhile, on any instance), the user is
 * removed from the copy before it is saved, so the save cannot sign the session in again. Costs one
 * store read per save (express-session saves a session only when it changed, unless `resave: true`).
 * When the store holds other tokens than the copy loaded and the copy still has those (another instance
 * refreshed meanwhile), the copy takes the store's, so it cannot put a spent rotating refresh token back.
 * A session regenerated meanwhile (a new id: a sign-in) is saved as it is. @internal
 */
export function guardSave(req: Request, session: LiveSession, sid: string, store: SessionStoreLike): void {
  // Called with the session as `this`, as express-session's own save (its wrapper) expects.
  const save = Reflect.get<LiveSession, 'save'>(session, 'save')
  const loaded = tokensOf(storedUserOf(session))
  Object.defineProperty(session, 'save', {
    configurable: true,
    enumerable: false,
    writable: true,
    value: function guardedSave(this: LiveSession, callback: Callback) {
      if ((req as SessionRequest).sessionID !== sid || storedUserOf(this) === undefined) return save.call(this, callback)
      readStoredUser(store, sid).then(
        (stored) => {
          if (stored === undefined) forgetStoredUser(this)
          else takeStoredTokens(storedUserOf(this), loaded, stored)
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

/** Passport's `req.logout()` as a promise: clears `req.user`, removes the user from the session and regenerates it. @internal */
export function passportLogout(req: Request, who: string): Promise<void> {
  if (typeof req.logout !== 'function') throw new TypeError(`${who} needs Passport: mount passport.session() first`)
  return new Promise((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())))
}
