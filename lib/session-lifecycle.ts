/**
 * What the refresh middleware and the logout helper of one strategy share within this process: the
 * refresh in flight per session, and the requests of each session still being handled, so a refresh or
 * a logout reaches the copies of the session those requests will save when they finish.
 *
 * @packageDocumentation
 */
import type { Request, Response } from 'express'
import { forgetStoredUser, isNewer, putTokens, type SessionRequest, storedUserOf } from './session-access.js'
import { tokensOf } from './session.js'
import { SingleFlight } from './single-flight.js'
import type { VerifiedTokens } from './verified-tokens.js'

/** How a refresh of a session ended: new tokens, or the customer is signed out. @internal */
export type RefreshOutcome = ({ kind: 'renewed' } & VerifiedTokens) | { kind: 'signed-out' }

/** One strategy's shared lifecycle state. @internal */
export class SessionLifecycle {
  /** The refresh in flight per session id. */
  readonly flights = new SingleFlight<RefreshOutcome>()
  private readonly _live = new Map<string, Set<Request>>()

  /** Remembers `req` as a request of session `sid` until its response is done. */
  track(sid: string, req: Request, res: Response): void {
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
    for (const req of this._live.get(sid) ?? []) {
      const { session, sessionID } = req as SessionRequest
      if (sessionID !== sid) continue // regenerated meanwhile: no longer this session
      if (outcome.kind === 'signed-out') {
        forgetStoredUser(session)
        continue
      }
      applyTokens(storedUserOf(session), outcome)
      applyTokens(req.user, outcome)
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
