/**
 * Dintero's auth API as this package uses it: client token, customer login, MFA (login, challenge,
 * code grant), signing keys, refresh and revoke. Every call goes through {@link HttpClient}; every answer becomes data or a typed error.
 *
 * @packageDocumentation
 */
import { ClientTokenCache, type IssuedToken } from './client-token.js'
import type { Credentials } from './sign-in.js'
import {
  ClientAuthenticationError,
  InvalidCredentialsError,
  MfaCodeRejectedError,
  MfaExpiredError,
  MfaRequiredError,
  RefreshRejectedError,
  UpstreamError,
} from './errors.js'
import {
  clientTokenLifetime,
  credentialsRefused,
  expiresIn as readExpiresIn,
  hasErrorCode,
  keySet,
  loginRefusal,
  MFA_GRANT_TYPES,
  mfaRequired,
  mfaRequiredAt200,
  mfaRequiredCode,
  otherMfaGrantType,
  readRefreshToken,
  unsupportedGrantType,
} from './dintero-readings.js'
import { SingleFlight } from './single-flight.js'
import { HttpClient, type JsonResponse, unexpectedAnswer, upstreamMeta } from './http.js'
import type { ResolvedOptions } from './options.js'
import { VERSION } from './version.js'

/** Tokens as Dintero issued them, before verification. @internal */
export interface IssuedTokens {
  accessToken: string
  tokenType: string
  /** Seconds, when Dintero said. */
  expiresIn: number | undefined
  refreshToken: string | undefined
}

/** A JSON Web Key as `/auth/keys` serves it. @internal */
export interface DinteroJwk {
  kid?: string
  kty?: string
  alg?: string
  use?: string
  n?: string
  e?: string
  [name: string]: unknown
}

const KEYS_PATH = '/auth/keys'
/**
 * How a refusal is probed at the calls that carry a customer's credentials or address (see
 * `_withClientToken`); every other call probes a 401 before answering.
 * - `'alike'`: every refusal (400/401/403/404) is probed before answering, so an unknown customer and a
 *   wrong password cost the same calls and time, and a revoked client token heals on the same sign-in.
 * - `'after'`: a 401 is probed after the answer, off the request path: the password reset's success
 *   makes no probe, so a probe on the way would make an unknown address slower than a known one.
 */
const CREDENTIAL_PROBES: ReadonlyMap<string, 'alike' | 'after'> = new Map([
  ['/customers/login', 'alike'],
  ['/customers/mfa_login', 'alike'],
  ['/customers/change_password', 'after'],
])

/** An MFA sign-in Dintero opened: its `mfa_token` (a secret) and where codes go, when Dintero said. @internal */
export interface MfaStart {
  mfaToken: string
  /** `oob_channel` as Dintero sent it (optional in the docs); read with `codeChannel`. */
  channel: string | undefined
}

/** Message of the {@link MfaRequiredError} for an account that requires MFA. */
const MFA_REQUIRED_MESSAGE = 'This account requires a one-time code to sign in'

/** Message for every refusal of a customer's credentials: the same for unknown user and wrong password. */
export const INVALID_CREDENTIALS_MESSAGE = 'Wrong email, phone number or password'

/** The resolved options the client uses (defaults already applied by `resolveOptions`). @internal */
export type DinteroClientOptions = Pick<
  ResolvedOptions,
  | 'accountId'
  | 'clientId'
  | 'clientSecret'
  | 'audience'
  | 'baseUrl'
  | 'userType'
  | 'timeout'
  | 'maxResponseBytes'
  | 'mfaGrantType'
  | 'systemName'
  | 'systemVersion'
>

/**
 * One Dintero account's auth API, for one API client. Holds the client-token cache and the
 * keep-alive connections, so create one per strategy and reuse it. @internal
 */
export class DinteroClient {
  private readonly _http: HttpClient
  private readonly _tokens: ClientTokenCache
  private readonly _prefix: string
  /** Probes of client tokens in flight, by token: every call that got a 401 with it shares one. */
  // A private field (#): util.inspect never shows it, not even with showHidden.
  readonly #probes = new SingleFlight<boolean>()
  /**
   * The code grant's spelling tried first: `mfaGrantType` when set, else the last one Dintero accepted
   * (`'mfa-oob'` until it refuses it). Here, not in the strategy's `authenticate()`, so it lasts the
   * strategy's lifetime: Passport runs each request on a throwaway `Object.create(strategy)`.
   */
  private readonly _grant: { current: string }
  private readonly _now: () => number

