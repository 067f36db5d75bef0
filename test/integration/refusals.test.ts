/**
 * What the browser gets for each refused sign-in, word for word (the `info` a Passport app shows):
 * wrong credentials, MFA required with `mfa: 'off'`, and Dintero's rate limit with and without
 * Retry-After. Express 5 + express-session + Passport over loopback HTTP against the emulator.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, strategyOptions, useEmulator } from '../support/emulator.js'

describe('refused sign-ins: the info, word for word', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function post(form: Record<string, string>, over = {}) {
    app = await startApp(strategyOptions(emu, over))
    return new Browser(app.url).post('/login', form)
  }

  it('wrong credentials: fail 401, one message and code', async () => {
    const res = await post({ email: KARI.email, password: 'wrong-password' })
    expect(res.status).to.equal(401)
    expect(res.json).to.deep.equal({ message: 'Wrong email, phone number or password', code: 'ERR_DINTERO_INVALID_CREDENTIALS' })
    expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: res.json }])
  })

  it("MFA required with mfa: 'off': fail 401 with mfaRequired, and no token", async () => {
    const res = await post({ email: OLA.email, password: OLA.password }, { mfa: 'off' })
    expect(res.status).to.equal(401)
    expect(res.json).to.deep.equal({ message: 'This account requires a one-time code to sign in', code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true })
    expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: res.json }])
  })

  it('rate limited with Retry-After: fail 429 with retryAfter in seconds', async () => {
    emu.fault('login', { status: 429, retryAfter: 17 })
    const res = await post({ email: KARI.email, password: KARI.password })
    expect(res.status).to.equal(429)
    expect(res.json).to.deep.equal({ message: 'Too many sign-in attempts. Try again later.', code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 17 })
    expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 429, info: res.json }])
  })

  it('rate limited without Retry-After: fail 429 without retryAfter', async () => {
    emu.fault('login', { status: 429 })
    const res = await post({ email: KARI.email, password: KARI.password })
    expect(res.status).to.equal(429)
    expect(res.json).to.deep.equal({ message: 'Too many sign-in attempts. Try again later.', code: 'ERR_DINTERO_RATE_LIMITED' })
    expect(app!.outcomes[0]!.info).to.not.have.property('retryAfter')
  })
})
