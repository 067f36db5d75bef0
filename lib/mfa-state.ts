/**
 * The pending MFA sign-in between step 1 (password) and step 2 (code), kept in the server-side
 * session. It holds Dintero's `mfa_token` and `oob_code`, which are secrets: they live only in the
 * session store, never in a cookie, a page or a redirect.
 *
 * @packageDocumentation
 */
import { cookieSessionError, detectHost, type HostRequest, readStoredSession } from './session-access.js'

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
 * The request's server-side session (express-session's or @fastify/session's), or undefined when there
 * is none. A cookie-only session (cookie-session, @fastify/secure-session) has no session id, and there
 * the `mfa_token` would travel to the browser, so it does not count.
 * @internal
 */
export function serverSession(req: HostRequest): ServerSession | undefined {
  if (typeof detectHost(req) !== 'object') return undefined
  return (req as { session: ServerSession }).session
}

/** The session id of a request that {@link serverSession} accepted. @internal */
export function serverSessionId(req: HostRequest): string {
  const host = detectHost(req)
  return typeof host === 'object' ? host.sidOf(req)! : ''
}

/** The error for a request without a server-side session while MFA is on: loud for a cookie-only one. @internal */
export function noSessionError(req?: HostRequest): TypeError {
  if (req !== undefined && detectHost(req) === 'cookie') return cookieSessionError('DinteroPasswordStrategy: option mfa', 'mfa_token')
  return new TypeError(
    'DinteroPasswordStrategy: option mfa needs a server-side session: use express-session or @fastify/session (with a server-side store) before passport.authenticate()',
  )
}

/** Session key of one strategy's pending sign-in. @internal */
export function pendingKey(strategyName: string): string {
  return `passport-dintero:mfa:${strategyName}`
}

/**
 * The pending sign-in as the session store holds it now: `null` when the store holds none (consumed,
 * dropped or the session gone), `undefined` when the host has no store to ask. @internal
 */
export async function readStoredPending(req: HostRequest, key: string): Promise<PendingMfa | null | undefined> {
  const stored = await readStoredSession(req)
  if (stored === undefined) return undefined
  const value = stored?.[key]
  return stored !== null && isPending(value) ? value : null
}

/**
 * The newest of two states of one sign-in (the same `mfa_token`): the latest challenge (its `oob_code`
 * and time), the lowest counts and the earliest expiry. Counts only ever go down, so a stale copy of the
 * session, saved by any request, can never give spent attempts or resends back. @internal
 */
export function newestPending(a: PendingMfa, b: PendingMfa | undefined): PendingMfa {
  if (!b || b.mfaToken !== a.mfaToken) return a
  const latest = b.sentAt > a.sentAt ? b : a
  return {
    ...latest,
    expiresAt: Math.min(a.expiresAt, b.expiresAt),
    attemptsLeft: Math.min(a.attemptsLeft, b.attemptsLeft),
    resendsLeft: Math.min(a.resendsLeft, b.resendsLeft),
  }
}

/** At most one sweep of ended or expired sign-ins per this many milliseconds. */
const PRUNE_INTERVAL = 1_000

/**
 * What this process knows of each pending sign-in it counted a wrong code or a resend for, keyed by its
 * `mfa_token`: every request sees it at once, whatever its own copy of the session says, and it is
 * combined with the stored state by {@link newestPending}. A sign-in that ended (tokens issued, too many
 * wrong codes) is remembered as ended until it would have expired. @internal
 */
export class PendingCounters {
  /**
   * By `mfa_token`: the newest state this process counted, or that the sign-in ended; until `expiresAt`.
   * Keyed by mfa_token and holding oob_codes, so a private field (#): util.inspect never shows one, not
   * even with showHidden.
   */
  readonly #known = new Map<string, { state: PendingMfa | 'ended'; expiresAt: number }>()
  private _prunedAt = Number.NEGATIVE_INFINITY

  constructor(private readonly _now: () => number) {}

  /** `pending` combined with what this process knows of it; undefined when this process saw it end. */
  merge(pending: PendingMfa): PendingMfa | undefined {
    const known = this.#known.get(pending.mfaToken)?.state
    if (known === 'ended') return undefined
    return newestPending(pending, known)
  }

  /** Remembers `pending` (already merged) as the newest state of its sign-in. */
  record(pending: PendingMfa): void {
    this._prune()
    const known = this.#known.get(pending.mfaToken)?.state
    const state = newestPending(pending, known === 'ended' ? undefined : known)
    this.#known.set(pending.mfaToken, { state, expiresAt: state.expiresAt })
  }

  /** Remembers that the sign-in ended: no request may use it again. */
  end(pending: PendingMfa): void {
    this._prune()
    this.#known.set(pending.mfaToken, { state: 'ended', expiresAt: pending.expiresAt })
  }

  /** How many sign-ins are remembered (for tests). */
  get size(): number {
    return this.#known.size
  }

  /** Forgets sign-ins past their expiry (they can no longer be used anyway). */
  private _prune(): void {
    const now = this._now()
    if (now - this._prunedAt < PRUNE_INTERVAL) return
    this._prunedAt = now
    for (const [token, { expiresAt }] of this.#known) if (expiresAt <= now) this.#known.delete(token)
  }
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
