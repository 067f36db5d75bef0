/**
 * The debug log (`DEBUG=passport-dintero*`) tells an operator which calls were made, how they ended
 * and how long they took, and nothing secret (secrets.test.ts checks that across every fault).
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator, strategyOptions } from '../support/emulator.js'
import { captureDebugLogs, type LogCapture } from '../support/secrets.js'

describe('debug log', () => {
  let emu: DinteroEmulator
  let app: TestApp
  let capture: LogCapture
  before(async () => {
    emu = await startEmulator()
    app = await startApp(strategyOptions(emu, { timeout: 300 }))
  })
  after(async () => {
    await app.close()
    await emu.stop()
  })
  beforeEach(() => {
    capture = captureDebugLogs()
  })
  afterEach(() => {
    capture.stop()
    emu.clearFaults()
  })

  const login = (password: string) => new Browser(app.url).post('/login', { email: KARI.email, password })
  const matching = (pattern: RegExp) => capture.lines.filter((line) => pattern.test(line))

  it('a sign-in: the client token, each Dintero call with status and time, the outcome with its time', async () => {
    await login(KARI.password)
    // The app's first sign-in: the client token is fetched here, once.
    expect(matching(/passport-dintero:client-token client token fetched; renewed in \d+s/)).to.have.length(1)
    expect(matching(/passport-dintero:http POST \/v1\/accounts\/T\d{8}\/customers\/login -> 200 in \d+ms/)).to.have.length(1)
    expect(matching(/passport-dintero:strategy sign-in ends in success after \d+ms/)).to.have.length(1)
  })

  it('a refused password and a refused form, with their statuses', async () => {
    await login('wrong-password-1')
    await login('')
    expect(matching(/customers\/login -> 401 in \d+ms/)).to.have.length(1)
    expect(matching(/sign-in ends in fail 401 after \d+ms/)).to.have.length(1)
    expect(matching(/sign-in ends in fail 400 \(form refused before calling Dintero\)/)).to.have.length(1)
  })

  it('a refused access token: why, and the outcome with its code', async () => {
    emu.fault('login', { accessToken: 'expired', times: 1 })
    await login(KARI.password)
    expect(matching(/passport-dintero:verify token refused: expired/)).to.have.length(1)
    expect(matching(/sign-in ends in error ERR_DINTERO_TOKEN_INVALID after \d+ms/)).to.have.length(1)
  })

  it('an upstream timeout, with the error code', async () => {
    emu.fault('login', { hang: true })
    await login(KARI.password)
    expect(matching(/customers\/login failed after \d+ms/)).to.have.length(1)
    expect(matching(/sign-in ends in error ERR_DINTERO_TIMEOUT after \d+ms/)).to.have.length(1)
  })

  it('a refused client token is renewed once', async () => {
    // A 401 at login, and the probe (the key-set call) refused too: the client token itself was refused.
    emu.fault('login', { status: 401, times: 1 })
    emu.fault('keys', { status: 401, times: 1 })
    await login(KARI.password)
    expect(matching(/sign-in ends in success/)).to.have.length(1)
    expect(matching(/Dintero refused the client token; renewing it/)).to.have.length(1)
    expect(matching(/client token fetched/)).to.have.length(1)
  })
})
