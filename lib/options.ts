/**
 * Strategy options: their types, defaults and validation. A bad option is a programmer mistake and
 * throws a `TypeError` at construction naming the option, never echoing a secret.
 *
 * @packageDocumentation
 */

/**
 * How the strategy treats accounts that require multi-factor authentication:
 * - `'off'`: `fail(…, 401)` with `mfaRequired: true`, as when the strategy had no MFA support;
 * - `'auto'`: when Dintero answers that the account requires MFA (an `mfa_token` at the top level or
 *   inside `error`, or `error.code` `mfa_required` without one, when the sign-in is opened through
 *   `customers/mfa_login` with the same credentials), send the customer a one-time code and complete the
 *   sign-in with it (two steps, see the README's "MFA" section);
 * - `'always'`: every sign-in goes through `customers/mfa_login` and a one-time code.
 */
export type DinteroMfaMode = 'off' | 'auto' | 'always'

/** Which kind of Dintero user signs in. */
export type DinteroUserType = 'customer' | 'company'

/** Options shared by both forms of {@link DinteroPasswordStrategy}'s constructor. */
export interface DinteroStrategyOptionsBase {
  /** Dintero account id: `T` (test) or `P` (production) and 8 digits, e.g. `'T12345678'`. Required. */
  accountId: string
  /**
   * Client id of a Dintero API client with scopes `write:accounts:/auth/users` (customer login) and
   * `read:accounts` (the signing keys); add `create:accounts:auth:refresh_token` for refresh tokens. Required.
   */
  clientId: string
  /** That client's secret. Required. Never logged and never part of an error message. */
  clientSecret: string
  /**
   * Audience of the tokens: sent to Dintero and required as the access token's `aud` claim.
   * Default is `${baseUrl}/v1/accounts/${accountId}`, i.e. `https://api.dintero.com/v1/accounts/{accountId}`.
   */
  audience?: string
  /**
   * Origin of Dintero's API. Must be `https:` unless the host is loopback (`localhost`, `127.0.0.0/8`,
   * `[::1]`), which is what the bundled emulator listens on. Default is `'https://api.dintero.com'`.
   */
  baseUrl?: string
  /** The kind of user that signs in. Default is `'customer'`. */
  userType?: DinteroUserType
  /**
   * Name of the body field holding the username: an email address or an E.164 phone number
   * (`+4791234567`); which one is told apart on each request. Default is `'email'`.
   */
  usernameField?: string
  /** Name of the body field holding the password. Default is `'password'`. */
  passwordField?: string
  /**
   * When set, the access token's `iss` claim must equal it (or one of them). Default: `iss` is not
   * checked, since Dintero does not document it for customer tokens.
   */
  issuer?: string | string[]
  /** Leeway for `exp` and `nbf`, in seconds. Default is `30`. */
  clockTolerance?: number
  /** Limit for each upstream call to Dintero (connect, headers and body), in milliseconds. Default is `10000` (10 seconds). */
  timeout?: number
  /** Name the strategy is registered under with Passport. Default is `'dintero'`. */
  name?: string
  /** Largest response body accepted from Dintero, in bytes. Default is `262144` (256 KiB). */
  maxResponseBytes?: number
  /** How long a fetched signing key is trusted before the key set is fetched again, in milliseconds (a whole number, at least `1000`). Default is `600000` (10 minutes). */
  jwksCacheMaxAge?: number
  /** Most key-set fetches per minute, a whole number (unknown `kid`s beyond that fail instead of calling Dintero). Default is `10`. */
  jwksRequestsPerMinute?: number
  /**
   * Two-step sign-in with a one-time code for accounts that require MFA: `'off'`, `'auto'` or
   * `'always'` (see {@link DinteroMfaMode}). Anything but `'off'` needs a server-side session
   * (express-session) before `passport.authenticate()`. Default is `'off'`.
   */
  mfa?: DinteroMfaMode
  /**
   * Where the customer types the one-time code, e.g. `'/login/mfa'`: step 1 redirects there. Without it,
   * step 1 ends in `fail({ mfaRequired: true, channel, … }, 401)` and the application shows the code
   * form itself. Default: no redirect.
   */
  mfaURL?: string
  /** Name of the body field holding the one-time code in step 2. Default is `'code'`. */
  codeField?: string
  /**
   * `grant_type` sent with the one-time code to `auth/token`. Dintero's prose docs spell it `'mfa-oob'`,
   * an older client `'mfa_oob'`, and which one Dintero accepts is not documented. Default: not set, which
   * means automatic: `'mfa-oob'` first, and when Dintero answers `unsupported_grant_type`, `'mfa_oob'`
   * once (the code is checked only once), keeping whichever works for the strategy's lifetime. When set,
   * only this value is sent, with no fallback.
   */
  mfaGrantType?: string
  /**
   * Wrong codes tolerated in one MFA sign-in before it is dropped and the customer must sign in again
   * (counted across resent codes). Keep it at or below Dintero's own limit. Default is `5`.
   */
  mfaMaxAttempts?: number
  /** How long a started MFA sign-in waits for its code, in milliseconds. Default is `300000` (5 minutes). */
  mfaLifetime?: number
  /** Least time between two codes sent for one MFA sign-in (resends), in milliseconds. Default is `30000` (30 seconds). */
  mfaResendInterval?: number
  /** Most codes resent for one MFA sign-in, after the first. Default is `3`. */
  mfaMaxResends?: number
  /** Sent as `Dintero-System-Name`: the name of your application (printable ASCII). Default: not sent. */
  systemName?: string
  /** Sent as `Dintero-System-Version`: the version of your application (printable ASCII). Default: not sent. */
  systemVersion?: string
}