  constructor(private readonly _options: DinteroClientOptions, now: () => number = Date.now) {
    this._now = now
    this._grant = { current: _options.mfaGrantType ?? MFA_GRANT_TYPES[0] }
    const headers: Record<string, string> = {
      'user-agent': `passport-dintero/${VERSION}`,
      'dintero-system-plugin-name': 'passport-dintero',
      'dintero-system-plugin-version': VERSION,
    }
    if (_options.systemName) headers['dintero-system-name'] = _options.systemName
    if (_options.systemVersion) headers['dintero-system-version'] = _options.systemVersion
    this._http = new HttpClient({
      baseUrl: _options.baseUrl,
      timeout: _options.timeout,
      maxResponseBytes: _options.maxResponseBytes,
      headers,
    })
    this._tokens = new ClientTokenCache(() => this._fetchClientToken(), now)
    this._prefix = `/v1/accounts/${_options.accountId}`
  }

  /**
   * Exchanges a customer's credentials for tokens. Refusals reject with {@link InvalidCredentialsError}
   * (also when the refusal's body cannot be read); an account that requires
   * MFA with {@link MfaRequiredError}, whose `mfaToken` is undefined when Dintero gave none (then the
   * sign-in must be opened with {@link mfaLogin}), also when it answers 200 that way. See `loginRefusal`
   * and `mfaRequiredAt200` for every shape read.
   */
  async login(credentials: Credentials): Promise<IssuedTokens> {
    const { ident, password } = credentials
    const body: Record<string, string> = { audience: this._options.audience, type: this._options.userType, password }
    if (ident.type === 'email') body['email'] = ident.value
    else Object.assign(body, { ident_type: ident.type, ident: ident.value })
    const res = await this._withClientToken('login', 'POST', '/customers/login', body)
    const opened = mfaRequiredAt200(res)
    if (opened) throw new MfaRequiredError(MFA_REQUIRED_MESSAGE, opened.mfaToken, upstreamMeta(res))
    if (res.status === 200) return parseTokens(res, 'login')
    const refusal = loginRefusal(res)
    if (refusal.kind === 'mfa') throw new MfaRequiredError(MFA_REQUIRED_MESSAGE, refusal.mfaToken, upstreamMeta(res))
    if (refusal.kind === 'refused') throw invalidCredentials(res)
    throw unexpectedAnswer(res, 'login')
  }

  /**
   * Starts an MFA sign-in with the customer's credentials (`customers/mfa_login`). Refusals reject with
   * {@link InvalidCredentialsError}, exactly as at {@link login}.
   */
  async mfaLogin(credentials: Credentials): Promise<MfaStart> {
    const { ident, password } = credentials
    const res = await this._withClientToken('mfa login', 'POST', '/customers/mfa_login', {
      ident_type: ident.type,
      ident: ident.value,
      audience: this._options.audience,
      type: this._options.userType,
      secret: password,
    })
    if (credentialsRefused(res.status)) throw invalidCredentials(res)
    if (res.status !== 200) throw unexpectedAnswer(res, 'mfa login')
    const body = res.body as { mfa_token?: unknown; oob_channel?: unknown } | undefined
    if (typeof body?.mfa_token !== 'string' || body.mfa_token.length === 0) {
      throw new UpstreamError('Dintero mfa login call answered 200 without an mfa_token', { upstreamStatus: res.status })
    }
    const channel = body.oob_channel
    return { mfaToken: body.mfa_token, channel: typeof channel === 'string' ? channel : undefined }
  }

  /**
   * Asks Dintero to send the customer a new one-time code (`auth/mfa/challenge`); a newer challenge
   * replaces the previous one. Resolves with the challenge's `oob_code` (a secret). A sign-in Dintero no
   * longer knows rejects with {@link MfaExpiredError}; a 429 with {@link RateLimitedError}.
   */
  async mfaChallenge(mfaToken: string, channel?: string): Promise<string> {
    const body: Record<string, string> = { challenge_type: 'oob', mfa_token: mfaToken }
    if (channel !== undefined) body['oob_channel'] = channel
    const res = await this._withClientToken('mfa challenge', 'POST', '/auth/mfa/challenge', body)
    if (res.status === 401 || res.status === 403) throw mfaExpired(res)
    if (res.status !== 200) throw unexpectedAnswer(res, 'mfa challenge')
    const oobCode = (res.body as { oob_code?: unknown } | undefined)?.oob_code
    if (typeof oobCode !== 'string' || oobCode.length === 0) {
      throw new UpstreamError('Dintero mfa challenge call answered 200 without an oob_code', { upstreamStatus: res.status })
    }
    return oobCode
  }

