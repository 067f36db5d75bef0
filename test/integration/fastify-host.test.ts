/**
 * The session seam on Fastify, in process: a real Fastify 5 app with @fastify/session (server-side
 * memory store) and @fastify/passport, over loopback HTTP against the emulator (3 s access tokens):
 * sign-in statuses, the cookie, one refresh call for a due token, sign-out with one revoke, the MFA
 * two-step sign-in, and the refusal of a cookie-only session.
 */
import type { AddressInfo } from 'node:net'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyPassport from '@fastify/passport'
import fastifySession from '@fastify/session'
import { expect } from 'chai'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import { deserializeUser, logoutHandler, refreshTokensHook, serializeUser } from '../../lib/fastify.js'
import { DinteroPasswordStrategy, type DinteroStrategyOptions, isDinteroUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, strategyOptions, useEmulator } from '../support/emulator.js'
import { LatencyStore } from '../support/latency-store.js'
import { expectMfaTwoStep, expectOneRefreshThenOneRevoke } from '../support/session-scenarios.js'

const SECRET = 'a fastify session secret of at least 32 characters'

async function startFastify(options: DinteroStrategyOptions, cookieOnly = false, asyncStore = false): Promise<{ url: string; app: FastifyInstance }> {
  const passport = new fastifyPassport.Authenticator()
  const strategy = new DinteroPasswordStrategy<FastifyRequest>({ ...options, mfa: 'auto', passReqToCallback: true }, async (request, tokens, claims) => {
    // The request is Fastify's, typed as such.
    const ip: string = request.ip
    return ip ? { id: claims.sub, claims, tokens } : false
  })
  const app = Fastify()
  await app.register(fastifyFormbody)
  await app.register(fastifyCookie)
  if (cookieOnly) {
    // A cookie-only session: what @fastify/secure-session looks like to the seam (data, no id, no store).
    // (Typed as never: @fastify/session's augmentation of request.session is loaded in this file.)
    app.decorateRequest('session', null as never)
    app.addHook('onRequest', async (request) => {
      const data: Record<string, unknown> = {}
      Object.assign(request, { session: { get: (k: string) => data[k], set: (k: string, v: unknown) => (data[k] = v), data: () => data } })
    })
  } else {
    await app.register(fastifySession, {
      secret: SECRET,
      cookie: { secure: false },
      saveUninitialized: false,
      // express-session's Store has the callback get/set/destroy that @fastify/session calls.
      ...(asyncStore ? { store: new LatencyStore() as unknown as fastifySession.SessionStore } : {}),
    })
  }
  await app.register(passport.initialize())
  await app.register(passport.secureSession())
  passport.use('dintero', strategy)
  passport.registerUserSerializer(serializeUser)
  passport.registerUserDeserializer(deserializeUser)
  app.addHook('preHandler', refreshTokensHook(strategy, { window: 1.8 }))
  app.post('/login', { preValidation: passport.authenticate('dintero', { successRedirect: '/me' }) }, async (_request, reply) => reply)
  app.get('/me', async (request, reply) => {
    const user = request.user
    if (!isDinteroUser(user)) return reply.code(401).send({ signedIn: false })
    return { signedIn: true, id: user.id, expiresAt: user.tokens.expiresAt, accessToken: user.tokens.accessToken.slice(-12) }
  })
  app.post('/logout', { preHandler: logoutHandler(strategy) }, async (_request, reply) => reply.redirect('/'))
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, app }
}

describe('Fastify (@fastify/session + @fastify/passport) through the session seam', function () {
  let emu: DinteroEmulator
  let running: FastifyInstance | undefined
  useEmulator((e) => (emu = e), { accessTokenTtl: 3 })
  afterEach(async () => {
    await running?.close()
    running = undefined
  })

  async function open(cookieOnly = false, asyncStore = false): Promise<Browser> {
    const { url, app } = await startFastify(strategyOptions(emu, { timeout: 2_000 }), cookieOnly, asyncStore)
    running = app
    return new Browser(url)
  }

  it('answers a sign-in with 302 (right), 401 (wrong), 400 (missing password), 503 (Dintero down)', async function () {
    const browser = await open()
    expect((await browser.post('/login', { email: KARI.email, password: 'wrong-password' })).status).to.equal(401)
    expect((await browser.post('/login', { email: KARI.email })).status).to.equal(400)
    emu.fault('login', { status: 503, times: 1 })
    expect((await browser.post('/login', { email: KARI.email, password: KARI.password })).status).to.equal(503)
    const ok = await browser.post('/login', { email: KARI.email, password: KARI.password })
    expect(ok.status).to.equal(302)
    expect(ok.location).to.equal('/me')
    expect((await browser.get('/me')).json).to.include({ signedIn: true })
  })

  it('refreshes a due token with one refresh call, then signs out with one revoke', async function () {
    const browser = await open()
    await browser.post('/login', { email: KARI.email, password: KARI.password })
    await expectOneRefreshThenOneRevoke(browser, emu)
  })

  it('signs in, answers GET /me and signs out with a store that answers asynchronously (as Redis)', async function () {
    // The sign-in route as docs/frameworks.md writes it: with a store that is not synchronous, a handler
    // that returns undefined after @fastify/passport's redirect answered a second time (ERR_HTTP_HEADERS_SENT).
    const browser = await open(false, true)
    expect((await browser.post('/login', { email: KARI.email, password: 'wrong-password' })).status).to.equal(401)
    const ok = await browser.post('/login', { email: KARI.email, password: KARI.password })
    expect(ok.status).to.equal(302)
    expect((await browser.get('/me')).json).to.include({ signedIn: true })
    expect((await browser.request('/logout', { method: 'POST' })).status).to.equal(302)
    expect((await browser.get('/me')).status).to.equal(401)
  })

  it('signs an MFA customer in with the code, in two steps', async function () {
    const browser = await open()
    await expectMfaTwoStep(browser, emu, OLA)
  })

  it('refuses a cookie-only session before the refresh token reaches the cookie', async function () {
    const browser = await open(true)
    const res = await browser.post('/login', { email: KARI.email, password: KARI.password })
    expect(res.status).to.equal(500)
    expect((res.json as { message: string }).message).to.match(/refusing a cookie-only session/)
    expect(res.headers.get('set-cookie') ?? '').to.not.match(/passport/)
  })
})
