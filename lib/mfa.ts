/**
 * The two-step sign-in for accounts that require MFA. Step 1 (after Dintero accepted the password):
 * ask Dintero to send a one-time code and keep the pending sign-in in the server-side session.
 * Step 2: exchange the code the customer typed for tokens, counting wrong codes. Plus resending a code.
 *
 * @packageDocumentation
 */
import { logger } from './debug.js'
import { codeChannel } from './dintero-readings.js'
import type { DinteroClient, IssuedTokens, MfaStart } from './dintero-client.js'
import { MfaCodeRejectedError, MfaExpiredError, RateLimitedError } from './errors.js'
import {
  dropPending,
  newestPending,
  noSessionError,
  PendingCounters,
  type PendingMfa,
  pendingKey,
  readPending,
  readStoredPending,
  type ServerSession,
  serverSession,
  serverSessionId,
  writePending,
} from './mfa-state.js'
import { type HostRequest, saveIfPossible } from './session-access.js'
import type { ResolvedOptions } from './options.js'
import type { Action, DinteroFailureInfo, Ident } from './sign-in.js'

/** What an application may know about a pending MFA sign-in (no secrets): for the code page. */
export interface DinteroMfaPending {
  /** Where the code went: `'sms'` or `'email'` (as Dintero said, or as the customer signed in); undefined when unknown. */
  channel: string | undefined
  /** When the sign-in stops accepting codes, in milliseconds since epoch. */
  expiresAt: number
  /** Wrong codes still tolerated before the sign-in is dropped. */
  attemptsLeft: number
  /** Codes that may still be resent. */
  resendsLeft: number
  /** Earliest time a code may be resent, in milliseconds since epoch. */
  resendAt: number
}

/**
 * The outcome of {@link DinteroPasswordStrategy.resendCode}: a new code was sent, or why not, with the
 * HTTP status and the same kind of `info` a failed sign-in carries.
 */
export type DinteroMfaResendResult =
  | { sent: true; channel: string | undefined; resendsLeft: number }
  | { sent: false; status: 400 | 401 | 429; info: DinteroFailureInfo }

/** A `fail` action with the package's own `info`. @internal */
export type Refusal = { kind: 'fail'; info: DinteroFailureInfo; status: number }

/** Step 2 of a sign-in: tokens to verify, or the refusal. @internal */
export type CodeStep = { kind: 'tokens'; issued: IssuedTokens } | Refusal

const log = logger('mfa')

/** Messages and codes of MFA refusals: plain words, never the code or a token. @internal */
export const MFA_MESSAGES = {
  notStarted: 'No sign-in is waiting for a code. Sign in again.',
  expired: 'The sign-in has expired. Sign in again.',
  enterCode: 'Enter the code we sent you.',
  wrongCode: 'Wrong code.',
  tooManyWrong: 'Too many wrong codes. Sign in again.',
  resendTooSoon: 'Wait a little before asking for a new code.',
  noMoreResends: 'No more codes can be sent. Sign in again.',
  busy: 'Your code is being checked. Try again in a moment.',
} as const

const NOT_STARTED: DinteroFailureInfo = { message: MFA_MESSAGES.notStarted, code: 'ERR_DINTERO_MFA_NOT_STARTED' }
const EXPIRED: DinteroFailureInfo = { message: MFA_MESSAGES.expired, code: 'ERR_DINTERO_MFA_EXPIRED' }
const TOO_MANY_WRONG: DinteroFailureInfo = { message: MFA_MESSAGES.tooManyWrong, code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 0 }
/** Longest code accepted from the form: Dintero's are 6 digits; anything far longer is not a code. */
const MAX_CODE = 32

/** What {@link MfaFlow._alone} gives instead of calling when the session's MFA call is already running. */
const BUSY = Symbol('busy')

function busyInfo(pending: PendingMfa): DinteroFailureInfo {
  return { ...stillWaiting(pending), message: MFA_MESSAGES.busy, code: 'ERR_DINTERO_MFA_BUSY' }
}