  /**
   * Exchanges the code the customer typed for tokens (the MFA code grant on `auth/token`). A wrong code
   * rejects with {@link MfaCodeRejectedError}; an expired sign-in (or `mfa_required`) with
   * {@link MfaExpiredError}. Without option `mfaGrantType`, a grant type Dintero does not support is
   * retried once with the other spelling, and the one that works is kept for later sign-ins.
   */
  async mfaGrant(mfaToken: string, oobCode: string, code: string): Promise<IssuedTokens> {
    const send = (grantType: string) =>
      this._withClientToken('mfa code', 'POST', '/auth/token', { grant_type: grantType, oob_code: oobCode, binding_code: code, mfa_token: mfaToken })
    const tried = this._grant.current
    let res = await send(tried)
    if (this._options.mfaGrantType === undefined && unsupportedGrantType(res)) {
      // Dintero refused the grant type before looking at the code: sending the code again under the
      // other spelling is its first check, not a second guess.
      const other = otherMfaGrantType(tried)
      res = await send(other)
      if (!unsupportedGrantType(res)) this._grant.current = other
    }
    if (res.status === 200) return parseTokens(res, 'mfa code')
    if (mfaRequiredCode(res)) throw mfaExpired(res)
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      const meta = upstreamMeta(res)
      if (hasErrorCode(res, 'expired_token')) throw mfaExpired(res)
      if (unsupportedGrantType(res)) {
        // A misconfiguration, not a wrong code: no number of retries by the customer would help.
        const message =
          this._options.mfaGrantType === undefined
            ? "Dintero accepts neither 'mfa-oob' nor 'mfa_oob' as the MFA grant type"
            : "Dintero does not accept this MFA grant type; check option mfaGrantType ('mfa-oob' or 'mfa_oob')"
        throw new UpstreamError(message, meta)
      }
      throw new MfaCodeRejectedError('Dintero refused the one-time code', meta)
    }
    throw unexpectedAnswer(res, 'mfa code')
  }

  /**
   * Exchanges a refresh token for new tokens. A refused refresh token rejects with
   * {@link RefreshRejectedError}; so does `error.code` `mfa_required` at any status (the refresh no
   * longer signs the customer in: they must sign in again, with MFA).
   */
  async refresh(refreshToken: string): Promise<IssuedTokens> {
    const res = await this._withClientToken('refresh', 'POST', '/auth/token', {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    })
    if (res.status === 200) return parseTokens(res, 'refresh')
    if (res.status === 400 || res.status === 401 || res.status === 403 || mfaRequiredCode(res)) {
      throw new RefreshRejectedError('Dintero refused the refresh token', upstreamMeta(res))
    }
    throw unexpectedAnswer(res, 'refresh')
  }

  /** Revokes a refresh token at Dintero. */
  async revoke(refreshToken: string): Promise<void> {
    const res = await this._withClientToken('revoke', 'POST', '/auth/revoke', { token: refreshToken })
    if (res.status >= 200 && res.status < 300) return
    throw unexpectedAnswer(res, 'revoke')
  }

  /**
   * Asks Dintero to email the customer a link to change the password (`customers/change_password`).
   * Resolves `'sent'` on a 2xx and `'refused'` on 400/401/403/404, any of which may mean there is no
   * such customer (its login answers all four for refused customers): the caller must answer both alike.
   * A 403 may also mean the client lacks scope `write:accounts:/auth/users`, but rejecting on it would
   * tell addresses apart whenever Dintero's 403 is about the customer. Anything else rejects with the
   * usual typed errors.
   *
   * Exactly one call on the way, whatever the answer: a 401 may be Dintero's "no such customer", so its
   * probe of the client token runs after the answer (`'after'` in `CREDENTIAL_PROBES`) and renews a
   * refused token for the next call.
   */
  async requestPasswordReset(email: string): Promise<'sent' | 'refused'> {
    const body = { email, audience: this._options.audience, type: this._options.userType }
    const res = await this._withClientToken('password reset', 'POST', '/customers/change_password', body)
    if (res.status >= 200 && res.status < 300) return 'sent'
    if (credentialsRefused(res.status)) return 'refused'
    throw unexpectedAnswer(res, 'password reset')
  }

  /**
   * Creates a customer (`customers/users`) with these fields, in Dintero's names. Resolves with the
   * customer Dintero created, or with why a 400/409 refused it: a duplicate email or phone number (told
   * by a 409, or by a duplicate-sounding `error.code`/`message`: Dintero documents no code), or invalid
   * fields (listed when Dintero names them). 401/403 reject with {@link ClientAuthenticationError}.
   */
  async createCustomer(fields: Record<string, unknown>): Promise<CreateCustomerAnswer> {
    const res = await this._withClientToken('create customer', 'POST', '/customers/users', fields)
    if (res.status === 200 || res.status === 201) return createdCustomer(res)
    if (res.status === 409 || (res.status === 400 && looksDuplicate(res.body))) return { kind: 'duplicate' }
    if (res.status === 400) return { kind: 'invalid', fields: invalidFields(res.body) }
    if (res.status === 401 || res.status === 403) {
      throw clientRefused(res, 'create customer', 'create:customers:/users (and write:accounts:/auth/users)')
    }
    throw unexpectedAnswer(res, 'create customer')
  }

  /** The account's signing keys (Dintero serves a bare array; `{keys}` is read too, see `keySet`). */
  async keys(): Promise<DinteroJwk[]> {
    const res = await this._withClientToken('signing keys', 'GET', KEYS_PATH)
    if (res.status !== 200) {
      if (res.status === 401 || res.status === 403) {
        throw new ClientAuthenticationError(`Dintero refused this client access to the signing keys (${res.status})`, {
          upstreamStatus: res.status,
        })
      }
      throw unexpectedAnswer(res, 'signing keys')
    }
    const keys = keySet(res.body)
    if (!keys) throw new UpstreamError('Dintero signing keys call answered without a key array', upstreamMeta(res))
    return keys
  }

  /** Closes idle connections. */
  close(): void {
    this._http.close()
  }

  /**
   * Makes a call with the cached client token. Dintero's refusal does not say whether it refuses the
   * client token or the customer's credentials, so a refusal leads to a probe of the token (the
   * credential-free key-set call, one in flight per token): only when the token itself is refused is it
   * renewed and the call made once more. So a revoked client token heals on the very sign-in that met
   * it, and a wrong password is sent to Dintero once (never twice, which would speed up lockouts).
   *
   * At the calls that carry a customer's credentials or address, `CREDENTIAL_PROBES` says how: at sign-in
   * every refusal (400, 401, 403, 404) is probed alike, whatever Dintero answers for an unknown customer
   * and for a wrong password, so both cost the same upstream calls and time; at the password reset a 401
   * is probed after the answer. Elsewhere only a 401 is probed (a wrong code or a refused refresh token
   * reveals no account).
   */
  private async _withClientToken(what: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<JsonResponse> {
    const call = (token: string) =>
      this._http.send({ what, method, path: this._prefix + path, body, headers: { authorization: `Bearer ${token}` } })
    const cached = await this._tokens.get()
    const res = await call(cached.token)
    const probe = CREDENTIAL_PROBES.get(path)
    // An answer that says MFA is required proves both the client token and the password good: no probe.
    const ambiguous = probe === 'alike' ? credentialsRefused(res.status) && !mfaRequired(res) : res.status === 401
    if (!ambiguous) return res
    if (probe === 'after') {
      this._probeLater(cached.token)
      return res
    }
    // The key-set call needs nothing but the token: its own 401 is the probe's answer.
    const refused = path === KEYS_PATH || (await this._tokenRefused(cached.token))
    if (!refused) return res
    const renewed = await this._tokens.renewAfterRefusal(cached.token)
    if (!renewed) {
      throw new ClientAuthenticationError('Dintero refused a client token renewed moments ago; check the API client', {
        upstreamStatus: 401,
      })
    }
    return call(renewed.token)
  }

  /** Probes `token` off the request path and renews it when Dintero refuses it; never rejects. */
  private _probeLater(token: string): void {
    void this._tokenRefused(token)
      .then((refused) => (refused ? this._tokens.renewAfterRefusal(token) : undefined))
      .catch(() => undefined)
  }

  /** True when Dintero refuses `token` itself (probed with the credential-free key-set call). */
  private _tokenRefused(token: string): Promise<boolean> {
    return this.#probes.run(token, () =>
      this._http
        .send({ what: 'client token probe', method: 'GET', path: this._prefix + KEYS_PATH, headers: { authorization: `Bearer ${token}` } })
        .then(
          (res) => res.status === 401,
          // Dintero unreachable: nothing shows the token is bad, so the original answer stands.
          () => false,
        ),
    )
  }

  private async _fetchClientToken(): Promise<IssuedToken> {
    const { clientId, clientSecret, audience } = this._options
    const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64')
    const res = await this._http.send({
      what: 'client token',
      method: 'POST',
      path: `${this._prefix}/auth/token`,
      headers: { authorization: `Basic ${basic}` },
      body: { grant_type: 'client_credentials', audience },
    })
    if (res.status === 400 || res.status === 401 || res.status === 403) {
      throw new ClientAuthenticationError(
        `Dintero refused this application's client credentials (${res.status}); check clientId, clientSecret, accountId and audience`,
        upstreamMeta(res),
      )
    }
    if (res.status !== 200) throw unexpectedAnswer(res, 'client token')
    const { accessToken, expiresIn } = parseTokens(res, 'client token')
    return { token: accessToken, expiresIn: clientTokenLifetime(expiresIn, accessToken, this._now()) }
  }
}

