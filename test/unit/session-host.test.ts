/**
 * The session seam: which host a request comes from, what an unknown or cookie-only one is told, and
 * the Nest-facing pieces (status mapping, the validate() bypass refusal).
 */
import { expect } from 'chai'
import { DinteroAuthFailure, DinteroPasswordStrategy, handleAuthResult, RateLimitedError, UpstreamUnavailableError } from '../../lib/index.js'
import { refresherOf } from '../../lib/refresh.js'
import { serverSession } from '../../lib/mfa-state.js'
import { detectHost, sessionOf } from '../../lib/session-access.js'

const options = { accountId: 'T12345678', clientId: 'id', clientSecret: 'secret', baseUrl: 'http://127.0.0.1:1' }
const tokens = { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresAt: Date.now() + 3_600_000 }
const store = { get: (_sid: string, cb: (err: unknown, s?: Record<string, unknown> | null) => void) => cb(null, null) }
const saveable = { save: (cb: (err?: unknown) => void) => cb(), destroy: (cb: (err?: unknown) => void) => cb() }
const end = { once: () => undefined }

describe('the session seam', () => {
  it('tells express-session (req.sessionID) from @fastify/session (session.sessionId) and a cookie-only session', () => {
    expect(detectHost({ sessionID: 's1', session: { ...saveable } })).to.have.property('name', 'express-session')
    expect(detectHost({ session: { ...saveable, sessionId: 's1' }, sessionStore: store })).to.have.property('name', '@fastify/session')
    expect(detectHost({ session: { isPopulated: true } })).to.equal('cookie') // cookie-session
    expect(detectHost({ session: { get: () => undefined, set: () => undefined } })).to.equal('cookie') // @fastify/secure-session
    expect(detectHost({})).to.equal(undefined)
  })

  it('takes a cookie-only session whose data has a sessionId key for what it is (no store: cookie-only)', () => {
    // cookie-session keeps data keys as properties of req.session: an app's own `sessionId` must not
    // make it look like @fastify/session, or the mfa_token and refresh token would go into the cookie.
    const req = { session: { isPopulated: true, sessionId: 'the-apps-own-tracking-id' } }
    expect(detectHost(req)).to.equal('cookie')
    expect(serverSession(req)).to.equal(undefined)
    expect(() => sessionOf(req, 'refreshTokens')).to.throw(TypeError, /refusing a cookie-only session/)
  })

  it('finds Passport\'s user where each host keeps it', () => {
    const user = { id: 'c1' }
    const express = detectHost({ sessionID: 's1' })
    const fastify = detectHost({ session: { sessionId: 's1' }, sessionStore: store })
    if (typeof express !== 'object' || typeof fastify !== 'object') throw new Error('hosts not detected')
    expect(express.userIn({ passport: { user } })).to.equal(user)
    expect(fastify.userIn({ passport: user })).to.equal(user)
    const stored = { passport: user }
    fastify.forgetUserIn(stored)
    expect(fastify.userIn(stored)).to.equal(undefined)
  })

  it('names what is missing for a host it cannot use', () => {
    expect(() => sessionOf({}, 'refreshTokens')).to.throw(TypeError, /refreshTokens needs a server-side session: no req.session/)
    expect(() => sessionOf({ session: { sessionId: 's1' }, sessionStore: store }, 'refreshTokens')).to.throw(
      TypeError,
      /the @fastify\/session session lacks req.session.save\(\), req.session.destroy\(\)/,
    )
    expect(() => sessionOf({ sessionID: 's1', session: { ...saveable } }, 'refreshTokens')).to.throw(
      TypeError,
      /the express-session session lacks req.sessionStore.get\(\)/,
    )
    expect(() => sessionOf({ sessionID: 's1', session: {}, sessionStore: store }, 'refreshTokens')).to.throw(
      TypeError,
      /lacks req.session.save\(\), req.session.destroy\(\)/,
    )
  })

  it('refuses a cookie-only session loudly at the first signed-in request, naming the refresh token', async () => {
    const refresh = refresherOf(new DinteroPasswordStrategy(options))
    const req = { user: { id: 'c1', tokens }, session: { isPopulated: true } }
    const err = await refresh(req, end).then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).to.be.instanceOf(TypeError)
    expect((err as Error).message).to.match(/refusing a cookie-only session.*refresh token would be stored in the browser/)
  })

  it('lets requests without Dintero tokens through on any host (nothing to refresh)', async () => {
    const refresh = refresherOf(new DinteroPasswordStrategy(options))
    await refresh({ user: { id: 'from-another-strategy' } }, end)
    await refresh({}, end)
  })
})

describe('handleAuthResult (for NestJS guards)', () => {
  it('returns the user', () => {
    expect(handleAuthResult(null, { id: 'c1' }, undefined, undefined)).to.deep.equal({ id: 'c1' })
  })

  for (const status of [400, 401, 429]) {
    it(`keeps a fail(info, ${status}) as statusCode ${status} with the message`, () => {
      const thrown = catchIt(() => handleAuthResult(null, false, { message: 'words', code: 'ERR_X' }, status))
      expect(thrown).to.be.instanceOf(DinteroAuthFailure)
      expect(thrown).to.include({ statusCode: status, status, message: 'words', expose: true })
      expect((thrown as DinteroAuthFailure).info).to.deep.equal({ message: 'words', code: 'ERR_X' })
    })
  }

  it('takes the first status of several strategies, and 401 when there is none', () => {
    expect(catchIt(() => handleAuthResult(null, false, [{ message: 'x' }], [undefined, 429]))).to.include({ statusCode: 429 })
    expect(catchIt(() => handleAuthResult(null, false, undefined, undefined))).to.include({ statusCode: 401, message: 'Sign-in was refused' })
  })

  it('rethrows a DinteroError as it is, whose statusCode and expose Nest and Fastify read', () => {
    const down = new UpstreamUnavailableError('Dintero login call failed')
    expect(catchIt(() => handleAuthResult(down, false, undefined, undefined))).to.equal(down)
    expect(down).to.include({ statusCode: 503, status: 503, expose: false })
    expect(new RateLimitedError('slow down')).to.include({ statusCode: 429, expose: true })
  })
})

describe('the validate() bypass under NestJS (PassportStrategy appends its own callback)', () => {
  // What @nestjs/passport's PassportStrategy(Strategy) does: super(...args, callback).
  function passportStrategy<T extends new (...args: any[]) => object>(Base: T) {
    return class extends Base {
      constructor(...args: any[]) {
        super(...args, async () => undefined)
      }
    }
  }
  const Mixin = passportStrategy(DinteroPasswordStrategy)

  it('refuses super(options, verify) in a subclass with validate()', () => {
    class Bypass extends Mixin {
      constructor() {
        super(options, async () => false)
      }
      validate() {
        return false
      }
    }
    expect(() => new Bypass()).to.throw(TypeError, /verify function would silently replace validate\(\)/)
  })

  it('accepts super(options) with validate()', () => {
    class Right extends Mixin {
      constructor() {
        super(options)
      }
      validate() {
        return false
      }
    }
    expect(new Right()).to.be.instanceOf(DinteroPasswordStrategy)
  })
})

function catchIt(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('did not throw')
}
