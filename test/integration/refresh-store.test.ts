/**
 * refreshTokens() when the session store changed since a request loaded the session: two instances
 * (two Express apps, each with its own DinteroPasswordStrategy) share one asynchronous in-memory store,
 * in one process, over real loopback HTTP to the emulator (rotating refresh tokens). The store hands a
 * request an earlier copy of the session on demand (what a request sees that loaded it just before
 * the other instance stored), so each path runs deterministically: newer tokens already stored (taken,
 * or refreshed from when due), refused but newer tokens stored meanwhile, signed out meanwhile, and the
 * same-customer check on stored tokens. Access-token lifetimes come from the emulator's `accessToken`
 * fault (a token due within the window from the start, or just expired), never from waiting.
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy, TokenVerificationError } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator, strategyOptions } from '../support/emulator.js'
import { captureDebugLogs } from '../support/secrets.js'
import { SnapshotStore } from '../support/snapshot-store.js'

/** The refresh window of both instances, seconds: a token living {@link DUE} s is due, one of a day is not. */
const WINDOW = 30
const DUE = 10
const PER = { email: 'per@example.no', password: 'per-password-123' }

/** An `accessToken` fault: the real token's claims, but expiring `seconds` from now (negative: expired, within the clock tolerance). */
function living(seconds: number) {
  return {
    accessToken: (claims: Record<string, unknown>, emu: DinteroEmulator) => emu.signToken({ ...claims, exp: Math.floor(Date.now() / 1000) + seconds }),
    times: 1,
  }
}

/** Polls `check` every 5 ms until it holds; fails after `ms`. */
async function until(check: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function subOf(accessToken: string): string {
  return JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()).sub
}

