/**
 * The application's verify callback, every shape of answer, end to end: Express 5 + express-session +
 * Passport over real loopback HTTP against the emulator. What the browser sees and the one Passport
 * outcome the app recorded (success, fail with its status, or error).
 */
import { expect } from 'chai'
import { DinteroPasswordStrategy, type VerifyDone } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, startAppWith, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'

describe('the verify callback over HTTP', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  const creds = { email: KARI.email, password: KARI.password }

  async function signIn(verify: Parameters<typeof startApp>[1]) {
    app = await startApp(strategyOptions(emu), verify)
    const browser = new Browser(app.url)
    const res = await browser.post('/login', creds)
    return { res, browser }
  }

  describe('done(null, false, info): fail 401 with that info, never success(false)', () => {
    it('the info given', async () => {
      const { res, browser } = await signIn((_t, _c, done) => done(null, false, { message: 'Account closed', code: 'CLOSED' }))
      expect(res.status).to.equal(401)
      expect(res.json).to.deep.equal({ message: 'Account closed', code: 'CLOSED' })
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Account closed', code: 'CLOSED' } }])
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
      expect(Object.keys(await app!.sessions())).to.have.length(0)
    })

    it('without info: the message "Sign-in was refused"', async () => {
      const { res } = await signIn((_t, _c, done) => done(null, false))
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Sign-in was refused' } }])
    })

    it('done(null, null) is a refusal too', async () => {
      const { res } = await signIn((_t, _c, done) => done(null, null))
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Sign-in was refused' } }])
    })

    it('with failureRedirect: the refusal lands on the failure page with its message, nobody signed in', async () => {
      app = await startApp(strategyOptions(emu), (_t, _c, done) => done(null, false, { message: 'Account closed' }))
      const browser = new Browser(app.url)
      await browser.get('/messages')
      const res = await browser.post('/login-redirect', creds)
      expect(res.status).to.equal(302)
      expect(res.location).to.equal('/messages')
      expect((await browser.get('/messages')).json.messages).to.deep.equal(['Account closed'])
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
    })
  })

  describe('done(null, user, info)', () => {
    it('passes the info on with the user', async () => {
      const { res } = await signIn((tokens, claims, done) => done(null, { id: 'app-user', claims, tokens }, { message: 'Welcome back' }))
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal('app-user')
      expect(app!.outcomes).to.have.length(1)
      expect(app!.outcomes[0]).to.include({ kind: 'success' })
      expect(app!.outcomes[0]!.info).to.deep.equal({ message: 'Welcome back' })
    })
  })

  describe('a callback that calls done later', () => {
    it('after a timer: the request waits for it and signs in', async () => {
      const { res, browser } = await signIn((tokens, claims, done) => {
        setTimeout(() => done(null, { id: claims.sub, claims, tokens, via: 'timer' }), 20)
      })
      expect(res.status).to.equal(200)
      expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['success'])
      expect(app!.outcomes[0]!.user.via).to.equal('timer')
      expect((await browser.get('/me')).json).to.include({ signedIn: true, id: res.json.id })
    })

    it('after a timer, with false: fail 401', async () => {
      const { res } = await signIn((_t, _c, done) => {
        setTimeout(() => done(null, false, { message: 'Not yet approved' }), 20)
      })
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Not yet approved' } }])
    })

    it('an async callback that declares done and resolves to nothing: its later done answers', async () => {
      const { res } = await signIn(async (tokens, claims, done) => {
        await new Promise((resolve) => setTimeout(resolve, 20))
        setTimeout(() => done(null, { id: 'done-after-await', claims, tokens }), 10)
      })
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal('done-after-await')
      expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['success'])
    })

    it('an async callback that declares done but resolves to a user answers with it', async () => {
      const { res } = await signIn(async (tokens, claims, _done) => ({ id: 'resolved-user', claims, tokens }))
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal('resolved-user')
    })

    it('an async callback that declares done and resolves to false: fail 401', async () => {
      const { res } = await signIn(async (_t, _c, _done) => false)
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Sign-in was refused' } }])
    })

    it('a callback that declares done answers through it: a value it returns at once is not the answer', async () => {
      const { res } = await signIn(((tokens: any, claims: any, done: VerifyDone) => {
        setTimeout(() => done(null, false, { message: 'Refused later' }), 10)
        return { id: claims.sub, claims, tokens }
      }) as any)
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Refused later' } }])
    })

    it('a callback without done that returns null: fail 401, not an error', async () => {
      const { res } = await signIn(((_tokens: any, _claims: any) => null) as any)
      expect(res.status).to.equal(401)
      expect(app!.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Sign-in was refused' } }])
    })

    it('the first answer wins: a done after done, or a promise after done, changes nothing', async () => {
      const { res } = await signIn(async (tokens, claims, done) => {
        done(null, { id: 'first', claims, tokens })
        done(null, false, { message: 'second' })
        done(new Error('third'))
        return { id: 'fourth', claims, tokens }
      })
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal('first')
      expect(app!.outcomes.map((o) => o.kind)).to.deep.equal(['success'])
    })

    it('done then a throw: the done answers', async () => {
      const { res } = await signIn((tokens, claims, done) => {
        done(null, { id: 'before-throw', claims, tokens })
        throw new Error('after done')
      })
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal('before-throw')
    })
  })

  describe('errors', () => {
    it('done(err): error with that error', async () => {
      const err = new Error('database down')
      const { res } = await signIn((_t, _c, done) => done(err))
      expect(res.status).to.equal(500)
      expect(app!.outcomes).to.have.length(1)
      expect(app!.outcomes[0]!.kind).to.equal('error')
      expect(app!.outcomes[0]!.error).to.equal(err)
    })

    it('done(err, user): the error wins', async () => {
      const err = new Error('half done')
      const { res } = await signIn((tokens, claims, done) => done(err, { id: 'x', claims, tokens }))
      expect(res.status).to.equal(500)
      expect(app!.outcomes[0]!.error).to.equal(err)
    })

    it('a promise rejected with nothing: error "verify rejected"', async () => {
      const { res } = await signIn(() => Promise.reject(undefined))
      expect(res.status).to.equal(500)
      expect(app!.outcomes[0]!.kind).to.equal('error')
      expect(app!.outcomes[0]!.error).to.be.instanceOf(Error)
      expect(app!.outcomes[0]!.error.message).to.equal('verify rejected')
    })

    it('a promise rejected with an error: that error', async () => {
      const err = new Error('lookup failed')
      const { res } = await signIn(async (_t, _c, _done) => {
        throw err
      })
      expect(res.status).to.equal(500)
      expect(app!.outcomes[0]!.error).to.equal(err)
    })
  })

  describe('with passReqToCallback', () => {
    function start(verify: (...args: any[]) => unknown) {
      const strategy = new DinteroPasswordStrategy({ ...strategyOptions(emu), passReqToCallback: true }, verify as any)
      return startAppWith(strategy)
    }

    it('a callback of four parameters answers through done, also later', async () => {
      app = await start((req: any, tokens: any, claims: any, done: VerifyDone) => {
        setTimeout(() => done(null, { id: `req-${req.body.email}`, claims, tokens }), 10)
      })
      const res = await new Browser(app.url).post('/login', creds)
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal(`req-${KARI.email}`)
    })

    it('a callback of three parameters (req, tokens, claims) answers with its return value', async () => {
      app = await start((req: any, tokens: any, claims: any) => ({ id: `ret-${req.body.email}`, claims, tokens }))
      const res = await new Browser(app.url).post('/login', creds)
      expect(res.status).to.equal(200)
      expect(res.json.id).to.equal(`ret-${KARI.email}`)
    })

    it('a callback of three parameters that returns nothing: fail 401, never a hung request', async () => {
      app = await start((_req: any, _tokens: any, _claims: any) => undefined)
      const res = await new Browser(app.url).post('/login', creds)
      expect(res.status).to.equal(401)
      expect(app.outcomes).to.deep.equal([{ kind: 'fail', status: 401, info: { message: 'Sign-in was refused' } }])
    })
  })
})
