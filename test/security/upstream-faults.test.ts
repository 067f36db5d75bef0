/**
 * A broken or hostile upstream: every fault ends in Passport `error` with the right status (or
 * `fail` where the README's outcomes table says so), creates no session, and the next login after
 * the fault clears succeeds on the same strategy.
 */
import { expect } from 'chai'
import {
  ClientAuthenticationError,
  TokenVerificationError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../lib/index.js'
import type { DinteroEmulator, EmulatorEndpoint, EmulatorFault } from '../../lib/testing/index.js'
import { KARI, startEmulator } from '../support/emulator.js'
import { figures } from '../support/figures.js'
import type { Bystander } from '../support/listener.js'
import { type Attempt, Probe, useProbes } from '../support/probe.js'

const creds = { email: KARI.email, password: KARI.password }
const TIMEOUT = 1000

type Expected = { error: abstract new (...args: never[]) => Error; status: number; message?: RegExp } | { fail: number; info: Record<string, unknown> }

describe('security: upstream faults', function () {
  const rig = useProbes()
  let emu: DinteroEmulator
  let bystander: Bystander
  before(() => ({ emu, bystander } = rig))

  function matches(attempt: Attempt, expected: Expected): boolean {
    const [outcome, ...more] = attempt.outcomes
    if (!outcome || more.length > 0 || attempt.signedIn || attempt.newSessions !== 0) return false
    if ('fail' in expected) return outcome.kind === 'fail' && outcome.status === expected.fail && attempt.res.status === expected.fail
    return outcome.kind === 'error' && outcome.error instanceof expected.error && attempt.res.status === expected.status
  }

  function check(attempt: Attempt, expected: Expected): void {
    expect(attempt.outcomes.map((o) => o.kind)).to.deep.equal(['fail' in expected ? 'fail' : 'error'])
    if ('fail' in expected) {
      expect(attempt.res.status).to.equal(expected.fail)
      expect(attempt.outcomes[0]!.info).to.deep.include(expected.info)
    } else {
      expect(attempt.outcomes[0]!.error).to.be.instanceOf(expected.error)
      expect(attempt.outcomes[0]!.error.code).to.match(/^ERR_DINTERO_/)
      expect(attempt.res.status).to.equal(expected.status)
      if (expected.message) expect(attempt.outcomes[0]!.error.message).to.match(expected.message)
    }
    expect(attempt.signedIn).to.equal(false)
    expect(attempt.newSessions).to.equal(0)
  }

  /** A fresh strategy (cold caches, so every endpoint is called), the fault armed, one login, then the fault cleared and one more login. */
  async function survive(name: string, endpoint: EmulatorEndpoint, fault: EmulatorFault, expected: Expected): Promise<Attempt> {
    // A short timeout only where the fault needs one: on a busy machine a healthy call can take longer.
    const probe = await rig.open(fault.hang || fault.slowBody ? { timeout: TIMEOUT } : {})
    emu.fault(endpoint, fault)
    const attempt = await probe.login({ form: creds })
    emu.clearFaults()
    const after = await probe.login({ form: creds })
    figures.faults.push({ name, held: matches(attempt, expected) && after.res.status === 200 })
    check(attempt, expected)
    expect(after.res.status, 'the next login, with the fault cleared').to.equal(200)
    return attempt
  }

  const cases: Array<[string, EmulatorEndpoint, EmulatorFault, Expected]> = [
    ['login never answers (gives up at timeout)', 'login', { hang: true }, { error: UpstreamTimeoutError, status: 504, message: new RegExp(`within ${TIMEOUT}ms`) }],
    ['login body never ends (slowloris)', 'login', { slowBody: true }, { error: UpstreamTimeoutError, status: 504 }],
    ['login body of 8 MB (capped)', 'login', { bodyBytes: 8 * 1024 * 1024 }, { error: UpstreamError, status: 502, message: /larger than allowed/ }],
    ['login answers an HTML proxy page', 'login', { nonJson: true }, { error: UpstreamError, status: 502, message: /not JSON/ }],
    ['login 200 without access_token', 'login', { omitAccessToken: true }, { error: UpstreamError, status: 502 }],
    ['login 200 with a numeric access_token', 'login', { status: 200, body: { access_token: 12345, token_type: 'Bearer' } }, { error: UpstreamError, status: 502 }],
    ['login 200 with a JSON null body', 'login', { status: 200, body: 'null' }, { error: UpstreamError, status: 502 }],
    ['login 429 with Retry-After', 'login', { status: 429, retryAfter: 17 }, { fail: 429, info: { code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 17 } }],
    ['login 429 with an unreadable Retry-After', 'login', { status: 429, headers: { 'retry-after': 'soon' } }, { fail: 429, info: { code: 'ERR_DINTERO_RATE_LIMITED' } }],
    ['login 500', 'login', { status: 500 }, { error: UpstreamError, status: 502 }],
    ['login 502', 'login', { status: 502 }, { error: UpstreamUnavailableError, status: 503 }],
    ['login 503', 'login', { status: 503 }, { error: UpstreamUnavailableError, status: 503 }],
    ['login 504', 'login', { status: 504 }, { error: UpstreamUnavailableError, status: 503 }],
    ['login connection dropped', 'login', { destroy: true }, { error: UpstreamUnavailableError, status: 503 }],
    ['key endpoint 503', 'keys', { status: 503 }, { error: UpstreamUnavailableError, status: 503 }],
    ['key endpoint 500', 'keys', { status: 500 }, { error: UpstreamError, status: 502 }],
    ['key endpoint never answers', 'keys', { hang: true }, { error: UpstreamTimeoutError, status: 504 }],
    ['key endpoint answers HTML', 'keys', { nonJson: true }, { error: UpstreamError, status: 502 }],
    ['key endpoint answers no keys', 'keys', { status: 200, body: [] }, { error: TokenVerificationError, status: 502 }],
    ['client-token endpoint 503', 'client_token', { status: 503 }, { error: UpstreamUnavailableError, status: 503 }],
    ['client-token endpoint never answers', 'client_token', { hang: true }, { error: UpstreamTimeoutError, status: 504 }],
    ['client-token endpoint answers HTML', 'client_token', { nonJson: true }, { error: UpstreamError, status: 502 }],
  ]
  for (const [name, endpoint, fault, expected] of cases) {
    it(name, async () => {
      await survive(name, endpoint, fault, expected)
    })
  }

  for (const endpoint of ['client_token', 'login', 'keys'] as const) {
    for (const status of [302, 307, 308]) {
      it(`a ${status} redirect from ${endpoint} to another host is never followed`, async () => {
        const before = bystander.requests.length
        await survive(`${endpoint} ${status} redirect`, endpoint, { status, redirectTo: `${bystander.url}/steal` }, { error: UpstreamError, status: 502, message: /redirect/ })
        // Above all: no credentials, client secret or Authorization header reached the other host.
        expect(bystander.requests.slice(before), 'requests at the other host').to.deep.equal([])
      })
    }
  }

  it('client credentials rejected: a misconfiguration, status 500, no login attempted', async () => {
    const name = 'client credentials rejected'
    const probe = await rig.open({ clientSecret: 'a-wrong-client-secret' })
    const loginsBefore = emu.count('login')
    const attempt = await probe.login({ form: creds })
    const expected = { error: ClientAuthenticationError, status: 500 }
    figures.faults.push({ name, held: matches(attempt, expected) && emu.count('login') === loginsBefore })
    check(attempt, expected)
    expect(emu.count('login')).to.equal(loginsBefore)
  })

  it('connection refused, then the upstream comes back on the same address', async () => {
    const name = 'connection refused'
    const gone = await startEmulator()
    const { port } = new URL(gone.baseUrl)
    await gone.stop()
    const probe = await Probe.open(gone, { timeout: TIMEOUT })
    const attempt = await probe.login({ form: creds })
    const back = await startEmulator({ port: Number(port) })
    try {
      const after = await probe.login({ form: creds })
      const expected = { error: UpstreamUnavailableError, status: 503, message: /ECONNREFUSED/ }
      figures.faults.push({ name, held: matches(attempt, expected) && after.res.status === 200 })
      check(attempt, expected)
      expect(after.res.status).to.equal(200)
    } finally {
      await probe.close()
      await back.stop()
    }
  })
})
