/**
 * DinteroClient against the emulator: the client-token cache and its one renewal on a 401; the MFA calls.
 */
import { expect } from 'chai'
import { DinteroClient } from '../../lib/dintero-client.js'
import { ClientAuthenticationError, InvalidCredentialsError, MfaCodeRejectedError, MfaExpiredError, RefreshRejectedError, UpstreamError } from '../../lib/errors.js'
import { resolveOptions } from '../../lib/options.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, OLA, startEmulator, useEmulator, strategyOptions } from '../support/emulator.js'
import { startBystander } from '../support/listener.js'
import { VERSION } from '../../lib/version.js'

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

describe('DinteroClient: redirects on every other endpoint', () => {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  const ola = { ident: { type: 'email' as const, value: OLA.email }, password: OLA.password }

  it('refresh, revoke and the three MFA calls refuse a redirect to another host and never follow it', async () => {
    const bystander = await startBystander()
    const client = new DinteroClient(resolveOptions(strategyOptions(emu)))
    try {
      const kari = await client.login({ ident: { type: 'email', value: KARI.email }, password: KARI.password })
      const calls: Array<[string, () => Promise<unknown>]> = [
        ['refresh', () => client.refresh(kari.refreshToken!)],
        ['revoke', () => client.revoke(kari.refreshToken!)],
        ['mfa_login', () => client.mfaLogin(ola)],
        ['mfa_challenge', () => client.mfaChallenge('some-mfa-token')],
        ['mfa_token', () => client.mfaGrant('some-mfa-token', 'some-oob-code', '123456')],
      ]
      for (const [endpoint, call] of calls) {
        emu.fault(endpoint as 'refresh', { status: 307, redirectTo: `${bystander.url}/steal`, times: 1 })
        const err = await call().catch((e: unknown) => e)
        expect(err, endpoint).to.be.instanceOf(UpstreamError)
        expect((err as Error).message, endpoint).to.match(/redirect/)
      }
      expect(bystander.requests).to.deep.equal([])
    } finally {
      client.close()
      await bystander.close()
    }
  })
})

describe('DinteroClient: identifying headers', () => {
  it('names itself and the application on every call, and sends the client credentials as Basic', async () => {
    const bystander = await startBystander()
    const client = new DinteroClient(
      resolveOptions({ accountId: 'T12345678', clientId: 'id', clientSecret: 'secret', baseUrl: bystander.url, systemName: 'Shop', systemVersion: '2.1' }),
    )
    try {
      // The bystander answers {} to the client-token call: no token, so the sign-in stops there.
      expect(await client.login({ ident: { type: 'email', value: 'a@b.no' }, password: 'pw-123456' }).catch((e: unknown) => e)).to.be.instanceOf(UpstreamError)
      expect(bystander.requests).to.have.length(1)
      const { headers } = bystander.requests[0]!
      expect(headers).to.include({
        'user-agent': `passport-dintero/${VERSION}`,
        'dintero-system-plugin-name': 'passport-dintero',
        'dintero-system-plugin-version': VERSION,
        'dintero-system-name': 'Shop',
        'dintero-system-version': '2.1',
        authorization: `Basic ${Buffer.from('id:secret').toString('base64')}`,
      })
    } finally {
      client.close()
      await bystander.close()
    }
  })
})
