/**
 * Verifying Dintero's access tokens: the key for the token's `kid` from the account's own key set
 * (jwks-rsa through a rate-limited fetcher on `/auth/keys`; the parsed key kept per `kid`), then jsonwebtoken on that parsed key, RS256 pinned, `aud` checked, `iss` checked when
 * configured, with this package's stricter checks around it (`exp` required among them; jwt-rs256.ts).
 *
 * @packageDocumentation
 */
import { createPublicKey, type KeyObject } from 'node:crypto'
import jwksRsa from 'jwks-rsa'
import { logger } from './debug.js'
import type { DinteroJwk } from './dintero-client.js'
import { DinteroError, TokenVerificationError } from './errors.js'
import { limitFetches } from './fetch-limit.js'
import { ALGORITHM, type ClaimRules, decodeJwt, verifyJwt } from './jwt-rs256.js'
import { SingleFlight } from './single-flight.js'

/**
 * The verified payload of a Dintero access token. `sub` and `exp` are guaranteed present. A Dintero
 * customer token usually also carries `email` and/or `phone_number` (the identifiers the customer has),
 * `type` (`'customer'`, or the user type) and `scope`; none of these is documented as guaranteed, so
 * each may be absent. When present they are strings: verification drops a non-string value of any of
 * them (see {@link TYPED_STRING_CLAIMS}) rather than hand the app a value its type does not promise.
 */
export interface DinteroClaims {
  /** The customer's email address, when the account has one. */
  email?: string
  /** The customer's phone number (E.164, e.g. `'+4799999999'`), when the account has one. */
  phone_number?: string
  /** The user type, usually `'customer'`. */
  type?: string
  /** Space-separated scopes of the token. */
  scope?: string
  /** The customer's id. */
  sub: string
  /** Expiry, in seconds since epoch. */
  exp: number
  /** The audience: the configured `audience`, or an array holding it (other members unchecked). */
  aud?: string | unknown[]
  /** The issuer; checked (and so a string) only when the `issuer` option is set. */
  iss?: unknown
  /** Issued at, in seconds since epoch; not checked. */
  iat?: unknown
  /** Not before, in seconds since epoch; a number when present. */
  nbf?: number
  /** The token's id; not checked. */
  jti?: unknown
  [claim: string]: unknown
}

/** Claims typed `string` in {@link DinteroClaims}: a value of another type is dropped at verification. @internal */
export const TYPED_STRING_CLAIMS = ['email', 'phone_number', 'type', 'scope'] as const

/**
 * `payload` with every {@link TYPED_STRING_CLAIMS} member that is present but not a string removed, so
 * the claims match their type. Used at verification and when claims are read back from a session. @internal
 */
export function withTypedClaims<T extends Record<string, unknown>>(payload: T): T {
  let out = payload
  for (const name of TYPED_STRING_CLAIMS) {
    if (out[name] === undefined || typeof out[name] === 'string') continue
    if (out === payload) out = { ...payload }
    delete out[name]
    log('claim %s is not a string: dropped', name)
  }
  return out
}

/** What the verifier checks besides the signature. @internal */
export interface TokenVerifierOptions {
  audience: string
  issuer: readonly string[] | undefined
  /** Seconds. */
  clockTolerance: number
  /** Milliseconds a fetched key is trusted. */
  jwksCacheMaxAge: number
  jwksRequestsPerMinute: number
}

/** Longest token accepted, in characters: real ones are a few KB; this bounds the work an attacker can cause. */
export const MAX_TOKEN_LENGTH = 16 * 1024
const RATE_LIMITED = 'No signing key for the access token (key set fetches are rate limited)'
const log = logger('verify')

/**
 * Verifies tokens against one account's key set. Parsed keys are kept per `kid` for `jwksCacheMaxAge`
 * from the start of the fetch that brought them (the only key cache: jwks-rsa's is off), so a sign-in
 * with a known key costs no fetch and no PEM parse. @internal
 */
export class TokenVerifier {
  private readonly _jwks: jwksRsa.JwksClient
  /** Parsed keys by `kid`, with when to stop trusting them without asking jwks-rsa again (ms since epoch). */
  private readonly _byKid = new Map<string, { key: KeyObject; until: number }>()
  /** Key lookups in flight by `kid`: callers asking for one kid at once share its lookup and its entry. */
  private readonly _lookups = new SingleFlight<KeyObject>()
  private readonly _maxAge: number
  private readonly _rules: ClaimRules

