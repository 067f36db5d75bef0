/**
 * Typed errors. Check them with `instanceof` or, where two copies of the package may be loaded,
 * with `err.code`. No message ever contains a password, client secret or token.
 *
 * @packageDocumentation
 */

/** Every `code` a {@link DinteroError} can carry. */
export type DinteroErrorCode =
  | 'ERR_DINTERO_GENERIC'
  | 'ERR_DINTERO_UPSTREAM'
  | 'ERR_DINTERO_UNAVAILABLE'
  | 'ERR_DINTERO_TIMEOUT'
  | 'ERR_DINTERO_CLIENT_AUTH'
  | 'ERR_DINTERO_RATE_LIMITED'
  | 'ERR_DINTERO_INVALID_CREDENTIALS'
  | 'ERR_DINTERO_MFA_REQUIRED'
  | 'ERR_DINTERO_MFA_CODE_INVALID'
  | 'ERR_DINTERO_MFA_EXPIRED'
  | 'ERR_DINTERO_TOKEN_INVALID'
  | 'ERR_DINTERO_REFRESH_REJECTED'

/** Options every {@link DinteroError} constructor takes. */
export interface DinteroErrorOptions {
  /** The underlying error, kept for debugging. Never a value that holds a secret. */
  cause?: unknown
  /** The HTTP status Dintero answered with, when there was an answer. */
  upstreamStatus?: number
  /** The `error.code` string from Dintero's error body, when there was one. */
  upstreamCode?: string
}

/**
 * Base class of every error this package raises at request time.
 * `status` is the HTTP status an application should answer its own client with.
 */
export class DinteroError extends Error {
  /** Stable machine-readable code; survives two copies of the package, unlike `instanceof`. */
  readonly code: DinteroErrorCode = 'ERR_DINTERO_GENERIC'
  /** HTTP status fitting for the application's own response (5xx for upstream trouble). */
  readonly status: number = 500
  /** The status Dintero answered with, if it answered. */
  readonly upstreamStatus: number | undefined
  /** Dintero's `error.code`, if its body had one. */
  readonly upstreamCode: string | undefined

  /**
   * The same as {@link DinteroError.status}, under the name NestJS's exception filter and Fastify's error
   * handler read, so both answer with it instead of 500.
   */
  get statusCode(): number {
    return this.status
  }

  /**
   * Whether the message may be shown to the application's client, in the `http-errors` convention that
   * NestJS's exception filter reads: true below 500. Messages never hold secrets either way.
   */
  get expose(): boolean {
    return this.status < 500
  }

  constructor(message?: string, options: DinteroErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = this.constructor.name
    this.upstreamStatus = options.upstreamStatus
    this.upstreamCode = options.upstreamCode
  }
}

/** Dintero answered with something unusable: a 5xx, non-JSON, a redirect, an oversized body, a missing field. Status 502. */
export class UpstreamError extends DinteroError {
  override readonly code = 'ERR_DINTERO_UPSTREAM'
  override readonly status = 502
}

/** Dintero could not be reached, or answered 503. Status 503. */
export class UpstreamUnavailableError extends DinteroError {
  override readonly code = 'ERR_DINTERO_UNAVAILABLE'
  override readonly status = 503
}

/** A call to Dintero did not complete within the configured `timeout`. Status 504. */
export class UpstreamTimeoutError extends DinteroError {
  override readonly code = 'ERR_DINTERO_TIMEOUT'
  override readonly status = 504
}

/**
 * Dintero rejected this application's own client credentials or their scope (401/403 at the
 * client-token call, or a 403 to a call made with a fresh client token). A misconfiguration: status 500.
 */
export class ClientAuthenticationError extends DinteroError {
  override readonly code = 'ERR_DINTERO_CLIENT_AUTH'
  override readonly status = 500
}

/** Dintero answered 429. `retryAfter` is in seconds, when Dintero said. Status 429. */
export class RateLimitedError extends DinteroError {
  override readonly code = 'ERR_DINTERO_RATE_LIMITED'
  override readonly status = 429
  /** Seconds to wait before trying again, from `Retry-After`; undefined when absent or unreadable. */
  readonly retryAfter: number | undefined

  constructor(message: string, options: DinteroErrorOptions & { retryAfter?: number | undefined } = {}) {
    super(message, options)
    this.retryAfter = options.retryAfter
  }
}

/**
 * Dintero refused the customer's credentials (400/401/403/404 at login). The strategy turns this into
 * `fail(…, 401)`; one message whatever Dintero's reason, so accounts cannot be enumerated. Status 401.
 */
export class InvalidCredentialsError extends DinteroError {
  override readonly code: DinteroErrorCode = 'ERR_DINTERO_INVALID_CREDENTIALS'
  override readonly status = 401
}

/** The account requires multi-factor authentication for this customer. Status 401. */
export class MfaRequiredError extends InvalidCredentialsError {
  override readonly code = 'ERR_DINTERO_MFA_REQUIRED'
  /**
   * Dintero's `mfa_token`, needed to continue with MFA (a secret: never log it); undefined when Dintero
   * said MFA is required without one (then `customers/mfa_login` opens the sign-in).
   */
  declare readonly mfaToken: string | undefined

  constructor(message: string, mfaToken: string | undefined, options: DinteroErrorOptions = {}) {
    super(message, options)
    // A getter, not enumerable: keeps the token out of util.inspect, JSON.stringify and log dumps, and
    // out of util.inspect's showHidden too, which prints hidden values but a getter only as [Getter].
    Object.defineProperty(this, 'mfaToken', { get: () => mfaToken, enumerable: false })
  }
}

/**
 * Dintero refused the one-time code (a wrong code, or a challenge that a newer one replaced or that
 * too many wrong codes burnt). The strategy turns this into `fail(…, 401)` with the attempts left. Status 401.
 */
export class MfaCodeRejectedError extends DinteroError {
  override readonly code = 'ERR_DINTERO_MFA_CODE_INVALID'
  override readonly status = 401
}

/** Dintero says the MFA sign-in has expired (or no longer knows its `mfa_token`): start again. Status 401. */
export class MfaExpiredError extends DinteroError {
  override readonly code = 'ERR_DINTERO_MFA_EXPIRED'
  override readonly status = 401
}

/** The access token from Dintero failed verification (signature, algorithm, key, `exp`, `nbf`, `aud`, `iss`). Status 502. */
export class TokenVerificationError extends DinteroError {
  override readonly code = 'ERR_DINTERO_TOKEN_INVALID'
  override readonly status = 502
}

/** Dintero refused a refresh token (expired, revoked or unknown: 400/401). Status 401. */
export class RefreshRejectedError extends DinteroError {
  override readonly code = 'ERR_DINTERO_REFRESH_REJECTED'
  override readonly status = 401
}
