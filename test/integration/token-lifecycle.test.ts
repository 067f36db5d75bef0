/**
 * Token lifecycle end to end: refreshTokens() and logout() in Express 5 + express-session + Passport
 * over real loopback HTTP, against an emulator whose access tokens live 2 seconds. Waits are derived
 * from each token's own expiresAt.
 */
import { inspect } from 'node:util'
import { expect } from 'chai'
import session from 'express-session'
import {
  DinteroPasswordStrategy,
  RefreshRejectedError,
  TokenVerificationError,
  UpstreamUnavailableError,
} from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { type AppExtras, startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator, useEmulator, strategyOptions } from '../support/emulator.js'
import { captureDebugLogs, leakedSecrets } from '../support/secrets.js'

const TTL_SECONDS = 2
const creds = { email: KARI.email, password: KARI.password }

/** Resolves once at most `remainingMs` of the token's life (expiresAt, ms since epoch) is left. */
function untilRemaining(expiresAt: number, remainingMs: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - remainingMs - Date.now())))
}

/** Resolves just after `expiresAt` (ms since epoch) has passed. */
/** Polls `check` every 20 ms until it holds; fails after `ms`. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function untilExpired(expiresAt: number): Promise<void> {
  return untilRemaining(expiresAt, -25)
}

/** A window that makes a 2 s token due for refresh right after sign-in. */
const EARLY_WINDOW = TTL_SECONDS - 0.2

