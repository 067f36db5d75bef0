/**
 * No password, client secret, access or refresh token, mfa_token, oob_code or one-time code in any
 * debug line, Fastify log line (pino at trace: its default error handler logs every error), or HTTP
 * response of a real Fastify 5 app (@fastify/session + @fastify/passport), through both sign-in routes
 * the docs show: `passport.authenticate('dintero', { successRedirect })` and a custom callback through
 * `handleAuthResult` (the NestJS guard's body), whose thrown errors Fastify's default error handler answers.
 */
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyPassport from '@fastify/passport'
import fastifySession from '@fastify/session'
import { expect } from 'chai'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { deserializeUser, logoutHandler, refreshTokensHook, serializeUser } from '../../lib/fastify.js'
import { DinteroPasswordStrategy, handleAuthResult } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser, type BrowserResponse } from '../support/browser.js'
import { KARI, OLA, strategyOptions, useEmulator } from '../support/emulator.js'
import { captureDebugLogs, leakedSecrets } from '../support/secrets.js'

const MFA_KEY = 'passport-dintero:mfa:dintero'

describe('Fastify: secrets never leak (debug, Fastify logs, responses; authenticate and handleAuthResult)', function () {
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e), { accessTokenTtl: 3, rotateRefreshTokens: true })

  it('across right and wrong passwords, unknown customers, refresh, sign-out, MFA codes and faults', async function () {
    this.timeout(60_000)
    const capture = captureDebugLogs()
    const logLines: string[] = []
    const sessions = new Map<string, Record<string, unknown>>()
    const store = {
      get: (sid: string, cb: (err: unknown, s?: unknown) => void) => cb(null, sessions.get(sid) ?? null),
      set: (sid: string, s: unknown, cb: (err?: unknown) => void) => (sessions.set(sid, JSON.parse(JSON.stringify(s)) as Record<string, unknown>), cb()),
      destroy: (sid: string, cb: (err?: unknown) => void) => (sessions.delete(sid), cb()),
    }
    const passport = new fastifyPassport.Authenticator()
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu, { mfa: 'auto', timeout: 500 }))
    const app = Fastify({ logger: { level: 'trace', stream: new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }) } })
    await app.register(fastifyFormbody)
    await app.register(fastifyCookie)
    await app.register(fastifySession, { secret: 'a fastify session secret of at least 32 characters', cookie: { secure: false }, saveUninitialized: false, store: store as never })
    await app.register(passport.initialize())
    await app.register(passport.secureSession())
    passport.use('dintero', strategy)
    passport.registerUserSerializer(serializeUser)
    passport.registerUserDeserializer(deserializeUser)
    app.addHook('preHandler', refreshTokensHook(strategy, { window: 1.8 }))
    app.post('/login', { preValidation: passport.authenticate('dintero', { successRedirect: '/me' }) }, async (_request, reply) => reply)
    app.post('/guarded-login', async (request: FastifyRequest, reply: FastifyReply) => {
      await new Promise<void>((resolve, reject) => {
        const handler = passport.authenticate('dintero', async (req: FastifyRequest, _reply: FastifyReply, err: unknown, user: unknown, info: unknown, status: unknown) => {
          try {
            await req.logIn(handleAuthResult(err, user, info, status))
            await reply.send({ signedIn: true })
            resolve()
          } catch (thrown) {
            reject(thrown)
          }
        })
        ;(handler as unknown as (this: unknown, q: FastifyRequest, r: FastifyReply) => Promise<void>).call(app, request, reply).catch(reject)
      })
      return reply
    })
    app.get('/me', async (request) => ({ signedIn: request.user !== undefined && request.user !== null }))
    app.post('/logout', { preHandler: logoutHandler(strategy) }, async (_request, reply) => reply.redirect('/'))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`

    const secrets: Record<string, string | undefined> = { kari: KARI.password, ola: OLA.password, wrong: 'wrong-password-9', clientSecret: emu.clientSecret }
    const seen: string[] = []
    const statuses: number[] = []
    const record = (res: BrowserResponse) => {
      statuses.push(res.status)
      seen.push(String(res.status), res.text, JSON.stringify([...res.headers]))
    }
    // Every secret a session ever held, and every code sent.
    const collect = (label: string) => {
      for (const [i, data] of [...sessions.values()].entries()) {
        const pending = data[MFA_KEY] as { mfaToken?: string; oobCode?: string } | undefined
        if (pending) Object.assign(secrets, { [`${label}.mfaToken.${i}`]: pending.mfaToken, [`${label}.oobCode.${i}`]: pending.oobCode })
        const tokens = (data['passport'] as { tokens?: { accessToken: string; refreshToken?: string } } | undefined)?.tokens
        if (tokens) Object.assign(secrets, { [`${label}.access.${i}`]: tokens.accessToken.split('.')[2], [`${label}.refresh.${i}`]: tokens.refreshToken })
      }
      secrets[`${label}.code`] = emu.lastMfaCode(OLA.email)
    }
    try {
      for (const path of ['/login', '/guarded-login']) {
        const kari = new Browser(url)
        record(await kari.post(path, { email: KARI.email, password: 'wrong-password-9' }))
        record(await kari.post(path, { email: 'nobody@example.com', password: 'wrong-password-9' }))
        record(await kari.post(path, { email: KARI.email, password: KARI.password }))
        collect(`${path}.kari`)
        await new Promise((resolve) => setTimeout(resolve, 1_500)) // into the refresh window
        record(await kari.get('/me'))
        collect(`${path}.kari.refreshed`)
        record(await kari.post('/logout', {}))
        const ola = new Browser(url)
        record(await ola.post(path, { email: OLA.email, password: OLA.password }))
        collect(`${path}.ola`)
        const wrong = emu.lastMfaCode(OLA.email) === '111111' ? '111112' : '111111'
        secrets[`${path}.wrongCode`] = wrong
        record(await ola.post(path, { code: wrong }))
        emu.fault('mfa_token', { status: 500, times: 1 })
        record(await ola.post(path, { code: emu.lastMfaCode(OLA.email)! }))
        record(await ola.post(path, { code: emu.lastMfaCode(OLA.email)! }))
        collect(`${path}.ola.done`)
        emu.fault('login', { status: 503, times: 1 })
        record(await kari.post(path, { email: KARI.email, password: KARI.password }))
        emu.fault('login', { hang: true, times: 1 })
        record(await kari.post(path, { email: KARI.email, password: KARI.password }))
        emu.clearFaults()
      }
    } finally {
      capture.stop()
      await app.close()
    }
    // authenticate: 401 401 302 200 302 401 401 502 302 503 504; handleAuthResult: the same with 200 for its sign-ins.
    expect(statuses).to.deep.equal([401, 401, 302, 200, 302, 401, 401, 502, 302, 503, 504, 401, 401, 200, 200, 302, 401, 401, 502, 200, 503, 504])
    expect(Object.keys(secrets).filter((k) => k.includes('mfaToken')).length, 'mfa_tokens collected').to.be.greaterThan(1)
    expect(Object.keys(secrets).filter((k) => k.includes('refresh')).length, 'refresh tokens collected').to.be.greaterThan(1)
    expect(logLines.some((l) => l.includes('"statusCode":503')), 'Fastify logged the errors').to.equal(true)
    expect(leakedSecrets(capture.lines.join('\n'), secrets), 'debug lines').to.deep.equal([])
    expect(leakedSecrets(logLines.join('\n'), secrets), 'Fastify log lines').to.deep.equal([])
    expect(leakedSecrets(seen.join('\n'), secrets), 'responses').to.deep.equal([])
  })
})