/** Options with `passReqToCallback` off (the default): `verify(tokens, claims, done)`. */
export interface DinteroStrategyOptions extends DinteroStrategyOptionsBase {
  /** Pass the request as the first argument of `verify`. Default is `false`. */
  passReqToCallback?: false | undefined
}

/** Options with `passReqToCallback: true`: `verify(req, tokens, claims, done)`. */
export interface DinteroStrategyOptionsWithRequest extends DinteroStrategyOptionsBase {
  /** Pass the request as the first argument of `verify`. */
  passReqToCallback: true
}

/** Options after defaults and validation. @internal */
export interface ResolvedOptions {
  accountId: string
  clientId: string
  clientSecret: string
  audience: string
  baseUrl: string
  userType: DinteroUserType
  usernameField: string
  passwordField: string
  passReqToCallback: boolean
  /** The accepted issuers, as a list (a single `issuer` option becomes a list of one). */
  issuer: readonly string[] | undefined
  clockTolerance: number
  timeout: number
  name: string
  maxResponseBytes: number
  jwksCacheMaxAge: number
  jwksRequestsPerMinute: number
  mfa: DinteroMfaMode
  mfaURL: string | undefined
  codeField: string
  /** Undefined: automatic (both spellings, see the option). */
  mfaGrantType: string | undefined
  mfaMaxAttempts: number
  mfaLifetime: number
  mfaResendInterval: number
  mfaMaxResends: number
  systemName: string | undefined
  systemVersion: string | undefined
}

const ACCOUNT_ID = /^[PT]\d{8}$/
const PREFIX = 'DinteroPasswordStrategy'

/** True for `localhost`, `127.0.0.0/8` and `::1`: the only hosts allowed over plain http. @internal */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase()
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
}

function bad(option: string, must: string): TypeError {
  return new TypeError(`${PREFIX}: option ${option} ${must}`)
}

function requiredString(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.length === 0) throw bad(option, 'is required and must be a non-empty string')
  return value
}

function optionalString(value: unknown, option: string, fallback: string): string {
  if (value === undefined) return fallback
  return requiredString(value, option)
}

function number(value: unknown, option: string, fallback: number, min: number, max: number, integer = false): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw bad(option, `must be ${integer ? 'a whole number' : 'a number'} from ${min} to ${max}`)
  }
  return value
}

// Printable ASCII only: these values go into HTTP headers.
const HEADER_VALUE = /^[\x20-\x7e]+$/

function headerValue(value: unknown, option: string): string | undefined {
  if (value === undefined) return undefined
  const text = requiredString(value, option)
  if (!HEADER_VALUE.test(text) || text.length > 200) throw bad(option, 'must be printable ASCII, at most 200 characters')
  return text
}

/** Checks `baseUrl` and returns it as a bare origin without a trailing slash. @internal */
export function resolveBaseUrl(value: unknown): string {
  const raw = optionalString(value, 'baseUrl', 'https://api.dintero.com')
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw bad('baseUrl', 'must be an absolute URL')
  }
  if (url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
    throw bad('baseUrl', 'must be an origin only (no credentials, path, query or fragment)')
  }
  // Credentials and tokens travel to this host: plain http only where it cannot leave the machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw bad('baseUrl', 'must use https (plain http is allowed only for a loopback host such as the emulator)')
  }
  return url.origin
}

