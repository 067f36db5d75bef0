import { expect } from 'chai'
import type { NextFunction, Request, Response } from 'express'
import { logout } from '../../lib/index.js'
import { captureDebugLogs } from '../support/secrets.js'

const tokens = { accessToken: 'a.b.c', refreshToken: 'r1', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 }

/** A strategy that records what it is asked to revoke. */
function fakeStrategy(fail?: Error) {
  const revoked: string[] = []
  return {
    revoked,
    strategy: {
      refresh: async () => undefined,
      revoke: async (token: string) => {
        revoked.push(token)
        if (fail) throw fail
      },
    } as any,
  }
}

/** Runs the middleware on `req`; resolves with what it passed to next(). */
function run(handler: ReturnType<typeof logout>, req: object): Promise<unknown> {
  return new Promise((resolve) => handler(req as Request, {} as Response, ((err?: unknown) => resolve(err)) as NextFunction))
}

describe('logout without a server-side session', () => {
  it('no req.session: revokes the refresh token, then fails naming what to mount', async () => {
    const { strategy, revoked } = fakeStrategy()
    const err = await run(logout(strategy), { user: { id: 'c1', tokens } })
    expect(revoked).to.deep.equal(['r1'])
    expect(err).to.be.instanceOf(TypeError)
    expect((err as Error).message).to.equal(
      'logout needs a server-side session: no req.session (mount express-session, or register @fastify/session)',
    )
  })

  it('a cookie-only session: fails saying it cannot be ended at the server', async () => {
    const { strategy } = fakeStrategy()
    const err = await run(logout(strategy), { user: { id: 'c1', tokens }, session: { isPopulated: true } })
    expect(err).to.be.instanceOf(TypeError)
    expect((err as Error).message).to.equal('logout needs a server-side session: a cookie-only session cannot be ended at the server')
  })

  it('a user without a refresh token: nothing to revoke', async () => {
    const { strategy, revoked } = fakeStrategy()
    const { refreshToken: _dropped, ...withoutRefresh } = tokens
    await run(logout(strategy), { user: { id: 'c1', tokens: withoutRefresh } })
    expect(revoked).to.deep.equal([])
  })

  it('a failed revoke is reported to onRevokeError and logged without the token; one that throws is logged too', async () => {
    const failure = new Error('dintero down')
    const { strategy } = fakeStrategy(failure)
    const seen: unknown[] = []
    const capture = captureDebugLogs()
    try {
      await run(logout(strategy, { onRevokeError: (err, req) => seen.push(err, req) }), { user: { id: 'c1', tokens } })
      await run(
        logout(strategy, {
          onRevokeError: () => {
            throw new Error('callback broke')
          },
        }),
        { user: { id: 'c1', tokens } },
      )
    } finally {
      capture.stop()
    }
    expect(seen[0]).to.equal(failure)
    expect(seen[1]).to.deep.equal({ user: { id: 'c1', tokens } })
    const log = capture.lines.join('\n')
    expect(log).to.include('revoking the refresh token failed (')
    expect(log).to.include('); signing out locally anyway')
    expect(log).to.include('onRevokeError threw (')
    expect(log).to.not.include('r1')
  })

  it('a failed revoke without onRevokeError: one line under passport-dintero:logout, and the sign-out goes on', async () => {
    const { strategy, revoked } = fakeStrategy(new Error('dintero down'))
    const capture = captureDebugLogs()
    let err: unknown
    try {
      err = await run(logout(strategy), { user: { id: 'c1', tokens } })
    } finally {
      capture.stop()
    }
    expect(revoked).to.deep.equal(['r1'])
    // The local sign-out still ran (here it fails for want of a session, after the revoke).
    expect((err as Error).message).to.include('logout needs a server-side session')
    const lines = capture.lines.filter((line) => line.includes('passport-dintero:'))
    expect(lines).to.have.length(1)
    expect(lines[0]).to.match(/ passport-dintero:logout revoking the refresh token failed \(Error\); signing out locally anyway/)
  })

  it('names itself in its TypeErrors', () => {
    expect(() => logout({} as any)).to.throw(TypeError, 'logout requires a DinteroPasswordStrategy')
    expect(() => logout(fakeStrategy().strategy, { onRevokeError: 1 as any })).to.throw(TypeError, 'logout: option onRevokeError must be a function')
  })
})
