/**
 * The Dintero emulator in its own process, for the bench:
 * `emulator-process.ts LATENCY_MS EMAIL PASSWORD [ACCESS_TOKEN_TTL_S]`.
 * Answers `counts` with the emulator's request counters per endpoint, and `stats` with its CPU and RSS.
 */
import { DinteroEmulator, EMULATOR_ENDPOINTS } from '../lib/testing/index.js'
import { processStats, serve } from './ipc.js'

/** Where the bench's apps find the emulator. */
export interface EmulatorInfo {
  baseUrl: string
  accountId: string
  clientId: string
  clientSecret: string
  audience: string
}

/** Requests seen per endpoint, and in total. */
export type EmulatorCounts = Record<string, number> & { total: number }

const [latency = '5', email = '', password = '', ttl] = process.argv.slice(2)
const emulator = new DinteroEmulator({
  latencyMs: Number(latency),
  users: [{ email, password }],
  ...(ttl === undefined ? {} : { accessTokenTtl: Number(ttl) }),
})
await emulator.start()
process.once('SIGTERM', () => void emulator.stop().then(() => process.exit(0)))

const info: EmulatorInfo = {
  baseUrl: emulator.baseUrl,
  accountId: emulator.accountId,
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  audience: emulator.audience,
}
serve(info, (question) => {
  if (question.kind === 'stats') return processStats()
  const counts: Record<string, number> = { total: emulator.count() }
  for (const endpoint of EMULATOR_ENDPOINTS) counts[endpoint] = emulator.count(endpoint)
  return counts
})
