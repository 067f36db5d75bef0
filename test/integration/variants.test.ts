/**
 * Every reading of what Dintero's docs leave open: the journeys (password sign-in, the MFA sign-in with a
 * wrong code, a resend and the right code, refresh, sign-out) each run against every variant of the
 * emulator, through Express 5 + express-session + Passport over real loopback HTTP. A variant that fails is
 * a failing test. Then the readings that need more than a journey: the code grant's spelling kept for the
 * strategy's lifetime, an explicit mfaGrantType without fallback, `mfa_required` with `mfa: 'off'` and at
 * the refresh grant, and a client token without `expires_in`.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy, type DinteroMfaMode, RefreshRejectedError } from '../../lib/index.js'
import type { DinteroEmulator, DinteroEmulatorOptions } from '../../lib/testing/index.js'
import { startApp, startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, startEmulator, strategyOptions, useEmulator } from '../support/emulator.js'

const kari = { email: KARI.email, password: KARI.password }
const ola = { email: OLA.email, password: OLA.password }
const INVALID = { message: 'Wrong email, phone number or password', code: 'ERR_DINTERO_INVALID_CREDENTIALS' }
const EXTRA_CLAIMS = { ext_loyalty_tier: 'gold', amr: ['pwd', 'otp'], ext_profile: { locale: 'nb-NO' } }

/** One emulator variant per unknown (and per value where the unknown has several). */
export const VARIANTS: ReadonlyArray<readonly [string, DinteroEmulatorOptions]> = [
  ['the documented defaults', {}],
  ["mfaRequired: 'nested' (mfa_token inside error)", { mfaRequired: 'nested' }],
  ["mfaRequired: 'none' (mfa_required, no mfa_token)", { mfaRequired: 'none' }],
  ['mfaRequiredStatus: 401', { mfaRequiredStatus: 401 }],
  ["mfaRequired: 'none', mfaRequiredStatus: 400", { mfaRequired: 'none', mfaRequiredStatus: 400 }],
  ["mfaGrantTypes: ['mfa_oob'] only", { mfaGrantTypes: ['mfa_oob'] }],
  ["mfaGrantTypes: ['mfa-oob'] only", { mfaGrantTypes: ['mfa-oob'] }],
  ['wrongPasswordStatus: 400', { wrongPasswordStatus: 400 }],
  ['wrongPasswordStatus: 403', { wrongPasswordStatus: 403 }],
  ['wrongPasswordStatus: 404', { wrongPasswordStatus: 404 }],
  ['unknownUserStatus: 400', { unknownUserStatus: 400 }],
  ['unknownUserStatus: 401', { unknownUserStatus: 401 }],
  ['unknownUserStatus: 403', { unknownUserStatus: 403 }],
  ['rotateRefreshTokens: true', { rotateRefreshTokens: true }],
  ["keySetShape: 'object' ({keys})", { keySetShape: 'object' }],
  ['omitExpiresIn: true', { omitExpiresIn: true }],
  ["omitOobChannel: true (with mfaRequired: 'none', so mfa_login answers in auto too)", { omitOobChannel: true, mfaRequired: 'none' }],
  ["audShape: 'array'", { audShape: 'array' }],
  ["errorBodies: 'html'", { errorBodies: 'html' }],
  ['extraClaims', { extraClaims: EXTRA_CLAIMS }],
]

/** With `mfa: 'auto'`, is the sign-in opened through customers/mfa_login (no usable mfa_token at login)? */
function opensThroughMfaLogin(variant: DinteroEmulatorOptions, mode: DinteroMfaMode): boolean {
  return mode === 'always' || variant.mfaRequired === 'none'
}

/**
 * With HTML error bodies nothing in `customers/login`'s refusal says MFA: with `mfa: 'auto'` it reads as
 * refused credentials (asking `mfa_login` "in case" would send every wrong password twice); such an
 * account signs in with `mfa: 'always'`.
 */
