/**
 * Emulator mode: the bundled Dintero emulator with two demo customers (one of them signs in with a
 * one-time code), so the app runs offline.
 */
import type { DinteroStrategyOptions } from 'passport-dintero'
import { DinteroEmulator, type DinteroEmulatorOptions, type MfaCodeMessage, type PasswordResetEmail } from 'passport-dintero/testing'
import type { DemoCredentials } from './views/login.js'

/** The demo customer. A throwaway password that only the emulator knows. */
export const DEMO_USER = {
  email: 'demo@example.com',
  phone: '+4740000000',
  password: 'demo-password',
  name: 'Demo Customer',
} as const

/** The demo customer whose account requires MFA: after the password, a one-time code (printed by the server). */
export const DEMO_MFA_USER = {
  email: 'mfa-demo@example.com',
  phone: '+4740000001',
  password: 'demo-password',
  name: 'Demo MFA Customer',
} as const

/** The demo credentials as the sign-in page shows them. */
export const DEMO_CREDENTIALS: DemoCredentials = { username: DEMO_USER.email, password: DEMO_USER.password }

/** The MFA demo credentials as the sign-in page shows them. */
export const DEMO_MFA_CREDENTIALS: DemoCredentials = { username: DEMO_MFA_USER.email, password: DEMO_MFA_USER.password }

/** A code the emulator "sent", as the message would read: `SMS to +4740000001: your code is 123456`. */
export function describeSentCode(message: MfaCodeMessage): string {
  return `${message.channel === 'sms' ? 'SMS' : 'Email'} to ${message.ident}: your code is ${message.code}`
}

/** A password-reset email the emulator "sent", as it would read in the customer's inbox. */
export function describeResetEmail(email: PasswordResetEmail): string {
  return [`Email to ${email.to}`, `Subject: ${email.subject}`, '', email.text].join('\n')
}

/** Starts an emulator on loopback (a free port unless `options.port`) with the demo customers in it. */
export async function startDemoEmulator(options: DinteroEmulatorOptions = {}): Promise<DinteroEmulator> {
  const emulator = new DinteroEmulator(options)
  await emulator.start()
  emulator.addUser({
    email: DEMO_USER.email,
    phone: DEMO_USER.phone,
    password: DEMO_USER.password,
    claims: { name: DEMO_USER.name },
  })
  emulator.addUser({
    email: DEMO_MFA_USER.email,
    phone: DEMO_MFA_USER.phone,
    password: DEMO_MFA_USER.password,
    claims: { name: DEMO_MFA_USER.name },
    mfa: true,
  })
  return emulator
}

/** Strategy options that point at `emulator`. */
export function emulatorStrategyOptions(emulator: DinteroEmulator): DinteroStrategyOptions {
  return {
    accountId: emulator.accountId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    baseUrl: emulator.baseUrl,
  }
}
