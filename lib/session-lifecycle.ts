/**
 * What the refresh middleware and the logout helper of one strategy share within this process: the
 * refresh in flight per session, and the requests of each session still being handled, so a refresh or
 * a logout reaches the copies of the session those requests will save when they finish.
 *
 * @packageDocumentation
 */
import { detectHost, type HostRequest, isNewer, putTokens, requestUser, type ResponseEnd } from './session-access.js'
import { tokensOf } from './session.js'
import { SingleFlight } from './single-flight.js'
import type { VerifiedTokens } from './verified-tokens.js'

/** How a refresh of a session ended: new tokens, or the customer is signed out. @internal */
export type RefreshOutcome = ({ kind: 'renewed' } & VerifiedTokens) | { kind: 'signed-out' }

/**
 * How long a signed-out session id is remembered, in milliseconds: longer than any request that loaded
 * the session before the sign-out can reasonably still be on its way to the refresh middleware (Node's
 * own `server.requestTimeout` is 5 minutes). One short string per sign-out.
 */
export const SIGNED_OUT_MEMORY = 10 * 60_000

/** One strategy's shared lifecycle state. @internal */
export class SessionLifecycle {
  /** The refresh in flight per session id. */
  readonly flights = new SingleFlight<RefreshOutcome>()
  private readonly _live = new Map<string, Set<HostRequest>>()
  /** Sessions signed out in this process, with when to forget them (ms since epoch), oldest first. */
  private readonly _signedOut = new Map<string, number>()

  constructor(private readonly _now: () => number = Date.now) {}

  /**
   * True when session `sid` was signed out in this process (within {@link SIGNED_OUT_MEMORY}). A request
   * that still carries it signed in loaded its copy before the sign-out: the store no longer holds it.
   */
  isSignedOut(sid: string): boolean {
    this._forgetOld()
    return this._signedOut.has(sid)
  }

  /** Remembers `req` as a request of session `sid` until its response (`res`, Fastify's `reply.raw`) is done. */
  track(sid: string, req: HostRequest, res: ResponseEnd): void {
    let requests = this._live.get(sid)
    if (!requests) this._live.set(sid, (requests = new Set()))
    if (requests.has(req)) return
    requests.add(req)
    res.once('close', () => {
      requests.delete(req)
      if (requests.size === 0 && this._live.get(sid) === requests) this._live.delete(sid)
    })
  }

  /**
   * Brings every tracked request of `sid` in line with `outcome`: their session copies (and signed-in
   * users) get the new tokens, or lose the user. Otherwise a request that loaded the session before
   * the refresh or logout landed would, when express-session saves it, put the old tokens back.
   */
  settle(sid: string, outcome: RefreshOutcome): void {
    if (outcome.kind === 'signed-out') {
      this._forgetOld()
      this._signedOut.delete(sid)
      this._signedOut.set(sid, this._now() + SIGNED_OUT_MEMORY)
    }
    for (const req of this._live.get(sid) ?? []) {
      const host = detectHost(req)
      if (typeof host !== 'object' || host.sidOf(req) !== sid) continue // regenerated meanwhile: no longer this session
      const { session } = req as { session?: unknown }
      if (outcome.kind === 'signed-out') {
        host.forgetUserIn(session)
        continue
      }
      applyTokens(host.userIn(session), outcome)
      applyTokens(requestUser(req), outcome)
    }
  }

  /** Drops signed-out sessions older than {@link SIGNED_OUT_MEMORY} (insertion order is time order). */
  private _forgetOld(): void {
    const now = this._now()
    for (const [sid, until] of this._signedOut) {
      if (until > now) break
      this._signedOut.delete(sid)
    }
  }

  /** How many sessions have requests being handled (for tests). */
  get liveSessions(): number {
    return this._live.size
  }
}

/** Puts `verified` into `user` when the user carries older tokens. @internal */
export function applyTokens(user: unknown, verified: VerifiedTokens): void {
  const current = tokensOf(user)
  if (current && isNewer(verified.tokens, current)) putTokens(user as Record<string, unknown>, verified)
}

const lifecycles = new WeakMap<object, SessionLifecycle>()

/** The lifecycle state of `strategy`, created on first use. @internal */
export function lifecycleOf(strategy: object): SessionLifecycle {
  let lifecycle = lifecycles.get(strategy)
  if (!lifecycle) lifecycles.set(strategy, (lifecycle = new SessionLifecycle()))
  return lifecycle
}
