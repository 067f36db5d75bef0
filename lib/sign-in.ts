/**
 * What the sign-in steps, the Dintero client and the Passport strategy share: who signs in, with what,
 * and how a sign-in ends. Types only, below all three, so the steps and the client never import the
 * strategy that orchestrates them, nor the form reader.
 *
 * @packageDocumentation
 */

/** The username, told apart into the two kinds Dintero accepts. @internal */
export type Ident = { type: 'email'; value: string } | { type: 'phone_number'; value: string }

/** Valid credentials, ready for Dintero: the ident and the password (or PIN, for `mfa_login`). @internal */
export interface Credentials {
  ident: Ident
  password: string
}

/** The `info` Passport receives with a failure (for `failureMessage`, `failWithError` and custom callbacks). */
export interface DinteroFailureInfo {
  /** Words to show the person signing in. */
  message: string
  /** A stable code, e.g. `'ERR_DINTERO_INVALID_CREDENTIALS'`; absent for a form that failed validation. */
  code?: string
  /**
   * Present and true when the account requires multi-factor authentication; with `mfa` on, it means
   * a one-time code was sent (or is still awaited) and the code form is the next step.
   */
  mfaRequired?: true
  /** Where the one-time code went (`'sms'`, `'email'`), when known. */
  channel?: string
  /** Wrong one-time codes still tolerated before the customer must sign in again. */
  attemptsLeft?: number
  /** Seconds to wait before trying again, when Dintero rate limited the sign-in. */
  retryAfter?: number
}

/** One Passport action: what every path through `authenticate` ends in. @internal */
export type Action =
  | { kind: 'success'; user: Express.User; info?: object | undefined }
  | { kind: 'fail'; info: object; status: number }
  | { kind: 'redirect'; url: string }
  | { kind: 'error'; error: unknown }
