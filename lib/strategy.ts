/**
 * `DinteroPasswordStrategy`: form credentials in, one Passport action out.
 *
 * @packageDocumentation
 */
import type { Request } from 'express'
import { Strategy } from 'passport-strategy'
import { readCodeStep, readCredentials } from './credentials.js'
import {
  createCustomer,
  type DinteroCreateCustomerResult,
  type DinteroNewCustomer,
  type DinteroPasswordResetResult,
  requestPasswordReset,
} from './customers.js'
import { errorLabel, logger } from './debug.js'
import { DinteroClient, INVALID_CREDENTIALS_MESSAGE, type IssuedTokens } from './dintero-client.js'
import { InvalidCredentialsError, MfaRequiredError, RateLimitedError } from './errors.js'
import { registerAudience } from './expiry-guard.js'
import { type DinteroMfaPending, type DinteroMfaResendResult, MfaFlow } from './mfa.js'
import { noSessionError, serverSession } from './mfa-state.js'
import {
  type DinteroStrategyOptions,
  type DinteroStrategyOptionsWithRequest,
  type ResolvedOptions,
  resolveOptions,
} from './options.js'
import { cookieSessionError, detectHost, type HostRequest } from './session-access.js'
import { type DinteroTokens, defaultUser, tokensOf } from './session.js'
import type { Action, Credentials, DinteroFailureInfo } from './sign-in.js'
import { type DinteroClaims, TokenVerifier } from './token-verifier.js'
import { refreshVerified, type VerifiedTokens, verifyIssued } from './verified-tokens.js'

/** Passport's `done` for a verify callback: `done(err)`, `done(null, user)` or `done(null, false, info)`. */
export type VerifyDone = (err: unknown, user?: Express.User | false | null, info?: object) => void

/** What a verify callback may return instead of calling `done`. */
export type VerifyResult = void | Promise<Express.User | false | null | undefined | void>

/** `verify(tokens, claims, done)`: turns a verified Dintero sign-in into the application's user. */
export type VerifyFunction = (tokens: DinteroTokens, claims: DinteroClaims, done: VerifyDone) => VerifyResult

/**
 * `verify(req, tokens, claims, done)`, with `passReqToCallback: true`. `TRequest` is the host's request:
 * Express's `Request` by default; a Fastify app names `FastifyRequest` (see `passport-dintero/fastify`).
 */
export type VerifyFunctionWithRequest<TRequest = Request> = (
  req: TRequest,
  tokens: DinteroTokens,
  claims: DinteroClaims,
  done: VerifyDone,
) => VerifyResult

const log = logger('strategy')

/**
 * Passport strategy that signs a customer in with their Dintero account: an email address or E.164
 * phone number and a password from the request body, exchanged at Dintero for an access token that is
 * verified (RS256, `exp`, `aud`, optionally `iss`) against the account's own signing keys.
 *
 * @example
 * ```ts
 * import passport from 'passport'
 * import { DinteroPasswordStrategy, deserializeUser, logout, refreshTokens, serializeUser } from 'passport-dintero'
 *
 * const strategy = new DinteroPasswordStrategy({
 *   accountId: 'T12345678',
 *   clientId: process.env.DINTERO_CLIENT_ID!,
 *   clientSecret: process.env.DINTERO_CLIENT_SECRET!,
 * })
 * passport.use(strategy)
 * passport.serializeUser(serializeUser)
 * passport.deserializeUser(deserializeUser)
 * app.use(passport.session())
 * app.use(refreshTokens(strategy))   // keeps the access token fresh
 * app.post('/login', passport.authenticate('dintero', {
 *   successRedirect: '/account', failureRedirect: '/login', failureMessage: true,
 * }))
 * app.post('/logout', logout(strategy), (req, res) => res.redirect('/'))
 * ```
 */
export class DinteroPasswordStrategy<TRequest = Request> extends Strategy {
  /** The name Passport knows this strategy by. Default is `'dintero'`. */
  name: string
  /** @internal */
  readonly _options: ResolvedOptions
  /** @internal */
  readonly _client: DinteroClient
  /** @internal */
  readonly _verifier: TokenVerifier
  /** @internal */
  readonly _verify: VerifyFunction | VerifyFunctionWithRequest<never> | undefined
  /** The two-step sign-in; undefined with `mfa: 'off'`. @internal */
  readonly _mfa: MfaFlow | undefined

