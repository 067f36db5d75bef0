import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import { rejection } from '../support/rejection.js'
import jwt from 'jsonwebtoken'
import { TokenVerificationError } from '../../lib/errors.js'
import { MAX_TOKEN_LENGTH, TokenVerifier } from '../../lib/token-verifier.js'
import { VERSION } from '../../lib/version.js'
import { readFileSync } from 'node:fs'

const AUD = 'https://api.dintero.com/v1/accounts/T12345678'

function keyPair(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }
  return { privateKey, jwk }
}

describe('TokenVerifier', () => {
  const a = keyPair('a')
  const b = keyPair('b')
  let served: any[]
  let fetches: number
  let verifier: TokenVerifier
  const sign = (payload: object, key = a, opts: jwt.SignOptions = {}) =>
    jwt.sign({ sub: 'c1', aud: AUD, ...payload }, key.privateKey, { algorithm: 'RS256', keyid: key.jwk.kid, expiresIn: 60, ...opts })

  beforeEach(() => {
    served = [a.jwk]
    fetches = 0
    verifier = new TokenVerifier({ audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 600_000, jwksRequestsPerMinute: 10 }, async () => {
      fetches++
      return served
    })
  })

  it('verifies a good token and caches the key', async () => {
    const claims = await verifier.verify(sign({ email: 'k@example.no' }))
    expect(claims).to.include({ sub: 'c1', email: 'k@example.no', aud: AUD })
    await verifier.verify(sign({}))
    expect(fetches).to.equal(1)
  })

  it('refetches once for a new kid (rotation)', async () => {
    await verifier.verify(sign({}))
    served = [a.jwk, b.jwk]
    await verifier.verify(sign({}, b))
    expect(fetches).to.equal(2)
  })

  it('strips white space inside n, as in Dintero\'s documented example', async () => {
    const n = a.jwk.n as string
    served = [{ ...a.jwk, n: `${n.slice(0, 20)}\n${n.slice(20)}` }]
    expect((await verifier.verify(sign({}))).sub).to.equal('c1')
  })

  it('ignores keys that are not RSA signing keys', async () => {
    served = [{ ...a.jwk, use: 'enc' }]
    expect(await rejection(verifier.verify(sign({})))).to.be.instanceOf(TokenVerificationError)
  })

  const refusals: Array<[string, () => string]> = [
    ['a token that is not a JWT', () => 'not-a-jwt'],
    ['alg none', () => jwt.sign({ sub: 'c1', aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 }, '', { algorithm: 'none' })],
    ['HS256', () => jwt.sign({ sub: 'c1', aud: AUD }, 'secret', { algorithm: 'HS256', keyid: 'a', expiresIn: 60 })],
    ['a foreign key with a known kid', () => sign({}, { ...b, jwk: { ...b.jwk, kid: 'a' } })],
    ['an expired token', () => sign({}, a, { expiresIn: -120 })],
    ['a token without exp', () => jwt.sign({ sub: 'c1', aud: AUD }, a.privateKey, { algorithm: 'RS256', keyid: 'a' })],
    ['a token without sub', () => jwt.sign({ aud: AUD }, a.privateKey, { algorithm: 'RS256', keyid: 'a', expiresIn: 60 })],
    ['a wrong audience', () => sign({ aud: 'https://evil.example' })],
    ['nbf in the future beyond the tolerance', () => sign({ nbf: Math.floor(Date.now() / 1000) + 120 })],
    ['an oversized token', () => `${sign({})}${'A'.repeat(MAX_TOKEN_LENGTH)}`],
  ]
  for (const [label, make] of refusals) {
    it(`refuses ${label}`, async () => {
      const err = await rejection(verifier.verify(make()))
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect(err.message).not.to.contain('eyJ')
    })
  }

  // The messages and code callers see, pinned: they stayed the same when jsonwebtoken took over the checks.
  const messages: Array<[string, () => string, string]> = [
    ['a token that is not a JWT', () => 'not-a-jwt', 'Access token is not a JWT'],
    ['HS256', () => jwt.sign({ sub: 'c1', aud: AUD }, 'secret', { algorithm: 'HS256', keyid: 'a', expiresIn: 60 }), 'Access token algorithm is not RS256'],
    ['no kid', () => jwt.sign({ sub: 'c1', aud: AUD }, a.privateKey, { algorithm: 'RS256', expiresIn: 60 }), 'Access token has no kid'],
    ['a foreign key with a known kid', () => sign({}, { ...b, jwk: { ...b.jwk, kid: 'a' } }), 'Access token failed verification: invalid signature'],
    ['an expired token', () => sign({}, a, { expiresIn: -120 }), 'Access token failed verification: expired'],
    ['nbf beyond the tolerance', () => sign({ nbf: Math.floor(Date.now() / 1000) + 120 }), 'Access token failed verification: not active yet (nbf)'],
    ['a wrong audience', () => sign({ aud: 'https://evil.example' }), 'Access token failed verification: audience invalid'],
    ['no exp', () => jwt.sign({ sub: 'c1', aud: AUD }, a.privateKey, { algorithm: 'RS256', keyid: 'a' }), 'Access token failed verification: no exp claim'],
    ['a crit header', () => sign({}, a, { header: { alg: 'RS256', kid: 'a', crit: ['x'] } }), 'Access token failed verification: critical header extensions (crit) are not supported'],
    ['no sub', () => jwt.sign({ aud: AUD }, a.privateKey, { algorithm: 'RS256', keyid: 'a', expiresIn: 60 }), 'Access token has no sub claim'],
    ['an unknown kid', () => sign({}, { ...b, jwk: { ...b.jwk, kid: 'zzz' } }), 'No signing key in the key set matches the access token'],
  ]
  for (const [label, make, message] of messages) {
    it(`refuses ${label} with the message "${message}" and code ERR_DINTERO_TOKEN_INVALID`, async () => {
      const err = await rejection(verifier.verify(make()))
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect(err).to.include({ message, code: 'ERR_DINTERO_TOKEN_INVALID', status: 502 })
    })
  }

  it('refuses an issuer outside the configured ones with the message "…: issuer invalid"', async () => {
    const strict = new TokenVerifier({ audience: AUD, issuer: ['https://T12345678@api.dintero.com'], clockTolerance: 0, jwksCacheMaxAge: 1000, jwksRequestsPerMinute: 10 }, async () => served)
    const err = await rejection(strict.verify(sign({ iss: 'https://evil.example' })))
    expect(err).to.include({ message: 'Access token failed verification: issuer invalid', code: 'ERR_DINTERO_TOKEN_INVALID' })
  })

  it('refuses a token signed with a key of the set shorter than 2048 bits', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    served = [{ ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256', use: 'sig' }]
    const t = jwt.sign({ sub: 'c1', aud: AUD }, weak.privateKey, { algorithm: 'RS256', keyid: 'weak', expiresIn: 60, allowInsecureKeySizes: true })
    const err = await rejection(verifier.verify(t))
    expect(err).to.include({ message: 'Access token failed verification: RSA key shorter than 2048 bits', code: 'ERR_DINTERO_TOKEN_INVALID' })
  })

  it('does not fetch keys for a token with the wrong algorithm', async () => {
    await rejection(verifier.verify(jwt.sign({ sub: 'c1', aud: AUD }, 'secret', { algorithm: 'HS256', keyid: 'zzz', expiresIn: 60 })))
    expect(fetches).to.equal(0)
  })

  it('accepts nbf within the clock tolerance', async () => {
    expect((await verifier.verify(sign({ nbf: Math.floor(Date.now() / 1000) + 10 }))).sub).to.equal('c1')
  })

  it('judges expiry by the clock after a slow key fetch, not before it', async () => {
    const slow = new TokenVerifier({ audience: AUD, issuer: undefined, clockTolerance: 0, jwksCacheMaxAge: 600_000, jwksRequestsPerMinute: 10 }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 1100))
      return [a.jwk]
    })
    const expiring = jwt.sign({ sub: 'c1', aud: AUD, exp: Math.floor(Date.now() / 1000) + 1 }, a.privateKey, { algorithm: 'RS256', keyid: 'a' })
    const err = await rejection(slow.verify(expiring))
    expect(err).to.be.instanceOf(TokenVerificationError)
    expect(err.message).to.contain('expired')
  })

  it('checks iss when configured', async () => {
    const strict = new TokenVerifier({ audience: AUD, issuer: ['https://T12345678@api.dintero.com'], clockTolerance: 0, jwksCacheMaxAge: 1000, jwksRequestsPerMinute: 10 }, async () => served)
    expect((await strict.verify(sign({ iss: 'https://T12345678@api.dintero.com' }))).sub).to.equal('c1')
    expect(await rejection(strict.verify(sign({ iss: 'https://evil.example' })))).to.be.instanceOf(TokenVerificationError)
    expect(await rejection(strict.verify(sign({})))).to.be.instanceOf(TokenVerificationError)
  })

  it('stops trusting a key removed from the key set once jwksCacheMaxAge has passed', async () => {
    const short = new TokenVerifier({ audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 20, jwksRequestsPerMinute: 10 }, async () => {
      fetches++
      return served
    })
    expect((await short.verify(sign({}))).sub).to.equal('c1')
    expect((await short.verify(sign({}))).sub).to.equal('c1')
    expect(fetches).to.equal(1)
    served = [b.jwk]
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(await rejection(short.verify(sign({})))).to.be.instanceOf(TokenVerificationError)
    expect(fetches).to.be.at.least(2)
  })

  it('does not trust a removed key longer than jwksCacheMaxAge after its fetch (regression: two caches, one renewing the other)', async () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    // The fetch takes 200 ms, keys are trusted 300 ms: a cache started at the fetch's end outlives
    // one started at its beginning by 200 ms, and a lookup in between must not start a new 300 ms.
    const slow = new TokenVerifier({ audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 300, jwksRequestsPerMinute: 100 }, async () => {
      const keys = served
      await sleep(200)
      return keys
    })
    const start = Date.now()
    expect((await slow.verify(sign({}))).sub).to.equal('c1')
    served = [b.jwk]
    await sleep(350 - (Date.now() - start))
    await slow.verify(sign({})).catch(() => undefined) // within the fetch's 300 ms: accepted or refused
    // 550 ms after the first fetch began, 350 ms after it ended: past jwksCacheMaxAge either way.
    await sleep(550 - (Date.now() - start))
    expect(await rejection(slow.verify(sign({})))).to.be.instanceOf(TokenVerificationError)
  })

  it('rate limits key-set fetches for unknown kids', async () => {
    await verifier.verify(sign({}))
    for (let i = 0; i < 30; i++) {
      const err = await rejection(verifier.verify(sign({}, { ...b, jwk: { ...b.jwk, kid: `unknown-${i}` } })))
      expect(err).to.be.instanceOf(TokenVerificationError)
    }
    expect(fetches).to.be.at.most(10)
  })

  it('refuses a concurrent burst of unknown kids at once, within the fetch limit (regression: jwks-rsa queued them)', async () => {
    await verifier.verify(sign({}))
    const burst = Array.from({ length: 100 }, (_, i) => rejection(verifier.verify(sign({}, { ...b, jwk: { ...b.jwk, kid: `burst-${i}` } }))))
    const errors = await Promise.all(burst)
    expect(errors.every((e) => e instanceof TokenVerificationError)).to.equal(true)
    expect(fetches).to.be.at.most(10)
    // A known kid is still served from the cache.
    expect((await verifier.verify(sign({}))).sub).to.equal('c1')
  })
})

describe('VERSION', () => {
  it('matches package.json', () => {
    expect(VERSION).to.equal(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version)
  })
})
