import { generateKeyPairSync, sign } from 'node:crypto'
import { expect } from 'chai'
import { decodeJwt } from '../../lib/jwt-rs256.js'

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const AUD = 'https://api.dintero.com/v1/accounts/T12345678'
const NOW = 1_800_000_000_000
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function token(payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, key = privateKey): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

const exp = NOW / 1000 + 600

describe('decodeJwt', () => {
  it('reads alg and kid and keeps the signed part', () => {
    const t = token({ sub: 'c1', aud: AUD, exp })
    const decoded = decodeJwt(t)
    expect(decoded).to.include({ alg: 'RS256', kid: 'k1' })
    expect(decoded?.signingInput).to.equal(t.slice(0, t.lastIndexOf('.')))
  })

  for (const [label, t] of [
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjMSJ9'],
    ['padding', `${token({ sub: 'c1', aud: AUD, exp })}=`],
    ['white space', token({ sub: 'c1', aud: AUD, exp }).replace('.', '.\n')],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.${b64({})}.AAAA`],
    ['a header that is an array', `${b64(['RS256'])}.${b64({})}.AAAA`],
  ] as const) {
    it(`refuses ${label}`, () => expect(decodeJwt(t)).to.equal(undefined))
  }
})
