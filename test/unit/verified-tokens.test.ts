import { expect } from 'chai'
import { TokenVerificationError } from '../../lib/errors.js'
import { assertSameCustomer } from '../../lib/verified-tokens.js'

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const tokenOf = (sub: unknown) => `${b64({ alg: 'RS256', kid: 'k1' })}.${b64({ sub, exp: 2_000_000_000 })}.sig`
const verified = (sub: string) => ({ tokens: { accessToken: tokenOf(sub), tokenType: 'Bearer', expiresAt: 0 }, claims: { sub, exp: 2_000_000_000 } })

describe('assertSameCustomer (new tokens for a session must be the same customer\'s)', () => {
  it('lets tokens of the same customer through', () => {
    expect(() => assertSameCustomer(tokenOf('c1'), verified('c1'))).not.to.throw()
  })

  for (const [label, previous] of [
    ['another customer', tokenOf('c2')],
    ['an old token that is not a JWT', 'not-a-jwt'],
    ['an old token without sub', tokenOf(undefined)],
    ['an old token whose sub is not a string', tokenOf(1)],
  ] as const) {
    it(`refuses ${label}`, () => {
      expect(() => assertSameCustomer(previous, verified('c1'))).to.throw(TokenVerificationError, /another customer/)
    })
  }
})
