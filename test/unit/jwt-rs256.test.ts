import { generateKeyPairSync, sign } from 'node:crypto'
import { expect } from 'chai'
import { type ClaimRules, decodeJwt, decodePayload, verifyJwt } from '../../lib/jwt-rs256.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const AUD = 'https://api.dintero.com/v1/accounts/T12345678'
const NOW = 1_800_000_000_000
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

function token(payload: unknown, header: unknown = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, key = privateKey): string {
  const input = `${b64(header)}.${b64(payload)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

const exp = NOW / 1000 + 600
const rules: ClaimRules = { audience: AUD, issuer: undefined, clockTolerance: 30 }

function check(t: string, r: ClaimRules = rules) {
  const decoded = decodeJwt(t)
  if (!decoded) return { notJwt: true }
  return verifyJwt(decoded, publicKey, r, NOW)
}

describe('decodeJwt', () => {
  for (const [label, kid] of [['a number', 7], ['null', null], ['an array', ['k1']], ['an object', { id: 'k1' }]] as const) {
    it(`reads a kid that is ${label} as no kid`, () => {
      const decoded = decodeJwt(token({ sub: 'c1', aud: AUD, exp }, { alg: 'RS256', kid }))
      expect(decoded).to.have.property('kid', undefined)
      expect(decoded).to.include({ alg: 'RS256' })
    })
  }

  it('keeps an empty-string kid as it is (the verifier refuses it)', () => {
    expect(decodeJwt(token({ sub: 'c1', aud: AUD, exp }, { alg: 'RS256', kid: '' }))).to.have.property('kid', '')
  })

  it('keeps the payload segment and says whether the header has crit', () => {
    const t = token({ sub: 'c1', aud: AUD, exp })
    expect(decodeJwt(t)).to.include({ payload: t.split('.')[1], crit: false })
    expect(decodeJwt(token({ sub: 'c1', aud: AUD, exp }, { alg: 'RS256', kid: 'k1', crit: [] }))).to.include({ crit: true })
  })

  it('reads alg and kid and keeps the token and its signature', () => {
    const t = token({ sub: 'c1', aud: AUD, exp })
    const decoded = decodeJwt(t)
    expect(decoded).to.include({ alg: 'RS256', kid: 'k1' })
    expect(decoded).to.include({ token: t, signature: t.slice(t.lastIndexOf('.') + 1) })
  })

  for (const [label, t] of [
    ['two segments', 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjMSJ9'],
    ['padding', `${token({ sub: 'c1', aud: AUD, exp })}=`],
    ['white space', token({ sub: 'c1', aud: AUD, exp }).replace('.', '.\n')],
    ['a header that is not JSON', `${Buffer.from('nope').toString('base64url')}.${b64({})}.AAAA`],
    ['a header that is an array', `${b64(['RS256'])}.${b64({})}.AAAA`],
    ['a header that is JSON null', `${b64(null)}.${b64({})}.AAAA`],
    ['a header that is a JSON string', `${b64('RS256')}.${b64({})}.AAAA`],
    ['junk before the header', `!${token({ sub: 'c1', aud: AUD, exp })}`],
    ['junk after the signature', `${token({ sub: 'c1', aud: AUD, exp })}!`],
    ['an empty header', `.${b64({})}.AAAA`],
    ['four segments', `${token({ sub: 'c1', aud: AUD, exp })}.AAAA`],
  ] as const) {
    it(`refuses ${label}`, () => expect(decodeJwt(t)).to.equal(undefined))
  }
})

describe('verifyJwt', () => {
  it('accepts a good token and returns its payload', () => {
    expect(check(token({ sub: 'c1', aud: AUD, exp, email: 'k@example.no' }))).to.deep.equal({
      payload: { sub: 'c1', aud: AUD, exp, email: 'k@example.no' },
    })
  })

  it('accepts an aud array holding the audience', () => {
    expect(check(token({ sub: 'c1', aud: ['x', AUD], exp }))).to.have.property('payload')
  })

  it('accepts a token expired within the clock tolerance, and nbf within it', () => {
    expect(check(token({ sub: 'c1', aud: AUD, exp: NOW / 1000 - 29 }))).to.have.property('payload')
    expect(check(token({ sub: 'c1', aud: AUD, exp, nbf: NOW / 1000 + 30 }))).to.have.property('payload')
  })

  it('uses the time it is given, not the clock', () => {
    const t = token({ sub: 'c1', aud: AUD, exp })
    const decoded = decodeJwt(t)
    if (!decoded) throw new Error('not a JWT')
    expect(verifyJwt(decoded, publicKey, rules, (exp + 30) * 1000)).to.deep.equal({ refused: 'expired' })
    expect(verifyJwt(decoded, publicKey, rules, (exp + 29) * 1000)).to.have.property('payload')
  })

  const refused: Array<[string, string, string]> = [
    ['a signature by another key', token({ sub: 'c1', aud: AUD, exp }, undefined, other.privateKey), 'invalid signature'],
    ['a payload changed after signing', (() => {
      const [h, , s] = token({ sub: 'c1', aud: AUD, exp }).split('.')
      return `${h}.${b64({ sub: 'admin', aud: AUD, exp })}.${s}`
    })(), 'invalid signature'],
    ['a payload that is not an object', token([1, 2]), 'payload is not a JSON object'],
    ['no exp', token({ sub: 'c1', aud: AUD }), 'no exp claim'],
    ['exp as a string', token({ sub: 'c1', aud: AUD, exp: String(exp) }), 'no exp claim'],
    ['exp that JSON makes infinite', (() => {
      const input = `${b64({ alg: 'RS256', kid: 'k1' })}.${Buffer.from(`{"sub":"c1","aud":"${AUD}","exp":1e999}`).toString('base64url')}`
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
    })(), 'no exp claim'],
    ['expired at exactly exp + tolerance', token({ sub: 'c1', aud: AUD, exp: NOW / 1000 - 30 }), 'expired'],
    ['expired beyond the tolerance', token({ sub: 'c1', aud: AUD, exp: NOW / 1000 - 31 }), 'expired'],
    ['a truncated signature', token({ sub: 'c1', aud: AUD, exp }).slice(0, -4), 'invalid signature'],
    ['a signature one byte short', (() => {
      const t = token({ sub: 'c1', aud: AUD, exp })
      const dot = t.lastIndexOf('.')
      return `${t.slice(0, dot)}.${Buffer.from(t.slice(dot + 1), 'base64url').subarray(1).toString('base64url')}`
    })(), 'invalid signature'],
    ['a crit header', token({ sub: 'c1', aud: AUD, exp }, { alg: 'RS256', kid: 'k1', crit: ['b64'], b64: false }), 'critical header extensions (crit) are not supported'],
    ['a __proto__ member in the payload', (() => {
      const input = `${b64({ alg: 'RS256', kid: 'k1' })}.${Buffer.from(`{"sub":"c1","aud":"${AUD}","exp":${exp},"__proto__":{"x":1}}`).toString('base64url')}`
      return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`
    })(), 'payload has a __proto__ member'],
    ['exp later than a Date can hold', token({ sub: 'c1', aud: AUD, exp: 1e13 }), 'exp out of range'],
    ['nbf beyond the tolerance', token({ sub: 'c1', aud: AUD, exp, nbf: NOW / 1000 + 31 }), 'not active yet (nbf)'],
    ['nbf that is not a number', token({ sub: 'c1', aud: AUD, exp, nbf: 'soon' }), 'not active yet (nbf)'],
    ['no aud', token({ sub: 'c1', exp }), 'audience invalid'],
    ['an aud array without the audience', token({ sub: 'c1', aud: ['x'], exp }), 'audience invalid'],
  ]
  for (const [label, t, reason] of refused) {
    it(`refuses ${label}`, () => expect(check(t)).to.deep.equal({ refused: reason }))
  }

  it('refuses a key that is not RSA', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const decoded = decodeJwt(token({ sub: 'c1', aud: AUD, exp }))
    if (!decoded) throw new Error('not a JWT')
    expect(verifyJwt(decoded, ec.publicKey, rules, NOW)).to.deep.equal({ refused: 'key is not an RSA key' })
  })

  it('refuses an RSA-PSS key (an RSA modulus, but not a key for RS256)', () => {
    const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 })
    const decoded = decodeJwt(token({ sub: 'c1', aud: AUD, exp }, undefined, pss.privateKey))
    if (!decoded) throw new Error('not a JWT')
    expect(verifyJwt(decoded, pss.publicKey, rules, NOW)).to.deep.equal({ refused: 'key is not an RSA key' })
  })

  it('answers "invalid signature" for a bad signature whatever else is wrong with the payload', () => {
    for (const payload of [[1, 2], { sub: 'c1', aud: AUD }, { sub: 'c1', exp: 1e13 }, { sub: 'c1', aud: 'x', exp: NOW / 1000 - 600 }]) {
      expect(check(token(payload, undefined, other.privateKey)), JSON.stringify(payload)).to.deep.equal({ refused: 'invalid signature' })
    }
  })

  it('accepts exp up to the last time a Date can hold (8.64e12 s), and refuses one second later', () => {
    expect(check(token({ sub: 'c1', aud: AUD, exp: 8.64e12 }))).to.have.property('payload')
    expect(check(token({ sub: 'c1', aud: AUD, exp: 8.64e12 + 1 }))).to.deep.equal({ refused: 'exp out of range' })
  })

  it('refuses a key shorter than 2048 bits (jsonwebtoken checks key sizes only when signing)', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 })
    const decoded = decodeJwt(token({ sub: 'c1', aud: AUD, exp }, undefined, weak.privateKey))
    if (!decoded) throw new Error('not a JWT')
    expect(verifyJwt(decoded, weak.publicKey, rules, NOW)).to.deep.equal({ refused: 'RSA key shorter than 2048 bits' })
  })

  it('accepts a good token from a key whose modulus is not a whole number of bytes', () => {
    // 2050 bits: the signature is ceil(2050 / 8) = 257 bytes long, not 2050 / 8.
    const odd = generateKeyPairSync('rsa', { modulusLength: 2050 })
    const decoded = decodeJwt(token({ sub: 'c1', aud: AUD, exp }, undefined, odd.privateKey))
    if (!decoded) throw new Error('not a JWT')
    expect(verifyJwt(decoded, odd.publicKey, rules, NOW)).to.have.property('payload')
  })

  it('still judges exp and nbf when Object.prototype is polluted (jsonwebtoken reads its options through the prototype)', () => {
    const proto = Object.prototype as Record<string, unknown>
    const t = token({ sub: 'c1', aud: AUD, exp: NOW / 1000 - 600 })
    const early = token({ sub: 'c1', aud: AUD, exp, nbf: NOW / 1000 + 600 })
    try {
      proto['ignoreExpiration'] = true
      proto['ignoreNotBefore'] = true
      proto['complete'] = true
      expect(check(t)).to.deep.equal({ refused: 'expired' })
      expect(check(early)).to.deep.equal({ refused: 'not active yet (nbf)' })
    } finally {
      delete proto['ignoreExpiration']
      delete proto['ignoreNotBefore']
      delete proto['complete']
    }
    expect(check(token({ sub: 'c1', aud: AUD, exp }))).to.have.property('payload')
  })

  it('checks iss only when configured', () => {
    const strict = { ...rules, issuer: ['https://T12345678@api.dintero.com'] }
    expect(check(token({ sub: 'c1', aud: AUD, exp, iss: 'https://T12345678@api.dintero.com' }), strict)).to.have.property('payload')
    expect(check(token({ sub: 'c1', aud: AUD, exp, iss: 'https://evil.example' }), strict)).to.deep.equal({ refused: 'issuer invalid' })
    expect(check(token({ sub: 'c1', aud: AUD, exp }), strict)).to.deep.equal({ refused: 'issuer invalid' })
    expect(check(token({ sub: 'c1', aud: AUD, exp, iss: 'https://evil.example' }))).to.have.property('payload')
  })
})