/** The one refusal of a customer's credentials: the same message for every reason, so accounts cannot be enumerated. */
function invalidCredentials(res: JsonResponse): InvalidCredentialsError {
  return new InvalidCredentialsError(INVALID_CREDENTIALS_MESSAGE, upstreamMeta(res))
}

function mfaExpired(res: JsonResponse): MfaExpiredError {
  return new MfaExpiredError('The sign-in with a one-time code has expired; sign in again', upstreamMeta(res))
}

function parseTokens(res: JsonResponse, what: string): IssuedTokens {
  const body = res.body as Record<string, unknown> | undefined
  if (res.notJson || typeof body !== 'object' || body === null) throw unexpectedAnswer({ ...res, notJson: true }, what)
  const accessToken = body['access_token']
  if (typeof accessToken !== 'string' || accessToken.length === 0) {
    throw new UpstreamError(`Dintero ${what} call answered 200 without an access_token`, { upstreamStatus: res.status })
  }
  const tokenType = body['token_type']
  return {
    accessToken,
    tokenType: typeof tokenType === 'string' ? tokenType : 'Bearer',
    expiresIn: readExpiresIn(body['expires_in']),
    refreshToken: readRefreshToken(body['refresh_token']),
  }
}

/** What Dintero answered to creating a customer. @internal */
export type CreateCustomerAnswer =
  | { kind: 'created'; customerId: string; customer: Record<string, unknown> }
  | { kind: 'duplicate' }
  | { kind: 'invalid'; fields: string[] }