/**
 * One strategy's MFA flow. Holds no per-sign-in state itself: that lives in each request's session.
 * @internal
 */
export class MfaFlow {
  private readonly _key: string

  constructor(
    private readonly _options: ResolvedOptions,
    private readonly _client: DinteroClient,
    private readonly _now: () => number = Date.now,
  ) {
    this._key = pendingKey(_options.name)
    this._counters = new PendingCounters(_now)
  }

  /**
   * Step 1, after Dintero accepted the password and opened an MFA sign-in (with the `mfa_token` of the
   * login's MFA answer, or of `customers/mfa_login`): sends the code and keeps the
   * pending sign-in in the session. Ends in a redirect to `mfaURL`, or `fail(…, 401)` saying where the code went.
   * A challenge Dintero refuses rejects with a typed error (429: {@link RateLimitedError}).
   */
  async start(req: HostRequest, opened: MfaStart, ident: Ident): Promise<Action> {
    const session = this._session(req)
    // oob_channel is optional, and customers/login never says: see codeChannel.
    const channel = codeChannel(opened.channel, ident)
    const oobCode = await this._client.mfaChallenge(opened.mfaToken)
    const now = this._now()
    const { mfaLifetime, mfaMaxAttempts, mfaMaxResends, mfaURL } = this._options
    writePending(session, this._key, {
      mfaToken: opened.mfaToken,
      oobCode,
      channel,
      expiresAt: now + mfaLifetime,
      attemptsLeft: mfaMaxAttempts,
      resendsLeft: mfaMaxResends,
      sentAt: now,
    })
    log('code sent by %s; waiting for it', channel)
    if (mfaURL !== undefined) return { kind: 'redirect', url: mfaURL }
    const info: DinteroFailureInfo = { message: codeSentMessage(channel), code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true, channel }
    return { kind: 'fail', info, status: 401 }
  }

  /**
   * Step 2: exchanges the code the customer typed (`typed`, as the strategy read it from the form) for
   * tokens. The pending sign-in is consumed once Dintero issued tokens (whatever their verification says next), and on expiry or too many wrong codes. Upstream trouble
   * (429, 5xx, timeouts) rejects with a typed error and keeps it, so the customer can try again.
   */
  async redeem(req: HostRequest, typed: unknown): Promise<CodeStep> {
    const session = this._session(req)
    const copy = this._known(session)
    if (!copy) return fail(NOT_STARTED, 400)
    if (this._now() >= copy.expiresAt) return this._expired(session)
    const code = readCode(typed)
    if (code === undefined) return fail({ ...stillWaiting(copy), message: MFA_MESSAGES.enterCode }, 400)
    const step = await this._alone(req, async (): Promise<CodeStep> => {
      // Inside the lock, from the store: this request's copy of the session may predate the last
      // wrong code another request counted (see _fresh).
      const pending = await this._fresh(req, session)
      if (!pending) return fail(NOT_STARTED, 400)
      if (this._now() >= pending.expiresAt) return this._expired(session)
      // No attempt left: another instance's check is using the last one (a check here drops the sign-in).
      if (pending.attemptsLeft <= 0) return fail(TOO_MANY_WRONG, 401)
      // The attempt is spent before Dintero is asked, and saved to the store, so a check on another
      // instance that reads the store meanwhile finds it spent: across instances too, at most
      // mfaMaxAttempts checks reach Dintero (but for one store round trip). Whatever Dintero answers but
      // tokens, the attempt stays spent: a check that timed out may have been counted there too.
      const spent = { ...pending, attemptsLeft: pending.attemptsLeft - 1 }
      await this._count(session, spent)
      let issued: IssuedTokens
      try {
        issued = await this._client.mfaGrant(pending.mfaToken, pending.oobCode, code)
      } catch (err) {
        if (err instanceof MfaCodeRejectedError) return this._wrongCode(session, spent)
        if (err instanceof MfaExpiredError) return this._expired(session)
        // Upstream trouble: the sign-in stays for another try, unless that was its last attempt.
        if (spent.attemptsLeft <= 0) await this._end(session, spent)
        throw err
      }
      // Dintero has spent the mfa_token: a second use of this state could only fail.
      this._counters.end(pending)
      dropPending(session, this._key)
      log('code accepted')
      return { kind: 'tokens', issued }
    })
    return step === BUSY ? fail(busyInfo(copy), 429) : step
  }

