/**
 * A compact RS256 JWT, decoded once and strictly: the header is read before anything else happens (the
 * algorithm and `kid` decide whether a key is looked up at all), then the signature is checked with
 * `node:crypto` against the already parsed key, then the claims. This is the hot path of every sign-in
 * and refresh, so it does only this: no PEM, no stream, no second decode. Its accept/refuse decisions
 * are tested against jsonwebtoken's (test/unit/jwt-differential.test.ts): the same, except where this is
 * stricter (see {@link verifyJwt}).
 *
 * @packageDocumentation
 */
import { type KeyObject, verify as verifySignature } from 'node:crypto'
import { audienceMatches } from './dintero-readings.js'

/** The only algorithm accepted. */
export const ALGORITHM = 'RS256'

/** What the claims must satisfy besides the signature. @internal */
export interface ClaimRules {
  /** Must be `aud`, or one of its members when `aud` is an array. */
  audience: string
  /** When set, `iss` must be one of these. */
  issuer: readonly string[] | undefined
  /** Leeway for `exp` and `nbf`, in seconds. */
  clockTolerance: number
}

/** A token split into its parts, with the header parsed; nothing is trusted yet. @internal */
export interface DecodedJwt {
  alg: unknown
  kid: string | undefined
  /** `header.payload`, the signed bytes. */
  signingInput: string
  /** The base64url payload. */
  payload: string
  /** The base64url signature. */
  signature: string
  /** True when the header has `crit`: extensions the token says must be understood, and none are. */
  crit: boolean
}

/** Three base64url segments, nothing else: a lenient decoder must not get to ignore stray characters. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/

/** Splits `token` and parses its header; undefined when it is not a compact JWS with a JSON object header. @internal */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = COMPACT_JWS.exec(token)
  if (!parts) return undefined
  const header = parseSegment(token.slice(0, token.indexOf('.')))
  if (!header) return undefined
  const kid = header['kid']
  const payload = parts[1] as string
  const signature = parts[2] as string
  return {
    alg: header['alg'],
    kid: typeof kid === 'string' ? kid : undefined,
    signingInput: token.slice(0, token.length - signature.length - 1),
    payload,
    signature,
    crit: header['crit'] !== undefined,
  }
}

/** The latest `exp` accepted, in seconds: the last time a JavaScript Date can hold. */
const MAX_EXP = 8.64e12

/**
 * Checks the RS256 signature of `jwt` with `key` (the caller has checked `alg`), then the claims: `exp`
 * required, finite and not past, `nbf` a number not in the future, `aud` equal to or containing the
 * audience, `iss` one of the issuers when configured; times with the clock tolerance, as jsonwebtoken
 * does; the key must be RSA, as there. Stricter than jsonwebtoken: the signature exactly the modulus long
 * and in canonical base64url (so a token has one spelling), a `crit` header refused (jsonwebtoken ignores
 * it), the payload a JSON object without a `__proto__` member, `exp` present and no later than a Date can
 * hold. Returns the payload, or the
 * reason it is refused: a short phrase that never contains the token. @internal
 */
export function verifyJwt(
  jwt: DecodedJwt,
  key: KeyObject,
  rules: ClaimRules,
  nowMs: number = Date.now(),
): { payload: Record<string, unknown> } | { refused: string } {
  if (jwt.crit) return { refused: 'critical header extensions (crit) are not supported' }
  const modulusBits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined
  if (modulusBits === undefined) return { refused: 'key is not an RSA key' }
  const signature = Buffer.from(jwt.signature, 'base64url')
  // Node's decoder ignores the unused low bits of the last character: without this, one signature
  // would have several spellings that all verify.
  if (signature.length * 8 !== modulusBits || signature.toString('base64url') !== jwt.signature) return { refused: 'invalid signature' }
  // The signing input is base64url characters only (decodeJwt's pattern), so latin1 is its exact bytes.
  if (!verifySignature('sha256', Buffer.from(jwt.signingInput, 'latin1'), key, signature)) return { refused: 'invalid signature' }
  const payload = parseSegment(jwt.payload)
  if (!payload) return { refused: 'payload is not a JSON object' }
  // JSON.parse makes "__proto__" an own member; copied with Object.assign it would set the copy's prototype.
  if (Object.hasOwn(payload, '__proto__')) return { refused: 'payload has a __proto__ member' }
  const now = Math.floor(nowMs / 1000)
  const { exp, nbf, aud, iss } = payload
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { refused: 'no exp claim' }
  if (exp > MAX_EXP) return { refused: 'exp out of range' }
  if (now >= exp + rules.clockTolerance) return { refused: 'expired' }
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + rules.clockTolerance)) return { refused: 'not active yet (nbf)' }
  if (!audienceMatches(aud, rules.audience)) return { refused: 'audience invalid' }
  if (rules.issuer && !(typeof iss === 'string' && rules.issuer.includes(iss))) return { refused: 'issuer invalid' }
  return { payload }
}

/**
 * The payload of a compact JWT as a JSON object, UNVERIFIED: only for tokens this package verified
 * before it stored them (the session's access token). Undefined when it is not one. @internal
 */
export function decodePayload(token: string): Record<string, unknown> | undefined {
  const start = token.indexOf('.') + 1
  const end = token.indexOf('.', start)
  return start === 0 || end === -1 ? undefined : parseSegment(token.slice(start, end))
}

/** A base64url segment holding a JSON object, parsed; undefined otherwise. */
function parseSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}