function mfaUnreadable(variant: DinteroEmulatorOptions, mode: DinteroMfaMode): boolean {
  return mode === 'auto' && variant.errorBodies === 'html'
}

describe('every journey against every emulator variant', function () {
  for (const [name, variant] of VARIANTS) {
    describe(name, () => {
      let emu: DinteroEmulator
      let app: TestApp | undefined
      useEmulator((e) => (emu = e), variant)
      afterEach(async () => {
        await app?.close()
        app = undefined
      })

      async function open(mfa: DinteroMfaMode = 'off', refreshWindow?: number): Promise<Browser> {
        const extras = { logout: {}, ...(refreshWindow === undefined ? {} : { refresh: { window: refreshWindow } }) }
        app = await startApp(strategyOptions(emu, { mfa, mfaResendInterval: 0 }), undefined, extras)
        return new Browser(app.url)
      }

      /** The tokens the session store holds for the only signed-in session. */
      async function storedTokens(): Promise<Record<string, any>> {
        const sessions = Object.values(await app!.sessions()).filter((s) => s.passport?.user)
        expect(sessions).to.have.length(1)
        return sessions[0]!.passport.user.tokens
      }

      for (const passwordMode of ['off', 'auto'] as const) {
        it(`password sign-in (mfa: '${passwordMode}'): unknown customer and wrong password refused alike, then the right password signs in`, async () => {
          const browser = await open(passwordMode)
          const unknown = await browser.post('/login', { email: 'nobody@example.no', password: 'whatever-1' })
          const wrong = await browser.post('/login', { email: KARI.email, password: 'wrong-password' })
          expect(unknown.status).to.equal(401)
          expect(wrong.status).to.equal(401)
          expect(unknown.json).to.deep.equal(INVALID)
          expect(wrong.json).to.deep.equal(INVALID)

          const right = await browser.post('/login', kari)
          expect(right.status).to.equal(200)
          const me = await browser.get('/me')
          expect(me.json).to.include({ signedIn: true, id: right.json.id, hasRefreshToken: true })
          const claims = app!.outcomes.at(-1)!.user.claims
          expect(claims).to.include({ name: 'Kari Nordmann', email: KARI.email })
          for (const [claim, value] of Object.entries(variant.extraClaims ?? {})) expect(claims[claim]).to.deep.equal(value)
          // A customer without MFA costs one login call per attempt and never a call to mfa_login.
          expect(emu.count('login')).to.equal(3)
          expect(emu.count('mfa_login')).to.equal(0)
        })
      }

      for (const mode of ['auto', 'always'] as const) {
        it(`MFA sign-in (mfa: '${mode}'): a wrong code counted once, a resend, then the right code`, async () => {
          const browser = await open(mode)
          const step1 = await browser.post('/login', ola)
          expect(step1.status).to.equal(401)
          if (mfaUnreadable(variant, mode)) {
            expect(step1.json).to.deep.equal(INVALID)
            expect([emu.count('login'), emu.count('mfa_login'), emu.count('mfa_challenge')]).to.deep.equal([1, 0, 0])
            return
          }
          expect(step1.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true, channel: 'email' })
          expect(emu.count('login')).to.equal(mode === 'auto' ? 1 : 0)
          expect(emu.count('mfa_login')).to.equal(opensThroughMfaLogin(variant, mode) ? 1 : 0)
          expect(emu.count('mfa_challenge')).to.equal(1)

          const first = emu.lastMfaCode(OLA.email)!
          emu.resetCounts()
          const wrong = await browser.post('/login', { code: first === '000000' ? '111111' : '000000' })
          expect(wrong.status).to.equal(401)
          expect(wrong.json).to.include({ code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, attemptsLeft: 4 })
          // Exactly one check of the code reached Dintero, whichever spelling of the grant it accepts.
          expect(emu.count('mfa_token')).to.equal(1)
          expect((await browser.get('/login/mfa')).json.pending).to.include({ attemptsLeft: 4, channel: 'email' })

          const resent = await browser.post('/login/mfa/resend', {})
          expect(resent.status).to.equal(200)
          expect(resent.json).to.include({ sent: true, channel: 'email', resendsLeft: 2 })
          const code = emu.lastMfaCode(OLA.email)!

          const right = await browser.post('/login', { code })
          expect(right.status).to.equal(200)
          expect((await browser.get('/me')).json).to.include({ signedIn: true, id: right.json.id })
          expect(emu.count('mfa_token')).to.equal(2)
        })
      }

      it('refresh: new tokens verified and stored, the refresh token rotated or kept as Dintero answers', async () => {
        const browser = await open('off', 86_400) // every request is inside the window: refresh now
        expect((await browser.post('/login', kari)).status).to.equal(200)
        const before = await storedTokens()
        emu.resetCounts()
        const me = await browser.get('/me')
        expect(me.json).to.include({ signedIn: true, hasRefreshToken: true })
        expect(emu.count('refresh')).to.equal(1)
        const after = await storedTokens()
        expect(after.accessToken).not.to.equal(before.accessToken)
        expect(emu.isRefreshTokenActive(after.refreshToken)).to.equal(true)
        if (variant.rotateRefreshTokens) {
          expect(after.refreshToken).not.to.equal(before.refreshToken)
          expect(emu.isRefreshTokenActive(before.refreshToken)).to.equal(false)
        } else {
          expect(after.refreshToken).to.equal(before.refreshToken)
        }
      })

      it('sign-out: the refresh token revoked, the session signed out', async () => {
        const browser = await open()
        expect((await browser.post('/login', kari)).status).to.equal(200)
        const { refreshToken } = await storedTokens()
        const out = await browser.post('/logout', {})
        expect(out.json).to.deep.equal({ signedIn: false })
        expect(emu.count('revoke')).to.equal(1)
        expect(emu.isRefreshTokenActive(refreshToken)).to.equal(false)
        expect((await browser.get('/me')).status).to.equal(401)
      })
    })
  }
})

