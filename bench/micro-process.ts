/**
 * Micro-benchmark of the token-verification path, in its own process:
 * `micro-process.ts EMULATOR_INFO_JSON DURATION_MS USER PASSWORD`. Gets one real access token and the
 * key set from the emulator, then alternates short batches of the library's `TokenVerifier.verify` (warm key
 * cache), bare jsonwebtoken `jwt.verify` on the same KeyObject with the same options (RS256, audience,
 * clock tolerance, the clock read per call), and bare `crypto.verify('sha256', …)` on that KeyObject and
 * prepared buffers, and answers `ready` with the three rates and the paired ratios.
 */
import { createPublicKey, verify } from 'node:crypto'
import jwt from 'jsonwebtoken'
import { TokenVerifier } from '../lib/token-verifier.js'
import type { DinteroJwk } from '../lib/dintero-client.js'
import type { EmulatorInfo } from './emulator-process.js'
import { serve } from './ipc.js'
import { quantile } from './load.js'

/** Verifications per second (median batch of each side), and the medians of the ratios of adjacent batches. */
export interface MicroResult {
  /** `TokenVerifier.verify`, warm. */
  library: number
  /** Bare `jwt.verify` on the same KeyObject and options. */
  jsonwebtoken: number
  /** Bare `crypto.verify`. */
  raw: number
  /** Median over adjacent batches of library rate / jwt.verify rate: what our own code adds. A burst of load hits a pair, not the figure. */
  libraryVsJsonwebtoken: number
  /** Median over adjacent batches of jwt.verify rate / crypto.verify rate: jsonwebtoken's own cost. */
  jsonwebtokenVsRaw: number
}

const [infoJson = '{}', duration = '1000', email = '', password = ''] = process.argv.slice(2)
const emu = JSON.parse(infoJson) as EmulatorInfo
const api = `${emu.baseUrl}/v1/accounts/${emu.accountId}`

async function call(path: string, authorization: string, body?: object): Promise<any> {
  const res = await fetch(api + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization, 'content-type': 'application/json' },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok) throw new Error(`${path}: ${res.status}`)
  return res.json()
}

const basic = `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}`
const client = (await call('/auth/token', basic, { grant_type: 'client_credentials', audience: emu.audience })).access_token as string
const token = (await call('/customers/login', `Bearer ${client}`, { email, password, audience: emu.audience, type: 'customer' }))
  .access_token as string
const jwks = (await call('/auth/keys', `Bearer ${client}`)) as DinteroJwk[]

const verifier = new TokenVerifier(
  { audience: emu.audience, issuer: undefined, clockTolerance: 30, jwksCacheMaxAge: 600_000, jwksRequestsPerMinute: 10 },
  async () => jwks,
)
await verifier.verify(token) // warms the key cache

const kid = JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString()).kid as string
const key = createPublicKey({ key: jwks.find((k) => k.kid === kid) as any, format: 'jwk' })
const dot = token.lastIndexOf('.')
const signed = Buffer.from(token.slice(0, dot))
const signature = Buffer.from(token.slice(dot + 1), 'base64url')
if (!verify('sha256', signed, key, signature)) throw new Error('raw verify refused the token')

// Short alternating batches; the median batch rate of each side, so a burst of load from elsewhere on
// the machine hits one batch, not a whole side.
const BATCH = 100
const options = { algorithms: ['RS256' as const], audience: emu.audience, clockTolerance: 30 }
const sides = {
  library: async () => {
    for (let i = 0; i < BATCH; i++) await verifier.verify(token)
  },
  jsonwebtoken: () => {
    for (let i = 0; i < BATCH; i++) jwt.verify(token, key, { ...options, clockTimestamp: Math.floor(Date.now() / 1000) })
  },
  raw: () => {
    for (let i = 0; i < BATCH; i++) if (!verify('sha256', signed, key, signature)) throw new Error('refused')
  },
}
const rates: Record<keyof typeof sides, number[]> = { library: [], jsonwebtoken: [], raw: [] }
const end = performance.now() + Number(duration)
while (performance.now() < end) {
  for (const side of ['library', 'jsonwebtoken', 'raw'] as const) {
    const t = performance.now()
    await sides[side]()
    rates[side].push((BATCH / (performance.now() - t)) * 1000)
  }
}
const paired = (a: number[], b: number[]) => quantile(a.map((rate, i) => rate / (b[i] as number)), 0.5)
const result: MicroResult = {
  library: quantile([...rates.library], 0.5),
  jsonwebtoken: quantile([...rates.jsonwebtoken], 0.5),
  raw: quantile([...rates.raw], 0.5),
  libraryVsJsonwebtoken: paired(rates.library, rates.jsonwebtoken),
  jsonwebtokenVsRaw: paired(rates.jsonwebtoken, rates.raw),
}
serve(result, () => undefined)
