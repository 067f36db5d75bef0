/**
 * Shared set-up: one emulator with known users, and strategy options pointing at it.
 */
import { DinteroEmulator } from '../../lib/testing/index.js'
import type { DinteroStrategyOptions } from '../../lib/index.js'

export const KARI = { email: 'kari@example.no', phone: '+4791234567', password: 'correct-horse-battery' }
export const OLA = { email: 'ola@example.no', password: 'ola-password-1', mfa: true }

export async function startEmulator(options: ConstructorParameters<typeof DinteroEmulator>[0] = {}): Promise<DinteroEmulator> {
  const emu = new DinteroEmulator(options)
  await emu.start()
  emu.addUser({ email: KARI.email, phone: KARI.phone, password: KARI.password, claims: { name: 'Kari Nordmann' } })
  emu.addUser({ email: OLA.email, password: OLA.password, mfa: true })
  return emu
}

export function strategyOptions(emu: DinteroEmulator, over: Partial<DinteroStrategyOptions> = {}): DinteroStrategyOptions {
  return { accountId: emu.accountId, clientId: emu.clientId, clientSecret: emu.clientSecret, baseUrl: emu.baseUrl, ...over }
}

/**
 * Mocha hooks for a suite that shares one emulator: started before the suite (handed to `set`),
 * faults and counters cleared before each test, stopped after the suite.
 */
export function useEmulator(set: (emu: DinteroEmulator) => void, options: ConstructorParameters<typeof DinteroEmulator>[0] = {}): void {
  let emu: DinteroEmulator | undefined
  before(async () => {
    emu = await startEmulator(options)
    set(emu)
  })
  after(async () => {
    await emu?.stop()
  })
  beforeEach(() => {
    emu?.clearFaults()
    emu?.resetCounts()
  })
}
