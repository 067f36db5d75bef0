/**
 * guardSave: saving a request's copy of a signed-in session re-reads the store first. When another
 * request or instance stored newer tokens, the copy takes them, but only tokens of the same customer:
 * the store's tokens are not verified again at save, so a copy must never take another customer's
 * (it would put customer B's tokens under customer A's user).
 */
import { expect } from 'chai'
import { guardSave, type LiveSession, type SessionHost, type SessionStoreLike, detectHost } from '../../lib/session-access.js'
import type { DinteroTokens } from '../../lib/session.js'

/** A JWT-shaped string whose payload names `sub` (guardSave reads, never verifies). */
function tokenOf(sub: string, n: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', kid: 'k' })}.${part({ sub, exp: n })}.sig${n}`
}

function tokens(sub: string, n: number): DinteroTokens {
  return { accessToken: tokenOf(sub, n), refreshToken: `r-${sub}-${n}`, tokenType: 'Bearer', expiresAt: n * 1000 }
}

/** An express-session request with its session copy and a store holding `stored` under the same id. */
function requestWith(loaded: DinteroTokens, stored: Record<string, unknown>) {
  const data: Record<string, unknown> = { passport: { user: stored } }
  const store: SessionStoreLike = { get: (_sid, cb) => setImmediate(() => cb(null, structuredClone(data))) }
  const saved: unknown[] = []
  const session = {
    passport: { user: { id: 'A', tokens: { ...loaded } } },
    save(cb: (err?: unknown) => void) {
      saved.push(structuredClone({ passport: (this as unknown as { passport: unknown }).passport }))
      cb()
    },
    destroy(cb: (err?: unknown) => void) {
      cb()
    },
  } as unknown as LiveSession
  const req = { sessionID: 's1', session, sessionStore: store }
  return { req, session, store, saved, host: detectHost(req) as SessionHost }
}

function save(session: LiveSession): Promise<void> {
  return new Promise((resolve, reject) => session.save((err) => (err ? reject(err) : resolve())))
}

describe('guardSave', () => {
  it('takes newer tokens of the same customer from the store', async () => {
    const theirs = tokens('A', 20)
    const { req, session, store, saved, host } = requestWith(tokens('A', 10), { id: 'A', tokens: theirs })
    guardSave(req, host, session, 's1', store)
    await save(session)
    expect(saved).to.deep.equal([{ passport: { user: { id: 'A', tokens: theirs } } }])
  })

  it("never takes another customer's tokens into the copy: the copy is saved signed out", async () => {
    const { req, session, store, saved, host } = requestWith(tokens('A', 10), { id: 'B', tokens: tokens('B', 20) })
    guardSave(req, host, session, 's1', store)
    await save(session)
    const user = (saved[0] as { passport: { user?: { tokens?: DinteroTokens } } }).passport.user
    expect(user?.tokens?.accessToken ?? 'none', 'tokens saved under customer A').not.to.equal(tokens('B', 20).accessToken)
    expect(user, 'the user of a session whose store names another customer').to.equal(undefined)
  })
})
