/**
 * Reading and validating the sign-in form. Credentials come from the request body only: a password
 * in a query string ends up in access logs, proxies and browser history.
 *
 * @packageDocumentation
 */

import type { Credentials, Ident } from './sign-in.js'

/** The outcome of reading the form: credentials, or the message for a `fail(…, 400)`. @internal */
export type CredentialsResult = { ok: true; credentials: Credentials } | { ok: false; message: string }

/** Longest email address (RFC 5321 path limit). */
const MAX_EMAIL = 254
// Printable, no white space or control characters, one @, a dot in the domain.
const EMAIL = /^[^\s@\p{Cc}]+@[^\s@\p{Cc}]+\.[^\s@\p{Cc}]+$/u
// E.164: +, country code not starting with 0, at most 15 digits in all.
const PHONE = /^\+[1-9]\d{6,14}$/
/** Dintero's documented password length, in characters. */
const PASSWORD_MIN = 4
const PASSWORD_MAX = 255

/** Messages shown to users through `failureMessage`/flash: plain words, no echo of input. @internal */
export const MESSAGES = {
  missing: 'Missing credentials',
  username: 'Enter a valid email address or a phone number in international format (e.g. +4791234567)',
  password: `Password must be ${PASSWORD_MIN} to ${PASSWORD_MAX} characters`,
} as const

/** A field of the request body: own properties only. @internal */
export function bodyField(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined
  // Own properties only: never read `__proto__`, `constructor` or anything inherited.
  return Object.prototype.hasOwnProperty.call(body, name) ? (body as Record<string, unknown>)[name] : undefined
}

/** Tells an email address from an E.164 phone number; undefined when it is neither. @internal */
export function parseIdent(username: string): Ident | undefined {
  const value = username.trim()
  if (value.length <= MAX_EMAIL && EMAIL.test(value)) return { type: 'email', value }
  // People type spaces, dashes and parentheses in phone numbers; Dintero wants bare E.164.
  const phone = value.replace(/[\s().-]/g, '')
  if (PHONE.test(phone)) return { type: 'phone_number', value: phone }
  return undefined
}

/** Reads `usernameField` and `passwordField` from `req.body`. @internal */
export function readCredentials(body: unknown, usernameField: string, passwordField: string): CredentialsResult {
  const username = bodyField(body, usernameField)
  const password = bodyField(body, passwordField)
  if (typeof username !== 'string' || typeof password !== 'string' || username.length === 0 || password.length === 0) {
    return { ok: false, message: MESSAGES.missing }
  }
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) return { ok: false, message: MESSAGES.password }
  const ident = readIdent(username)
  if (!ident) return { ok: false, message: MESSAGES.username }
  return { ok: true, credentials: { ident, password } }
}

/**
 * The code field's value when the body is step 2 of an MFA sign-in (it carries `codeField` and no
 * `passwordField`); undefined when it is a password sign-in. @internal
 */
export function readCodeStep(body: unknown, codeField: string, passwordField: string): unknown {
  return bodyField(body, passwordField) === undefined ? bodyField(body, codeField) : undefined
}

/** A username typed into a form (any value), as an email address or E.164 phone number; undefined when it is neither. @internal */
export function readIdent(username: unknown): Ident | undefined {
  // Bound the work before any regular expression runs on attacker input.
  if (typeof username !== 'string' || username.length === 0 || username.length > 320) return undefined
  return parseIdent(username)
}