describe('readings beyond the journeys', function () {
  let app: TestApp | undefined
  const emus: DinteroEmulator[] = []
  afterEach(async () => {
    await app?.close()
    app = undefined
    await Promise.all(emus.splice(0).map((e) => e.stop()))
  })

  async function emulator(options: DinteroEmulatorOptions): Promise<DinteroEmulator> {
    const emu = await startEmulator(options)
    emus.push(emu)
    return emu
  }

  /** /auth/token requests in the log that are not refreshes (code checks and refused grant types). */
  function tokenCalls(emu: DinteroEmulator): number {
    return emu.requests.filter((r) => r.path.endsWith('/auth/token') && r.endpoint !== 'refresh').length
  }

  describe('the code grant spelling', () => {
    it("retries once with the other spelling, counts the code once, and keeps the spelling that works for the strategy's lifetime", async () => {
      const emu = await emulator({ mfaGrantTypes: ['mfa_oob'] })
      app = await startApp(strategyOptions(emu, { mfa: 'auto', mfaResendInterval: 0 }))
      const browser = new Browser(app.url)
      expect((await browser.post('/login', ola)).status).to.equal(401)
      const code = emu.lastMfaCode(OLA.email)!
      emu.resetCounts()
      const wrong = await browser.post('/login', { code: code === '000000' ? '111111' : '000000' })
      expect(wrong.json).to.include({ code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 4 })
      expect(tokenCalls(emu)).to.equal(2) // mfa-oob refused as a grant type, then mfa_oob: the one check
      expect(emu.count('mfa_token')).to.equal(1)

      emu.resetCounts()
      expect((await browser.post('/login', { code })).status).to.equal(200)
      expect(tokenCalls(emu)).to.equal(1) // remembered: no second try of mfa-oob

      // A later sign-in, on another request (Passport's Object.create(strategy)): still remembered.
      const other = new Browser(app.url)
      expect((await other.post('/login', ola)).status).to.equal(401)
      emu.resetCounts()
      expect((await other.post('/login', { code: emu.lastMfaCode(OLA.email)! })).status).to.equal(200)
      expect(tokenCalls(emu)).to.equal(1)
    })

    it('with an explicit mfaGrantType, sends only that spelling and errors naming the option', async () => {
      const emu = await emulator({ mfaGrantTypes: ['mfa_oob'] })
      app = await startApp(strategyOptions(emu, { mfa: 'auto', mfaGrantType: 'mfa-oob' }))
      const browser = new Browser(app.url)
      await browser.post('/login', ola)
      emu.resetCounts()
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(502)
      expect(res.json.message).to.contain('mfaGrantType')
      expect(tokenCalls(emu)).to.equal(1)
      expect(emu.count('mfa_token')).to.equal(0)
      // The attempt is spent when the code is sent, whatever the answer (see MfaFlow.redeem).
      expect((await browser.get('/login/mfa')).json.pending).to.include({ attemptsLeft: 4 })
    })

    it('errors (502) when Dintero accepts neither spelling, after one try of each', async () => {
      const emu = await emulator({ mfaGrantTypes: ['mfa-otp'] })
      app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
      const browser = new Browser(app.url)
      await browser.post('/login', ola)
      emu.resetCounts()
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(502)
      expect(tokenCalls(emu)).to.equal(2)
    })
  })

  for (const mfaRequired of ['top', 'nested', 'none'] as const) {
    describe(`MFA required at login, mfaRequired: '${mfaRequired}'`, () => {
      it("with mfa: 'off' fails 401 ERR_DINTERO_MFA_REQUIRED, never invalid credentials", async () => {
        const emu = await emulator({ mfaRequired })
        app = await startApp(strategyOptions(emu))
        const res = await new Browser(app.url).post('/login', ola)
        expect(res.status).to.equal(401)
        expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true })
        expect(emu.count('mfa_login')).to.equal(0)
      })

      it("with mfa: 'auto' costs nothing extra for a customer without MFA, right or wrong password", async () => {
        const emu = await emulator({ mfaRequired })
        app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
        const browser = new Browser(app.url)
        expect((await browser.post('/login', { ...kari, password: 'wrong-password' })).json).to.deep.equal(INVALID)
        expect((await browser.post('/login', kari)).status).to.equal(200)
        expect(emu.count('login')).to.equal(2)
        expect(emu.count('mfa_login')).to.equal(0)
      })

      it("with mfa: 'auto' and a wrong password of an MFA customer: invalid credentials", async () => {
        const emu = await emulator({ mfaRequired })
        app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
        const res = await new Browser(app.url).post('/login', { ...ola, password: 'wrong-password' })
        expect(res.json).to.deep.equal(INVALID)
        expect(emu.count('mfa_challenge')).to.equal(0)
      })
    })
  }

  for (const status of [400, 401, 403, 404]) {
    it(`HTML refusals (status ${status}) with mfa: 'auto': a wrong password or an unknown customer costs one login call, never mfa_login`, async () => {
      const emu = await emulator({ errorBodies: 'html', wrongPasswordStatus: status, unknownUserStatus: status })
      app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
      const browser = new Browser(app.url)
      expect((await browser.post('/login', { ...kari, password: 'wrong-password' })).json).to.deep.equal(INVALID)
      expect((await browser.post('/login', { email: 'nobody@example.no', password: 'wrong-password' })).json).to.deep.equal(INVALID)
      expect(emu.count('login')).to.equal(2)
      // The password is sent to Dintero once per attempt: a second try at mfa_login would count twice towards a lockout.
      expect(emu.count('mfa_login')).to.equal(0)
    })
  }

  // Dintero's own error codes are spelled 'NOT FOUND'; an OAuth server puts the code in `error` itself.
  const MFA_REQUIRED_SPELLINGS: ReadonlyArray<readonly [number, unknown]> = [
    [403, { error: { code: 'MFA_REQUIRED', message: 'MFA required' } }],
    [403, { error: { code: 'mfa-required', message: 'MFA required' } }],
    [401, { error: { code: 'MFA REQUIRED', message: 'MFA required' } }],
    [403, { error: 'mfa_required', error_description: 'Multifactor authentication required' }],
  ]
  for (const [status, body] of MFA_REQUIRED_SPELLINGS) {
    describe(`MFA required spelled ${JSON.stringify(body)} (status ${status})`, () => {
      it("with mfa: 'auto' opens the sign-in through customers/mfa_login and sends the code, never invalid credentials", async () => {
        const emu = await emulator({})
        app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
        emu.fault('login', { status, body, times: 1 })
        const res = await new Browser(app.url).post('/login', ola)
        expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true, channel: 'email' })
        expect(emu.count('mfa_login')).to.equal(1)
        expect(emu.count('mfa_challenge')).to.equal(1)
      })

      it("with mfa: 'off' fails 401 ERR_DINTERO_MFA_REQUIRED", async () => {
        const emu = await emulator({})
        app = await startApp(strategyOptions(emu))
        emu.fault('login', { status, body, times: 1 })
        const res = await new Browser(app.url).post('/login', ola)
        expect(res.status).to.equal(401)
        expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true })
      })
    })
  }

  it("customers/login answering 200 as mfa_login does ({mfa_token}, no access_token): the code step, not an error", async () => {
    const emu = await emulator({})
    app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
    // A real mfa_token of Ola's, opened the documented way, served as customers/login's 200 answer.
    emu.fault('login', { status: 200, body: { mfa_token: await openMfa(emu), challenge_type: 'oob', links: [] }, times: 1 })
    const browser = new Browser(app.url)
    const step1 = await browser.post('/login', ola)
    expect(step1.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true, channel: 'email' })
    const right = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
    expect(right.status).to.equal(200)
  })

  for (const mfa of ['auto', 'off'] as const) {
    it(`customers/login answering 200 with an access token AND saying MFA (mfa_token, mfa_required) never signs in without the code (mfa: '${mfa}')`, async () => {
      const emu = await emulator({})
      app = await startApp(strategyOptions(emu, { mfa }))
      // A token that would pass verification (right key, audience, issuer, exp) beside the MFA answer:
      // the answer says the sign-in is not complete, so the token must not complete it.
      const now = Math.floor(Date.now() / 1000)
      const accessToken = emu.signToken({ sub: 'ola-pre-mfa', aud: emu.audience, iss: emu.issuer, iat: now, exp: now + 3600 })
      const body = { access_token: accessToken, token_type: 'Bearer', mfa_token: await openMfa(emu), error: { code: 'mfa_required' } }
      emu.fault('login', { status: 200, body, times: 1 })
      const browser = new Browser(app.url)
      const res = await browser.post('/login', ola)
      expect(res.status, 'the sign-in').to.equal(401)
      expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true })
      expect((await browser.get('/me')).status, 'GET /me after it').to.equal(401)
      if (mfa === 'off') return
      // With MFA on, the code step follows with that answer's mfa_token, and signs the customer in.
      expect((await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })).status, 'the code step').to.equal(200)
      const me = (await browser.get('/me')).json as { signedIn: boolean; id: string }
      expect(me.signedIn).to.equal(true)
      expect(me.id, "signed in with the code grant's token, not the one beside the MFA answer").not.to.equal('ola-pre-mfa')
    })
  }

  for (const body of [{ error: { code: 'UNSUPPORTED_GRANT_TYPE' } }, { error: 'unsupported_grant_type' }]) {
    it(`the code grant's spelling falls back on ${JSON.stringify(body)} too, and checks the code once`, async () => {
      const emu = await emulator({})
      app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
      const browser = new Browser(app.url)
      expect((await browser.post('/login', ola)).status).to.equal(401)
      emu.fault('mfa_token', { status: 400, body, times: 1 })
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(200)
    })
  }

  it("mfa_required at the refresh grant reads as a refused refresh token (the customer signs in again)", async () => {
    const emu = await emulator({})
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    app = await startAppWith(strategy, { logout: {} })
    const browser = new Browser(app.url)
    expect((await browser.post('/login', kari)).status).to.equal(200)
    const tokens = app.outcomes.at(-1)!.user.tokens
    for (const status of [400, 401, 403, 409]) {
      emu.fault('refresh', { status, body: { error: { code: 'mfa_required', message: 'MFA required' } }, times: 1 })
      const err = await strategy.refresh(tokens).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err, `status ${status}`).to.be.instanceOf(RefreshRejectedError)
    }
  })

  it('mfa_required at the code grant reads as an expired MFA sign-in: sign in again, the pending sign-in dropped', async () => {
    const emu = await emulator({})
    app = await startApp(strategyOptions(emu, { mfa: 'auto' }))
    const browser = new Browser(app.url)
    expect((await browser.post('/login', ola)).status).to.equal(401)
    emu.fault('mfa_token', { status: 401, body: { error: { code: 'mfa_required', message: 'MFA required' } }, times: 1 })
    const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
    expect(res.status).to.equal(401)
    expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_EXPIRED' })
    expect((await browser.get('/login/mfa')).json.pending).to.equal(null)
  })

  it("without oob_channel the code goes where the customer signed in: 'sms' for a phone number", async () => {
    const emu = await emulator({ omitOobChannel: true })
    emu.addUser({ phone: '+4798765432', password: 'phone-password', mfa: true })
    app = await startApp(strategyOptions(emu, { mfa: 'always' }))
    const res = await new Browser(app.url).post('/login', { email: '+47 987 65 432', password: 'phone-password' })
    expect(res.status).to.equal(401)
    expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', channel: 'sms' })
  })

  it('a client token without expires_in is renewed by its own exp, before Dintero refuses it', async () => {
    // 4 s, not 1: exp is in whole seconds, so a 1 s token could be due after a few hundred ms, and a
    // sign-in that slow on a loaded machine (a Stryker dry run beside other runs) renewed it twice.
    const emu = await emulator({ omitExpiresIn: true, clientTokenTtl: 4 })
    app = await startApp(strategyOptions(emu))
    const browser = new Browser(app.url)
    expect((await browser.post('/login', kari)).status).to.equal(200)
    await new Promise((resolve) => setTimeout(resolve, 4100))
    expect((await browser.post('/login', kari)).status).to.equal(200)
    expect(emu.count('client_token')).to.equal(2)
    // Renewed ahead of time: no call ever went out with an expired client token.
    expect(emu.requests.filter((r) => r.endpoint === 'login').map((r) => r.status)).to.deep.equal([200, 200])
  })
})

/** A real mfa_token of Ola's, opened the documented way (`customers/mfa_login` with a client token). */
async function openMfa(emu: DinteroEmulator): Promise<string> {
  const basic = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')
  const post = async (path: string, authorization: string, body: object) => {
    const res = await fetch(`${emu.baseUrl}/v1/accounts/${emu.accountId}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return (await res.json()) as Record<string, string>
  }
  const client = await post('/auth/token', `Basic ${basic}`, { grant_type: 'client_credentials', audience: emu.audience })
  const opened = await post('/customers/mfa_login', `Bearer ${client['access_token']}`, {
    ident_type: 'email', ident: OLA.email, audience: emu.audience, type: 'customer', secret: OLA.password,
  })
  return opened['mfa_token']!
}
