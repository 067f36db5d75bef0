/**
 * A compact RS256 JWT, decoded once and strictly, then verified by jsonwebtoken with the stricter checks
 * of this package around it. The header is read before anything else happens (the algorithm and `kid`
 * decide whether a key is looked up at all); jsonwebtoken then checks the signature on the already
 * parsed key and the claims (`exp`, `nbf`, `aud`, `iss`); the checks jsonwebtoken does not make are cheap
 * ones on the header and payload this module decodes anyway. Every decision is tested against plain
 * jsonwebtoken's (test/unit/jwt-differential.test.ts): the same, except where this is stricter (see
 * {@link verifyJwt}).
 *
 * @packageDocumentation
 */
import type { KeyObject } from 'node:crypto'
import jsonwebtoken from 'jsonwebtoken'

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
  /** The whole compact token. */
  token: string
  alg: unknown
  kid: string | undefined
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
  return {
    token,
    alg: header['alg'],
    kid: typeof kid === 'string' ? kid : undefined,
    payload: parts[1] as string,
    signature: parts[2] as string,
    crit: header['crit'] !== undefined,
  }
}

/** The shortest RSA modulus accepted, in bits (as RFC 7518 section 3.3 asks). */
const MIN_MODULUS_BITS = 2048

/** The latest `exp` accepted, in seconds: the last time a JavaScript Date can hold. */
const MAX_EXP = 8.64e12

/**
 * Verifies the RS256 token `jwt` with `key` (the caller has checked `alg`) through jsonwebtoken
 * (`algorithms: ['RS256']`, the audience, the issuers when configured, the clock tolerance, and the clock
 * `nowMs`): the signature, then `exp` not past, `nbf` a number not in the future, `aud` equal to or
 * containing the audience, `iss` one of the issuers. Around it, the checks this package makes and
 * jsonwebtoken does not (each a refusal jsonwebtoken would not give): a `crit` header refused
 * (jsonwebtoken ignores it); the key RSA and at least 2048 bits long; the signature exactly the
 * modulus long (in whole bytes) and in canonical base64url, so a token has one spelling; the payload a
 * JSON object without a `__proto__` member; `exp` present, finite and no later than a Date can hold.
 * jsonwebtoken's `ignoreExpiration`, `ignoreNotBefore` and `complete` are passed as `false`. Returns the payload, or the reason it is refused: a
 * short phrase that never contains the token. @internal
 */
export function verifyJwt(
  jwt: DecodedJwt,
  key: KeyObject,
  rules: ClaimRules,
  nowMs: number = Date.now(),
): { payload: Record<string, unknown> } | { refused: string } {
  // Before jsonwebtoken: what it would ignore in the header, the key and the signature's spelling.
  if (jwt.crit) return { refused: 'critical header extensions (crit) are not supported' }
  const modulusBits = key.asymmetricKeyType === 'rsa' ? key.asymmetricKeyDetails?.modulusLength : undefined
  if (modulusBits === undefined) return { refused: 'key is not an RSA key' }
  // jsonwebtoken checks key sizes only when signing (allowInsecureKeySizes); a short key is refused here.
  if (modulusBits < MIN_MODULUS_BITS) return { refused: `RSA key shorter than ${MIN_MODULUS_BITS} bits` }
  const signature = Buffer.from(jwt.signature, 'base64url')
  // Node's decoder ignores the unused low bits of the last character: without this, one signature
  // would have several spellings that all verify. The signature is the modulus's length in whole bytes.
  if (signature.length !== Math.ceil(modulusBits / 8) || signature.toString('base64url') !== jwt.signature) return { refused: 'invalid signature' }
  const judged = judge(jwt.token, key, rules, Math.floor(nowMs / 1000))
  // A bad signature settles it: nothing of an unverified payload is worth a different answer.
  if ('refused' in judged && judged.refused === 'invalid signature') return judged
  // After jsonwebtoken: what it does not check in the payload, refused before its claim verdict so the
  // reason is the same whichever claims are also wrong. When it accepted, the payload it verified (no
  // second decode); when it refused, ours.
  const payload = 'payload' in judged ? asObject(judged.payload) : parseSegment(jwt.payload)
  if (!payload) return { refused: 'payload is not a JSON object' }
  // JSON.parse makes "__proto__" an own member; copied with Object.assign it would set the copy's prototype.
  if (Object.hasOwn(payload, '__proto__')) return { refused: 'payload has a __proto__ member' }
  const exp = payload['exp']
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return { refused: 'no exp claim' }
  if (exp > MAX_EXP) return { refused: 'exp out of range' }
  return 'refused' in judged ? judged : { payload }
}

/**
 * jsonwebtoken's verdict on `token`: the payload it verified, or the phrase this package has always used
 * for the failed check (the messages and codes callers see did not change with it).
 */
function judge(token: string, key: KeyObject, rules: ClaimRules, clockTimestamp: number): { payload: unknown } | { refused: string } {
  try {
    const payload: unknown = jsonwebtoken.verify(token, key, {
      algorithms: [ALGORITHM],
      audience: rules.audience,
      ...(rules.issuer ? { issuer: rules.issuer as [string, ...string[]] } : {}),
      clockTolerance: rules.clockTolerance,
      clockTimestamp,
      // jsonwebtoken reads these off its options object, prototype included: spelled out, so a polluted
      // Object.prototype (a bug elsewhere in the application) cannot turn the expiry or nbf check off.
      ignoreExpiration: false,
      ignoreNotBefore: false,
      complete: false,
      allowInvalidAsymmetricKeyTypes: false,
    })
    return { payload }
  } catch (err) {
    return { refused: refusalPhrase(err) }
  }
}

/** jsonwebtoken's errors by message, onto this package's phrases. */
const PHRASES: ReadonlyArray<[RegExp, string]> = [
  [/^invalid signature$/, 'invalid signature'],
  [/^jwt expired$/, 'expired'],
  [/^(jwt not active|invalid nbf value)$/, 'not active yet (nbf)'],
  [/^invalid exp value$/, 'no exp claim'],
  [/^jwt audience invalid\b/, 'audience invalid'],
  [/^jwt issuer invalid\b/, 'issuer invalid'],
]

/** The phrase for one of jsonwebtoken's refusals; one it has not been seen to give is named by its class. */
function refusalPhrase(err: unknown): string {
  const message = err instanceof Error ? err.message : ''
  for (const [pattern, phrase] of PHRASES) if (pattern.test(message)) return phrase
  // Its other messages name options and checks, never the token; still, keep only the error's class.
  return `refused by jsonwebtoken (${err instanceof Error ? err.name : 'unknown error'})`
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
    return asObject(JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')))
  } catch {
    return undefined
  }
}

/** `value` when it is a JSON object (not an array, not null); undefined otherwise. */
function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}
