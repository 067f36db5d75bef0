import { expect } from 'chai'
import { DinteroPasswordStrategy, refreshTokens } from '../../lib/index.js'
import { deserializeUser, isDinteroTokens, isDinteroUser, serializeUser } from '../../lib/session.js'

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
const claims = { sub: 'c1', exp: 2_000_000_000, email: 'kari@example.no' }
const token = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64(claims)}.sig`
const tokens = { accessToken: token, refreshToken: 'r1', tokenType: 'Bearer', expiresAt: claims.exp * 1000 }

function serialize(user: unknown): unknown {
  let out: unknown
  serializeUser(user as Express.User, (err, stored) => {
    if (err) throw err as Error
    out = stored
  })
  return out
}

function deserialize(stored: unknown): unknown {
  let out: unknown
  deserializeUser(stored, (_err, user) => (out = user))
  return out
}

describe('serializeUser / deserializeUser', () => {
  it('stores id and tokens only, and restores the claims from the access token', () => {
    const stored = serialize({ id: 'c1', claims, tokens })
    expect(stored).to.deep.equal({ id: 'c1', tokens })
    expect(deserialize(JSON.parse(JSON.stringify(stored)))).to.deep.equal({ id: 'c1', claims, tokens })
  })

  it('takes the claims from the access token, never from claims stored beside it', () => {
    const forged = { ...claims, email: 'mallory@example.no' }
    expect(deserialize({ id: 'c1', claims: forged, tokens })).to.deep.equal({ id: 'c1', claims, tokens })
  })

  it('refuses to serialize anything but the default user', () => {
    expect(() => serialize({ id: 'c1' })).to.throw(TypeError)
  })

  for (const [label, stored] of [
    ['nothing', undefined],
    ['no tokens', { id: 'c1' }],
    ['an access token that is not a JWT', { id: 'c1', tokens: { ...tokens, accessToken: 'garbage' } }],
    ['a payload that is not JSON', { id: 'c1', tokens: { ...tokens, accessToken: 'a.b$$.c' } }],
    ['an id that is not the token subject', { id: 'someone-else', tokens }],
    ['a non-numeric expiresAt', { id: 'c1', tokens: { ...tokens, expiresAt: 'soon' } }],
  ] as const) {
    it(`signs the visitor out for a stored value with ${label}`, () => {
      expect(deserialize(stored)).to.equal(false)
    })
  }
})

describe('isDinteroTokens / isDinteroUser (what a session store hands back)', () => {
  it('accept well-formed tokens, with and without a refresh token, and the default user', () => {
    expect(isDinteroTokens(tokens)).to.equal(true)
    const { refreshToken: _dropped, ...withoutRefresh } = tokens
    expect(isDinteroTokens(withoutRefresh)).to.equal(true)
    expect(isDinteroUser({ id: 'c1', claims, tokens })).to.equal(true)
  })

  for (const [label, value] of [
    ['null', null],
    ['a string', 'tokens'],
    ['an array carrying the fields', Object.assign([], tokens)],
    ['a function carrying the fields', Object.assign(() => undefined, tokens)],
    ['a numeric accessToken', { ...tokens, accessToken: 42 }],
    ['a numeric tokenType', { ...tokens, tokenType: 42 }],
    ['a string expiresAt', { ...tokens, expiresAt: String(tokens.expiresAt) }],
    ['a numeric refreshToken', { ...tokens, refreshToken: 42 }],
    ['a null refreshToken', { ...tokens, refreshToken: null }],
  ] as const) {
    it(`isDinteroTokens refuses ${label}`, () => {
      expect(isDinteroTokens(value)).to.equal(false)
    })
  }

  for (const [label, value] of [
    ['a numeric id', { id: 1, claims, tokens }],
    ['claims that are not an object', { id: 'c1', claims: 'c1', tokens }],
    ['claims that are null', { id: 'c1', claims: null, tokens }],
    ['malformed tokens', { id: 'c1', claims, tokens: { ...tokens, tokenType: 1 } }],
    ['an array carrying the fields', Object.assign([], { id: 'c1', claims, tokens })],
  ] as const) {
    it(`isDinteroUser and serializeUser refuse a user with ${label}`, () => {
      expect(isDinteroUser(value)).to.equal(false)
      expect(() => serialize(value)).to.throw(TypeError, 'serializeUser expects the default Dintero user ({ id, claims, tokens })')
    })
  }

  it('serializeUser stores a copy of the tokens, not the live object', () => {
    const user = { id: 'c1', claims, tokens: { ...tokens } }
    const stored = serialize(user) as { tokens: typeof tokens }
    user.tokens.accessToken = 'changed'
    expect(stored.tokens.accessToken).to.equal(token)
  })
})

describe('deserializeUser: what a store that keeps objects (not JSON) hands back', () => {
  const numericSub = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ ...claims, sub: 42 })}.sig`
  for (const [label, stored] of [
    ['an array carrying the fields', Object.assign([], { id: 'c1', tokens })],
    ['a numeric id matching a numeric subject', { id: 42, tokens: { ...tokens, accessToken: numericSub } }],
    ['a numeric accessToken', { id: 'c1', tokens: { ...tokens, accessToken: 42 } }],
    ['tokens that are an array carrying the fields', { id: 'c1', tokens: Object.assign([], tokens) }],
  ] as const) {
    it(`signs the visitor out for ${label}`, () => {
      expect(deserialize(stored)).to.equal(false)
    })
  }

  it('called by Passport as (req, stored, done), restores the user the same way', () => {
    let out: unknown
    deserializeUser({}, { id: 'c1', tokens }, (_err, user) => (out = user))
    expect(out).to.deep.equal({ id: 'c1', claims, tokens })
  })
})

describe('deserializeUser: expired access tokens (beyond the clock tolerance)', () => {
  // A strategy of this audience with a refreshTokens middleware: expired users that can be refreshed are
  // kept for it, those without a refresh token are not.
  const strategy = new DinteroPasswordStrategy({ accountId: 'T87654321', clientId: 'c', clientSecret: 's', baseUrl: 'http://127.0.0.1:9' })
  refreshTokens(strategy)
  const aud = strategy._options.audience
  const expiredToken = `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ ...claims, aud, exp: 1_000_000 })}.sig`
  const expired = { accessToken: expiredToken, refreshToken: 'r1', tokenType: 'Bearer', expiresAt: Date.now() - 3_600_000 }

  it('keeps one with a refresh token for the refreshTokens middleware', () => {
    expect(deserialize({ id: 'c1', tokens: expired })).to.include({ id: 'c1' })
  })

  it('signs out one without a refresh token: nothing can refresh it', () => {
    const { refreshToken: _dropped, ...withoutRefresh } = expired
    expect(deserialize({ id: 'c1', tokens: withoutRefresh })).to.equal(false)
  })
})