describe('refreshTokens: the store changed since the request loaded the session (two instances, one store)', function () {
  let emu: DinteroEmulator
  let store: SnapshotStore
  let apps: TestApp[] = []

  before(async () => {
    emu = await startEmulator({ rotateRefreshTokens: true })
    emu.addUser({ email: PER.email, password: PER.password })
  })
  after(async () => {
    await emu.stop()
  })
  beforeEach(() => {
    emu.clearFaults()
    emu.resetCounts()
    store = new SnapshotStore()
  })
  afterEach(async () => {
    await Promise.all(apps.map((app) => app.close()))
    apps = []
  })

  /** Two instances sharing `store`; a browser on each with one cookie jar (one visitor). */
  async function instances(over: { timeoutB?: number } = {}): Promise<{ a: Browser; b: Browser }> {
    const a = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu)), { store, refresh: { window: WINDOW }, logout: {} })
    const b = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu, over.timeoutB ? { timeout: over.timeoutB } : {})), {
      store,
      refresh: { window: WINDOW },
      logout: {},
    })
    apps.push(a, b)
    const browser = new Browser(a.url)
    return { a: browser, b: new Browser(b.url, browser.jar) }
  }

  /** Signs `who` in through `browser` with an access token living `seconds`; returns the session id and what the store holds. */
  async function signIn(browser: Browser, seconds: number, who: { email: string; password: string } = KARI): Promise<{ sid: string; data: any; tokens: any }> {
    emu.fault('login', living(seconds))
    const before = new Set(Object.keys(await allSessions()))
    expect((await browser.post('/login', { email: who.email, password: who.password })).status).to.equal(200)
    const sid = Object.keys(await allSessions()).find((id) => !before.has(id))!
    const data = await store.read(sid)
    emu.resetCounts()
    return { sid, data, tokens: data.passport.user.tokens }
  }

  function allSessions(): Promise<Record<string, any>> {
    return new Promise((resolve, reject) => store.all((err: unknown, all: any) => (err ? reject(err) : resolve(all ?? {}))))
  }

  async function storedTokens(sid: string): Promise<any> {
    return (await store.read(sid))?.passport?.user?.tokens
  }

  it('newer tokens the other instance stored, not due: taken without a refresh call', async () => {
    const { a, b } = await instances()
    const first = await signIn(a, DUE)
    const refreshed = await a.get('/me') // due: instance A refreshes (and rotates the refresh token)
    expect(refreshed.json.signedIn).to.equal(true)
    expect(emu.count('refresh')).to.equal(1)
    const second = await storedTokens(first.sid)
    expect(second.expiresAt).to.be.greaterThan(first.tokens.expiresAt + WINDOW * 1000)

    // Instance B's request loaded the session before A stored: its copy holds the spent refresh token.
    store.serveNextGet(first.sid, first.data)
    const capture = captureDebugLogs()
    let me
    try {
      me = await b.get('/me')
    } finally {
      capture.stop()
    }
    expect(me.status).to.equal(200)
    expect(me.json).to.include({ signedIn: true, expiresAt: second.expiresAt })
    expect(emu.count('refresh'), 'no second refresh').to.equal(1)
    expect(await storedTokens(first.sid)).to.deep.equal(second)
    expect(emu.isRefreshTokenActive(second.refreshToken)).to.equal(true)
    expect(capture.lines.some((l) => l.includes('newer tokens are already in the store: taking them'))).to.equal(true)
  })

  it('newer tokens the other instance stored, but due too: refreshed from them (the loaded refresh token is spent)', async () => {
    const { a, b } = await instances()
    const first = await signIn(a, DUE)
    emu.fault('refresh', living(DUE + 2))
    expect((await a.get('/me')).json.signedIn).to.equal(true)
    const second = await storedTokens(first.sid)
    expect(second.refreshToken).to.not.equal(first.tokens.refreshToken)
    expect(second.expiresAt - Date.now()).to.be.below(WINDOW * 1000) // still due

    store.serveNextGet(first.sid, first.data)
    const me = await b.get('/me')
    expect(me.status).to.equal(200)
    expect(me.json.signedIn).to.equal(true)
    expect(emu.count('refresh')).to.equal(2)
    const third = await storedTokens(first.sid)
    expect(me.json.expiresAt).to.equal(third.expiresAt)
    expect(third.expiresAt).to.be.greaterThan(second.expiresAt + WINDOW * 1000)
    expect(emu.isRefreshTokenActive(third.refreshToken)).to.equal(true)
    expect(emu.isRefreshTokenActive(second.refreshToken)).to.equal(false)
  })

  it('refused, and the other instance stores newer tokens meanwhile: B takes them, nobody is signed out', async () => {
    const { a, b } = await instances()
    const first = await signIn(a, DUE)
    // A's refresh is done at once (the refresh token rotates) but answered 300 ms later.
    emu.fault('refresh', { answerDelayMs: 300, times: 1 })
    const capture = captureDebugLogs()
    let pageA, pageB
    try {
      pageA = a.get('/me')
      await until(() => emu.count('refresh') === 1)
      pageB = await b.get('/me') // refused: A spent the refresh token; waits for A's new tokens
      pageA = await pageA
    } finally {
      capture.stop()
    }
    expect(pageA.json.signedIn).to.equal(true)
    expect(pageB.status).to.equal(200)
    expect(pageB.json.signedIn).to.equal(true)
    expect(emu.count('refresh')).to.equal(2)
    const stored = await storedTokens(first.sid)
    expect(pageB.json.expiresAt).to.equal(stored.expiresAt)
    expect(pageA.json.expiresAt).to.equal(stored.expiresAt)
    expect(emu.isRefreshTokenActive(stored.refreshToken)).to.equal(true)
    expect(capture.lines.some((l) => l.includes('refresh token refused, but newer tokens are in the store: taking them'))).to.equal(true)
    expect((await b.get('/me')).json.signedIn).to.equal(true)
  })

  it('refused, and newer tokens come later than the strategy timeout: signed out (the wait is at most the timeout)', async () => {
    // 500 ms: B's own upstream calls must finish within it (150 ms was tight on a loaded machine); the
    // other instance's answer comes after 1.5 s, still under the 2 s wait cap, so a wait that ignored
    // the timeout would take A's new tokens and answer 200.
    const { a, b } = await instances({ timeoutB: 500 })
    const first = await signIn(a, DUE)
    emu.fault('refresh', { answerDelayMs: 1500, times: 1 })
    const pageA = a.get('/me')
    await until(() => emu.count('refresh') === 1)
    const pageB = await b.get('/me')
    expect(pageB.status).to.equal(401)
    expect(pageB.json.signedIn).to.equal(false)
    await pageA
    expect(emu.count('refresh')).to.equal(2)
    expect(first.sid).to.be.a('string')
  })

  it('a session signed out on the other instance since this request loaded it: signed out, no refresh call', async () => {
    const { a, b } = await instances()
    const first = await signIn(a, DUE)
    const jar = a.jar.clone()
    expect((await b.request('/logout', { method: 'POST' })).json.signedIn).to.equal(false)
    expect(emu.count('revoke')).to.equal(1)
    emu.resetCounts() // the sign-out's own request refreshed the due token first

    // A request on A that loaded the session just before B's sign-out; A has not seen it.
    expect(await store.read(first.sid)).to.equal(undefined)
    store.serveNextGet(first.sid, first.data)
    const capture = captureDebugLogs()
    let me
    try {
      me = await new Browser(a.baseUrl, jar).get('/me')
    } finally {
      capture.stop()
    }
    expect(me.status).to.equal(401)
    expect(me.json.signedIn).to.equal(false)
    expect(emu.count('refresh')).to.equal(0)
    for (const data of Object.values(await allSessions())) expect(data.passport?.user).to.equal(undefined)
    expect(capture.lines.some((l) => l.includes('the session was signed out meanwhile: signing out'))).to.equal(true)
  })

  it('logout: revokes, signs out and destroys the session, even when onRevokeError throws after a failed revoke', async () => {
    for (const failing of [false, true]) {
      emu.clearFaults()
      const app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu)), {
        store,
        logout: {
          onRevokeError: () => {
            throw new Error('the callback broke')
          },
        },
      })
      apps.push(app)
      const browser = new Browser(app.url)
      const { sid, tokens } = await signIn(browser, 3600)
      if (failing) emu.fault('revoke', { status: 503 })
      const capture = captureDebugLogs()
      let out
      try {
        out = await browser.request('/logout', { method: 'POST' })
      } finally {
        capture.stop()
      }
      expect(out.status).to.equal(200)
      expect(out.json.signedIn).to.equal(false)
      expect(await store.read(sid)).to.equal(undefined)
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
      expect(emu.isRefreshTokenActive(tokens.refreshToken)).to.equal(failing)
      const log = capture.lines.join('\n')
      expect(log.includes('refresh token revoked')).to.equal(!failing)
      expect(log.includes('onRevokeError threw')).to.equal(failing)
      expect(log).to.include('signed out')
    }
  })

  describe("another customer's tokens in the store under this session (the same-customer check)", () => {
    /** Per's real, verified tokens, from a sign-in of his own (not due). */
    async function persTokens(): Promise<any> {
      const per = new Browser(apps[0]!.url)
      emu.fault('login', living(3600))
      expect((await per.post('/login', PER)).status).to.equal(200)
      const sessions = await allSessions()
      const user = Object.values(sessions)
        .map((s) => s.passport?.user)
        .find((u) => u && subOf(u.tokens.accessToken) !== subOf(KARI_TOKEN.value))
      return user.tokens
    }
    const KARI_TOKEN = { value: '' }

    it('newer, not due: refused; the request goes on as its own customer with its still-valid token', async () => {
      const { a, b } = await instances()
      const first = await signIn(a, DUE)
      KARI_TOKEN.value = first.tokens.accessToken
      const pers = await persTokens()
      await store.write(first.sid, { ...first.data, passport: { user: { ...first.data.passport.user, tokens: pers } } })
      store.serveNextGet(first.sid, first.data)
      const me = await b.get('/me')
      expect(me.status).to.equal(200)
      expect(me.json).to.include({ signedIn: true, sub: first.data.passport.user.id, expiresAt: first.tokens.expiresAt })
      expect(me.json.sub).to.not.equal(subOf(pers.accessToken))
      expect(emu.count('refresh')).to.equal(0)
    })

    it('newer but due too: refused before any refresh with them; the request goes on as its own customer', async () => {
      const { a, b } = await instances()
      const first = await signIn(a, DUE)
      KARI_TOKEN.value = first.tokens.accessToken
      const pers = { ...(await persTokens()) }
      // Due: a refresh from them would hand this request Per's new tokens under Kari's user.
      pers.expiresAt = first.tokens.expiresAt + 1000
      await store.write(first.sid, { ...first.data, passport: { user: { ...first.data.passport.user, tokens: pers } } })
      store.serveNextGet(first.sid, first.data)
      emu.resetCounts()
      const me = await b.get('/me')
      expect(me.status).to.equal(200)
      expect(me.json).to.include({ signedIn: true, sub: first.data.passport.user.id, expiresAt: first.tokens.expiresAt })
      expect(emu.count('refresh'), "no refresh with Per's refresh token").to.equal(0)
      expect(apps[1]!.outcomes.filter((o) => o.kind === 'error')).to.deep.equal([])
    })

    it('newer, not due, and the own token expired: the request fails with TokenVerificationError', async () => {
      const { a, b } = await instances()
      const first = await signIn(a, -5)
      KARI_TOKEN.value = first.tokens.accessToken
      const pers = await persTokens()
      await store.write(first.sid, { ...first.data, passport: { user: { ...first.data.passport.user, tokens: pers } } })
      store.serveNextGet(first.sid, first.data)
      const me = await b.get('/me')
      expect(me.status).to.equal(502)
      const err = apps[1]!.outcomes.at(-1)!.error
      expect(err).to.be.instanceOf(TokenVerificationError)
      expect(err.message).to.match(/another customer/)
    })

    it('arriving while a refused refresh waits for newer tokens: refused as well', async () => {
      const { a, b } = await instances()
      const first = await signIn(a, DUE)
      KARI_TOKEN.value = first.tokens.accessToken
      const pers = await persTokens()
      emu.revokeRefreshToken(first.tokens.refreshToken)
      // B's refresh is refused 200 ms after it reaches Dintero; meanwhile Per's tokens appear under Kari's session.
      emu.fault('refresh', { delayMs: 200, times: 1 })
      const page = b.get('/me')
      await until(() => emu.count('refresh') === 1)
      await store.write(first.sid, { ...first.data, passport: { user: { ...first.data.passport.user, tokens: pers } } })
      const me = await page
      expect(me.status).to.equal(200)
      expect(me.json).to.include({ signedIn: true, sub: first.data.passport.user.id, expiresAt: first.tokens.expiresAt })
      const err = apps[1]!.outcomes.find((o) => o.kind === 'error')
      expect(err, 'the request went ahead').to.equal(undefined)
    })
  })
})

