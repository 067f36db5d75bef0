/**
 * DinteroPasswordStrategy's programmer-mistake TypeErrors, word for word: a verify that is not a
 * function, revoke() without a refresh token, and the MFA methods with `mfa: 'off'`. Nothing here
 * reaches Dintero (the base URL is a closed port).
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy } from '../../lib/index.js'

const options = { accountId: 'T12345678', clientId: 'id', clientSecret: 'secret', baseUrl: 'http://127.0.0.1:1' }

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a rejection')
    },
    (err: unknown) => err,
  )
}

describe('DinteroPasswordStrategy: programmer mistakes', () => {
  describe('verify', () => {
    for (const bad of ['verify', 42, {}, null, true]) {
      it(`a verify of ${JSON.stringify(bad)} throws a TypeError`, () => {
        expect(() => new DinteroPasswordStrategy(options, bad as never)).to.throw(
          TypeError,
          /^DinteroPasswordStrategy: verify must be a function when given$/,
        )
      })
    }

    it('no verify, or an explicit undefined, is fine', () => {
      expect(new DinteroPasswordStrategy(options).name).to.equal('dintero')
      expect(new DinteroPasswordStrategy(options, undefined).name).to.equal('dintero')
    })
  })

  describe('revoke', () => {
    for (const bad of ['', undefined, null, 42, {}]) {
      it(`revoke(${JSON.stringify(bad)}) rejects with a TypeError, calling nothing`, async () => {
        const strategy = new DinteroPasswordStrategy(options)
        const err = await rejection(strategy.revoke(bad as never))
        expect(err).to.be.instanceOf(TypeError)
        expect((err as Error).message).to.equal('DinteroPasswordStrategy.revoke requires a refresh token')
      })
    }

    it('revoke() with a token calls Dintero (here: unreachable, so a DinteroError, not the TypeError)', async () => {
      const strategy = new DinteroPasswordStrategy({ ...options, timeout: 2000 })
      const err = await rejection(strategy.revoke('a-refresh-token'))
      expect(err).to.not.be.instanceOf(TypeError)
      expect((err as { code?: string }).code).to.match(/^ERR_DINTERO_/)
    })
  })

  describe("the MFA methods with mfa: 'off'", () => {
    const req = { session: {}, sessionID: 'sid', sessionStore: {} }

    it('resendCode rejects with a TypeError naming the method', async () => {
      const strategy = new DinteroPasswordStrategy({ ...options, mfa: 'off' })
      const err = await rejection(strategy.resendCode(req))
      expect(err).to.be.instanceOf(TypeError)
      expect((err as Error).message).to.equal("DinteroPasswordStrategy: resendCode needs option mfa set to 'auto' or 'always'")
    })

    it('pendingMfa throws a TypeError naming the method', () => {
      const strategy = new DinteroPasswordStrategy({ ...options, mfa: 'off' })
      expect(() => strategy.pendingMfa(req)).to.throw(
        TypeError,
        /^DinteroPasswordStrategy: pendingMfa needs option mfa set to 'auto' or 'always'$/,
      )
    })
  })

  describe('the validate() bypass refusal (NestJS PassportStrategy appends its own callback)', () => {
    // What @nestjs/passport's PassportStrategy(Strategy) does: super(...args, callback).
    function passportStrategy<T extends new (...args: any[]) => object>(Base: T) {
      return class extends Base {
        constructor(...args: any[]) {
          super(...args, async () => undefined)
        }
      }
    }
    const Mixin = passportStrategy(DinteroPasswordStrategy)
    const message =
      'DinteroPasswordStrategy: given a verify function and a validate() method (NestJS PassportStrategy): the verify function would silently replace validate(); call super(options) and keep validate()'

    it('the refusal, word for word', () => {
      class Bypass extends Mixin {
        constructor() {
          super(options, async () => false)
        }
        validate() {
          return false
        }
      }
      expect(() => new Bypass()).to.throw(TypeError).with.property('message', message)
    })

    it('a verify function without validate() is fine, whatever follows it', () => {
      class NoValidate extends Mixin {
        constructor() {
          super(options, async () => false)
        }
      }
      expect(new NoValidate()).to.be.instanceOf(DinteroPasswordStrategy)
    })

    it('super(options, undefined) with validate() is fine (no verify to replace it)', () => {
      class ExplicitUndefined extends Mixin {
        constructor() {
          super(options, undefined)
        }
        validate() {
          return false
        }
      }
      expect(new ExplicitUndefined()).to.be.instanceOf(DinteroPasswordStrategy)
    })

    it('a subclass with validate() given a verify directly, outside Nest, is fine', () => {
      class Plain extends DinteroPasswordStrategy {
        validate() {
          return false
        }
      }
      expect(new Plain(options, async () => false)).to.be.instanceOf(DinteroPasswordStrategy)
    })
  })
})
