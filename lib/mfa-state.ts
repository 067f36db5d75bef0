/**
 * The pending MFA sign-in between step 1 (password) and step 2 (code), kept in the server-side
 * session. It holds Dintero's `mfa_token` and `oob_code`, which are secrets: they live only in the
 * session store, never in a cookie, a page or a redirect.
 *
 * @packageDocumentation
 */
import type { Request } from 'express'

/** A started MFA sign-in, as stored in the session. @internal */
export interface PendingMfa {
  /** Dintero's `mfa_token`. A secret. */
  mfaToken: string
  /** The `oob_code` of the latest challenge. A secret. */
  oobCode: string
  /** Where the code went (`'sms'`, `'email'`), when known. */
  channel?: string
  /** When this sign-in stops accepting codes, in ms since epoch. */
  expiresAt: number
  /** Wrong codes still tolerated. */
  attemptsLeft: number
  /** Codes that may still be resent. */
  resendsLeft: number
  /** When the latest code was sent, in ms since epoch. */
  sentAt: number
}

/** A session object as express-session provides it: a plain object the store persists. @internal */
export type ServerSession = Record<string, unknown>

/**
 * The request's server-side session, or undefined when there is none. express-session sets both
 * `req.session` and `req.sessionID`; a cookie-based session (cookie-session) has no `sessionID`, and
 * there the `mfa_token` would travel to the browser, so it does not count.
 * @internal
 */
export function serverSession(req: Request): ServerSession | undefined {
  // Typed structurally: the library does not depend on express-session's types.
  const { session, sessionID } = req as unknown as { session?: unknown; sessionID?: unknown }
  if (typeof session !== 'object' || session === null || typeof sessionID !== 'string') return undefined
  return session as ServerSession
}

/** The error for a request without a server-side session while MFA is on. @internal */
export function noSessionError(): TypeError {
  return new TypeError(
    'DinteroPasswordStrategy: option mfa needs a server-side session: use express-session (with a server-side store) before passport.authenticate()',
  )
}

/** Session key of one strategy's pending sign-in. @internal */
export function pendingKey(strategyName: string): string {
  return `passport-dintero:mfa:${strategyName}`
}

/** Reads the pending sign-in; anything malformed (an old or tampered session) is dropped and reads as none. @internal */
export function readPending(session: ServerSession, key: string): PendingMfa | undefined {
  const value = session[key]
  if (value === undefined) return undefined
  if (isPending(value)) return value
  delete session[key]
  return undefined
}

/** Stores the pending sign-in (express-session saves the session when the response ends). @internal */
export function writePending(session: ServerSession, key: string, pending: PendingMfa): void {
  session[key] = pending
}

/** Forgets the pending sign-in. @internal */
export function dropPending(session: ServerSession, key: string): void {
  delete session[key]
}

function isPending(value: unknown): value is PendingMfa {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  const nonEmpty = (x: unknown) => typeof x === 'string' && x.length > 0
  const count = (x: unknown) => typeof x === 'number' && Number.isInteger(x) && x >= 0
  return (
    nonEmpty(v['mfaToken']) &&
    nonEmpty(v['oobCode']) &&
    (v['channel'] === undefined || typeof v['channel'] === 'string') &&
    typeof v['expiresAt'] === 'number' &&
    typeof v['sentAt'] === 'number' &&
    count(v['attemptsLeft']) &&
    count(v['resendsLeft'])
  )
}
