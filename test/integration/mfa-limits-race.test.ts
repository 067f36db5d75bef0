/**
 * Regression (issue 14, finding 2): the MFA attempt and resend limits hold against parallel requests.
 * Five connections send the headers of their POST first (the body parser is mounted on the route,
 * after the session, so each request loads the session while the first is still waiting for its
 * body), then the bodies one at a time. Before the fix every request started from the count in its own
 * copy of the session: with `mfaMaxAttempts: 2`, five code checks reached Dintero.
 */
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import type http from 'node:http'
import { expect } from 'chai'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { DinteroPasswordStrategy, deserializeUser, serializeUser } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { OLA, strategyOptions, useEmulator } from '../support/emulator.js'

const PARALLEL = 5

interface RaceApp {
  url: string
  port: number
  close(): Promise<void>
}

/** An app whose body parser runs on the route, after the session and Passport. */
async function startRaceApp(strategy: DinteroPasswordStrategy, store: session.Store = new session.MemoryStore()): Promise<RaceApp> {
  const auth = new passport.Passport()
  auth.use(strategy)
  auth.serializeUser(serializeUser)
  auth.deserializeUser(deserializeUser)
  const app = express()
  app.use(session({ secret: 'race-secret', resave: false, saveUninitialized: false, store }))
  app.use(auth.session())
  const form = express.urlencoded({ extended: false })
  app.post('/login', form, (req, res, next) => {
    auth.authenticate(strategy.name, (err: any, user: any, info: any, status: any) => {
      if (err) return res.status(500).json({ error: err.code })
      if (!user) return res.status(status ?? 401).json(info ?? {})
      req.logIn(user, (e) => (e ? next(e) : res.json({ signedIn: true })))
    })(req, res, next)
  })
  app.post('/login/mfa/resend', form, (req, res, next) => {
    strategy.resendCode(req).then((result) => res.status(result.sent ? 200 : result.status).json(result), next)
  })
  // A page that changes the session (a flash message): saves its own copy of the session at its end.
  app.post('/touch', form, (req, res) => {
    ;(req.session as any).messages = ['hello']
    res.json({ pending: strategy.pendingMfa(req) ?? null })
  })
  app.get('/pending', (req, res) => {
    res.json({ pending: strategy.pendingMfa(req) ?? null })
  })
  const server: http.Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A POST whose headers go out now and whose body goes out when `send()` is called; resolves with the status and body. */
function heldPost(port: number, path: string, cookie: string, body: string) {
  const socket = net.connect(port, '127.0.0.1')
  const head =
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nConnection: close\r\n` +
    `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`
  let raw = ''
  socket.setEncoding('utf8')
  socket.on('data', (chunk: string) => (raw += chunk))
  const answered = new Promise<{ status: number; body: any }>((resolve, reject) => {
    socket.on('error', reject)
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d+)/.exec(raw)?.[1])
      const text = raw.slice(raw.indexOf('\r\n\r\n') + 4)
      let parsed: any
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = text
      }
      resolve({ status, body: parsed })
    })
  })
  const connected = new Promise<void>((resolve) => socket.once('connect', () => socket.write(head, () => resolve())))
  return { connected, send: () => socket.write(body), answered }
}

describe('MFA limits hold against parallel requests (body parser after the session)', function () {
  this.timeout(30_000)
  let emu: DinteroEmulator
  useEmulator((e) => (emu = e))
  let app: RaceApp
  afterEach(() => app?.close())

  /** OLA's password step on `url` (401: the code is due); resolves to the session cookie. */
  async function passwordStep(url: string): Promise<string> {
    const res = await fetch(`${url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: OLA.email, password: OLA.password }),
    })
    expect(res.status).to.equal(401)
    return res.headers.get('set-cookie')!.split(';')[0]!
  }

  async function startSignIn(over: Record<string, unknown>): Promise<string> {
    const strategy = new DinteroPasswordStrategy(strategyOptions(emu, { mfa: 'auto', ...over }))
    app = await startRaceApp(strategy)
    return passwordStep(app.url)
  }

  /** Five held requests; bodies one at a time, each after the previous one was answered. */
  async function race(path: string, cookie: string, body: string) {
    const held = Array.from({ length: PARALLEL }, () => heldPost(app.port, path, cookie, body))
    await Promise.all(held.map((h) => h.connected))
    // Let every request load the session and wait in the body parser.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const answers = []
    for (const h of held) {
      h.send()
      answers.push(await h.answered)
    }
    return answers
  }

  it('mfaMaxAttempts 2: at most 2 code checks reach Dintero, and the right code is refused afterwards', async () => {
    const cookie = await startSignIn({ mfaMaxAttempts: 2 })
    const code = emu.lastMfaCode(OLA.email)!
    const wrong = code === '000000' ? '111111' : '000000'
    const before = emu.count('mfa_token')
    const answers = await race('/login', cookie, `code=${wrong}`)
    expect(emu.count('mfa_token') - before, 'code checks at Dintero').to.be.at.most(2)
    expect(answers.filter((a) => a.body.message === 'Wrong code. 1 attempt left.')).to.have.length.at.most(1)
    const right = heldPost(app.port, '/login', cookie, `code=${code}`)
    await right.connected
    right.send()
    const after = await right.answered
    expect(after.body.signedIn).to.equal(undefined)
    expect(emu.count('mfa_token') - before, 'code checks at Dintero').to.be.at.most(2)
  })

  it('a request that loaded the session before a wrong code and saves it afterwards gives no attempt back', async () => {
    const cookie = await startSignIn({ mfaMaxAttempts: 3 })
    const code = emu.lastMfaCode(OLA.email)!
    const wrong = code === '000000' ? '111111' : '000000'
    const stale = heldPost(app.port, '/touch', cookie, 'x=1')
    await stale.connected
    await new Promise((resolve) => setTimeout(resolve, 50))
    const post = (body: string) =>
      fetch(`${app.url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body })
    expect(((await (await post(`code=${wrong}`)).json()) as any).attemptsLeft).to.equal(2)
    stale.send()
    expect((await stale.answered).status).to.equal(200)
    const pending = (await (await fetch(`${app.url}/pending`, { headers: { cookie } })).json()) as any
    expect(pending.pending.attemptsLeft).to.equal(2)
    expect(((await (await post(`code=${wrong}`)).json()) as any).attemptsLeft).to.equal(1)
  })

  it('two instances sharing the store: a count saved on one is seen by a step on the other that loaded the session before it', async () => {
    const store = new session.MemoryStore()
    const options = strategyOptions(emu, { mfa: 'auto', mfaMaxAttempts: 2 })
    app = await startRaceApp(new DinteroPasswordStrategy(options), store)
    const other = await startRaceApp(new DinteroPasswordStrategy(options), store)
    try {
      const cookie = await passwordStep(app.url)
      const code = emu.lastMfaCode(OLA.email)!
      const wrong = code === '000000' ? '111111' : '000000'
      const before = emu.count('mfa_token')
      // Loads the session on the other instance (2 attempts left in its copy), body held back.
      const held = heldPost(other.port, '/login', cookie, `code=${wrong}`)
      await held.connected
      await new Promise((resolve) => setTimeout(resolve, 100))
      const first = await fetch(`${app.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: `code=${wrong}`,
      })
      expect(((await first.json()) as any).attemptsLeft).to.equal(1)
      held.send()
      expect((await held.answered).body.attemptsLeft).to.equal(0)
      const right = heldPost(other.port, '/login', cookie, `code=${code}`)
      await right.connected
      right.send()
      expect((await right.answered).body.signedIn).to.equal(undefined)
      expect(emu.count('mfa_token') - before, 'code checks at Dintero').to.equal(2)
    } finally {
      await other.close()
    }
  })

  it('two instances sharing the store: a code check on one spends its attempt before Dintero answers, so a parallel check on the other cannot use it too', async () => {
    const store = new session.MemoryStore()
    const options = strategyOptions(emu, { mfa: 'auto', mfaMaxAttempts: 1 })
    app = await startRaceApp(new DinteroPasswordStrategy(options), store)
    const other = await startRaceApp(new DinteroPasswordStrategy(options), store)
    try {
      const res = await fetch(`${app.url}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ email: OLA.email, password: OLA.password }),
      })
      expect(res.status).to.equal(401)
      const cookie = res.headers.get('set-cookie')!.split(';')[0]!
      const code = emu.lastMfaCode(OLA.email)!
      const wrong = code === '000000' ? '111111' : '000000'
      const before = emu.count('mfa_token')
      // The check on the first instance is at Dintero (its answer held back) while the second checks.
      emu.fault('mfa_token', { answerDelayMs: 500, times: 1 })
      const post = (url: string, body: string) =>
        fetch(`${url}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', cookie }, body })
      const first = post(app.url, `code=${wrong}`)
      await new Promise((resolve) => setTimeout(resolve, 150))
      const second = await post(other.url, `code=${code}`)
      expect(second.status, 'the second check: no attempt left for it').to.equal(401)
      expect(((await second.json()) as any).attemptsLeft).to.equal(0)
      expect((await first).status).to.equal(401)
      expect(emu.count('mfa_token') - before, 'code checks at Dintero').to.equal(1)
    } finally {
      await other.close()
    }
  })

  it('mfaMaxResends 1: at most 1 resend reaches Dintero', async () => {
    const cookie = await startSignIn({ mfaMaxResends: 1, mfaResendInterval: 0 })
    const before = emu.count('mfa_challenge')
    const answers = await race('/login/mfa/resend', cookie, 'x=1')
    expect(emu.count('mfa_challenge') - before, 'resends at Dintero').to.be.at.most(1)
    expect(answers.filter((a) => a.body.sent === true)).to.have.length.at.most(1)
  })
})