  /** Sends a new code for the pending sign-in, at most `mfaMaxResends` times and one per `mfaResendInterval`. */
  async resend(req: HostRequest): Promise<DinteroMfaResendResult> {
    const session = this._session(req)
    const copy = this._known(session)
    if (!copy) return { sent: false, status: 400, info: NOT_STARTED }
    const result = await this._alone(req, async (): Promise<DinteroMfaResendResult> => {
      const pending = await this._fresh(req, session)
      if (!pending) return { sent: false, status: 400, info: NOT_STARTED }
      const now = this._now()
      if (now >= pending.expiresAt) return { sent: false, status: 401, info: this._expired(session).info }
      if (pending.resendsLeft <= 0) {
        return { sent: false, status: 429, info: { ...stillWaiting(pending), message: MFA_MESSAGES.noMoreResends, code: 'ERR_DINTERO_MFA_RESEND_LIMITED' } }
      }
      const wait = pending.sentAt + this._options.mfaResendInterval - now
      if (wait > 0) {
        const info = { ...stillWaiting(pending), message: MFA_MESSAGES.resendTooSoon, code: 'ERR_DINTERO_MFA_RESEND_LIMITED', retryAfter: Math.ceil(wait / 1000) }
        return { sent: false, status: 429, info }
      }
      // Spent before Dintero is asked, as a code check's attempt is (see redeem).
      const spent = { ...pending, resendsLeft: pending.resendsLeft - 1 }
      await this._count(session, spent)
      let oobCode: string
      try {
        oobCode = await this._client.mfaChallenge(pending.mfaToken)
      } catch (err) {
        if (err instanceof MfaExpiredError) return { sent: false, status: 401, info: this._expired(session).info }
        if (err instanceof RateLimitedError) {
          const info: DinteroFailureInfo = { ...stillWaiting(pending), message: MFA_MESSAGES.resendTooSoon, code: err.code }
          if (err.retryAfter !== undefined) info.retryAfter = err.retryAfter
          return { sent: false, status: 429, info }
        }
        throw err
      }
      // The new challenge replaces the old one at Dintero. Wrong codes keep counting across resends, and
      // the lifetime is not extended: a resend buys no extra guesses and no extra time.
      const resent = { ...spent, oobCode, sentAt: this._now() }
      await this._count(session, resent)
      log('code resent by %s', pending.channel ?? 'unknown channel')
      return { sent: true, channel: pending.channel, resendsLeft: resent.resendsLeft }
    })
    return result === BUSY ? { sent: false, status: 429, info: busyInfo(copy) } : result
  }

  /**
   * Runs `step` as the only MFA step of this request's session in this process (reading the state,
   * asking Dintero, counting); {@link BUSY} without running it when one is already running. So parallel
   * guesses cannot share one attempt, nor parallel resends one resend.
   */
  private async _alone<T>(req: HostRequest, step: () => Promise<T>): Promise<T | typeof BUSY> {
    const sid = serverSessionId(req)
    if (this._busy.has(sid)) return BUSY
    this._busy.add(sid)
    try {
      return await step()
    } finally {
      this._busy.delete(sid)
    }
  }

  /** The pending sign-in of this request's session, without its secrets; undefined when none or expired. */
  pending(req: HostRequest): DinteroMfaPending | undefined {
    const pending = this._known(this._session(req))
    if (!pending || this._now() >= pending.expiresAt) return undefined
    return {
      channel: pending.channel,
      expiresAt: pending.expiresAt,
      attemptsLeft: pending.attemptsLeft,
      resendsLeft: pending.resendsLeft,
      resendAt: pending.sentAt + this._options.mfaResendInterval,
    }
  }

