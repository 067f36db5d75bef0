/**
 * The verifier (jsonwebtoken with this package's checks around it) against plain jsonwebtoken: for every
 * token of a corpus (and of random claims), plain `jwt.verify` with the same rules (RS256 pinned,
 * audience, issuer, clock tolerance, the same clock) must decide the same, and where both refuse, this
 * package must give the phrase it has always given for jsonwebtoken's reason. Where they differ, only in
 * the documented ways this package is stricter, each with its own test: `exp` required, finite and within
 * a Date's range, a payload that is a JSON object without `__proto__`, no `crit` header, and one spelling
 * per signature.
 */
import { generateKeyPairSync, sign } from 'node:crypto'
import { expect } from 'chai'
import fc from 'fast-check'
import jwt from 'jsonwebtoken'
import { ALGORITHM, type ClaimRules, decodeJwt, verifyJwt } from '../../lib/jwt-rs256.js'

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
const other = generateKeyPairSync('rsa', { modulusLength: 2048 })
const AUD = 'https://api.dintero.com/v1/accounts/T12345678'
const ISS = 'https://T12345678@api.dintero.com'
const NOW = 1_800_000_000 // seconds
const TOLERANCE = 30
const b64 = (text: string) => Buffer.from(text).toString('base64url')

/** A token signed over exactly `payloadJson` (so claims JSON cannot express, like 1e999, can be tried). */
function token(payloadJson: string, header: object = { alg: 'RS256', typ: 'JWT', kid: 'k1' }, key = privateKey): string {
  const input = `${b64(JSON.stringify(header))}.${b64(payloadJson)}`
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`
}

type Decision = { accepted: Record<string, unknown> } | { refused: string }

function ours(t: string, issuer?: string[]): Decision {
  const decoded = decodeJwt(t)
  if (!decoded) return { refused: 'not a JWT' }
  if (decoded.alg !== ALGORITHM) return { refused: 'algorithm' }
  const rules: ClaimRules = { audience: AUD, issuer, clockTolerance: TOLERANCE }
  const result = verifyJwt(decoded, publicKey, rules, NOW * 1000)
  return 'refused' in result ? result : { accepted: result.payload }
}

function reference(t: string, issuer?: string[]): Decision {
  try {
    const payload = jwt.verify(t, publicKey, {
      algorithms: ['RS256'],
      audience: AUD,
      clockTolerance: TOLERANCE,
      clockTimestamp: NOW,
      ...(issuer ? { issuer: issuer as [string, ...string[]] } : {}),
    })
    return { accepted: payload as Record<string, unknown> }
  } catch (err) {
    return { refused: (err as Error).message }
  }
}

/** Where this package refuses what jsonwebtoken accepts, on purpose. */
const STRICTER = new Set([
  'no exp claim',
  'exp out of range',
  'payload is not a JSON object',
  'payload has a __proto__ member',
  'critical header extensions (crit) are not supported',
])

/**
 * The phrase this package gives for each of plain jsonwebtoken's refusals: the phrases of the hand-written
 * verifier before jsonwebtoken came back, kept so messages and codes callers see did not change.
 */
function phraseFor(jsonwebtokenMessage: string): string {
  if (jsonwebtokenMessage === 'invalid signature') return 'invalid signature'
  if (jsonwebtokenMessage === 'jwt expired') return 'expired'
  if (jsonwebtokenMessage === 'jwt not active' || jsonwebtokenMessage === 'invalid nbf value') return 'not active yet (nbf)'
  if (jsonwebtokenMessage === 'invalid exp value') return 'no exp claim'
  if (jsonwebtokenMessage.startsWith('jwt audience invalid.')) return 'audience invalid'
  if (jsonwebtokenMessage.startsWith('jwt issuer invalid.')) return 'issuer invalid'
  // The pre-checks decide these before jsonwebtoken sees the token.
  if (jsonwebtokenMessage === 'invalid algorithm') return 'algorithm'
  if (['jwt malformed', 'invalid token', 'jwt signature is required'].includes(jsonwebtokenMessage)) return 'not a JWT'
  return `unexpected jsonwebtoken message: ${jsonwebtokenMessage}`
}

/**
 * Asserts the two agree on `t` (up to {@link STRICTER}), and that a refusal both make carries the phrase
 * for jsonwebtoken's reason unless one of ours came first; returns which way ours went.
 */
function agree(t: string, issuer?: string[]): 'accepted' | 'refused' {
  const a = ours(t, issuer)
  const b = reference(t, issuer)
  if ('accepted' in a) {
    expect(b, `jsonwebtoken refused what we accepted (${'refused' in b ? b.refused : ''})`).to.have.property('accepted')
    expect(a.accepted).to.deep.equal((b as { accepted: unknown }).accepted)
    return 'accepted'
  }
  if ('accepted' in b) expect(STRICTER.has(a.refused), `we refused (${a.refused}) what jsonwebtoken accepted`).to.equal(true)
  else if (!STRICTER.has(a.refused)) expect(a.refused, `jsonwebtoken: ${b.refused}`).to.equal(phraseFor(b.refused))
  return 'refused'
}

describe('verifyJwt against plain jsonwebtoken (differential)', () => {
  it('decides a corpus of claims like jsonwebtoken', () => {
    const exps = ['absent', NOW + 600, NOW - TOLERANCE + 1, NOW - TOLERANCE, NOW - TOLERANCE - 1, '"soon"', 'null', '1e999', NOW + 0.5]
    const nbfs = ['absent', NOW + TOLERANCE, NOW + TOLERANCE + 1, '"now"', 'null', NOW - 5]
    const auds = [`"${AUD}"`, `["x","${AUD}"]`, '["x"]', '"x"', 'absent', '42', `"${AUD}/"`]
    const tally = { accepted: 0, refused: 0 }
    for (const exp of exps) {
      for (const nbf of nbfs) {
        for (const aud of auds) {
          const members = [['sub', '"c1"'], ['exp', exp], ['nbf', nbf], ['aud', aud]].filter(([, v]) => v !== 'absent')
          tally[agree(token(`{${members.map(([k, v]) => `"${k}":${v}`).join(',')}}`))] += 1
        }
      }
    }
    // Good: exp in the future, within the tolerance or fractional (3) × nbf absent, at the tolerance
    // or past (3) × aud the audience or holding it (2). Everything else is refused.
    expect(tally).to.deep.equal({ accepted: 3 * 3 * 2, refused: exps.length * nbfs.length * auds.length - 18 })
  })

  it('checks iss like jsonwebtoken, with one issuer or several', () => {
    const outcomes: string[] = []
    for (const iss of ['absent', `"${ISS}"`, '"https://evil.example"', `["${ISS}"]`, 'null']) {
      for (const issuer of [undefined, [ISS], ['https://other.example', ISS]]) {
        const payload = `{"sub":"c1","aud":"${AUD}","exp":${NOW + 600}${iss === 'absent' ? '' : `,"iss":${iss}`}}`
        outcomes.push(agree(token(payload), issuer))
      }
    }
    expect(outcomes.filter((o) => o === 'accepted')).to.have.length(7)
  })

  it('refuses forged and damaged tokens like jsonwebtoken', () => {
    const good = token(`{"sub":"c1","aud":"${AUD}","exp":${NOW + 600}}`)
    const [h, p, s] = good.split('.') as [string, string, string]
    const forged = [
      token(`{"sub":"c1","aud":"${AUD}","exp":${NOW + 600}}`, undefined, other.privateKey),
      `${h}.${b64(`{"sub":"admin","aud":"${AUD}","exp":${NOW + 600}}`)}.${s}`,
      `${b64('{"alg":"none","kid":"k1"}')}.${p}.`,
      `${b64('{"alg":"HS256","kid":"k1"}')}.${p}.${s}`,
      `${b64('{"alg":"RS512","kid":"k1"}')}.${p}.${s}`,
      `${h}.${p}.${s.slice(0, -8)}`,
      `${h}.${p}.${s}x`,
      `${h}.${p}`,
      `${h}.${p}.${s}.${s}`,
      `${h} .${p}.${s}`,
      token('[1,2]'),
      token('"a string"'),
      token('not json'),
    ]
    for (const t of forged) expect(agree(t)).to.equal('refused')
    expect(agree(good)).to.equal('accepted')
  })

  it('is stricter than jsonwebtoken only where documented', () => {
    const good = token(`{"sub":"c1","aud":"${AUD}","exp":${NOW + 600}}`)
    const cases: Array<[string, string]> = [
      ['no exp claim', token(`{"sub":"c1","aud":"${AUD}"}`)],
      ['exp out of range', token(`{"sub":"c1","aud":"${AUD}","exp":1e300}`)],
      ['payload has a __proto__ member', token(`{"sub":"c1","aud":"${AUD}","exp":${NOW + 600},"__proto__":{"admin":true}}`)],
      ['critical header extensions (crit) are not supported', token(`{"sub":"c1","aud":"${AUD}","exp":${NOW + 600}}`, { alg: 'RS256', kid: 'k1', crit: ['x'], x: 1 })],
    ]
    for (const [reason, t] of cases) {
      expect(reference(t), reason).to.have.property('accepted')
      expect(ours(t), reason).to.deep.equal({ refused: reason })
    }
    // Node's base64url decoder ignores the unused low bits of the last character, so jsonwebtoken
    // accepts other spellings of one signature; this package accepts the canonical one only.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    const respelled = [...alphabet]
      .map((c) => `${good.slice(0, -1)}${c}`)
      .filter((t) => t !== good && 'accepted' in reference(t))
    expect(respelled.length).to.be.greaterThan(0)
    for (const t of respelled) expect(ours(t)).to.deep.equal({ refused: 'invalid signature' })
    expect(ours(good)).to.have.property('accepted')
  })

  it('decides random claims like jsonwebtoken', () => {
    const time = fc.oneof(
      fc.integer({ min: NOW - 100, max: NOW + 100 }),
      fc.double({ noNaN: true }),
      fc.constantFrom(null, 'x', true, [NOW + 600], {}),
    )
    const audience = fc.oneof(fc.constant(AUD), fc.string(), fc.array(fc.oneof(fc.constant(AUD), fc.string()), { maxLength: 3 }), fc.integer())
    const claims = fc.record({ sub: fc.string(), exp: time, nbf: time, aud: audience, extra: fc.jsonValue() }, { requiredKeys: ['sub'] })
    let accepted = 0
    fc.assert(
      fc.property(claims, (c) => {
        if (agree(token(JSON.stringify(c))) === 'accepted') accepted += 1
      }),
      { numRuns: 300, seed: 6 },
    )
    expect(accepted).to.be.greaterThan(0)
  })
})
