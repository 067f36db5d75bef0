/**
 * Every place where Dintero's public documentation leaves the shape of an answer open, and how this
 * package reads it. Each function names the unknown it covers (see `dintero-api.md` and the README's
 * "What Dintero's docs leave open" table); the client, the MFA steps and the verifier call these and
 * nothing else for these questions, so each reading is chosen in exactly one place. Each reading accepts
 * every shape the docs allow; the emulator (`passport-dintero/testing`) can answer in each of them.
 *
 * Pure functions over plain values: nothing here calls Dintero, nor knows Passport or sessions.
 *
 * @packageDocumentation
 */
import type { Ident } from './sign-in.js'

/** The parts of an HTTP answer a reading looks at (an `http.ts` `JsonResponse` fits). @internal */
export interface Answer {
  status: number
  /** Parsed JSON, or undefined when the body was empty or not JSON. */
  body: unknown
  /** True when a non-empty body could not be parsed as JSON. */
  notJson: boolean
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined
}

/**
 * Unknown: which status a refused password or an unknown customer gets at `customers/login` and
 * `customers/mfa_login`. 401 and 403 are documented, 404 (`Customer not found`) is Dintero's error
 * example, and a bad body is a 400: all four read as "these credentials are refused", with one message,
 * so an unknown customer and a wrong password cannot be told apart. @internal
 */
export function credentialsRefused(status: number): boolean {
  return status === 400 || status === 401 || status === 403 || status === 404
}

/**
 * Unknown: how Dintero says that MFA is required, and where the `mfa_token` is. The token endpoint's docs
 * speak of "a new error with `error.code: mfa_required`" and of "the mfa_token you received as part of
 * mfa_required error", without saying where; the customers API says that an account with MFA on "has to
 * use" `mfa_login`, without saying how `customers/login` refuses. Read as MFA required, whatever the
 * status: an `mfa_token` at the top level or inside `error`, or `error.code` `mfa_required` without one.
 * Resolves the token when there is one (a secret), `undefined` when MFA is required without a token (the
 * sign-in must be opened through `customers/mfa_login`); `false` when the answer does not say MFA.
 * @internal
 */
export function mfaRequired(res: Answer): { mfaToken: string | undefined } | false {
  const body = record(res.body)
  const error = record(body?.['error'])
  const mfaToken = nonEmptyString(body?.['mfa_token']) ?? nonEmptyString(error?.['mfa_token'])
  if (mfaToken !== undefined) return { mfaToken }
  return mfaRequiredCode(res) ? { mfaToken: undefined } : false
}

/**
 * True when the answer's `error.code` is `mfa_required`. Where the strategy does not log in (the refresh
 * grant, the code grant) this is how "MFA required" reads: at the refresh grant it means the refresh
 * token no longer signs the customer in (sign in again, with MFA); at the code grant, that the MFA
 * sign-in is no longer valid (sign in again). @internal
 */
export function mfaRequiredCode(res: Answer): boolean {
  return hasErrorCode(res, 'mfa_required')
}

/**
 * Unknown: how an error code is spelled. Documented as `error.code` (Dintero's own example is
 * `"NOT FOUND"`: capitals and a space), while an OAuth 2 token endpoint (RFC 6749) puts the code in
 * `error` itself. True when either names `code` (written in snake case), compared without regard to case
 * and with spaces or hyphens read as underscores: `MFA_REQUIRED`, `mfa-required` and `MFA REQUIRED` all
 * read as `mfa_required`. @internal
 */
export function hasErrorCode(res: Answer, code: string): boolean {
  const error = record(res.body)?.['error']
  const told = typeof error === 'string' ? error : record(error)?.['code']
  return typeof told === 'string' && told.length <= 100 && told.trim().toLowerCase().replace(/[\s-]+/g, '_') === code
}

/**
 * How the sign-in continues after `customers/login` did not answer 200:
 * - `mfa`: MFA is required ({@link mfaRequired}), with the `mfa_token` or without one;
 * - `refused`: the credentials are refused ({@link credentialsRefused}), also when the body is not the
 *   documented `{"error":{"code","message"}}` (a proxy's HTML page, or none): nothing then says MFA, and asking `customers/mfa_login` "in case"
 *   would send every wrong password to Dintero twice (counting twice towards a lockout) and cost a call
 *   for customers without MFA. Behind a proxy that rewrites Dintero's refusals, use `mfa: 'always'`;
 * - `other`: none of these (429, 5xx…).
 * @internal
 */
export function loginRefusal(res: Answer): { kind: 'mfa'; mfaToken: string | undefined } | { kind: 'refused' | 'other' } {
  const mfa = mfaRequired(res)
  if (mfa) return { kind: 'mfa', mfaToken: mfa.mfaToken }
  return { kind: credentialsRefused(res.status) ? 'refused' : 'other' }
}