describe('refreshTokens: a session without a refresh token (client without the refresh-token scope)', () => {
  let emu: DinteroEmulator
  let app: TestApp | undefined
  before(async () => {
    emu = await startEmulator({ clientScopes: ['write:accounts:/auth/users', 'read:accounts'] })
  })
  after(async () => {
    await emu.stop()
  })
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function signedIn(seconds: number): Promise<Browser> {
    app = await startAppWith(new DinteroPasswordStrategy(strategyOptions(emu)), { refresh: { window: WINDOW }, logout: {} })
    const browser = new Browser(app.url)
    emu.fault('login', living(seconds))
    expect((await browser.post('/login', { email: KARI.email, password: KARI.password })).status).to.equal(200)
    emu.resetCounts()
    return browser
  }

  it('inside the window but still valid: stays signed in, nothing to refresh with', async () => {
    const browser = await signedIn(DUE)
    const me = await browser.get('/me')
    expect(me.status).to.equal(200)
    expect(me.json).to.include({ signedIn: true, hasRefreshToken: false })
    expect((await browser.get('/me')).json.signedIn).to.equal(true)
    expect(emu.count('refresh')).to.equal(0)
  })

  it('expired (within the clock tolerance): signed out without calling Dintero, and says why in the debug log', async () => {
    const browser = await signedIn(-5)
    const capture = captureDebugLogs()
    let me
    try {
      me = await browser.get('/me')
    } finally {
      capture.stop()
    }
    expect(me.status).to.equal(401)
    expect(emu.count('refresh')).to.equal(0)
    expect(Object.values(await app!.sessions()).map((s) => s.passport?.user).filter(Boolean)).to.deep.equal([])
    expect(capture.lines.some((l) => l.includes('access token expired and there is no refresh token: signing out'))).to.equal(true)
  })
})
