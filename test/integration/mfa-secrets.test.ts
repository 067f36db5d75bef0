/**
 * No password, mfa_token, oob_code or one-time code in any log line, error, info object or HTTP
 * response, across a two-step sign-in with its refusals, resends and faults, with debug logging on.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp } from '../support/app.js'
import { Browser, type BrowserResponse } from '../support/browser.js'
import { OLA, startEmulator, strategyOptions } from '../support/emulator.js'
import { captureDebugLogs, leakedSecrets, renderAll } from '../support/secrets.js'

const KEY = 'passport-dintero:mfa:dintero'

describe('MFA secrets never leak', () => {
  let emu: DinteroEmulator
  before(async () => {
    emu = await startEmulator()
  })
  after(async () => {
    await emu.stop()
  })

  it('across step 1, wrong codes, resends, faults and success, with debug logging on', async () => {
    const capture = captureDebugLogs()
    const app = await startApp(strategyOptions(emu, { mfa: 'auto', mfaURL: '/login/mfa', mfaResendInterval: 0 }))
    const seen: string[] = []
    const secrets: Record<string, string | undefined> = { password: OLA.password }
    const record = (res: BrowserResponse) => seen.push(String(res.status), res.text, JSON.stringify([...res.headers]))
    // Every mfa_token and oob_code the session ever held, and every code sent or typed.
    const collect = async (label: string) => {
      for (const [i, s] of Object.values(await app.sessions()).entries()) {
        const pending = s[KEY]
        if (pending) {
          secrets[`${label}.mfaToken.${i}`] = pending.mfaToken
          secrets[`${label}.oobCode.${i}`] = pending.oobCode
        }
      }
      secrets[`${label}.code`] = emu.lastMfaCode(OLA.email)
    }
    try {
      const browser = new Browser(app.url)
      const form = { email: OLA.email, password: OLA.password }
      record(await browser.post('/login', form))
      await collect('first')
      const wrong = emu.lastMfaCode(OLA.email) === '918273' ? '918274' : '918273'
      secrets['wrongCode'] = wrong
      record(await browser.post('/login', { code: wrong }))
      record(await browser.get('/login/mfa'))
      record(await browser.post('/login/mfa/resend', {}))
      await collect('resent')
      emu.fault('mfa_token', { status: 500, times: 1 })
      record(await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! }))
      emu.fault('mfa_token', { status: 429, retryAfter: 1, times: 1 })
      record(await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! }))
      emu.fault('mfa_token', { nonJson: true, times: 1 })
      record(await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! }))
      const done = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      record(done)
      expect(done.status).to.equal(200)
      record(await browser.get('/me'))

      // A second sign-in that runs into the attempt limit.
      const other = new Browser(app.url)
      record(await other.post('/login', form))
      await collect('second')
      for (let i = 0; i < 5; i++) record(await other.post('/login', { code: wrong }))
      emu.fault('mfa_challenge', { status: 429, retryAfter: 3, times: 1 })
      record(await other.post('/login', form))

      for (const o of app.outcomes) seen.push(renderAll(o.error), renderAll(o.info))
      expect(app.outcomes.filter((o) => o.kind === 'success')).to.have.length(1)
      expect(Object.keys(secrets).filter((k) => k.includes('mfaToken'))).to.have.length.greaterThan(1)
      expect(capture.lines.some((l) => l.includes('passport-dintero:mfa'))).to.equal(true)
    } finally {
      capture.stop()
      await app.close()
    }
    expect(leakedSecrets(capture.lines.join('\n'), secrets)).to.deep.equal([])
    expect(leakedSecrets(seen.join('\n'), secrets)).to.deep.equal([])
  })
})