/**
 * Unknown: whether `customers/login` refuses an account with MFA at all, or answers 200 as
 * `customers/mfa_login` does (`{mfa_token, challenge_type, oob_channel}`, no `access_token`). A 200
 * that says MFA ({@link mfaRequired}: an `mfa_token`, or `error.code` `mfa_required`) reads as MFA
 * required, also when it carries an `access_token` as well: such an answer says the sign-in is not
 * complete, and a token beside it (perhaps one only good for the MFA step) must not complete it. Any
 * other 200 is read as tokens. @internal
 */
export function mfaRequiredAt200(res: Answer): { mfaToken: string | undefined } | false {
  if (res.status !== 200 || record(res.body) === undefined) return false
  return mfaRequired(res)
}

/** The two spellings of the MFA code grant's `grant_type`. @internal */
export const MFA_GRANT_TYPES = ['mfa-oob', 'mfa_oob'] as const

/**
 * Unknown: the code grant's `grant_type`, spelled `mfa-oob` in the prose docs and `mfa_oob` in an older
 * client. Tried in this order; when Dintero answers `unsupported_grant_type` the other spelling is tried
 * once and the one that works is kept. @internal
 */
export function otherMfaGrantType(grantType: string): string {
  return grantType === MFA_GRANT_TYPES[0] ? MFA_GRANT_TYPES[1] : MFA_GRANT_TYPES[0]
}

/**
 * True when Dintero refused the grant type itself (`error.code` `unsupported_grant_type`, RFC 6749's
 * name): the code was not checked, so sending it again with another spelling spends no attempt. @internal
 */
export function unsupportedGrantType(res: Answer): boolean {
  return res.status >= 400 && res.status < 500 && hasErrorCode(res, 'unsupported_grant_type')
}

/**
 * Unknown: `expires_in`. The docs show `14400` and `86400` for client tokens and `86400` for customer
 * tokens, and never say it is always present. Seconds when it is a positive number (or a string of
 * digits); undefined when missing or unreadable. A customer token's lifetime is read from its verified
 * `exp` claim anyway; for the client token see {@link clientTokenLifetime}. @internal
 */
export function expiresIn(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined
}

/** Assumed lifetime of a client token that says nothing of its own, in seconds: shorter than any documented one. */
const FALLBACK_CLIENT_TOKEN_SECONDS = 3600

/**
 * The client token's lifetime in seconds: `expires_in` when Dintero sent it; otherwise the token's own
 * `exp` claim (read, not verified: it only decides when to fetch a new one); otherwise an hour, shorter
 * than the 4 and 24 hours Dintero documents. @internal
 */
export function clientTokenLifetime(seconds: number | undefined, token: string, nowMs: number): number {
  if (seconds !== undefined) return seconds
  const exp = unverifiedExp(token)
  const left = exp === undefined ? undefined : exp - nowMs / 1000
  return left !== undefined && left > 0 ? Math.min(left, 86_400) : FALLBACK_CLIENT_TOKEN_SECONDS
}

function unverifiedExp(token: string): number | undefined {
  const payload = token.split('.')[1]
  if (payload === undefined) return undefined
  try {
    const exp: unknown = record(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')))?.['exp']
    return typeof exp === 'number' && Number.isFinite(exp) ? exp : undefined
  } catch {
    return undefined
  }
}

/**
 * Unknown: whether the refresh grant rotates the refresh token. A `refresh_token` in the answer replaces
 * the one kept; without one, the kept token stays (and keeps working). @internal
 */
export function refreshTokenToKeep(issued: string | undefined, kept: string | undefined): string | undefined {
  return issued ?? kept
}

/** A `refresh_token` member as Dintero sent it: a non-empty string, or none. @internal */
export function readRefreshToken(value: unknown): string | undefined {
  return nonEmptyString(value)
}

/**
 * Unknown: the key set's shape. The reference shows a bare JSON array; a JWKS is `{"keys":[…]}`. Both
 * read as the list of keys (entries that are not objects dropped); undefined for anything else. @internal
 */
export function keySet(body: unknown): Record<string, unknown>[] | undefined {
  const keys = Array.isArray(body) ? body : record(body)?.['keys']
  if (!Array.isArray(keys)) return undefined
  return keys.filter((k): k is Record<string, unknown> => record(k) !== undefined)
}

/**
 * Unknown: `oob_channel` in the `mfa_login` answer is documented as optional. When it is missing (or is
 * not a plain word), and after `customers/login`, which never says, the code goes where the customer
 * signed in with: SMS for a phone number, email for an email address. @internal
 */
export function codeChannel(told: unknown, ident: Ident): string {
  if (typeof told === 'string' && /^[a-z_-]{1,20}$/.test(told)) return told
  return ident.type === 'phone_number' ? 'sms' : 'email'
}

// Unknown: the claims of a customer access token (no example is published). `aud` may be a string or an
// array: jsonwebtoken's `audience` check (lib/jwt-rs256.ts) requires it to be the configured audience or
// to contain it, other members unchecked. Claims beyond `sub`, `exp`, `nbf`, `aud` and `iss` (an ID token
// shows `ext_`-prefixed custom claims) are passed on to the verify callback untouched.
