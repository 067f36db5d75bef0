/**
 * The header of a compact JWS, read strictly before anything else happens: the algorithm and `kid`
 * decide whether a key is looked up at all. Nothing here is trusted; jsonwebtoken verifies the token.
 *
 * @packageDocumentation
 */

/** The only algorithm accepted. */
export const ALGORITHM = 'RS256'

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
  }
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
