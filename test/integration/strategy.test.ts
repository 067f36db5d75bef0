/**
 * DinteroPasswordStrategy end to end: Express 5 + express-session + Passport over real loopback HTTP
 * against the emulator. One describe per row of the README's outcomes table.
 */
import { expect } from 'chai'
import {
  ClientAuthenticationError,
  DinteroPasswordStrategy,
  TokenVerificationError,
  UpstreamError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, startEmulator, useEmulator, strategyOptions } from '../support/emulator.js'

describe('DinteroPasswordStrategy over HTTP', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function open(over = {}, verify?: Parameters<typeof startApp>[1]): Promise<Browser> {
    app = await startApp(strategyOptions(emu, over), verify)
    return new Browser(app.url)
  }

  const creds = { email: KARI.email, password: KARI.password }

  describe('success', () => {
    it('signs in by email, and the session holds the user and tokens on the next request', async () => {
      const browser = await open()
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(200)
      const id = res.json.id as string
      expect(id).to.be.a('string').and.not.equal('')

      const me = await browser.get('/me')
      expect(me.json).to.include({ signedIn: true, id, sub: id, hasRefreshToken: true })
      expect(me.json.expiresAt).to.be.greaterThan(Date.now())

      const sessions = Object.values(await app!.sessions())
      expect(sessions).to.have.length(1)
      const user = sessions[0].passport.user
      // Only id and tokens are stored: the claims are the access token's payload, not stored twice.
      expect(Object.keys(user).sort()).to.deep.equal(['id', 'tokens'])
      expect(user.id).to.equal(id)
      expect(user.tokens.accessToken.split('.')).to.have.length(3)
      expect(user.tokens.refreshToken).to.be.a('string')
      expect(user.tokens.tokenType).to.equal('Bearer')
      const claims = JSON.parse(Buffer.from(user.tokens.accessToken.split('.')[1], 'base64url').toString())
      expect(claims.sub).to.equal(id)
      expect(claims.email).to.equal(KARI.email)
      expect(user.tokens.expiresAt).to.equal(claims.exp * 1000)
      // ...and come back with the user on the next request.
      expect(me.json.sub).to.equal(id)
    })

    it('signs in by E.164 phone number', async () => {
      const browser = await open()
      const res = await browser.post('/login', { email: KARI.phone, password: KARI.password })
      expect(res.status).to.equal(200)
      // Kari's own claims: the phone number found her account.
      expect(app!.outcomes[0]!.user.claims.name).to.equal('Kari Nordmann')
      expect(emu.count('login')).to.equal(1)
    })

    it('works with successRedirect: the session survives regeneration', async () => {
      const browser = await open()
      await browser.get('/messages')
      const res = await browser.post('/login-redirect', creds)
      expect(res.status).to.equal(302)
      expect(res.location).to.equal('/me')
      expect((await browser.get('/me')).json.signedIn).to.equal(true)
    })

    it('honours custom field names and a company user type', async () => {
      emu.addUser({ email: 'firma@example.no', password: 'company-pass', type: 'company' })
      const browser = await open({ usernameField: 'username', passwordField: 'pin', userType: 'company' })
      const res = await browser.post('/login', { username: 'firma@example.no', pin: 'company-pass' })
      expect(res.status).to.equal(200)
    })
  })

  describe('invalid form: fail 400, nothing sent to Dintero', () => {
    const cases: Array<[string, { form?: Record<string, string | string[]>; json?: unknown }]> = [
      ['missing username', { form: { password: KARI.password } }],
      ['missing password', { form: { email: KARI.email } }],
      ['empty fields', { form: { email: '', password: '' } }],
      ['email[]=a', { form: { 'email[]': 'a', password: KARI.password } }],
      ['an array username', { json: { email: [KARI.email], password: KARI.password } }],
      ['an object password', { json: { email: KARI.email, password: { $gt: '' } } }],
      ['a 3-character password', { form: { email: KARI.email, password: 'abc' } }],
      ['a 256-character password', { form: { email: KARI.email, password: 'p'.repeat(256) } }],
      ['a username that is neither email nor phone', { form: { email: 'kari', password: KARI.password } }],
      ['credentials only in the query string', {}],
    ]
    for (const [label, body] of cases) {
      it(label, async () => {
        const browser = await open()
        const path = label.includes('query') ? `/login?email=${encodeURIComponent(KARI.email)}&password=${KARI.password}` : '/login'
        const res = await browser.request(path, { method: 'POST', ...body })
        expect(res.status).to.equal(400)
        expect(res.json.message).to.be.a('string')
        expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 400, info: { message: res.json.message } }])
        expect(emu.count()).to.equal(0)
      })
    }
  })

  describe('Dintero refuses the credentials: fail 401, one message', () => {
    it('gives the same message and code for an unknown user and a wrong password', async () => {
      const browser = await open()
      const unknown = await browser.post('/login', { email: 'nobody@example.no', password: KARI.password })
      const wrong = await browser.post('/login', { email: KARI.email, password: 'wrong-password' })
      expect(unknown.status).to.equal(401)
      expect(wrong.status).to.equal(401)
      expect(unknown.json).to.deep.equal(wrong.json)
      expect(wrong.json.code).to.equal('ERR_DINTERO_INVALID_CREDENTIALS')
      // The emulator really did answer differently (404 vs 401): the library hid it.
      const statuses = emu.requests.filter((r) => r.endpoint === 'login').map((r) => r.status)
      expect(new Set(statuses)).to.deep.equal(new Set([404, 401]))
    })

    for (const status of [400, 401, 403, 404]) {
      it(`maps a ${status} from Dintero to fail 401`, async () => {
        const browser = await open()
        emu.fault('login', { status })
        const res = await browser.post('/login', creds)
        expect(res.status).to.equal(401)
        expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['fail'])
        expect(res.json.code).to.equal('ERR_DINTERO_INVALID_CREDENTIALS')
      })
    }

    it('says MFA is required when Dintero answers 403 with an mfa_token', async () => {
      const browser = await open()
      const res = await browser.post('/login', { email: OLA.email, password: OLA.password })
      expect(res.status).to.equal(401)
      expect(res.json).to.include({ mfaRequired: true, code: 'ERR_DINTERO_MFA_REQUIRED' })
      expect(JSON.stringify(res.json)).not.to.match(/mfa_token|mfaToken/)
    })

    it('fails 429 with retryAfter when Dintero rate limits', async () => {
      const browser = await open()
      emu.fault('login', { status: 429, retryAfter: 17 })
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(429)
      expect(res.json).to.include({ retryAfter: 17, code: 'ERR_DINTERO_RATE_LIMITED' })
    })
  })

  describe('upstream trouble: error with a DinteroError, never fail or success', () => {
    const cases: Array<[string, () => void, abstract new (...args: never[]) => Error, number, object?]> = [
      ['a 500 on login', () => emu.fault('login', { status: 500 }), UpstreamError, 502],
      ['a 502 on login', () => emu.fault('login', { status: 502 }), UpstreamUnavailableError, 503],
      ['a 503 on login', () => emu.fault('login', { status: 503 }), UpstreamUnavailableError, 503],
      ['a login that never answers', () => emu.fault('login', { hang: true }), UpstreamTimeoutError, 504, { timeout: 300 }],
      ['a body that never ends', () => emu.fault('login', { slowBody: true }), UpstreamTimeoutError, 504, { timeout: 300 }],
      ['a non-JSON body', () => emu.fault('login', { nonJson: true }), UpstreamError, 502],
      ['200 without access_token', () => emu.fault('login', { omitAccessToken: true }), UpstreamError, 502],
      ['a huge body', () => emu.fault('login', { bodyBytes: 2 * 1024 * 1024 }), UpstreamError, 502],
      ['a redirect', () => emu.fault('login', { redirectTo: 'http://127.0.0.1:1/steal' }), UpstreamError, 502],
      ['the keys endpoint failing', () => emu.fault('keys', { status: 500 }), UpstreamError, 502],
      ['the client-token endpoint failing', () => emu.fault('client_token', { status: 503 }), UpstreamUnavailableError, 503],
      ['a dropped connection', () => emu.fault('login', { destroy: true }), UpstreamUnavailableError, 503],
    ]
    for (const [label, inject, type, status, over] of cases) {
      it(label, async () => {
        const browser = await open(over)
        inject()
        const res = await browser.post('/login', creds)
        expect(res.status).to.equal(status)
        expect(app!.outcomes).to.have.length(1)
        expect(app!.outcomes[0]!.kind).to.equal('error')
        expect(app!.outcomes[0]!.error).to.be.instanceOf(type)
        expect(app!.outcomes[0]!.error.code).to.match(/^ERR_DINTERO_/)
        expect(Object.keys(await app!.sessions())).to.have.length(0)
      })
    }

    it('a connection refused', async () => {
      const browser = await open({ baseUrl: 'http://127.0.0.1:1' })
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(503)
      expect(app!.outcomes[0]!.error).to.be.instanceOf(UpstreamUnavailableError)
    })

    it('a client without read:accounts cannot fetch the keys: a misconfiguration, status 500', async () => {
      const narrow = await startEmulator({ clientScopes: ['write:accounts:/auth/users'] })
      try {
        app = await startApp(strategyOptions(narrow))
        const res = await new Browser(app.url).post('/login', creds)
        expect(res.status).to.equal(500)
        expect(app.outcomes[0]!.error).to.be.instanceOf(ClientAuthenticationError)
      } finally {
        await narrow.stop()
      }
    })

    it('client credentials rejected: a misconfiguration, status 500', async () => {
      const browser = await open({ clientSecret: 'not-the-secret' })
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(500)
      expect(app!.outcomes[0]!.error).to.be.instanceOf(ClientAuthenticationError)
      expect(emu.count('login')).to.equal(0)
    })
  })

  describe('the access token fails verification: error(TokenVerificationError)', () => {
    const tampers = ['alg-none', 'hs256-public-key', 'wrong-key', 'unknown-kid', 'no-kid', 'payload-altered', 'expired', 'nbf-future', 'no-exp', 'wrong-aud'] as const
    for (const tamper of tampers) {
      it(tamper, async () => {
        const browser = await open()
        emu.fault('login', { accessToken: tamper })
        const res = await browser.post('/login', creds)
        expect(res.status).to.equal(502)
        expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['error'])
        expect(app!.outcomes[0]!.error).to.be.instanceOf(TokenVerificationError)
        expect(Object.keys(await app!.sessions())).to.have.length(0)
      })
    }

    it('a 1 MB token is refused before it is parsed (the body cap)', async () => {
      const browser = await open()
      emu.fault('login', { accessToken: 'huge' })
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(502)
      expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['error'])
      expect(app!.outcomes[0]!.error).to.be.instanceOf(UpstreamError)
      expect(app!.outcomes[0]!.error.message).to.match(/larger than allowed/)
    })

    it('wrong iss when issuer is configured (and accepts the right one)', async () => {
      const browser = await open({ issuer: emu.issuer })
      expect((await browser.post('/login', creds)).status).to.equal(200)
      emu.fault('login', { accessToken: 'wrong-iss' })
      expect((await browser.post('/login', creds)).status).to.equal(502)
      expect(app!.outcomes[1]!.error).to.be.instanceOf(TokenVerificationError)
    })

    it('an unknown kid costs exactly one key-set refetch', async () => {
      const browser = await open()
      expect((await browser.post('/login', creds)).status).to.equal(200)
      expect(emu.count('keys')).to.equal(1)
      emu.fault('login', { accessToken: 'unknown-kid', times: 1 })
      expect((await browser.post('/login', creds)).status).to.equal(502)
      expect(emu.count('keys')).to.equal(2)
    })
  })

  describe('verify callback', () => {
    it('its user becomes req.user', async () => {
      const browser = await open({}, (tokens, claims, done) => done(null, { id: `app-${claims.sub}`, claims, tokens }))
      const res = await browser.post('/login', creds)
      expect(res.json.id).to.match(/^app-/)
    })

    it('may return a promise of a user', async () => {
      const browser = await open({}, async (tokens, claims) => ({ id: 'from-promise', claims, tokens }))
      expect((await browser.post('/login', creds)).json.id).to.equal('from-promise')
    })

    it('false means fail 401 with its info', async () => {
      const browser = await open({}, (_t, _c, done) => done(null, false, { message: 'Account closed' }))
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(401)
      expect(res.json).to.deep.equal({ message: 'Account closed' })
    })

    it('a promise of false means fail 401', async () => {
      const browser = await open({}, async () => false)
      expect((await browser.post('/login', creds)).status).to.equal(401)
      expect(app!.outcomes[0]!.kind).to.equal('fail')
    })

    it('throwing means error', async () => {
      const browser = await open({}, () => {
        throw new Error('database down')
      })
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(500)
      expect(app!.outcomes[0]!.error.message).to.equal('database down')
    })

    it('rejecting means error', async () => {
      const browser = await open({}, async () => {
        throw new Error('rejected')
      })
      await browser.post('/login', creds)
      expect(app!.outcomes[0]!.kind).to.equal('error')
      expect(app!.outcomes[0]!.error.message).to.equal('rejected')
    })

    it('a callback without done answers with its return value', async () => {
      const browser = await open({}, ((tokens: any, claims: any) => ({ id: 'sync-user', claims, tokens })) as any)
      expect((await browser.post('/login', creds)).json.id).to.equal('sync-user')
    })

    it('an async callback without done that returns nothing means fail 401, never a hung request', async () => {
      const browser = await open({}, (async (_tokens: any, _claims: any) => {}) as any)
      const res = await browser.post('/login', creds)
      expect(res.status).to.equal(401)
      expect(app!.outcomes[0]!.kind).to.equal('fail')
    })

    it('gets the request first with passReqToCallback', async () => {
      const strategy = new DinteroPasswordStrategy({ ...strategyOptions(emu), passReqToCallback: true }, (req, tokens, claims, done) =>
        done(null, { id: `${req.body.email}|${claims.sub}`, claims, tokens }),
      )
      app = await startAppWith(strategy)
      const res = await new Browser(app.url).post('/login', creds)
      expect(res.json.id).to.match(new RegExp(`^${KARI.email}\\|`))
    })
  })

  describe('sharing upstream work', () => {
    it('50 simultaneous logins on a new strategy make 1 client-token and 1 keys request', async () => {
      await open()
      const results = await Promise.all(Array.from({ length: 50 }, () => new Browser(app!.url).post('/login', creds)))
      expect(results.map((r) => r.status)).to.deep.equal(Array(50).fill(200))
      expect(emu.count('client_token')).to.equal(1)
      expect(emu.count('keys')).to.equal(1)
      expect(emu.count('login')).to.equal(50)
    })

    it('still signs in after the keys rotate between logins', async () => {
      const browser = await open()
      expect((await browser.post('/login', creds)).status).to.equal(200)
      emu.rotateKeys()
      expect((await browser.post('/login', creds)).status).to.equal(200)
      emu.rotateKeys({ retainPrevious: false })
      expect((await browser.post('/login', creds)).status).to.equal(200)
      // Dropping the old key also revoked the client token it signed: the 401 at login is probed
      // (one more keys call, refused), the token renewed once, and the login made again.
      expect(emu.count('keys')).to.equal(4)
      expect(emu.count('client_token')).to.equal(2)
    })
  })
})