describe('token lifecycle over HTTP (2 s access tokens)', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e), { accessTokenTtl: TTL_SECONDS })
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function open(extras: AppExtras = { refresh: { window: 0.5 }, logout: {} }, target = emu): Promise<Browser> {
    app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(target)), extras)
    return new Browser(app.url)
  }

  let lines: string[] = []
  /** Runs `step` with the debug log captured; {@link refreshLines} then gives refreshTokens' lines. */
  async function logged<T>(step: () => Promise<T>): Promise<T> {
    const capture = captureDebugLogs()
    try {
      return await step()
    } finally {
      capture.stop()
      lines = capture.lines
    }
  }
  /** The messages of the captured lines under passport-dintero:refresh, without date and namespace. */
  function refreshLines(): string[] {
    return lines.filter((line) => line.includes(' passport-dintero:refresh ')).map((line) => line.slice(line.indexOf(' passport-dintero:refresh ') + ' passport-dintero:refresh '.length).trimEnd())
  }

  /** Signs in and returns the tokens the session store holds. */
  async function signIn(browser: Browser, target = emu): Promise<{ accessToken: string; refreshToken: string; expiresAt: number }> {
    const res = await browser.post('/login', creds)
    expect(res.status).to.equal(200)
    target.resetCounts()
    return storedTokens()
  }

  async function storedUsers(): Promise<any[]> {
    return Object.values(await app!.sessions()).map((s) => s.passport?.user)
  }

  async function storedTokens(): Promise<any> {
    const users = (await storedUsers()).filter(Boolean)
    expect(users).to.have.length(1)
    return users[0].tokens
  }

  describe('a session used after its access token expired', () => {
    it('stays signed in with new tokens, after exactly one refresh call', async () => {
      const browser = await open()
      const before = await signIn(browser)
      await untilExpired(before.expiresAt)

      const me = await browser.get('/me')
      expect(me.status).to.equal(200)
      expect(me.json.signedIn).to.equal(true)
      expect(me.json.expiresAt).to.be.greaterThan(before.expiresAt)
      expect(emu.count('refresh')).to.equal(1)

      const after = await storedTokens()
      expect(after.accessToken).to.not.equal(before.accessToken)
      expect(after.expiresAt).to.equal(me.json.expiresAt)
      // Dintero returned no refresh token (no rotation): the old one is kept.
      expect(after.refreshToken).to.equal(before.refreshToken)
      const user = (await storedUsers())[0]
      const claims = JSON.parse(Buffer.from(user.tokens.accessToken.split('.')[1], 'base64url').toString())
      expect(claims.exp * 1000).to.equal(after.expiresAt)

      // The next request finds fresh tokens: no second refresh.
      const again = await browser.get('/me')
      expect(again.json.expiresAt).to.equal(after.expiresAt)
      expect(emu.count('refresh')).to.equal(1)
    })

    it('20 parallel requests of one session make one refresh call and all succeed', async () => {
      const browser = await open()
      const before = await signIn(browser)
      await untilExpired(before.expiresAt)

      const answers = await Promise.all(Array.from({ length: 20 }, () => browser.get('/me')))
      for (const me of answers) {
        expect(me.status).to.equal(200)
        expect(me.json.signedIn).to.equal(true)
        expect(me.json.expiresAt).to.be.greaterThan(before.expiresAt)
      }
      expect(emu.count('refresh')).to.equal(1)
      expect(new Set(answers.map((a) => a.json.expiresAt)).size).to.equal(1)
      expect((await storedTokens()).expiresAt).to.equal(answers[0]!.json.expiresAt)
      expect(app!.strategy).to.be.instanceOf(DinteroPasswordStrategy)
    })

    it('refreshes ahead of expiry within the window', async () => {
      const browser = await open({ refresh: { window: EARLY_WINDOW } })
      const before = await signIn(browser)
      // Into the token's last second: inside the window, and the new token's whole-second exp differs.
      await untilRemaining(before.expiresAt, 950)
      expect(before.expiresAt).to.be.greaterThan(Date.now())
      const me = await browser.get('/me')
      expect(me.json.signedIn).to.equal(true)
      expect(emu.count('refresh')).to.equal(1)
      expect((await storedTokens()).accessToken).to.not.equal(before.accessToken)
    })

    it('a session ended in the store during a refresh (no rotation) stays ended; the refresh token is not revoked', async () => {
      emu.revokeAllRefreshTokens() // this emulator is shared: count only this test's tokens
      const browser = await open()
      const before = await signIn(browser)
      await untilExpired(before.expiresAt)
      emu.fault('refresh', { answerDelayMs: 400, times: 1 })
      const page = browser.get('/me')
      await new Promise((resolve) => setTimeout(resolve, 100))
      // Gone from the store while Dintero answers (an admin, the store's expiry, or a regenerate).
      for (const sid of Object.keys(await app!.sessions())) await new Promise((resolve) => app!.store.destroy(sid, resolve))
      expect((await logged(() => page)).json.signedIn).to.equal(false)
      expect(refreshLines()).to.deep.equal(['the session was signed out during the refresh: signing out'])
      expect((await storedUsers()).filter(Boolean)).to.deep.equal([])
      expect(emu.count('refresh')).to.equal(1)
      // Not revoked: a session regenerated with the same user while the refresh was under way (Passport's
      // req.login, say) holds that very token, and revoking it would sign the customer out there.
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(emu.count('revoke')).to.equal(0)
      expect(emu.isRefreshTokenActive(before.refreshToken)).to.equal(true)
    })

    it('does not refresh while the token is outside the window', async () => {
      const browser = await open({ refresh: { window: 0 } })
      await signIn(browser)
      const me = await browser.get('/me')
      expect(me.json.signedIn).to.equal(true)
      expect(emu.count('refresh')).to.equal(0)
    })
  })

  describe('refresh token rotation', () => {
    let rotating: DinteroEmulator
    before(async () => {
      rotating = await startEmulator({ accessTokenTtl: TTL_SECONDS, rotateRefreshTokens: true })
    })
    after(async () => {
      await rotating.stop()
    })

    it('takes the rotated refresh token; the old one is dead', async () => {
      const browser = await open(undefined, rotating)
      const before = await signIn(browser, rotating)
      await untilExpired(before.expiresAt)
      expect((await browser.get('/me')).json.signedIn).to.equal(true)
      const after = await storedTokens()
      expect(after.refreshToken).to.be.a('string').and.not.equal(before.refreshToken)
      expect(rotating.isRefreshTokenActive(after.refreshToken)).to.equal(true)
      expect(rotating.isRefreshTokenActive(before.refreshToken)).to.equal(false)
      expect(rotating.count('refresh')).to.equal(1)
    })

    // Mounted after refreshTokens, the /logout request joins the refresh in flight there; mounted before,
    // logout finds the refresh in flight itself and waits for it. Either way the rotated token is revoked.
    for (const [mount, logoutBeforeRefresh] of [
      ['logout after refreshTokens', false],
      ['logout mounted before refreshTokens (it waits for the refresh itself)', true],
    ] as const) {
      it(`a sign-out while a rotating refresh is in flight, ${mount}: signed out for good, and no refresh token left active`, async () => {
        rotating.revokeAllRefreshTokens() // this emulator is shared: count only this test's tokens
        const browser = await open({ refresh: { window: 0.5 }, logout: {}, logoutBeforeRefresh }, rotating)
        const before = await signIn(browser, rotating)
        expect(rotating.activeRefreshTokens()).to.equal(1)
        await untilExpired(before.expiresAt)
        // Dintero rotates at once but answers 400 ms later: the new refresh token exists before the app knows it.
        rotating.fault('refresh', { answerDelayMs: 400, times: 1 })
        const page = browser.get('/me') // starts the refresh
        await new Promise((resolve) => setTimeout(resolve, 100))
        const out = await browser.request('/logout', { method: 'POST' })
        expect(out.json.signedIn).to.equal(false)
        // The page was asked for while signed in: it is answered with the refreshed tokens; logout waited for them.
        expect((await page).status).to.equal(200)
        expect(rotating.count('refresh')).to.equal(1)
        // Logout waited for the refresh and revoked the token it rotated in: one revoke, nothing left active.
        expect(rotating.count('revoke')).to.equal(1)
        expect(rotating.isRefreshTokenActive(before.refreshToken)).to.equal(false) // spent by the rotation
        expect(rotating.activeRefreshTokens()).to.equal(0)
        expect(await app!.sessions()).to.deep.equal({})
        expect((await browser.get('/me')).json.signedIn).to.equal(false)
      })
    }

    it('a session ended in the store during a rotating refresh stays ended, and the rotated token is revoked', async () => {
      rotating.revokeAllRefreshTokens() // this emulator is shared: count only this test's tokens
      const browser = await open(undefined, rotating)
      const before = await signIn(browser, rotating)
      await untilExpired(before.expiresAt)
      rotating.fault('refresh', { answerDelayMs: 400, times: 1 })
      const page = browser.get('/me')
      await new Promise((resolve) => setTimeout(resolve, 100))
      // Ended elsewhere (another instance's logout, an admin): gone from the store while Dintero answers.
      for (const sid of Object.keys(await app!.sessions())) await new Promise((resolve) => app!.store.destroy(sid, resolve))
      expect((await page).json.signedIn).to.equal(false)
      // Not signed in again by the refresh that was under way (a fresh, empty session may exist).
      expect((await storedUsers()).filter(Boolean)).to.deep.equal([])
      expect(rotating.count('refresh')).to.equal(1)
      await until(() => rotating.activeRefreshTokens() === 0)
    })

    it('a request that loaded the session before the refresh landed does not put the old tokens back', async () => {
      let release!: () => void
      const gate = new Promise<void>((resolve) => (release = resolve))
      let entered!: () => void
      const slowEntered = new Promise<void>((resolve) => (entered = resolve))
      const browser = await open(
        {
          refresh: { window: 0.5 },
          routes: (express) =>
            express.get('/slow', async (req, res) => {
              entered()
              await gate
              ;(req.session as any).visits = 1 // modified: express-session saves this copy when it ends
              res.json({ ok: true })
            }),
        },
        rotating,
      )
      const before = await signIn(browser, rotating)
      const slow = browser.get('/slow') // loads the session with the tokens about to be replaced
      await slowEntered
      await untilExpired(before.expiresAt)
      expect((await browser.get('/me')).json.signedIn).to.equal(true) // refresh lands, rotating the token
      release()
      expect((await slow).status).to.equal(200)

      const stored = await storedTokens()
      expect(stored.refreshToken).to.not.equal(before.refreshToken)
      expect(rotating.isRefreshTokenActive(stored.refreshToken)).to.equal(true)
      expect((await storedUsers())).to.have.length(1)
      expect(Object.values(await app!.sessions())[0].visits).to.equal(1)
      const me = await browser.get('/me')
      expect(me.json.signedIn).to.equal(true)
      expect(rotating.count('refresh')).to.equal(1)
    })

    it('with resave: true, parallel requests past expiry still make one refresh and keep the rotated token', async () => {
      const browser = await open({ refresh: { window: 0.5 }, resave: true }, rotating)
      const before = await signIn(browser, rotating)
      await untilExpired(before.expiresAt)
      const answers = await Promise.all(Array.from({ length: 10 }, () => browser.get('/me')))
      expect(answers.map((a) => a.json.signedIn)).to.deep.equal(Array(10).fill(true))
      expect(rotating.count('refresh')).to.equal(1)
      const stored = await storedTokens()
      expect(rotating.isRefreshTokenActive(stored.refreshToken)).to.equal(true)
      expect((await browser.get('/me')).json.signedIn).to.equal(true)
      expect(rotating.count('refresh')).to.equal(1)
    })
  })

  describe('refresh refused', () => {
    it('a refresh token revoked at the emulator signs the next request out; the session holds no tokens', async () => {
      const browser = await open()
      const before = await signIn(browser)
      emu.revokeRefreshToken(before.refreshToken)
      await untilExpired(before.expiresAt)

      const me = await logged(() => browser.get('/me'))
      expect(refreshLines()).to.deep.equal(['Dintero refused the refresh token: signing out'])
      expect(me.status).to.equal(401)
      expect(me.json.signedIn).to.equal(false)
      expect(emu.count('refresh')).to.equal(1)
      const users = await storedUsers()
      expect(users.filter(Boolean)).to.deep.equal([])
      expect(JSON.stringify(await app!.sessions())).to.not.include(before.refreshToken)

      // Signed out for good: no more refresh attempts.
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
      expect(emu.count('refresh')).to.equal(1)
    })

    it('a stored user without tokens at the refresh (a serializeUser that drops them) fails the request with a TypeError that says so', async () => {
      /** Serves each session intact to express-session, and with the user's tokens stripped to any later read (refreshTokens' re-read). */
      class StripsOnReread extends session.MemoryStore {
        strip = false
        private _reads = 0
        override get(sid: string, callback: (err: any, data?: session.SessionData | null) => void): void {
          super.get(sid, (err, data) => {
            const user = (data as any)?.passport?.user
            if (this.strip && this._reads++ > 0 && user) data = { ...data, passport: { user: { id: user.id } } } as any
            callback(err, data)
          })
        }
      }
      const store = new StripsOnReread()
      const browser = await open({ refresh: { window: 0.5 }, store })
      const before = await signIn(browser)
      await untilExpired(before.expiresAt)
      store.strip = true
      const me = await browser.get('/me')
      expect(me.status).to.equal(500)
      const err = app!.outcomes.at(-1)!.error
      expect(err).to.be.instanceOf(TypeError)
      expect((err as Error).message).to.equal("refreshTokens: the session's user has no tokens; store them with the user (see serializeUser)")
      expect(emu.count('refresh')).to.equal(0)
    })

    it('an expired access token without a refresh token signs out without calling Dintero', async () => {
      const noRefresh = await startEmulator({ accessTokenTtl: TTL_SECONDS, clientScopes: ['write:accounts:/auth/users', 'read:accounts'] })
      try {
        const browser = await open(undefined, noRefresh)
        const res = await browser.post('/login', creds)
        expect(res.status).to.equal(200)
        const [user] = (await storedUsers()).filter(Boolean)
        expect(user.tokens.refreshToken).to.equal(undefined)
        await untilExpired(user.tokens.expiresAt)
        const me = await logged(() => browser.get('/me'))
        expect(refreshLines()).to.deep.equal(['access token expired and there is no refresh token: signing out'])
        expect(me.status).to.equal(401)
        expect(noRefresh.count('refresh')).to.equal(0)
        expect((await storedUsers()).filter(Boolean)).to.deep.equal([])
      } finally {
        await noRefresh.stop()
      }
    })
  })

  describe('Dintero unavailable during the refresh', () => {
    for (const [name, fault] of [
      ['answers 503', { status: 503 }],
      ['drops the connection', { destroy: true }],
    ] as const) {
      it(`${name}: the request gets 503, the session is unchanged and works once Dintero is back`, async () => {
        const browser = await open()
        const before = await signIn(browser)
        await untilExpired(before.expiresAt)
        emu.fault('refresh', fault)

        const failed = await logged(() => browser.get('/me'))
        expect(refreshLines()).to.deep.equal(['refresh failed (ERR_DINTERO_UNAVAILABLE) and the access token has expired'])
        expect(failed.status).to.equal(503)
        expect(failed.json.error).to.equal('ERR_DINTERO_UNAVAILABLE')
        expect(app!.outcomes.at(-1)!.error).to.be.instanceOf(UpstreamUnavailableError)
        expect(await storedTokens()).to.deep.equal(before)

        emu.clearFaults() // Dintero is back
        const failedCalls = emu.count('refresh')
        const me = await browser.get('/me')
        expect(me.status).to.equal(200)
        expect(me.json.signedIn).to.equal(true)
        expect(me.json.expiresAt).to.be.greaterThan(before.expiresAt)
        expect(emu.count('refresh')).to.equal(failedCalls + 1)
        expect((await storedTokens()).expiresAt).to.equal(me.json.expiresAt)
      })
    }

    it('goes ahead with the still-valid access token when a refresh ahead of expiry fails', async () => {
      const browser = await open({ refresh: { window: EARLY_WINDOW } })
      const before = await signIn(browser)
      await untilRemaining(before.expiresAt, 950)
      emu.fault('refresh', { status: 503, times: 1 })
      const me = await logged(() => browser.get('/me'))
      expect(refreshLines()).to.deep.equal(['refresh failed (ERR_DINTERO_UNAVAILABLE); the access token is still valid, going ahead with it'])
      expect(me.status).to.equal(200)
      expect(me.json.expiresAt).to.equal(before.expiresAt)
      expect(await storedTokens()).to.deep.equal(before)
      expect(emu.count('refresh')).to.equal(1)
    })
  })

  describe('logout', () => {
    it('revokes the refresh token once, signs out and destroys the session', async () => {
      const browser = await open()
      const before = await signIn(browser)
      const res = await browser.request('/logout', { method: 'POST' })
      expect(res.status).to.equal(200)
      expect(res.json.signedIn).to.equal(false)
      expect(emu.count('revoke')).to.equal(1)
      expect(emu.isRefreshTokenActive(before.refreshToken)).to.equal(false)
      const refused = await app!.strategy.refresh({ ...before, tokenType: 'Bearer' }).catch((e: unknown) => e)
      expect(refused).to.be.instanceOf(RefreshRejectedError)
      expect(await app!.sessions()).to.deep.equal({})
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
    })

    it('a failed revoke never blocks the local sign-out, and is reported', async () => {
      const reported: unknown[] = []
      const browser = await open({ refresh: { window: 0.5 }, logout: { onRevokeError: (err) => reported.push(err) } })
      const before = await signIn(browser)
      emu.fault('revoke', { status: 503 })
      const res = await browser.request('/logout', { method: 'POST' })
      expect(res.status).to.equal(200)
      expect(res.json.signedIn).to.equal(false)
      expect(reported).to.have.length(1)
      expect(reported[0]).to.be.instanceOf(UpstreamUnavailableError)
      expect(await app!.sessions()).to.deep.equal({})
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
      expect(emu.isRefreshTokenActive(before.refreshToken)).to.equal(true)
    })

    it('signed out already: no revoke call, still answers', async () => {
      const browser = await open()
      const res = await browser.request('/logout', { method: 'POST' })
      expect(res.status).to.equal(200)
      expect(emu.count('revoke')).to.equal(0)
    })
  })

  describe('strategy.refresh and strategy.revoke (tokens kept elsewhere)', () => {
    async function signedIn() {
      const strategy = new DinteroPasswordStrategy(strategyOptions(emu))
      app = await startAppWith(strategy)
      const browser = new Browser(app.url)
      const tokens = { ...(await signIn(browser)), tokenType: 'Bearer' }
      return { strategy, tokens }
    }

    it('refresh returns verified tokens and keeps the refresh token when Dintero returns none', async () => {
      const { strategy, tokens } = await signedIn()
      const { tokens: next, claims } = await strategy.refresh(tokens)
      expect(next.refreshToken).to.equal(tokens.refreshToken)
      expect(next.expiresAt).to.equal(claims.exp * 1000)
      expect(claims.email).to.equal(KARI.email)
      expect(next.tokenType).to.equal('Bearer')
      expect(emu.count('refresh')).to.equal(1)
    })

    it('refresh refuses a new access token for another customer', async () => {
      const { strategy, tokens } = await signedIn()
      emu.fault('refresh', { accessToken: (claims, e) => e.signToken({ ...claims, sub: 'someone-else' }) })
      const err = await strategy.refresh(tokens).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect((err as Error).message).to.match(/another customer/)
    })

    it('refresh refuses when the old access token names no customer to compare with', async () => {
      const { strategy, tokens } = await signedIn()
      const err = await strategy.refresh({ ...tokens, accessToken: 'not-a-jwt' }).catch((e: unknown) => e)
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect((err as Error).message).to.match(/another customer/)
    })

    it('a dump of the strategy after a sign-in shows neither the client secret nor the client token', async () => {
      const { strategy } = await signedIn()
      const dumped = inspect(strategy, { depth: Infinity }) + inspect(strategy._client, { depth: Infinity })
      expect(dumped).to.include('_verifier').and.to.include('_tokens') // the dump reaches the token cache
      expect(dumped).not.to.include(emu.clientSecret)
      expect(dumped).not.to.match(/eyJ[\w-]+\.eyJ/) // no JWT: the cached client token
      // Nor with hidden fields shown (util.inspect's showHidden), nor in JSON.
      const hidden = inspect(strategy, { depth: Infinity, showHidden: true }) + inspect(strategy._client, { depth: Infinity, showHidden: true })
      expect(hidden).to.include('[clientSecret]: [Getter]')
      expect(hidden).not.to.include(emu.clientSecret)
      expect(JSON.stringify(strategy._options)).not.to.include(emu.clientSecret)
      expect(strategy._options.clientSecret).to.equal(emu.clientSecret) // still readable where it is used
    })

    it('refresh verifies the new access token as at sign-in (a token signed with another key is refused)', async () => {
      const { strategy, tokens } = await signedIn()
      emu.fault('refresh', { accessToken: 'wrong-key' })
      expect(await strategy.refresh(tokens).catch((e: unknown) => e)).to.be.instanceOf(TokenVerificationError)
    })

    it('refresh without a refresh token is a TypeError, and nothing is sent', async () => {
      const { strategy, tokens } = await signedIn()
      const { refreshToken: _dropped, ...withoutRefresh } = tokens
      expect(await strategy.refresh(withoutRefresh).catch((e: unknown) => e)).to.be.instanceOf(TypeError)
      expect(emu.count('refresh')).to.equal(0)
    })

    it('revoke makes the refresh token unusable', async () => {
      const { strategy, tokens } = await signedIn()
      await strategy.revoke(tokens.refreshToken)
      expect(emu.isRefreshTokenActive(tokens.refreshToken)).to.equal(false)
      expect(await strategy.refresh(tokens).catch((e: unknown) => e)).to.be.instanceOf(RefreshRejectedError)
    })
  })

  it('writes no token to the debug log while refreshing, refusing and logging out', async () => {
    const capture = captureDebugLogs()
    try {
      const browser = await open()
      const first = await signIn(browser)
      await untilExpired(first.expiresAt)
      await browser.get('/me')
      const second = await storedTokens()
      await browser.request('/logout', { method: 'POST' })
      const leaks = leakedSecrets(capture.lines.join('\n'), {
        firstAccess: first.accessToken,
        refresh: first.refreshToken,
        secondAccess: second.accessToken,
      })
      expect(capture.lines.some((l) => l.includes('tokens refreshed'))).to.equal(true)
      expect(leaks).to.deep.equal([])
    } finally {
      capture.stop()
    }
  })
})
