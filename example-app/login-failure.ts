/**
 * Turns what the strategy says about a refused sign-in, or an error on the way, into words for the
 * person at the keyboard and the status the page is sent with.
 */
import type { DinteroCreateCustomerResult, DinteroFailureInfo } from 'passport-dintero'

/** What the sign-in page shows after a refusal. */
export interface LoginFailure {
  /** Status of the re-rendered sign-in page. */
  status: number
  /** The message, in plain words. */
  message: string
}

/** What the person filled in (only whether they did: the values are not needed). */
export interface FilledIn {
  username: boolean
  password: boolean
}

function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`
}

function waitWords(seconds: number | undefined): string {
  if (seconds === undefined || seconds <= 60) return 'a minute'
  const minutes = Math.ceil(seconds / 60)
  return `${minutes} minutes`
}

/** Maps the strategy's failure (`info`, `status`) onto a message and a status. */
export function describeLoginFailure(info: unknown, status: number | undefined, filled: FilledIn): LoginFailure {
  const failure = (typeof info === 'object' && info !== null ? info : {}) as Partial<DinteroFailureInfo>
  switch (failure.code) {
    case 'ERR_DINTERO_INVALID_CREDENTIALS':
      // One message for an unknown account and a wrong password, as Dintero and the strategy give.
      return { status: 401, message: 'That email address or phone number and password do not match. Check them and try again.' }
    case 'ERR_DINTERO_MFA_REQUIRED':
      // Only with the strategy's mfa option 'off': with it on, step 1 redirects to the code page.
      return { status: 401, message: 'This account needs a one-time code to sign in, which this site is not set up for.' }
    case 'ERR_DINTERO_RATE_LIMITED':
      return { status: 429, message: `Too many sign-in attempts. Wait ${waitWords(failure.retryAfter)} and try again.` }
  }
  if (status === 400) {
    if (!filled.username && !filled.password) return { status, message: 'Enter your email address or phone number and your password.' }
    if (!filled.username) return { status, message: 'Enter your email address or phone number.' }
    if (!filled.password) return { status, message: 'Enter your password.' }
    // The strategy's own validation messages are written for people (e.g. the phone number format).
    return { status, message: typeof failure.message === 'string' ? sentence(failure.message) : 'Check what you typed and try again.' }
  }
  return { status: status ?? 401, message: 'We could not sign you in. Try again.' }
}

function triesLeft(attemptsLeft: number | undefined): string {
  if (attemptsLeft === undefined) return 'Check it and try again.'
  return attemptsLeft === 1 ? 'You have 1 more try.' : `You have ${attemptsLeft} more tries.`
}

/**
 * Maps a refused one-time code, or a refused resend, onto a message and a status. Whether the code page
 * or the sign-in page comes next is the app's to decide (is a sign-in still pending?), not the wording's.
 */
export function describeCodeFailure(info: unknown, status: number | undefined): LoginFailure {
  const failure = (typeof info === 'object' && info !== null ? info : {}) as Partial<DinteroFailureInfo>
  switch (failure.code) {
    case 'ERR_DINTERO_MFA_CODE_INVALID':
      return failure.attemptsLeft === 0
        ? { status: 401, message: 'That code was wrong too many times. Sign in again to get a new code.' }
        : { status: 401, message: `That code is not right. ${triesLeft(failure.attemptsLeft)}` }
    case 'ERR_DINTERO_MFA_EXPIRED':
      return { status: 401, message: 'The code has expired. Sign in again to get a new one.' }
    case 'ERR_DINTERO_MFA_NOT_STARTED':
      return { status: 400, message: 'Your sign-in has ended. Sign in again.' }
    case 'ERR_DINTERO_MFA_RESEND_LIMITED':
      return failure.retryAfter === undefined
        ? { status: 429, message: 'No more codes can be sent for this sign-in. Use the last code, or sign in again.' }
        : { status: 429, message: `Wait ${failure.retryAfter} seconds before asking for a new code.` }
    case 'ERR_DINTERO_RATE_LIMITED':
      return { status: 429, message: `Too many attempts. Wait ${waitWords(failure.retryAfter)} and try again.` }
  }
  if (status === 400) return { status, message: 'Enter the code from the message we sent you.' }
  return { status: status ?? 401, message: 'We could not sign you in. Try again.' }
}

/** Error codes that mean Dintero cannot be used right now (down, slow, or answering nonsense). */
const UPSTREAM_CODES = new Set(['ERR_DINTERO_UPSTREAM', 'ERR_DINTERO_UNAVAILABLE', 'ERR_DINTERO_TIMEOUT', 'ERR_DINTERO_TOKEN_INVALID'])

/** True for an error that means Dintero is unavailable: shown as a friendly 503 page. */
export function isUpstreamError(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  return typeof code === 'string' && UPSTREAM_CODES.has(code)
}

/** What the sign-up page shows after `createCustomer` refused (the strategy's result, without the success). */
export type SignupRefusal = Extract<DinteroCreateCustomerResult, { created: false }>

/** Maps a refused sign-up onto a message and a status. */
export function describeSignupRefusal(refusal: SignupRefusal, filled: FilledIn): LoginFailure {
  if (refusal.reason === 'duplicate') {
    // Necessarily tells that the address has an account: the route is rate limited for that reason.
    return {
      status: 409,
      message: 'There is already an account for this email address or phone number. Sign in, or use "Forgot your password?".',
    }
  }
  if (!filled.username && !filled.password) return { status: 400, message: 'Enter your email address or phone number and a password.' }
  if (!filled.username) return { status: 400, message: 'Enter your email address or phone number.' }
  if (!filled.password) return { status: 400, message: 'Choose a password.' }
  if (refusal.fields.includes('firstName') || refusal.fields.includes('lastName')) {
    return { status: 400, message: 'Names can be at most 100 characters, on one line.' }
  }
  // The strategy's own validation messages are written for people (e.g. the phone number format).
  return { status: 400, message: sentence(refusal.message) }
}
