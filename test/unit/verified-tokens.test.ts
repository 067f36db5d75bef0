import { generateKeyPairSync } from 'node:crypto'
import { expect } from 'chai'
import jwt from 'jsonwebtoken'
import type { DinteroClient, IssuedTokens } from '../../lib/dintero-client.js'
import { TokenVerificationError } from '../../lib/errors.js'
import { TokenVerifier } from '../../lib/token-verifier.js'
import { assertSameCustomer, refreshVerified, verifyIssued } from '../../lib/verified-tokens.js'
import { rejection } from '../support/rejection.js'

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
      expect(() => assertSameCustomer(previous, verified('c1'))).to.throw(
        TokenVerificationError,
        'New access token belongs to another customer than the old one, or the old one names none',
      )
    })
  }
})

describe('verifyIssued and refreshVerified (issued tokens, verified and shaped for the session)', () => {
  const AUD = 'https://api.dintero.com/v1/accounts/T12345678'
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'k1', alg: 'RS256', use: 'sig' }
  const verifier = new TokenVerifier(
    { audience: AUD, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 600_000, jwksRequestsPerMinute: 10 },
    async () => [jwk],
  )
  const exp = Math.floor(Date.now() / 1000) + 600
  const access = (sub: string) => jwt.sign({ sub, aud: AUD, exp }, privateKey, { algorithm: 'RS256', keyid: 'k1' })
  const issued = (accessToken: string, refreshToken?: string): IssuedTokens => ({ accessToken, tokenType: 'Bearer', expiresIn: 600, refreshToken })
  /** A client whose refresh answers `answer` and records the refresh tokens it was given. */
  const clientAnswering = (answer: IssuedTokens) => {
    const asked: string[] = []
    const client = {
      refresh: async (refreshToken: string) => {
        asked.push(refreshToken)
        return answer
      },
    } as unknown as DinteroClient
    return { client, asked }
  }

  it('keeps the access token, its type, its verified exp in milliseconds and the issued refresh token', async () => {
    const token = access('c1')
    const result = await verifyIssued(verifier, issued(token, 'r-new'), 'r-old')
    expect(result.tokens).to.deep.equal({ accessToken: token, tokenType: 'Bearer', expiresAt: exp * 1000, refreshToken: 'r-new' })
    expect(result.claims).to.include({ sub: 'c1', exp })
  })

  it('keeps the refresh token it was given when none was issued, and stores none when there is none', async () => {
    const token = access('c1')
    expect((await verifyIssued(verifier, issued(token), 'r-old')).tokens).to.have.property('refreshToken', 'r-old')
    expect((await verifyIssued(verifier, issued(token))).tokens).not.to.have.property('refreshToken')
  })

  it('refuses an issued access token that fails verification', async () => {
    const err = await rejection(verifyIssued(verifier, issued('not-a-jwt')))
    expect(err).to.be.instanceOf(TokenVerificationError)
    expect(err.message).to.equal('Access token is not a JWT')
  })

  it('refreshes with the session\'s refresh token and keeps it when Dintero does not rotate it', async () => {
    const fresh = access('c1')
    const { client, asked } = clientAnswering(issued(fresh))
    const result = await refreshVerified(client, verifier, { accessToken: access('c1'), tokenType: 'Bearer', expiresAt: 0, refreshToken: 'r-old' })
    expect(asked).to.deep.equal(['r-old'])
    expect(result.tokens).to.deep.equal({ accessToken: fresh, tokenType: 'Bearer', expiresAt: exp * 1000, refreshToken: 'r-old' })
  })

  it('refuses new tokens of another customer', async () => {
    const { client } = clientAnswering(issued(access('c2'), 'r-new'))
    const err = await rejection(refreshVerified(client, verifier, { accessToken: access('c1'), tokenType: 'Bearer', expiresAt: 0, refreshToken: 'r-old' }))
    expect(err).to.be.instanceOf(TokenVerificationError)
    expect(err.message).to.equal('New access token belongs to another customer than the old one, or the old one names none')
  })

  for (const [label, tokens] of [
    ['tokens without a refresh token', { accessToken: 'a', tokenType: 'Bearer', expiresAt: 0 }],
    ['an empty refresh token', { accessToken: 'a', tokenType: 'Bearer', expiresAt: 0, refreshToken: '' }],
    ['no tokens at all', undefined],
  ] as const) {
    it(`throws a TypeError for ${label}, without asking Dintero`, async () => {
      const { client, asked } = clientAnswering(issued(access('c1')))
      const err = await rejection(refreshVerified(client, verifier, tokens as never))
      expect(err).to.be.instanceOf(TypeError)
      expect(err.message).to.equal('DinteroPasswordStrategy.refresh: tokens has no refreshToken')
      expect(asked).to.deep.equal([])
    })
  }
})