  constructor(options: DinteroStrategyOptions, verify?: VerifyFunction)
  constructor(options: DinteroStrategyOptionsWithRequest, verify?: VerifyFunctionWithRequest<TRequest>)
  constructor(
    options: DinteroStrategyOptions | DinteroStrategyOptionsWithRequest,
    verify?: VerifyFunction | VerifyFunctionWithRequest<TRequest>,
    ...extra: unknown[]
  ) {
    super()
    if (verify !== undefined && typeof verify !== 'function') {
      throw new TypeError('DinteroPasswordStrategy: verify must be a function when given')
    }
    refuseValidateBypass(this, verify, extra)
    // State that outlives a request lives in these objects: Passport runs each request on
    // Object.create(strategy), so anything assigned in authenticate() would land on a throwaway copy.
    this._options = resolveOptions(options)
    registerAudience(this._options.audience, this._options.clockTolerance)
    this.name = this._options.name
    this._verify = verify
    this._client = new DinteroClient(this._options)
    this._verifier = new TokenVerifier(this._options, () => this._client.keys())
    this._mfa = this._options.mfa === 'off' ? undefined : new MfaFlow(this._options, this._client)
  }

  /**
   * Exchanges the refresh token for new tokens and verifies the new access token exactly as at sign-in.
   * The result keeps `tokens.refreshToken` when Dintero returns none, and takes the new one when Dintero
   * rotates it. For apps that keep tokens outside the session; the `refreshTokens` middleware
   * does this for session users.
   *
   * @param tokens - The customer's current tokens; must include `refreshToken`.
   * @returns The new tokens with the verified claims of the new access token.
   * @throws `RefreshRejectedError` (status 401) when Dintero refuses the refresh token (expired, revoked,
   *   unknown): the customer must sign in again. `TokenVerificationError` (502) when the new access token
   *   fails verification or names another customer. `UpstreamUnavailableError` (503),
   *   `UpstreamTimeoutError` (504), `UpstreamError` (502) when Dintero cannot answer. `TypeError` when
   *   `tokens` has no refresh token.
   */
  refresh(tokens: DinteroTokens): Promise<VerifiedTokens> {
    return refreshVerified(this._client, this._verifier, tokens)
  }

  /**
   * Revokes a refresh token at Dintero (`POST /auth/revoke`), so it can no longer be used to refresh.
   * Access tokens cannot be revoked: they stay valid until they expire. The `logout` helper does
   * this for session users.
   *
   * @param refreshToken - The refresh token to revoke.
   * @throws A `DinteroError` when Dintero cannot be reached or refuses the call.
   */
  revoke(refreshToken: string): Promise<void> {
    if (typeof refreshToken !== 'string' || refreshToken.length === 0) {
      return Promise.reject(new TypeError('DinteroPasswordStrategy.revoke requires a refresh token'))
    }
    return this._client.revoke(refreshToken)
  }

  /**
   * "Forgot your password?": asks Dintero to email the customer a link to choose a new password
   * (`customers/change_password`), with the strategy's client token. The address must be an email address
   * (checked as on the sign-in form; nothing reaches Dintero otherwise).
   *
   * Whether the address has an account never shows: a known and an unknown address resolve to the same
   * result with the same message (Dintero's 400/401/403/404, any of which may mean "no such customer", are
   * answered like its 204), after the same single call to Dintero. Only trouble that has nothing to do
   * with the address rejects. So a client without scope `write:accounts:/auth/users` (a 403) resolves
   * neutrally and no email arrives; sign-in, which needs the same scope, fails for it as well.
   *
   * @param email - What the person typed (any value: a non-string is refused as invalid).
   * @returns `{ requested: true, message }` once Dintero has the request, known address or not;
   *   `{ requested: false, reason: 'invalid', message }` when the input is not an email address.
   * @throws `ClientAuthenticationError` (500) when Dintero refuses the client credentials (the client
   *   token call). `RateLimitedError` (429),
   *   `UpstreamUnavailableError` (503), `UpstreamTimeoutError` (504, after option `timeout`),
   *   `UpstreamError` (502) when Dintero cannot answer.
   *
   * @example
   * ```ts
   * app.post('/forgot-password', async (req, res, next) => {
   *   try {
   *     const result = await strategy.requestPasswordReset(req.body.email)
   *     res.status(result.requested ? 200 : 400).render('forgot-password', { message: result.message })
   *   } catch (err) { next(err) }
   * })
   * ```
   */
  requestPasswordReset(email: string): Promise<DinteroPasswordResetResult> {
    return requestPasswordReset(this._client, email)
  }

