import { EventEmitter } from 'node:events'
import { expect } from 'chai'
import type { Request, Response } from 'express'
import { logout, refreshTokens } from '../../lib/index.js'
import { resolveWindow } from '../../lib/refresh.js'
import { isNewer, putTokens } from '../../lib/session-access.js'
import { applyTokens, lifecycleOf, SessionLifecycle } from '../../lib/session-lifecycle.js'
import type { DinteroTokens } from '../../lib/session.js'
import type { DinteroClaims } from '../../lib/token-verifier.js'

const old: DinteroTokens = { accessToken: 'a1', refreshToken: 'r1', tokenType: 'Bearer', expiresAt: 1_000_000 }
const fresh: DinteroTokens = { accessToken: 'a2', refreshToken: 'r1', tokenType: 'Bearer', expiresAt: 2_000_000 }
const freshClaims = { sub: 'c1', exp: 2000, name: 'new' } as DinteroClaims

function fakeRequest(sid: string, storedTokens: DinteroTokens) {
  const stored = { id: 'c1', claims: { sub: 'c1', exp: 1000 }, tokens: { ...storedTokens } }
  const req = { sessionID: sid, session: { passport: { user: stored } }, user: { ...stored, tokens: { ...storedTokens } } }
  return { req: req as unknown as Request, res: new EventEmitter() as unknown as Response, raw: req }
}

describe('isNewer', () => {
  it('is true for other tokens that live longer', () => {
    expect(isNewer(fresh, old)).to.equal(true)
  })
  it('is false for the same tokens, older tokens, or none', () => {
    expect(isNewer(old, old)).to.equal(false)
    expect(isNewer(old, fresh)).to.equal(false)
    expect(isNewer(undefined, old)).to.equal(false)
  })
  it('is true for a rotated refresh token with an identical access token (refresh in the same second)', () => {
    expect(isNewer({ ...old, refreshToken: 'r2' }, old)).to.equal(true)
  })
})

describe('putTokens / applyTokens', () => {
  it('replaces tokens, and claims only where the user has claims', () => {
    const withClaims: Record<string, unknown> = { id: 'x', claims: {}, tokens: old }
    const withoutClaims: Record<string, unknown> = { id: 'y', tokens: old }
    putTokens(withClaims, { tokens: fresh, claims: freshClaims })
    putTokens(withoutClaims, { tokens: fresh, claims: freshClaims })
    expect(withClaims).to.deep.equal({ id: 'x', claims: freshClaims, tokens: fresh })
    expect(withoutClaims).to.deep.equal({ id: 'y', tokens: fresh })
  })

  it('never puts older tokens over newer ones, and leaves users without tokens alone', () => {
    const user = { tokens: fresh }
    applyTokens(user, { tokens: old, claims: freshClaims })
    expect(user.tokens).to.equal(fresh)
    const other = { id: 'from-another-strategy' }
    applyTokens(other, { tokens: fresh, claims: freshClaims })
    expect(other).to.deep.equal({ id: 'from-another-strategy' })
  })
})

describe('SessionLifecycle', () => {
  it('brings tracked requests of the session up to date, not those of other sessions', () => {
    const life = new SessionLifecycle()
    const a = fakeRequest('s1', old)
    const b = fakeRequest('s2', old)
    life.track('s1', a.req, a.res)
    life.track('s2', b.req, b.res)
    life.settle('s1', { kind: 'renewed', tokens: fresh, claims: freshClaims })
    expect(a.raw.session.passport.user.tokens).to.deep.equal(fresh)
    expect(a.raw.user.tokens).to.deep.equal(fresh)
    expect(a.raw.user.claims).to.deep.equal(freshClaims)
    expect(b.raw.session.passport.user.tokens).to.deep.equal(old)
  })

  it('removes the user from tracked session copies on sign-out', () => {
    const life = new SessionLifecycle()
    const a = fakeRequest('s1', old)
    life.track('s1', a.req, a.res)
    life.settle('s1', { kind: 'signed-out' })
    expect(a.raw.session.passport).to.deep.equal({})
  })

  it('skips a request whose session was regenerated meanwhile', () => {
    const life = new SessionLifecycle()
    const a = fakeRequest('s1', old)
    life.track('s1', a.req, a.res)
    a.raw.sessionID = 's9'
    life.settle('s1', { kind: 'signed-out' })
    expect(a.raw.session.passport.user.tokens).to.deep.equal(old)
  })

  it('forgets a request when its response closes', () => {
    const life = new SessionLifecycle()
    const a = fakeRequest('s1', old)
    life.track('s1', a.req, a.res)
    life.track('s1', a.req, a.res)
    expect(life.liveSessions).to.equal(1)
    ;(a.res as unknown as EventEmitter).emit('close')
    expect(life.liveSessions).to.equal(0)
    life.settle('s1', { kind: 'signed-out' })
    expect(a.raw.session.passport.user.tokens).to.deep.equal(old)
  })

  it('is one per strategy object', () => {
    const s1 = {}
    expect(lifecycleOf(s1)).to.equal(lifecycleOf(s1))
    expect(lifecycleOf(s1)).to.not.equal(lifecycleOf({}))
  })
})

describe('refreshTokens / logout options', () => {
  const strategy = { refresh: async () => undefined, revoke: async () => undefined } as any

  it('window defaults to 60 seconds and accepts 0 and fractions', () => {
    expect(resolveWindow(undefined)).to.equal(60)
    expect(resolveWindow(0)).to.equal(0)
    expect(resolveWindow(0.5)).to.equal(0.5)
  })

  for (const bad of [-1, Number.NaN, Infinity, '60', 86_401]) {
    it(`refuses window ${String(bad)} with a TypeError naming it`, () => {
      expect(() => refreshTokens(strategy, { window: bad as any })).to.throw(TypeError, /window/)
    })
  }

  it('refuses something that is not a strategy', () => {
    expect(() => refreshTokens({} as any)).to.throw(TypeError, /DinteroPasswordStrategy/)
    expect(() => logout(undefined as any)).to.throw(TypeError, /DinteroPasswordStrategy/)
  })

  it('refuses an onRevokeError that is not a function', () => {
    expect(() => logout(strategy, { onRevokeError: 'log' as any })).to.throw(TypeError, /onRevokeError/)
  })
})