function clientRefused(res: JsonResponse, what: string, scope: string): ClientAuthenticationError {
  return new ClientAuthenticationError(`Dintero refused this API client the ${what} call (${res.status}); it needs scope ${scope}`, upstreamMeta(res))
}

// Dintero documents no error code for a duplicate: these words in its code or message are the hint.
const DUPLICATE_HINT = /duplicate|already|exists|conflict|taken|unique/i

function looksDuplicate(body: unknown): boolean {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error
  return [error?.code, error?.message].some((text) => typeof text === 'string' && DUPLICATE_HINT.test(text.slice(0, 500)))
}

/** The field names a 400's `error.errors` lists (bounded, plain names only). */
function invalidFields(body: unknown): string[] {
  const errors = (body as { error?: { errors?: unknown } } | undefined)?.error?.errors
  if (!Array.isArray(errors)) return []
  const names = errors
    .slice(0, 20)
    .map((e) => (e as { field?: unknown } | null)?.field)
    .filter((f): f is string => typeof f === 'string' && /^[A-Za-z0-9_.[\]-]{1,64}$/.test(f))
  return [...new Set(names)]
}

/** Fields of Dintero's customer never handed on, whatever it echoes. */
const SECRET_FIELDS = new Set(['password', 'pin', 'secret'])

function createdCustomer(res: JsonResponse): CreateCustomerAnswer {
  const body = res.body
  if (res.notJson || typeof body !== 'object' || body === null || Array.isArray(body)) throw unexpectedAnswer({ ...res, notJson: true }, 'create customer')
  // The customer at the top level, or wrapped as {customer: …}: the docs show no example.
  const wrapped = (body as { customer?: unknown }).customer
  const customer = (typeof wrapped === 'object' && wrapped !== null && !Array.isArray(wrapped) ? wrapped : body) as Record<string, unknown>
  const customerId = customer['customer_id'] ?? customer['id']
  if (typeof customerId !== 'string' || customerId.length === 0) {
    throw new UpstreamError('Dintero create customer call answered without a customer_id', { upstreamStatus: res.status })
  }
  const kept = Object.fromEntries(Object.entries(customer).filter(([key]) => !SECRET_FIELDS.has(key)))
  return { kind: 'created', customerId, customer: kept }
}