  /**
   * "Create an account": creates a Dintero customer with a password (`customers/users`), with the
   * strategy's client token and `userType`. The username and password are checked exactly as on the
   * sign-in form (email or E.164 phone number; password 4 to 255 characters); nothing reaches Dintero
   * when they are not right. Creating a customer does not sign anyone in: send the same form on to
   * `passport.authenticate()`, so the new customer signs in through the verified path (see the README).
   *
   * @param customer - The username, password and optional names of the new customer.
   * @returns `{ created: true, customerId, customer }`; `{ created: false, reason: 'duplicate', message }`
   *   when the email address (case-insensitively) or phone number already has an account (this reveals
   *   that it has one: rate limit sign-up); `{ created: false, reason: 'invalid', message, fields }` when
   *   a field is refused, here or by Dintero.
   * @throws `ClientAuthenticationError` (500) when Dintero refuses the API client (401/403: it needs
   *   scopes `create:customers:/users` and `write:accounts:/auth/users`). `RateLimitedError` (429),
   *   `UpstreamUnavailableError` (503), `UpstreamTimeoutError` (504), `UpstreamError` (502) when Dintero
   *   cannot answer.
   */
  createCustomer(customer: DinteroNewCustomer): Promise<DinteroCreateCustomerResult> {
    return createCustomer(this._client, this._options.userType, customer)
  }

  /** Called by Passport (or @fastify/passport) for each sign-in request. */
  override authenticate(req: Request): void {
    const mfa = this._mfa
    if (mfa && !serverSession(req)) {
      // A programmer mistake, reported at the first sign-in rather than at the first MFA customer's.
      this.error(noSessionError(req))
      return
    }
    const { usernameField, passwordField, codeField } = this._options
    // Step 2 of an MFA sign-in is a body with the code field and no password field.
    const typedCode = mfa ? readCodeStep(req.body, codeField, passwordField) : undefined
    if (mfa && typedCode !== undefined) {
      this._settle(req, this._redeemCode(req, mfa, typedCode))
      return
    }
    const read = readCredentials(req.body, usernameField, passwordField)
    if (!read.ok) {
      // Nothing reaches Dintero for a form that cannot be right.
      log('sign-in ends in fail 400 (form refused before calling Dintero)')
      this.fail({ message: read.message } satisfies DinteroFailureInfo, 400)
      return
    }
    this._settle(req, this._signIn(req, read.credentials))
  }

  /**
   * Sends a new one-time code for the MFA sign-in pending in this request's session (a new challenge
   * at Dintero; the previous code stops working). Rate limited by `mfaResendInterval` and
   * `mfaMaxResends`; resending neither resets the wrong-code count nor extends `mfaLifetime`.
   * Resolves with what happened; rejects with a {@link DinteroError} on upstream trouble, and with a
   * `TypeError` when `mfa` is `'off'` or the request has no server-side session.
   *
   * @example
   * ```ts
   * app.post('/login/mfa/resend', async (req, res, next) => {
   *   try {
   *     const result = await strategy.resendCode(req)
   *     if (!result.sent) req.session.messages = [result.info.message]
   *     res.redirect('/login/mfa')
   *   } catch (err) { next(err) }
   * })
   * ```
   */
  async resendCode(req: HostRequest): Promise<DinteroMfaResendResult> {
    return this._requireMfa('resendCode').resend(req)
  }

  /**
   * The MFA sign-in pending in this request's session, without its secrets (where the code went,
   * attempts and resends left, expiry), for rendering the code page; undefined when there is none.
   * Throws a `TypeError` when `mfa` is `'off'` or the request has no server-side session.
   */
  pendingMfa(req: HostRequest): DinteroMfaPending | undefined {
    return this._requireMfa('pendingMfa').pending(req)
  }

