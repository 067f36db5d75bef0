/**
 * A dump of the strategy taken while a call to Dintero is in flight (the request has reached the
 * emulator and waits for its answer) shows no client credentials and no client token: Node keeps an
 * in-flight request's header block (`authorization: Basic …` / `Bearer …`) on the socket the agent
 * holds, so the agent and the sockets must be out of reach of util.inspect.
 */
import { inspect } from 'node:util'
import { expect } from 'chai'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { leakedSecrets } from '../support/secrets.js'

const JWT = /eyJ[\w-]*\.[\w-]+\.[\w-]+/

describe('no secret in a dump taken while a call is in flight', function () {
  this.timeout(20_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))

  /** Resolves once the emulator has received `n` calls of `endpoint` (the request is on the wire). */
  async function arrived(endpoint: Parameters<DinteroEmulator['count']>[0], n: number): Promise<void> {
    for (let i = 0; i < 500 && emu.count(endpoint) < n; i++) await new Promise((resolve) => setTimeout(resolve, 5))
    expect(emu.count(endpoint), `${endpoint} calls`).to.equal(n)
  }

  function dumps(value: unknown): string {
    return [inspect(value, { depth: Infinity }), inspect(value, { depth: Infinity, showHidden: true })].join('\n')
  }

  it('the client-token fetch: no client secret, not even base64-encoded in the Basic header', async () => {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    const basic = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')
    emu.fault('client_token', { answerDelayMs: 400, times: 1 })
    // The first customer call fetches the client token first.
    const login = strategy._client.login({ ident: { type: 'email', value: KARI.email }, password: KARI.password })
    await arrived('client_token', 1)
    expect(leakedSecrets(dumps(strategy), { clientSecret: emu.clientSecret, basic })).to.deep.equal([])
    await login
    strategy._client.close()
  })

  it('a customer call: no client token (Bearer header)', async () => {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    const credentials = { ident: { type: 'email' as const, value: KARI.email }, password: KARI.password }
    await strategy._client.login(credentials)
    emu.resetCounts()
    emu.fault('login', { answerDelayMs: 400, times: 1 })
    const login = strategy._client.login(credentials)
    await arrived('login', 1)
    const dump = dumps(strategy)
    expect(dump).to.not.match(JWT)
    expect(leakedSecrets(dump, { password: KARI.password })).to.deep.equal([])
    await login
    strategy._client.close()
  })

  it('a probe of the client token after a refused password reset, taken once the probe is on the wire', async () => {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    await strategy._client.login({ ident: { type: 'email', value: KARI.email }, password: KARI.password })
    emu.resetCounts()
    emu.fault('keys', { answerDelayMs: 400, times: 1 })
    emu.fault('change_password', { status: 401, times: 1 })
    expect(await strategy._client.requestPasswordReset(KARI.email)).to.equal('refused')
    await arrived('keys', 1)
    expect(dumps(strategy)).to.not.match(JWT)
    await new Promise((resolve) => setTimeout(resolve, 500))
    strategy._client.close()
  })
})
