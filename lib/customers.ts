/**
 * The two links under a sign-in form: "Forgot your password?" (Dintero emails a link) and "Create an
 * account" (a new customer with a password). Input is checked exactly as the sign-in form is; answers
 * become typed results, and the reset's result is the same whether or not the address has an account.
 *
 * @packageDocumentation
 */
import { MESSAGES, readCredentials, readIdent } from './credentials.js'
import { logger } from './debug.js'
import type { DinteroClient } from './dintero-client.js'
import type { DinteroUserType } from './options.js'

/** What {@link DinteroPasswordStrategy.requestPasswordReset} resolves to. */
export type DinteroPasswordResetResult =
  | {
      /**
       * The request was passed on to Dintero. Nothing here says whether the address has an account:
       * known and unknown addresses get this same result, with the same `message`.
       */
      readonly requested: true
      /** Words to show: "If there is an account for this email address, we have sent it an email with a link to choose a new password.". */
      readonly message: string
    }
  | {
      /** Refused before calling Dintero: the input is not an email address. */
      readonly requested: false
      readonly reason: 'invalid'
      /** Words to show the person (no echo of the input). */
      readonly message: string
    }

/** A customer to create with {@link DinteroPasswordStrategy.createCustomer}. */
export interface DinteroNewCustomer {
  /**
   * An email address or an E.164 phone number (`+4791234567`; spaces, dashes and parentheses are
   * removed), told apart as on the sign-in form. Required.
   */
  username: string
  /** The password, 4 to 255 characters. Required. Never logged. */
  password: string
  /** Sent as `first_name`, trimmed, at most 100 characters, without control characters or line breaks (U+2028/U+2029 included). Default: not sent. */
  firstName?: string | undefined
  /** Sent as `last_name`, as `firstName` is. Default: not sent. */
  lastName?: string | undefined
  /** Sent as `company`; Dintero requires it when the strategy's `userType` is `'company'`. Default: not sent. */
  company?: Record<string, unknown> | undefined
}

/** What {@link DinteroPasswordStrategy.createCustomer} resolves to. */
export type DinteroCreateCustomerResult =
  | {
      readonly created: true
      /** Dintero's `customer_id`; the `sub` of the customer's access tokens is for Dintero to decide. */
      readonly customerId: string
      /** The customer as Dintero answered it (any `password` or `pin` field removed). */
      readonly customer: Readonly<Record<string, unknown>>
    }
  | {
      /**
       * Dintero already has a customer with this email address (compared case-insensitively) or phone
       * number. Telling the person so reveals that the address has an account: rate limit sign-up.
       */
      readonly created: false
      readonly reason: 'duplicate'
      readonly message: string
    }
  | {
      /** Refused before calling Dintero (a field is not right), or Dintero answered 400 about the fields. */
      readonly created: false
      readonly reason: 'invalid'
      readonly message: string
      /** The fields at fault, as far as known: this package's names for its own checks, Dintero's otherwise. */
      readonly fields: readonly string[]
    }

/** @internal */
export const RESET_MESSAGES = {
  requested:
    'If there is an account for this email address, we have sent it an email with a link to choose a new password.',
  email: 'Enter a valid email address',
} as const

/** @internal */
export const CUSTOMER_MESSAGES = {
  duplicate: 'There is already an account for this email address or phone number',
  name: 'Names must be at most 100 characters, without line breaks',
  rejected: 'Dintero did not accept these details',
} as const

const MAX_NAME = 100
// No control characters (line breaks, NUL…) in a name, nor Unicode's line and paragraph separators.
const NAME = /^[^\p{Cc}\p{Zl}\p{Zp}]*$/u

const log = logger('customers')

/** The one neutral result of a reset that reached Dintero, known address or not. */
const REQUESTED: DinteroPasswordResetResult = Object.freeze({ requested: true, message: RESET_MESSAGES.requested })

/** Validates the address and asks Dintero to email a reset link; the same result for known and unknown addresses. @internal */
export async function requestPasswordReset(client: DinteroClient, email: unknown): Promise<DinteroPasswordResetResult> {
  const ident = readIdent(email)
  // Dintero's call takes an email address only; a phone number cannot be sent a link.
  if (ident?.type !== 'email') {
    log('password reset refused before calling Dintero (not an email address)')
    return { requested: false, reason: 'invalid', message: RESET_MESSAGES.email }
  }
  const started = performance.now()
  // 'sent' and 'refused' (which may mean "no such customer") end alike: neither the result nor this
  // log line tells them apart, and both took the same one call. (The http namespace's line shows
  // Dintero's status, never the address: for whoever runs the app, diagnosing Dintero.)
  await client.requestPasswordReset(ident.value)
  if (log.enabled) log('password reset passed on to Dintero in %dms', Math.round(performance.now() - started))
  return REQUESTED
}

/** Validates the new customer as the sign-in form is validated, then creates it at Dintero. @internal */
export async function createCustomer(
  client: DinteroClient,
  userType: DinteroUserType,
  input: DinteroNewCustomer,
): Promise<DinteroCreateCustomerResult> {
  const checked = checkNewCustomer(input)
  if (!checked.ok) {
    log('create customer refused before calling Dintero (%s)', checked.result.fields.join(', '))
    return checked.result
  }
  const started = performance.now()
  const answer = await client.createCustomer({ ...checked.body, type: userType })
  if (log.enabled) log('create customer ends in %s after %dms', answer.kind, Math.round(performance.now() - started))
  if (answer.kind === 'created') return { created: true, customerId: answer.customerId, customer: Object.freeze(answer.customer) }
  if (answer.kind === 'duplicate') return { created: false, reason: 'duplicate', message: CUSTOMER_MESSAGES.duplicate }
  return { created: false, reason: 'invalid', message: CUSTOMER_MESSAGES.rejected, fields: answer.fields }
}

type Invalid = Extract<DinteroCreateCustomerResult, { reason: 'invalid' }>

/** The body for `customers/users`, or why the input is refused. */
function checkNewCustomer(input: DinteroNewCustomer): { ok: true; body: Record<string, unknown> } | { ok: false; result: Invalid } {
  const invalid = (message: string, fields: string[]) => ({ ok: false as const, result: { created: false as const, reason: 'invalid' as const, message, fields } })
  if (typeof input !== 'object' || input === null) return invalid(MESSAGES.missing, ['username', 'password'])
  // The sign-in form's own checks, so a customer created here can always sign in with the same input.
  const read = readCredentials({ username: input.username, password: input.password }, 'username', 'password')
  if (!read.ok) {
    const fields = read.message === MESSAGES.password ? ['password'] : read.message === MESSAGES.username ? ['username'] : ['username', 'password']
    return invalid(read.message, fields)
  }
  const { ident, password } = read.credentials
  const body: Record<string, unknown> = { password }
  body[ident.type === 'email' ? 'email' : 'phone_number'] = ident.value
  for (const [field, name] of [['firstName', 'first_name'], ['lastName', 'last_name']] as const) {
    const value: unknown = input[field]
    if (value === undefined || value === null || value === '') continue
    const text = typeof value === 'string' ? value.trim() : undefined
    if (text === undefined || text.length > MAX_NAME || !NAME.test(text)) return invalid(CUSTOMER_MESSAGES.name, [field])
    if (text !== '') body[name] = text
  }
  if (input.company !== undefined) {
    if (typeof input.company !== 'object' || input.company === null || Array.isArray(input.company)) {
      return invalid('company must be an object', ['company'])
    }
    body['company'] = input.company
  }
  return { ok: true, body }
}