  /** @internal */
  _requireMfa(method: string): MfaFlow {
    if (!this._mfa) throw new TypeError(`DinteroPasswordStrategy: ${method} needs option mfa set to 'auto' or 'always'`)
    return this._mfa
  }

  /** Ends the request in the action the promise resolves to, or in `error` if it rejects. @internal */
  _settle(req: Request, action: Promise<Action>): void {
    const started = performance.now()
    action
      .then(
        (a) => this._act(refuseCookieSecrets(req, a), started),
        (error: unknown) => this._act({ kind: 'error', error }, started),
      )
      .catch((thrown: unknown) => {
        // The action itself threw (the application's own authenticate callback, say): hand it to
        // Express rather than let it become an unhandled rejection that ends the process.
        log('a Passport action threw')
        if (typeof req.next === 'function') {
          req.next(thrown)
          return
        }
        // No Express `next` (Fastify via @fastify/passport): Passport's error action is the only way
        // left to end the request; without it the request would hang. It may throw again: logged.
        try {
          this.error(thrown as Error)
        } catch {
          log('the Passport error action threw too')
        }
      })
  }

  /** Ends the request in exactly one Passport action. @internal */
  _act(action: Action, started: number): void {
    // Checked first: this runs on every sign-in, and formatting costs even when nothing is printed.
    if (log.enabled) log('sign-in ends in %s after %dms', outcomeLabel(action), Math.round(performance.now() - started))
    if (action.kind === 'success') this.success(action.user, action.info)
    else if (action.kind === 'fail') this.fail(action.info, action.status)
    else if (action.kind === 'redirect') this.redirect(action.url)
    else this.error(action.error as Error)
  }

  /**
   * Step 1. `mfa: 'always'` opens every sign-in through `customers/mfa_login`. Otherwise `customers/login`;
   * with `mfa: 'auto'`, when Dintero answers that MFA is required, the code step follows: with the
   * `mfa_token` of that answer, or, when it carries none, through `customers/mfa_login` with the same
   * credentials. Only those customers cost a second call; a refusal whose body cannot be read is a refusal.
   * @internal
   */
  async _signIn(req: Request, credentials: Credentials): Promise<Action> {
    const mfa = this._mfa
    let issued
    try {
      if (mfa && this._options.mfa === 'always') return await this._startMfa(req, mfa, credentials)
      issued = await this._client.login(credentials)
    } catch (err) {
      if (!mfa) return refusal(err)
      if (err instanceof MfaRequiredError && err.mfaToken !== undefined) {
        return mfa.start(req, { mfaToken: err.mfaToken, channel: undefined }, credentials.ident).catch(refusal)
      }
      if (err instanceof MfaRequiredError) return this._startMfa(req, mfa, credentials).catch(refusal)
      return refusal(err)
    }
    return this._finish(req, issued)
  }

  /** Opens the sign-in through `customers/mfa_login`, then sends the code. @internal */
  async _startMfa(req: Request, mfa: MfaFlow, credentials: Credentials): Promise<Action> {
    return mfa.start(req, await this._client.mfaLogin(credentials), credentials.ident)
  }

  /** Step 2: the one-time code; tokens Dintero issues for it are verified exactly as at login. @internal */
  async _redeemCode(req: Request, mfa: MfaFlow, typedCode: unknown): Promise<Action> {
    let step
    try {
      step = await mfa.redeem(req, typedCode)
    } catch (err) {
      return refusal(err)
    }
    return step.kind === 'tokens' ? this._finish(req, step.issued) : step
  }

  /** Verifies issued tokens and turns them into the application's user. @internal */
  async _finish(req: Request, issued: IssuedTokens): Promise<Action> {
    const { tokens, claims } = await verifyIssued(this._verifier, issued)
    if (!this._verify) return { kind: 'success', user: defaultUser(tokens, claims) }
    return this._callVerify(req, tokens, claims)
  }

