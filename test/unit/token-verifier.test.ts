import { generateKeyPairSync, sign as rsaSign } from 'node:crypto'
import { expect } from 'chai'
import { rejection } from '../support/rejection.js'
import { captureDebugLogs } from '../support/secrets.js'
import jwt from 'jsonwebtoken'
import { TokenVerificationError, UpstreamError } from '../../lib/errors.js'
import { MAX_TOKEN_LENGTH, TokenVerifier, withTypedClaims } from '../../lib/token-verifier.js'
import { VERSION } from '../../lib/version.js'
import { readFileSync } from 'node:fs'

const AUD = 'https://api.dintero.com/v1/accounts/T12345678'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

/** An RS256 token with exactly this header, signed by hand (jwt.sign would add typ and check kid's type). */
function signRaw(header: unknown, payload: unknown, key: ReturnType<typeof keyPair>): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${rsaSign('sha256', Buffer.from(input), key.privateKey).toString('base64url')}`
}

/** A good token for `key`, exactly `length` characters long (a filler claim and header member make up the length). */
function tokenOfLength(length: number, key: ReturnType<typeof keyPair>): string {
  const payload = { sub: 'c1', aud: AUD, exp: Math.floor(Date.now() / 1000) + 60 }
  // A 2048-bit signature is 342 base64url characters.
  const sigLength = 342
  for (const pad of ['', 'p', 'pp', 'ppp']) {
    const header = { alg: 'RS256', kid: key.jwk.kid, ...(pad ? { x: pad } : {}) }
    const fixed = b64(header).length + 2 + sigLength
    for (let fill = Math.max(0, Math.floor(((length - fixed) * 3) / 4) - 400); ; fill++) {
      const body = { ...payload, filler: 'f'.repeat(fill) }
      const total = fixed + b64(body).length
      if (total === length) return signRaw(header, body, key)
      if (total > length) break
    }
  }
  throw new Error(`no token of length ${length}`)
}

/** Runs `body` with Date.now under its control (jwt.sign, the verifier and its fetch limit all read it). */
async function withClock(body: (clock: { now: number; advance(ms: number): void }) => Promise<void>): Promise<void> {
  const realNow = Date.now
  const clock = {
    now: realNow(),
    advance(ms: number) {
      clock.now += ms
    },
  }
  Date.now = () => clock.now
  try {
    await body(clock)
  } finally {
    Date.now = realNow
  }
}

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
    // A fake clock: with a real one and a 20 ms max age, a loaded machine let it expire between the first two calls.
    await withClock(async (clock) => {
      const short = new TokenVerifier({ audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 1000, jwksRequestsPerMinute: 10 }, async () => {
        fetches++
        return served
      })
      expect((await short.verify(sign({}))).sub).to.equal('c1')
      expect((await short.verify(sign({}))).sub).to.equal('c1')
      expect(fetches).to.equal(1)
      served = [b.jwk]
      clock.advance(1000)
      expect(await rejection(short.verify(sign({})))).to.include({ message: 'No signing key in the key set matches the access token' })
      expect(fetches).to.equal(2)
    })
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

describe('TokenVerifier: what it refuses before any key lookup, and which keys it uses', () => {
  const a = keyPair('a')
  const b = keyPair('b')
  const options = { audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 600_000, jwksRequestsPerMinute: 10 }
  let served: object[]
  let fetches: number
  let verifier: TokenVerifier
  const sign = (payload: object, key = a) =>
    jwt.sign({ sub: 'c1', aud: AUD, ...payload }, key.privateKey, { algorithm: 'RS256', keyid: key.jwk.kid, expiresIn: 60 })
  const exp = () => Math.floor(Date.now() / 1000) + 60

  beforeEach(() => {
    served = [a.jwk, b.jwk]
    fetches = 0
    verifier = new TokenVerifier(options, async () => {
      fetches++
      return served as any
    })
  })

  it('accepts a good token of exactly MAX_TOKEN_LENGTH (16 KiB) characters', async () => {
    const t = tokenOfLength(MAX_TOKEN_LENGTH, a)
    expect(t).to.have.length(16 * 1024)
    expect((await verifier.verify(t)).sub).to.equal('c1')
  })

  it('refuses a good token one character over MAX_TOKEN_LENGTH before any key lookup, with "Access token is larger than any Dintero token"', async () => {
    const t = tokenOfLength(MAX_TOKEN_LENGTH + 1, a)
    const err = await rejection(verifier.verify(t))
    expect(err).to.be.instanceOf(TokenVerificationError)
    expect(err).to.include({ message: 'Access token is larger than any Dintero token', code: 'ERR_DINTERO_TOKEN_INVALID' })
    expect(fetches).to.equal(0)
  })

  for (const [label, kid] of [
    ['an empty-string kid', ''],
    ['a numeric kid', 7],
    ['a null kid', null],
    ['an array kid', ['a']],
  ] as const) {
    it(`refuses ${label} with "Access token has no kid", without fetching keys`, async () => {
      const err = await rejection(verifier.verify(signRaw({ alg: 'RS256', kid }, { sub: 'c1', aud: AUD, exp: exp() }, a)))
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect(err).to.include({ message: 'Access token has no kid', code: 'ERR_DINTERO_TOKEN_INVALID' })
      expect(fetches).to.equal(0)
    })
  }

  const ignored: Array<[string, () => object]> = [
    ['of another kty (EC)', () => ({ ...generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid: 'a', use: 'sig' })],
    ['for another algorithm (alg RS512)', () => ({ ...a.jwk, alg: 'RS512' })],
    ['for another use (use enc)', () => ({ ...a.jwk, use: 'enc' })],
  ]
  for (const [label, make] of ignored) {
    it(`ignores a key with the token's kid ${label}: "No signing key in the key set matches the access token"`, async () => {
      served = [make(), b.jwk]
      const err = await rejection(verifier.verify(sign({})))
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect(err).to.include({ message: 'No signing key in the key set matches the access token', code: 'ERR_DINTERO_TOKEN_INVALID' })
    })
  }

  it('uses an RSA key without alg and use (both optional in a JWK)', async () => {
    const { alg: _alg, use: _use, ...bare } = a.jwk
    served = [bare]
    expect((await verifier.verify(sign({}))).sub).to.equal('c1')
  })

  it('uses an RSA key without use whose alg is RS256, and one without alg whose use is sig', async () => {
    const { use: _use, ...noUse } = a.jwk
    const { alg: _alg, ...noAlg } = b.jwk
    served = [noUse, noAlg]
    expect((await verifier.verify(sign({}))).sub).to.equal('c1')
    expect((await verifier.verify(sign({}, b))).sub).to.equal('c1')
  })

  for (const [label, sub] of [['an empty sub', ''], ['a numeric sub', 42]] as const) {
    it(`refuses ${label} with "Access token has no sub claim"`, async () => {
      const err = await rejection(verifier.verify(signRaw({ alg: 'RS256', kid: 'a' }, { sub, aud: AUD, exp: exp() }, a)))
      expect(err).to.include({ message: 'Access token has no sub claim', code: 'ERR_DINTERO_TOKEN_INVALID' })
    })
  }

  it('drops a typed claim that is not a string from the claims it returns', async () => {
    const claims = await verifier.verify(sign({ email: 42, scope: 'openid', extra: 1 }))
    expect(claims).not.to.have.property('email')
    expect(claims).to.include({ sub: 'c1', scope: 'openid', extra: 1 })
  })

  it('logs why a token was refused, which claim was dropped, and the class of a failed key lookup (never the token)', async () => {
    const capture = captureDebugLogs()
    try {
      await verifier.verify(sign({ email: 42, phone_number: '+4799999999' }))
      await rejection(verifier.verify(sign({ aud: 'https://evil.example' })))
      await rejection(verifier.verify(sign({}, { ...b, jwk: { ...b.jwk, kid: 'zzz' } })))
    } finally {
      capture.stop()
    }
    const lines = capture.lines.filter((line) => line.includes('passport-dintero:verify'))
    expect(lines.filter((line) => line.includes('claim email is not a string: dropped'))).to.have.length(1)
    expect(lines.filter((line) => /claim \S+ is not a string/.test(line))).to.have.length(1)
    expect(lines.filter((line) => line.includes('token refused: audience invalid'))).to.have.length(1)
    expect(lines.filter((line) => line.includes('no signing key for the token: SigningKeyNotFoundError'))).to.have.length(1)
    expect(lines.join('\n')).not.to.contain('eyJ')
  })

  it('refuses a lookup beyond jwksRequestsPerMinute with "No signing key for the access token (key set fetches are rate limited)"', async () => {
    const limited = new TokenVerifier({ ...options, jwksRequestsPerMinute: 1 }, async () => {
      fetches++
      return served as any
    })
    expect((await limited.verify(sign({}))).sub).to.equal('c1')
    const err = await rejection(limited.verify(sign({}, b)))
    expect(err).to.be.instanceOf(TokenVerificationError)
    expect(err).to.include({ message: 'No signing key for the access token (key set fetches are rate limited)', code: 'ERR_DINTERO_TOKEN_INVALID' })
    expect(fetches).to.equal(1)
  })

  it('passes on the key source\'s DinteroError (Dintero unreachable), not a token refusal', async () => {
    const down = new UpstreamError('Dintero signing keys call failed')
    const unreachable = new TokenVerifier(options, async () => {
      throw down
    })
    expect(await rejection(unreachable.verify(sign({})))).to.equal(down)
  })

  it('keeps the keys of other kids when it looks up a new one', async () => {
    served = [a.jwk]
    await verifier.verify(sign({}))
    served = [a.jwk, b.jwk]
    await verifier.verify(sign({}, b))
    expect(fetches).to.equal(2)
    await verifier.verify(sign({}))
    await verifier.verify(sign({}, b))
    expect(fetches).to.equal(2)
  })

  it('trusts a fetched key for exactly jwksCacheMaxAge from the start of its fetch, then asks again', async () => {
    await withClock(async (clock) => {
      const timed = new TokenVerifier({ ...options, jwksCacheMaxAge: 1000 }, async () => {
        fetches++
        clock.advance(300) // a fetch that takes 300 ms
        return served as any
      })
      const t = sign({})
      const start = clock.now
      await timed.verify(t)
      expect(fetches).to.equal(1)
      clock.now = start + 999
      await timed.verify(t)
      expect(fetches).to.equal(1)
      clock.now = start + 1000
      await timed.verify(t)
      expect(fetches).to.equal(2)
      // The refetch began at start + 1000: trusted again until start + 2000.
      clock.now = start + 1999
      await timed.verify(t)
      expect(fetches).to.equal(2)
      clock.now = start + 2000
      await timed.verify(t)
      expect(fetches).to.equal(3)
    })
  })
})

describe('withTypedClaims', () => {
  it('drops email, phone_number, type and scope when present but not strings, and leaves its argument as it was', () => {
    const claims = { sub: 'c1', exp: 1, email: 42, phone_number: '+4799999999', type: null, scope: ['openid'], extra: 5 }
    const before = structuredClone(claims)
    expect(withTypedClaims(claims)).to.deep.equal({ sub: 'c1', exp: 1, phone_number: '+4799999999', extra: 5 })
    expect(claims).to.deep.equal(before)
  })

  it('keeps every typed claim that is a string', () => {
    const claims = { sub: 'c1', exp: 1, email: 'k@example.no', phone_number: '+4799999999', type: 'customer', scope: 'openid' }
    expect(withTypedClaims(claims)).to.deep.equal(claims)
  })
})

describe('VERSION', () => {
  it('matches package.json', () => {
    expect(VERSION).to.equal(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version)
  })
})
