import { expect } from 'chai'
import { deserializeUser, serializeUser } from '../../lib/session.js'

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
