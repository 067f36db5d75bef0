/**
 * The debug log of an MFA sign-in (`DEBUG=passport-dintero*`): an operator sees where the code went,
 * each wrong code with the attempts left, a resend, an expiry and the accepted code; never the code or
 * a token (mfa-secrets.test.ts checks that). Issue 18: these lines were pinned by no test.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { OLA, strategyOptions, useEmulator } from '../support/emulator.js'
import { captureDebugLogs, type LogCapture } from '../support/secrets.js'

const KEY = 'passport-dintero:mfa:dintero'
const ola = { email: OLA.email, password: OLA.password }

describe('debug log of an MFA sign-in', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined
  let capture: LogCapture
  useEmulator((e) => (emu = e))
  beforeEach(() => {
    capture = captureDebugLogs()
  })
  afterEach(async () => {
    capture.stop()
    await app?.close()
    app = undefined
  })

  const mfaLines = () => capture.lines.map((line) => /passport-dintero:mfa (.*)$/.exec(line)?.[1]?.trim()).filter((l) => l !== undefined)

  async function open(over: Record<string, unknown> = {}): Promise<Browser> {
    app = await startApp(strategyOptions(emu, { mfa: 'auto', mfaResendInterval: 0, ...over }))
    const browser = new Browser(app.url)
    expect((await browser.post('/login', ola)).status).to.equal(401)
    return browser
  }

  async function editPending(edit: (pending: Record<string, any>) => void): Promise<void> {
    const all = await app!.sessions()
    const [sid, session] = Object.entries(all).find(([, s]) => s[KEY] !== undefined)!
    edit(session[KEY])
    await new Promise<void>((resolve, reject) => app!.store.set(sid, session, (err) => (err ? reject(err) : resolve())))
  }

  it('the code sent, a wrong code, a resend and the accepted code', async () => {
    const browser = await open()
    const first = emu.lastMfaCode(OLA.email)!
    await browser.post('/login', { code: first === '000000' ? '111111' : '000000' })
    expect((await browser.post('/login/mfa/resend', {})).status).to.equal(200)
    expect((await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })).status).to.equal(200)
    expect(mfaLines()).to.deep.equal(['code sent by email; waiting for it', 'wrong code, 4 attempts left', 'code resent by email', 'code accepted'])
  })

  it('a resend for a sign-in whose channel is unknown, and an expiry', async () => {
    const browser = await open()
    await editPending((p) => delete p['channel'])
    expect((await browser.post('/login/mfa/resend', {})).status).to.equal(200)
    await editPending((p) => (p['expiresAt'] = Date.now() - 1))
    expect((await browser.post('/login', { code: '123456' })).status).to.equal(401)
    expect(mfaLines()).to.deep.equal(['code sent by email; waiting for it', 'code resent by unknown channel', 'pending sign-in expired'])
  })
})
