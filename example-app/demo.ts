/**
 * Emulator mode: the bundled Dintero emulator with one demo customer, so the app runs offline.
 */
import type { DinteroStrategyOptions } from 'passport-dintero'
import { DinteroEmulator, type DinteroEmulatorOptions } from 'passport-dintero/testing'
import type { DemoCredentials } from './views/login.js'

/** The demo customer. A throwaway password that only the emulator knows. */
export const DEMO_USER = {
  email: 'demo@example.com',
  phone: '+4740000000',
  password: 'demo-password',
  name: 'Demo Customer',
} as const

/** The demo credentials as the sign-in page shows them. */
export const DEMO_CREDENTIALS: DemoCredentials = { username: DEMO_USER.email, password: DEMO_USER.password }

/** Starts an emulator on loopback (a free port unless `options.port`) with the demo customer in it. */
export async function startDemoEmulator(options: DinteroEmulatorOptions = {}): Promise<DinteroEmulator> {
  const emulator = new DinteroEmulator(options)
  await emulator.start()
  emulator.addUser({
    email: DEMO_USER.email,
    phone: DEMO_USER.phone,
    password: DEMO_USER.password,
    claims: { name: DEMO_USER.name },
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