  /** Sessions with an MFA step running right now (this process only). */
  private readonly _busy = new Set<string>()
  /** The counts this process spent, which no stale copy of a session can raise again. */
  private readonly _counters: PendingCounters

  /** The request's copy of the pending sign-in, with what this process counted since; undefined when none (or ended here). */
  private _known(session: ServerSession): PendingMfa | undefined {
    const copy = readPending(session, this._key)
    return copy && this._counters.merge(copy)
  }

  /**
   * The pending sign-in as it stands now, read inside the lock: the request's copy, the store's (which
   * another request or instance may have counted in since this request loaded the session) and what this
   * process counted, combined so counts only go down; written into the request's copy. Undefined (and
   * dropped from the copy) when the sign-in is gone: consumed, ended, or another sign-in took its place.
   */
  private async _fresh(req: HostRequest, session: ServerSession): Promise<PendingMfa | undefined> {
    const copy = readPending(session, this._key)
    const stored = await readStoredPending(req, this._key)
    // A store that no longer holds it has seen the sign-in end (or a newer one start): that wins.
    const base = stored === undefined ? copy : stored === null ? undefined : stored.mfaToken === copy?.mfaToken ? newestPending(stored, copy) : stored
    const pending = base && this._counters.merge(base)
    if (!pending) {
      dropPending(session, this._key)
      return undefined
    }
    writePending(session, this._key, pending)
    return pending
  }

  /**
   * Writes a new count where every later request sees it before this one lets go of the lock: this
   * process's counters, the request's copy, and the store (so another instance reading it sees it too).
   */
  private async _count(session: ServerSession, pending: PendingMfa): Promise<void> {
    this._counters.record(pending)
    writePending(session, this._key, pending)
    await saveIfPossible(session)
  }

  private _session(req: HostRequest): ServerSession {
    const session = serverSession(req)
    if (!session) throw noSessionError(req)
    return session
  }

  private _expired(session: ServerSession): Refusal {
    dropPending(session, this._key)
    log('pending sign-in expired')
    return fail(EXPIRED, 401)
  }

  /** Dintero refused the code; `spent` already counts it (see redeem). */
  private async _wrongCode(session: ServerSession, spent: PendingMfa): Promise<Refusal> {
    const { attemptsLeft } = spent
    log('wrong code, %d attempts left', attemptsLeft)
    if (attemptsLeft <= 0) {
      await this._end(session, spent)
      return fail(TOO_MANY_WRONG, 401)
    }
    const left = attemptsLeft === 1 ? '1 attempt left.' : `${attemptsLeft} attempts left.`
    const info = { ...stillWaiting(spent), message: `${MFA_MESSAGES.wrongCode} ${left}`, code: 'ERR_DINTERO_MFA_CODE_INVALID' }
    return fail(info, 401)
  }

  /** Ends the sign-in here and in the store: no request may use it again. */
  private async _end(session: ServerSession, pending: PendingMfa): Promise<void> {
    this._counters.end(pending)
    dropPending(session, this._key)
    await saveIfPossible(session)
  }
}

/** The `info` fields of a refusal after which the code page is still the next step. */
function stillWaiting(pending: PendingMfa): Omit<DinteroFailureInfo, 'message'> {
  return { mfaRequired: true, ...(pending.channel === undefined ? {} : { channel: pending.channel }), attemptsLeft: pending.attemptsLeft }
}

function codeSentMessage(channel: string): string {
  if (channel === 'sms') return 'We sent you a code by SMS. Enter it to sign in.'
  if (channel === 'email') return 'We sent you a code by email. Enter it to sign in.'
  return 'We sent you a code. Enter it to sign in.'
}

function fail(info: DinteroFailureInfo, status: number): Refusal {
  return { kind: 'fail', info, status }
}

/** The code as typed, without the spaces and dashes people add; undefined when it cannot be a code. @internal */
export function readCode(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_CODE * 2) return undefined
  const code = value.replace(/[\s-]/g, '')
  return /^[A-Za-z0-9]+$/.test(code) && code.length <= MAX_CODE ? code : undefined
}
