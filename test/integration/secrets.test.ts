/**
 * No password, client secret, access token or refresh token in any log line, error, info object or
 * HTTP response, across successes, refusals and every kind of upstream fault.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, startEmulator, strategyOptions } from '../support/emulator.js'
import { captureDebugLogs, leakedSecrets, renderAll } from '../support/secrets.js'

describe('secrets never leak', () => {
  let emu: DinteroEmulator
  before(async () => {
    emu = await startEmulator()
  })
  after(async () => {
    await emu.stop()
  })

  it('across successes, refusals and faults, with debug logging on', async () => {
    const capture = captureDebugLogs()
    const seen: string[] = []
    const wrongSecret = 'a-wrong-client-secret'
    try {
      const app = await startApp(strategyOptions(emu, { timeout: 300 }))
      const badApp = await startApp(strategyOptions(emu, { clientSecret: wrongSecret }))
      const browser = new Browser(app.url)
      const creds = { email: KARI.email, password: KARI.password }
      const scenarios: Array<[string, () => void, string?]> = [
        ['success', () => {}],
        ['success by phone', () => {}, KARI.phone],
        ['wrong password', () => {}],
        ['mfa', () => {}],
        ['429', () => emu.fault('login', { status: 429, retryAfter: 3 })],
        ['500', () => emu.fault('login', { status: 500, body: { error: { code: 'boom', message: 'internal' } } })],
        ['non-json', () => emu.fault('login', { nonJson: true })],
        ['hang', () => emu.fault('login', { hang: true })],
        ['tampered', () => emu.fault('login', { accessToken: 'wrong-key' })],
        ['expired', () => emu.fault('login', { accessToken: 'expired' })],
        ['no access token', () => emu.fault('login', { omitAccessToken: true })],
        [
          'keys down',
          () => {
            emu.rotateKeys()
            emu.fault('keys', { status: 503 })
          },
        ],
      ]
      for (const [label, inject, username] of scenarios) {
        emu.clearFaults()
        inject()
        const form =
          label === 'wrong password'
            ? { email: KARI.email, password: 'wrong-password-123' }
            : label === 'mfa'
              ? { email: OLA.email, password: OLA.password }
              : { ...creds, email: username ?? creds.email }
        const res = await browser.post('/login', form)
        seen.push(label, String(res.status), res.text, JSON.stringify([...res.headers]))
        if (label.startsWith('success')) expect(res.status, label).to.equal(200)
        else expect(res.status, label).not.to.equal(200)
      }
      emu.clearFaults()
      const bad = await new Browser(badApp.url).post('/login', creds)
      expect(bad.status).to.equal(500)
      seen.push(bad.text)
      for (const o of [...app.outcomes, ...badApp.outcomes]) {
        if (o.kind !== 'success') seen.push(renderAll(o.error), renderAll(o.info))
      }

      const users = app.outcomes.filter((o) => o.kind === 'success').map((o) => o.user)
      expect(users).to.have.length(2)
      const secrets: Record<string, string | undefined> = {
        password: KARI.password,
        wrongPassword: 'wrong-password-123',
        mfaPassword: OLA.password,
        clientSecret: emu.clientSecret,
        wrongSecret,
      }
      users.forEach((u, i) => {
        secrets[`accessToken${i}`] = u.tokens.accessToken
        secrets[`refreshToken${i}`] = u.tokens.refreshToken
        secrets[`signature${i}`] = u.tokens.accessToken.split('.')[2]
      })
      const haystack = [...capture.lines, ...seen].join('\n')
      expect(capture.lines.length, 'debug logging produced lines').to.be.greaterThan(10)
      expect(leakedSecrets(haystack, secrets)).to.deep.equal([])
      // Any JWT at all (header "eyJ…") or Basic credentials would be a leak too.
      expect(haystack).not.to.match(/eyJ[A-Za-z0-9_-]{10,}/)
      expect(haystack).not.to.contain(Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64'))
      await app.close()
      await badApp.close()
    } finally {
      capture.stop()
      emu.clearFaults()
    }
  })
})
