import { inspect } from 'node:util'
import { expect } from 'chai'
import {
  ClientAuthenticationError,
  DinteroError,
  InvalidCredentialsError,
  MfaCodeRejectedError,
  MfaExpiredError,
  MfaRequiredError,
  RateLimitedError,
  RefreshRejectedError,
  TokenVerificationError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../lib/index.js'

// The public contract of every error class: `code` (checked by applications where two copies of the
// package are loaded), `status` and its aliases read by NestJS and Fastify, and `name`.
const table: Array<{ make: (message: string, options?: object) => DinteroError; name: string; code: string; status: number }> = [
  { make: (m, o) => new DinteroError(m, o), name: 'DinteroError', code: 'ERR_DINTERO_GENERIC', status: 500 },
  { make: (m, o) => new UpstreamError(m, o), name: 'UpstreamError', code: 'ERR_DINTERO_UPSTREAM', status: 502 },
  { make: (m, o) => new UpstreamUnavailableError(m, o), name: 'UpstreamUnavailableError', code: 'ERR_DINTERO_UNAVAILABLE', status: 503 },
  { make: (m, o) => new UpstreamTimeoutError(m, o), name: 'UpstreamTimeoutError', code: 'ERR_DINTERO_TIMEOUT', status: 504 },
  { make: (m, o) => new ClientAuthenticationError(m, o), name: 'ClientAuthenticationError', code: 'ERR_DINTERO_CLIENT_AUTH', status: 500 },
  { make: (m, o) => new RateLimitedError(m, o), name: 'RateLimitedError', code: 'ERR_DINTERO_RATE_LIMITED', status: 429 },
  { make: (m, o) => new InvalidCredentialsError(m, o), name: 'InvalidCredentialsError', code: 'ERR_DINTERO_INVALID_CREDENTIALS', status: 401 },
  { make: (m, o) => new MfaRequiredError(m, 'mfa-token', o), name: 'MfaRequiredError', code: 'ERR_DINTERO_MFA_REQUIRED', status: 401 },
  { make: (m, o) => new MfaCodeRejectedError(m, o), name: 'MfaCodeRejectedError', code: 'ERR_DINTERO_MFA_CODE_INVALID', status: 401 },
  { make: (m, o) => new MfaExpiredError(m, o), name: 'MfaExpiredError', code: 'ERR_DINTERO_MFA_EXPIRED', status: 401 },
  { make: (m, o) => new TokenVerificationError(m, o), name: 'TokenVerificationError', code: 'ERR_DINTERO_TOKEN_INVALID', status: 502 },
  { make: (m, o) => new RefreshRejectedError(m, o), name: 'RefreshRejectedError', code: 'ERR_DINTERO_REFRESH_REJECTED', status: 401 },
]

describe('errors', () => {
  for (const { make, name, code, status } of table) {
    describe(name, () => {
      it(`has code ${code}, status ${status} (also as statusCode), expose ${status < 500}, name ${name}`, () => {
        const err = make('something went wrong')
        expect(err).to.be.instanceOf(DinteroError).and.instanceOf(Error)
        expect(err.code).to.equal(code)
        expect(err.status).to.equal(status)
        expect(err.statusCode).to.equal(status)
        expect(err.expose).to.equal(status < 500)
        expect(err.name).to.equal(name)
        expect(err.message).to.equal('something went wrong')
        expect(String(err)).to.equal(`${name}: something went wrong`)
      })

      it('passes a cause through, and has none when not given', () => {
        const cause = new Error('socket hang up')
        expect(make('x', { cause }).cause).to.equal(cause)
        const without = make('x')
        expect(without.cause).to.equal(undefined)
        expect(Object.hasOwn(without, 'cause')).to.equal(false)
        expect(Object.hasOwn(make('x', {}), 'cause')).to.equal(false)
      })

      it('keeps upstreamStatus and upstreamCode, undefined when not given', () => {
        const err = make('x', { upstreamStatus: 418, upstreamCode: 'teapot' })
        expect(err.upstreamStatus).to.equal(418)
        expect(err.upstreamCode).to.equal('teapot')
        const bare = make('x')
        expect(bare.upstreamStatus).to.equal(undefined)
        expect(bare.upstreamCode).to.equal(undefined)
      })
    })
  }

  it('a falsy cause other than undefined is still passed through', () => {
    const err = new UpstreamError('x', { cause: 0 })
    expect(Object.hasOwn(err, 'cause')).to.equal(true)
    expect(err.cause).to.equal(0)
  })

  it('expose is false at 500 and above, true below', () => {
    expect(new ClientAuthenticationError('x').expose).to.equal(false)
    expect(new RateLimitedError('x').expose).to.equal(true)
    expect(new UpstreamError('x').expose).to.equal(false)
  })

  it('MfaRequiredError is an InvalidCredentialsError (a check for refused credentials catches both)', () => {
    expect(new MfaRequiredError('x', undefined)).to.be.instanceOf(InvalidCredentialsError)
  })

  describe('RateLimitedError.retryAfter', () => {
    it('keeps the seconds given, with the other options', () => {
      const cause = new Error('429')
      const err = new RateLimitedError('slow down', { retryAfter: 30, upstreamStatus: 429, upstreamCode: 'too_many', cause })
      expect(err.retryAfter).to.equal(30)
      expect(err.upstreamStatus).to.equal(429)
      expect(err.upstreamCode).to.equal('too_many')
      expect(err.cause).to.equal(cause)
      expect(err.message).to.equal('slow down')
    })

    it('is undefined when not given', () => {
      expect(new RateLimitedError('slow down').retryAfter).to.equal(undefined)
      expect(new RateLimitedError('slow down', { upstreamStatus: 429 }).retryAfter).to.equal(undefined)
    })
  })

  describe('MfaRequiredError.mfaToken (a secret)', () => {
    const token = 'mfa-token-7d1f0c9e-SECRET'
    const make = () => new MfaRequiredError('MFA required', token, { upstreamStatus: 401, upstreamCode: 'mfa_required', cause: new Error('inner') })

    it('is readable', () => {
      expect(make().mfaToken).to.equal(token)
    })

    it('is undefined when Dintero gave none', () => {
      const err = new MfaRequiredError('MFA required', undefined)
      expect(err.mfaToken).to.equal(undefined)
      expect(err.code).to.equal('ERR_DINTERO_MFA_REQUIRED')
    })

    it('is not enumerable: Object.keys, a spread and for…in do not show it', () => {
      const err = make()
      expect(Object.keys(err)).to.not.include('mfaToken')
      expect(Object.getOwnPropertyDescriptor(err, 'mfaToken')?.enumerable).to.equal(false)
      const spread = { ...err }
      expect(spread).to.not.have.property('mfaToken')
      expect(Object.values(spread)).to.not.include(token)
      const seen: string[] = []
      for (const key in err) seen.push(key)
      expect(seen).to.not.include('mfaToken')
    })

    it('JSON.stringify does not show it', () => {
      const json = JSON.stringify(make())
      expect(json).to.not.include(token)
      expect(JSON.parse(json)).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', status: 401, upstreamStatus: 401 })
    })

    it('util.inspect does not show it, at any depth, nor nested in another object', () => {
      const err = make()
      expect(inspect(err)).to.not.include(token)
      expect(inspect(err, { depth: Infinity })).to.not.include(token)
      expect(inspect({ wrapped: { err } }, { depth: 10 })).to.not.include(token)
      expect(inspect(new Error('outer', { cause: err }), { depth: Infinity })).to.not.include(token)
      // Nor with hidden properties shown: a getter prints as [Getter], not its value.
      expect(inspect(err, { showHidden: true, depth: Infinity })).to.not.include(token)
      // The error itself still shows: it is only the token that is hidden.
      expect(inspect(err)).to.include('ERR_DINTERO_MFA_REQUIRED')
    })

    it('cannot be reassigned', () => {
      const err = make()
      expect(Reflect.set(err, 'mfaToken', 'other')).to.equal(false)
      expect(err.mfaToken).to.equal(token)
    })
  })
})