/** Applies defaults and validates every option. @internal */
export function resolveOptions(input: unknown): ResolvedOptions {
  if (typeof input !== 'object' || input === null) throw new TypeError(`${PREFIX} requires an options object`)
  const o = input as Record<string, unknown>
  const accountId = requiredString(o['accountId'], 'accountId')
  if (!ACCOUNT_ID.test(accountId)) throw bad('accountId', 'must be T or P followed by 8 digits')
  const clientId = requiredString(o['clientId'], 'clientId')
  const clientSecret = requiredString(o['clientSecret'], 'clientSecret')
  const baseUrl = resolveBaseUrl(o['baseUrl'])
  const audience = optionalString(o['audience'], 'audience', `${baseUrl}/v1/accounts/${accountId}`)

  const userType = o['userType'] ?? 'customer'
  if (userType !== 'customer' && userType !== 'company') throw bad('userType', "must be 'customer' or 'company'")

  let issuer: ResolvedOptions['issuer']
  const iss = o['issuer']
  if (iss !== undefined) {
    const list = Array.isArray(iss) ? iss : [iss]
    if (list.length === 0 || !list.every((v) => typeof v === 'string' && v.length > 0)) {
      throw bad('issuer', 'must be a non-empty string or a non-empty array of them')
    }
    issuer = list as string[]
  }

  const passReq = o['passReqToCallback'] ?? false
  if (typeof passReq !== 'boolean') throw bad('passReqToCallback', 'must be a boolean')

  const usernameField = optionalString(o['usernameField'], 'usernameField', 'email')
  const passwordField = optionalString(o['passwordField'], 'passwordField', 'password')
  if (usernameField === passwordField) throw bad('passwordField', 'must differ from usernameField')

  const mfa = o['mfa'] ?? 'off'
  if (mfa !== 'off' && mfa !== 'auto' && mfa !== 'always') throw bad('mfa', "must be 'off', 'auto' or 'always'")
  const codeField = optionalString(o['codeField'], 'codeField', 'code')
  // Step 2 is told from step 1 by which fields the body carries, so the names must not overlap.
  if (codeField === usernameField || codeField === passwordField) throw bad('codeField', 'must differ from usernameField and passwordField')

  const resolved: ResolvedOptions = {
    accountId,
    clientId,
    clientSecret,
    audience,
    baseUrl,
    userType,
    usernameField,
    passwordField,
    passReqToCallback: passReq,
    issuer,
    clockTolerance: number(o['clockTolerance'], 'clockTolerance', 30, 0, 3600),
    timeout: number(o['timeout'], 'timeout', 10_000, 1, 300_000),
    name: optionalString(o['name'], 'name', 'dintero'),
    maxResponseBytes: number(o['maxResponseBytes'], 'maxResponseBytes', 256 * 1024, 1024, 64 * 1024 * 1024),
    // At least a second: a key trusted for less would mean a key-set fetch on nearly every sign-in.
    jwksCacheMaxAge: number(o['jwksCacheMaxAge'], 'jwksCacheMaxAge', 600_000, 1_000, 86_400_000, true),
    jwksRequestsPerMinute: number(o['jwksRequestsPerMinute'], 'jwksRequestsPerMinute', 10, 1, 10_000, true),
    mfa,
    mfaURL: o['mfaURL'] === undefined ? undefined : requiredString(o['mfaURL'], 'mfaURL'),
    codeField,
    mfaGrantType: o['mfaGrantType'] === undefined ? undefined : requiredString(o['mfaGrantType'], 'mfaGrantType'),
    mfaMaxAttempts: number(o['mfaMaxAttempts'], 'mfaMaxAttempts', 5, 1, 100, true),
    mfaLifetime: number(o['mfaLifetime'], 'mfaLifetime', 300_000, 1_000, 3_600_000),
    mfaResendInterval: number(o['mfaResendInterval'], 'mfaResendInterval', 30_000, 0, 3_600_000),
    mfaMaxResends: number(o['mfaMaxResends'], 'mfaMaxResends', 3, 0, 100, true),
    systemName: headerValue(o['systemName'], 'systemName'),
    systemVersion: headerValue(o['systemVersion'], 'systemVersion'),
  }
  // Every part of the package that keeps the options keeps this object: hidden here, the secret stays
  // out of a util.inspect or JSON dump of the strategy, its client and its MFA flow alike. A getter over
  // the closure, not a hidden value: util.inspect's showHidden prints hidden values, but a getter only as
  // [Getter] (unless asked for `getters: true`).
  Object.defineProperty(resolved, 'clientSecret', { get: () => clientSecret, enumerable: false, configurable: false })
  return resolved
}
