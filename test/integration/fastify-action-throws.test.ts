/**
 * On Fastify (@fastify/passport), a Passport action that throws must still end the request: there is
 * no `req.next` there, and @fastify/passport settles its route only through the strategy's actions.
 * The throwing action here: a plain (not async) authenticate callback whose success branch throws.
 * (An async callback's throw is a rejection @fastify/passport handles itself.)
 */
import type { AddressInfo } from 'node:net'
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyPassport from '@fastify/passport'
import fastifySession from '@fastify/session'
import { expect } from 'chai'
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify'
import { deserializeUser, serializeUser } from '../../lib/fastify.js'
import { DinteroPasswordStrategy } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { KARI, strategyOptions, useEmulator } from '../support/emulator.js'
import { captureDebugLogs } from '../support/secrets.js'

const SECRET = 'a fastify session secret of at least 32 characters'

describe('Fastify: a Passport action that throws', function () {
  let emu: DinteroEmulator
  let app: FastifyInstance | undefined
  let strategy: DinteroPasswordStrategy | undefined
  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    strategy?._client.close()
    app = undefined
  })

  async function start(route: (passport: InstanceType<typeof fastifyPassport.Authenticator>) => unknown): Promise<string> {
    const passport = new fastifyPassport.Authenticator()
    strategy = new DinteroPasswordStrategy(strategyOptions(emu))
    app = Fastify()
    await app.register(fastifyFormbody)
    await app.register(fastifyCookie)
    await app.register(fastifySession, { secret: SECRET, cookie: { secure: false }, saveUninitialized: false })
    await app.register(passport.initialize())
    await app.register(passport.secureSession())
    passport.use('dintero', strategy)
    passport.registerUserSerializer(serializeUser)
    passport.registerUserDeserializer(deserializeUser)
    app.post('/login', { preValidation: route(passport) as never }, async (_request, reply) => reply.send({ reached: 'handler' }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/login`
  }

  // The signal only turns a hang into a failure; an answer comes in milliseconds.
  const post = (url: string) =>
    fetch(url, { method: 'POST', body: new URLSearchParams({ email: KARI.email, password: KARI.password }), signal: AbortSignal.timeout(10_000) })

  it('an authenticate callback that throws after success: the request is answered (500), not left hanging', async () => {
    const url = await start((passport) =>
      passport.authenticate('dintero', ((_request: unknown, reply: FastifyReply, err: unknown, user: unknown) => {
        // The app handles an error it is given, but its success branch has a bug.
        if (err) return reply.code(500).send({ handled: (err as Error).message })
        if (user) throw new Error('callback threw after success')
        return reply.code(401).send({ handled: 'no user' })
      }) as never),
    )
    const res = await post(url)
    expect(res.status).to.equal(500)
    expect(await res.json()).to.deep.equal({ handled: 'callback threw after success' })
  })

  it('a callback that throws on its error branch too: logged, and no unhandled rejection ends the process', async () => {
    const url = await start((passport) =>
      passport.authenticate('dintero', ((_request: unknown, _reply: unknown, err: unknown) => {
        throw err instanceof Error ? err : new Error('callback threw after success')
      }) as never),
    )
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    const capture = captureDebugLogs()
    const abort = new AbortController()
    const answered = fetch(url, { method: 'POST', body: new URLSearchParams({ email: KARI.email, password: KARI.password }), signal: abort.signal }).catch(
      (err: unknown) => err,
    )
    const tooLine = /passport-dintero:strategy the Passport error action threw too/
    try {
      // Nothing can end this request (the app's callback throws whatever it is given): wait for the log line.
      for (let i = 0; i < 2000 && !capture.lines.some((line) => tooLine.test(line)); i++) await new Promise((resolve) => setTimeout(resolve, 5))
      await new Promise((resolve) => setImmediate(resolve))
      expect(capture.lines.filter((line) => /passport-dintero:strategy a Passport action threw/.test(line))).to.have.length(1)
      expect(capture.lines.filter((line) => tooLine.test(line))).to.have.length(1)
      expect(unhandled).to.deep.equal([])
    } finally {
      abort.abort()
      await answered
      capture.stop()
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
