/**
 * Regression (issue 14, finding 4): a POST that may have reached Dintero is never sent twice. The
 * emulator reads the whole request, then drops the connection without answering, on a keep-alive
 * socket an earlier sign-in left open: exactly one request arrives, the sign-in ends in `error` 503,
 * and the next sign-in succeeds.
 */
import { expect } from 'chai'
import type { DinteroEmulator, EmulatorEndpoint } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { KARI, OLA, strategyOptions, useEmulator } from '../support/emulator.js'

async function post(app: TestApp, path: string, form: Record<string, string>, cookie?: string) {
  const res = await fetch(app.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(cookie ? { cookie } : {}) },
    body: new URLSearchParams(form),
  })
  return { status: res.status, cookie: res.headers.get('set-cookie')?.split(';')[0] ?? cookie, body: (await res.json()) as any }
}

describe('upstream calls: a POST that may have reached Dintero is never resent', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  let app: TestApp
  afterEach(() => app?.close())

  /** Arms a dropped connection for the next request of `endpoint`; returns how many requests it then saw. */
  function dropNext(endpoint: EmulatorEndpoint): () => number {
    const before = emu.count(endpoint)
    emu.fault(endpoint, { destroy: true, times: 1 })
    return () => emu.count(endpoint) - before
  }

  it('a login whose connection drops after the request arrived is sent once: error 503, then the next sign-in succeeds', async () => {
    app = await startApp(strategyOptions(emu))
    // Warms a keep-alive socket: the next login goes out on a reused one.
    expect((await post(app, '/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
    const seen = dropNext('login')
    const dropped = await post(app, '/login', { email: KARI.email, password: 'a-wrong-password' })
    expect(seen()).to.equal(1)
    expect(dropped.status).to.equal(503)
    expect(app.outcomes.at(-1)).to.include({ kind: 'error' })
    expect(app.outcomes.at(-1)!.error.code).to.equal('ERR_DINTERO_UNAVAILABLE')
    expect((await post(app, '/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
  })

  it('a code check whose connection drops is sent once: error 503, and the code still works afterwards', async () => {
    app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
    const started = await post(app, '/login', { email: OLA.email, password: OLA.password })
    expect(started.body.code).to.equal('ERR_DINTERO_MFA_REQUIRED')
    const seen = dropNext('mfa_token')
    const dropped = await post(app, '/login', { code: emu.lastMfaCode(OLA.email)! }, started.cookie)
    expect(seen()).to.equal(1)
    expect(dropped.status).to.equal(503)
    expect((await post(app, '/login', { code: emu.lastMfaCode(OLA.email)! }, started.cookie)).status).to.equal(200)
  })
})
