/**
 * DinteroClient against the emulator: the client-token cache and its one renewal on a 401; the MFA calls.
 */
import { expect } from 'chai'
import { DinteroClient } from '../../lib/dintero-client.js'
import { ClientAuthenticationError, InvalidCredentialsError, MfaCodeRejectedError, MfaExpiredError, RefreshRejectedError, UpstreamError } from '../../lib/errors.js'
import { resolveOptions } from '../../lib/options.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, OLA, startEmulator, useEmulator, strategyOptions } from '../support/emulator.js'

describe('DinteroClient', () => {
  let emu: DinteroEmulator
  let now = Date.now()
  let client: DinteroClient
  const creds = { ident: { type: 'email' as const, value: KARI.email }, password: KARI.password }

  useEmulator((e) => (emu = e))
  beforeEach(() => {
    now = Date.now()
    client = new DinteroClient(resolveOptions(strategyOptions(emu)), () => now)
  })
  afterEach(() => client.close())

  it('renews the client token once and retries once when Dintero refuses the token', async () => {
    await client.login(creds)
    emu.fault('login', { status: 401, times: 1 })
    emu.fault('keys', { status: 401, times: 1 })
    const tokens = await client.login(creds)
    expect(tokens.accessToken).to.be.a('string')
    expect(emu.count('client_token')).to.equal(2)
    expect(emu.count('login')).to.equal(3)
  })

  it('a wrong password costs one login call and a token probe, no renewal', async () => {
    await client.login(creds)
    for (let i = 0; i < 5; i++) {
      let refused: unknown
      await client.login({ ...creds, password: 'wrong-password' }).catch((e) => (refused = e))
      expect(refused).to.be.instanceOf(InvalidCredentialsError)
    }
    expect(emu.count('client_token')).to.equal(1)
    expect(emu.count('login')).to.equal(1 + 5)
    expect(emu.count('keys')).to.equal(5)
  })

  it('a client token revoked right after a wrong password still heals at once', async () => {
    await client.login(creds)
    await client.login({ ...creds, password: 'wrong-password' }).catch(() => {})
    emu.rotateKeys({ retainPrevious: false })
    const tokens = await client.login(creds)
    expect(tokens.accessToken).to.be.a('string')
    expect(emu.count('client_token')).to.equal(2)
  })

  it('a client refused even with a fresh token errors instead of hammering the token endpoint', async () => {
    await client.login(creds)
    emu.fault('login', { status: 401 })
    emu.fault('keys', { status: 401 })
    const errors: unknown[] = []
    for (let i = 0; i < 3; i++) await client.login(creds).catch((e) => errors.push(e))
    expect(errors).to.have.length(3)
    expect(emu.count('client_token')).to.equal(2)
    expect(errors.some((e) => e instanceof ClientAuthenticationError)).to.equal(true)
  })

  it('heals when the client token is revoked (a hard key rotation)', async () => {
    await client.login(creds)
    emu.rotateKeys({ retainPrevious: false })
    const tokens = await client.login(creds)
    expect(tokens.accessToken).to.be.a('string')
    expect(emu.count('client_token')).to.equal(2)
  })

  it('retries at most once', async () => {
    await client.login(creds)
    emu.fault('login', { status: 401 })
    emu.fault('keys', { status: 401, times: 1 })
    let refused: unknown
    await client.login(creds).catch((e) => (refused = e))
    expect(refused).to.be.instanceOf(InvalidCredentialsError)
    expect(emu.count('client_token')).to.equal(2)
    expect(emu.count('login')).to.equal(3)
  })

  it('refetches the client token when it is about to expire', async () => {
    await client.login(creds)
    now += 14_400_000
    await client.login(creds)
    expect(emu.count('client_token')).to.equal(2)
  })

  it('refreshes with the refresh token, and a revoked one is refused', async () => {
    const first = await client.login(creds)
    const refreshed = await client.refresh(first.refreshToken!)
    expect(refreshed.accessToken).to.be.a('string')
    await client.revoke(first.refreshToken!)
    let refused: unknown
    await client.refresh(first.refreshToken!).catch((e) => (refused = e))
    expect(refused).to.be.instanceOf(RefreshRejectedError)
  })

  it('reads the bare-array key set', async () => {
    const keys = await client.keys()
    expect(keys.map((k) => k.kid)).to.deep.equal(emu.kids)
    expect(keys[0]).to.include({ kty: 'RSA', alg: 'RS256', use: 'sig' })
  })
})

describe('DinteroClient MFA calls', () => {
  let emu: DinteroEmulator
  before(async () => {
    emu = await startEmulator()
  })
  after(async () => {
    await emu.stop()
  })
  const ola = { ident: { type: 'email' as const, value: OLA.email }, password: OLA.password }
  const clientWith = (over = {}) => new DinteroClient(resolveOptions(strategyOptions(emu, over)))

  it('runs mfa_login, challenge and the code grant to tokens, with the configured grant type', async () => {
    const client = clientWith({ mfaGrantType: 'mfa_oob' })
    const opened = await client.mfaLogin(ola)
    expect(opened.channel).to.equal('email')
    const oobCode = await client.mfaChallenge(opened.mfaToken)
    const tokens = await client.mfaGrant(opened.mfaToken, oobCode, emu.lastMfaCode(OLA.email)!)
    expect(tokens.accessToken.split('.')).to.have.length(3)
    expect(emu.requests.at(-1)!.endpoint).to.equal('mfa_token')
    client.close()
  })

  it('maps refusals: wrong password, wrong code, unknown mfa_token, unsupported grant type', async () => {
    const client = clientWith()
    const refusedLogin = await client.mfaLogin({ ...ola, password: 'wrong-password' }).catch((e: unknown) => e)
    expect(refusedLogin).to.be.instanceOf(InvalidCredentialsError)
    const refusedChallenge = await client.mfaChallenge('no-such-mfa-token').catch((e: unknown) => e)
    expect(refusedChallenge).to.be.instanceOf(MfaExpiredError)

    const opened = await client.mfaLogin(ola)
    const oobCode = await client.mfaChallenge(opened.mfaToken)
    const code = emu.lastMfaCode(OLA.email)!
    const wrong = await client.mfaGrant(opened.mfaToken, oobCode, code === '000000' ? '111111' : '000000').catch((e: unknown) => e)
    expect(wrong).to.be.instanceOf(MfaCodeRejectedError)
    const misconfigured = clientWith({ mfaGrantType: 'mfa-otp' })
    const badGrant = await misconfigured.mfaGrant(opened.mfaToken, oobCode, code).catch((e: unknown) => e)
    misconfigured.close()
    expect(badGrant).to.be.instanceOf(UpstreamError)
    expect((badGrant as Error).message).to.contain('mfaGrantType')
    client.close()
  })
})
