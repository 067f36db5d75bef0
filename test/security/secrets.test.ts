/**
 * Secrets under `DEBUG=*`: no password, client secret, access token or refresh token in any debug
 * line (every namespace: this library's, jwks-rsa's `jwks`, Express's, express-session's…), error
 * message or stack, `info` object or HTTP response. Runs last in `npm run test:security`, so it
 * scans what every other security test produced too; on its own it still covers its own scenarios.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import { KARI, OLA, startEmulator, strategyOptions } from '../support/emulator.js'
import { csrfFrom, startExample } from '../support/example-app.js'
import { renderAll } from '../support/secrets.js'
import { evidence } from '../support/figures.js'
import { Probe } from '../support/probe.js'

describe('security: secrets under DEBUG=*', function () {
  let emu: DinteroEmulator

  before(async function () {
    if (!evidence.stderr) throw new Error('debug output is not being captured: run this file through `npm run test:security` (test/security/mocharc.json)')
    emu = await startEmulator()
    for (const [name, value] of [['password', KARI.password], ['password', OLA.password], ['password', 'wrong-password-123'], ['client secret', emu.clientSecret], ['client secret', 'a-wrong-client-secret']]) {
      evidence.secrets.add(name!, value)
    }
    evidence.secrets.add('Basic credentials', Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64'))
  })
  after(async () => {
    await emu?.stop()
  })

  it('successes, refusals and faults leave no secret anywhere', async () => {
    const probe = await Probe.open(emu)
    const impatient = await Probe.open(emu, { timeout: 300 })
    const wrongClient = await Probe.open(emu, { clientSecret: 'a-wrong-client-secret' })
    try {
      const creds = { email: KARI.email, password: KARI.password }
      const statuses: number[] = []
      const scenarios: Array<[() => void, Record<string, string>, Probe?]> = [
        [() => {}, creds],
        [() => {}, { email: KARI.phone, password: KARI.password }],
        [() => {}, { email: KARI.email, password: 'wrong-password-123' }],
        [() => {}, { email: OLA.email, password: OLA.password }],
        [() => emu.fault('login', { status: 429, retryAfter: 3 }), creds],
        [() => emu.fault('login', { status: 500, body: { error: { code: 'boom', message: 'internal' } } }), creds],
        [() => emu.fault('login', { nonJson: true }), creds],
        [() => emu.fault('login', { hang: true }), creds, impatient],
        [() => emu.fault('login', { accessToken: 'wrong-key' }), creds],
        [() => emu.fault('login', { accessToken: 'unknown-kid' }), creds],
        [() => emu.fault('login', { omitAccessToken: true }), creds],
        [() => emu.fault('login', { redirectTo: 'http://127.0.0.1:1/steal', status: 307 }), creds],
        [() => (emu.rotateKeys(), emu.fault('keys', { status: 503 })), creds],
      ]
      for (const [arrange, form, by = probe] of scenarios) {
        emu.clearFaults()
        arrange()
        statuses.push((await by.login({ form })).res.status)
      }
      emu.clearFaults()
      statuses.push((await wrongClient.login({ form: creds })).res.status)
      expect(statuses).to.deep.equal([200, 200, 401, 401, 429, 502, 502, 504, 502, 502, 502, 502, 503, 500])
    } finally {
      await probe.close()
      await impatient.close()
      await wrongClient.close()
    }
  })

  it('sign-up and password reset (library and example app) leave no password anywhere', async () => {
    const newPassword = 'sign-up-password-0451'
    const tooShortCase = 'x1y'
    const badName = 'reset-password-9932'
    for (const value of [newPassword, badName]) evidence.secrets.add('password', value)
    // The app's strategy talks to this suite's emulator (faults and emails are read there).
    const app = await startExample({ dintero: strategyOptions(emu, { timeout: 300 }), accountRateLimit: { limit: 100 } })
    try {
      const post = async (path: string, form: Record<string, string>) => {
        const browser = app.browser()
        const page = await browser.get(path)
        return browser.post(path, { _csrf: csrfFrom(page.text), ...form })
      }
      const statuses = [
        (await post('/signup', { email: 'secret-case@example.com', password: newPassword, first_name: 'Sec' })).status,
        (await post('/signup', { email: 'secret-case@example.com', password: newPassword })).status,
        (await post('/signup', { email: 'not-an-address', password: badName })).status,
        (await post('/signup', { email: 'short@example.com', password: tooShortCase })).status,
        (await post('/forgot-password', { email: 'secret-case@example.com' })).status,
        (await post('/forgot-password', { email: 'nobody@example.com' })).status,
      ]
      emu.fault('create_customer', { hang: true, times: 1 })
      statuses.push((await post('/signup', { email: 'hang@example.com', password: newPassword })).status)
      emu.fault('create_customer', { status: 500, times: 1 })
      statuses.push((await post('/signup', { email: 'boom@example.com', password: newPassword })).status)
      expect(statuses).to.deep.equal([303, 409, 400, 400, 200, 200, 503, 503])
      // The strategy's own calls, their results and errors, rendered every way.
      const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
      const results = [
        await strategy.createCustomer({ username: 'direct@example.com', password: newPassword }),
        await strategy.createCustomer({ username: 'direct@example.com', password: newPassword }),
        await strategy.requestPasswordReset('direct@example.com'),
      ]
      emu.fault('create_customer', { status: 503, times: 1 })
      const error = await strategy.createCustomer({ username: 'other@example.com', password: newPassword }).catch((err: unknown) => err)
      const rendered = [...results, error, ...app.logs].map(renderAll).join('\n')
      expect(rendered).not.to.include(newPassword)
      expect(emu.passwordResetEmails.map((e) => e.to)).to.deep.equal(['secret-case@example.com', 'direct@example.com'])
    } finally {
      emu.clearFaults()
      await app.close()
    }
  })

  it('every namespace was on and captured', () => {
    const logs = evidence.stderr!.lines.join('')
    for (const namespace of ['passport-dintero:http', 'passport-dintero:strategy', 'jwks', 'express-session', 'body-parser:urlencoded', 'router']) {
      expect(logs, `debug output of ${namespace}`).to.match(new RegExp(` ${namespace} `))
    }
  })

  it('nothing the suite captured holds a secret', function () {
    this.timeout(300_000)
    const scan = evidence.scan()
    expect(evidence.secrets.size, 'known secrets').to.be.greaterThan(4)
    expect(scan.logLines, 'debug lines captured').to.be.greaterThan(100)
    expect(scan.where, 'leaks (secret replaced by its name)').to.deep.equal([])
  })
})