  /**
   * Runs the application's verify callback. A callback that declares `done` answers through it (a
   * promise it returns that resolves to a user or `false` answers too); one that does not declare it
   * answers with its return value or promise, where nothing (`undefined`) means `false`. So no shape of
   * callback can leave the request hanging. @internal
   */
  _callVerify(req: Request, tokens: DinteroTokens, claims: DinteroClaims): Promise<Action> {
    return new Promise<Action>((resolve) => {
      let settled = false
      const settle = (action: Action) => {
        if (settled) return
        settled = true
        resolve(action)
      }
      const done: VerifyDone = (err, user, info) => {
        if (err) settle({ kind: 'error', error: err })
        else if (!user) settle({ kind: 'fail', info: info ?? { message: 'Sign-in was refused' }, status: 401 })
        else settle({ kind: 'success', user, info })
      }
      const passReq = this._options.passReqToCallback
      const verify = this._verify!
      const takesDone = verify.length >= (passReq ? 4 : 3)
      try {
        const result = passReq
          ? (verify as VerifyFunctionWithRequest<Request>)(req, tokens, claims, done)
          : (verify as VerifyFunction)(tokens, claims, done)
        const answer = (user: Express.User | false | null | undefined | void) => {
          if (user !== undefined || !takesDone) done(null, user ?? false)
        }
        if (isThenable(result)) {
          result.then(answer, (err: unknown) => settle({ kind: 'error', error: err ?? new Error('verify rejected') }))
        } else if (!takesDone) {
          answer(result)
        }
      } catch (err) {
        settle({ kind: 'error', error: err })
      }
    })
  }
}

/**
 * Refuses what cannot be right when the strategy is extended through NestJS's
 * `PassportStrategy(DinteroPasswordStrategy)`: Nest passes its own callback (which calls `validate()`)
 * after the constructor's arguments, so `super(options, verify)` would silently replace `validate()`.
 */
function refuseValidateBypass(strategy: object, verify: unknown, extra: unknown[]): void {
  // super(options) reaches here as (options, nestCallback); super(options, verify) as (options, verify, nestCallback).
  if (typeof verify === 'function' && typeof extra[0] === 'function' && typeof Reflect.get(strategy, 'validate') === 'function') {
    throw new TypeError(
      'DinteroPasswordStrategy: given a verify function and a validate() method (NestJS PassportStrategy): the verify function would silently replace validate(); call super(options) and keep validate()',
    )
  }
}

/**
 * A sign-in whose user carries the customer's tokens, into a cookie-only session (cookie-session,
 * @fastify/secure-session): the access token (a bearer secret) and any refresh token would be stored
 * in the browser. Refused as an error.
 */
function refuseCookieSecrets(req: HostRequest, action: Action): Action {
  const tokens = action.kind === 'success' ? tokensOf(action.user) : undefined
  if (tokens === undefined || detectHost(req) !== 'cookie') return action
  return { kind: 'error', error: cookieSessionError('DinteroPasswordStrategy', tokens.refreshToken === undefined ? 'access token' : 'refresh token') }
}

function isThenable(value: unknown): value is PromiseLike<Express.User | false | null | undefined | void> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function'
}

/** Maps a refused login onto `fail`; anything else is an `error`. */
function refusal(err: unknown): Action {
  if (err instanceof MfaRequiredError) {
    const info: DinteroFailureInfo = { message: err.message, code: err.code, mfaRequired: true }
    return { kind: 'fail', info, status: 401 }
  }
  if (err instanceof InvalidCredentialsError) {
    // One message and code whatever Dintero's reason: no telling unknown users from wrong passwords.
    const info: DinteroFailureInfo = { message: INVALID_CREDENTIALS_MESSAGE, code: err.code }
    return { kind: 'fail', info, status: 401 }
  }
  if (err instanceof RateLimitedError) {
    const info: DinteroFailureInfo = { message: 'Too many sign-in attempts. Try again later.', code: err.code }
    if (err.retryAfter !== undefined) info.retryAfter = err.retryAfter
    return { kind: 'fail', info, status: 429 }
  }
  return { kind: 'error', error: err }
}

/** How an action reads in the debug log: its kind, and the status or error code (never a message or token). */
function outcomeLabel(action: Action): string {
  if (action.kind === 'fail') return `fail ${action.status}`
  if (action.kind !== 'error') return action.kind
  return `error ${errorLabel(action.error)}`
}