describe('decodePayload', () => {
  it('reads the payload of a JWT, and nothing from what is not one', () => {
    expect(decodePayload(token({ sub: 'c1', aud: AUD, exp }))).to.deep.equal({ sub: 'c1', aud: AUD, exp })
    expect(decodePayload('no-dots')).to.equal(undefined)
    expect(decodePayload(`${b64({})}.${b64([1])}.x`)).to.equal(undefined)
  })

  for (const [label, t] of [
    ['a payload that is JSON null', `${b64({})}.${b64(null)}.x`],
    ['a payload that is a JSON number', `${b64({})}.${b64(1)}.x`],
    ['a payload that is not JSON', `${b64({})}.${Buffer.from('{nope').toString('base64url')}.x`],
    ['one dot only', `${b64({})}.${b64({ sub: 'c1' })}`],
    ['a leading dot only', `.${b64({ sub: 'c1' })}`],
  ] as const) {
    it(`reads nothing from ${label}`, () => expect(decodePayload(t)).to.equal(undefined))
  }

  it('reads the second segment, whatever the first', () => {
    expect(decodePayload(`.${b64({ sub: 'c1' })}.`)).to.deep.equal({ sub: 'c1' })
    expect(decodePayload(`${b64({ sub: 'header' })}.${b64({ sub: 'c1' })}.${b64({ sub: 'sig' })}`)).to.deep.equal({ sub: 'c1' })
  })
})