  constructor(options: TokenVerifierOptions, fetchKeys: () => Promise<DinteroJwk[]>) {
    // Rate limit inside the cache: cache hits are free, and a flood of unknown `kid`s cannot turn
    // into a flood of key-set fetches. Ours, not jwks-rsa's, which queues callers beyond its budget.
    const fetchLimited = limitFetches(fetchKeys, options.jwksRequestsPerMinute, () => new TokenVerificationError(RATE_LIMITED))
    this._jwks = new jwksRsa.JwksClient({
      // jwks-rsa wants a URI even with a fetcher; it is only used as a label in its own logs.
      jwksUri: 'dintero:/auth/keys',
      fetcher: async () => ({ keys: (await fetchLimited()).filter(isRsaSigningKey).map(normalizeJwk) }),
      // One cache only, ours (_byKid): jwks-rsa's would start its entry when the fetch ends, ours when it
      // begins, and a lookup between the two ends would renew ours from it, trusting a removed key for up
      // to twice jwksCacheMaxAge. Callers asking for a kid at the same time share one lookup (_lookups).
      cache: false,
      rateLimit: false,
    })
    this._maxAge = options.jwksCacheMaxAge
    this._rules = {
      audience: options.audience,
      issuer: options.issuer,
      clockTolerance: options.clockTolerance,
    }
  }

  /** Verifies `token` and returns its claims; rejects with {@link TokenVerificationError} or, when the key set cannot be fetched, the fetch's {@link DinteroError}. */
  async verify(token: string): Promise<DinteroClaims> {
    if (token.length > MAX_TOKEN_LENGTH) throw new TokenVerificationError('Access token is larger than any Dintero token')
    const jwt = decodeJwt(token)
    if (!jwt) throw new TokenVerificationError('Access token is not a JWT')
    // Refuse other algorithms before looking up a key: `none` and HS256 tokens never cost a key fetch.
    if (jwt.alg !== ALGORITHM) throw new TokenVerificationError(`Access token algorithm is not ${ALGORITHM}`)
    // Dintero's tokens name their key. Without a kid, jwks-rsa would pick the only key in a one-key
    // set; refuse instead, so a key is only ever used when the token asks for it by name.
    const kid = jwt.kid
    if (kid === undefined || kid.length === 0) throw new TokenVerificationError('Access token has no kid')
    const now = Date.now()
    const known = this._byKid.get(kid)
    const key = known && now < known.until ? known.key : await this._lookups.run(kid, () => this._keyFor(kid, now))
    // jsonwebtoken on the parsed key: no PEM parse per sign-in. The clock is read again here: a key
    // fetch may have taken seconds, and a token must not be judged by the time before it.
    const result = verifyJwt(jwt, key, this._rules, Date.now())
    if ('refused' in result) {
      // The reason names the failed check ("expired", "audience invalid"…), never the token.
      log('token refused: %s', result.refused)
      throw new TokenVerificationError(`Access token failed verification: ${result.refused}`)
    }
    const payload = result.payload
    if (typeof payload['sub'] !== 'string' || payload['sub'].length === 0) throw new TokenVerificationError('Access token has no sub claim')
    return withTypedClaims(payload) as DinteroClaims
  }

  /** The key from jwks-rsa, remembered by `kid` until `now + jwksCacheMaxAge` (`now`: before the fetch). */
  private async _keyFor(kid: string, now: number): Promise<KeyObject> {
    const key = await this._key(kid)
    // Forget keys no longer trusted, so rotations cannot pile entries up.
    for (const [k, entry] of this._byKid) if (entry.until <= now) this._byKid.delete(k)
    this._byKid.set(kid, { key, until: now + this._maxAge })
    return key
  }

  private async _key(kid: string): Promise<KeyObject> {
    let signingKey: jwksRsa.SigningKey
    try {
      signingKey = await this._jwks.getSigningKey(kid)
    } catch (err) {
      if (err instanceof DinteroError) throw err
      // SigningKeyNotFoundError (unknown kid after one refetch) and JwksError (a key set without
      // usable keys): the token cannot be trusted.
      log('no signing key for the token: %s', err instanceof Error ? err.name : 'Error')
      throw new TokenVerificationError('No signing key in the key set matches the access token')
    }
    // Parsed once per kid: _keyFor keeps the result for as long as jwks-rsa keeps the key.
    return createPublicKey(signingKey.getPublicKey())
  }
}

/** Only RSA keys meant for RS256 signatures can verify a Dintero token; others are ignored. */
function isRsaSigningKey(jwk: DinteroJwk): boolean {
  return jwk.kty === 'RSA' && (jwk.alg === undefined || jwk.alg === ALGORITHM) && (jwk.use === undefined || jwk.use === 'sig')
}

/** Dintero's documented example key has line breaks inside `n`: strip white space from the base64url members. */
function normalizeJwk(jwk: DinteroJwk): DinteroJwk {
  const out: DinteroJwk = { ...jwk }
  for (const member of ['n', 'e'] as const) {
    const value = out[member]
    if (typeof value === 'string') out[member] = value.replace(/\s+/g, '')
  }
  return out
}
