/**
 * The two-step MFA sign-in end to end: Express 5 + express-session + Passport over real loopback HTTP
 * with a cookie jar, against the emulator. One describe per outcome in the README's "MFA" section.
 */
import { expect } from 'chai'
import express from 'express'
import passport from 'passport'
import type { AddressInfo } from 'node:net'
import { DinteroPasswordStrategy, type DinteroStrategyOptions, TokenVerificationError } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type TestApp } from '../support/app.js'
import { Browser } from '../support/browser.js'
import { KARI, OLA, startEmulator, useEmulator, strategyOptions } from '../support/emulator.js'

const KEY = 'passport-dintero:mfa:dintero'
const ola = { email: OLA.email, password: OLA.password }

describe('MFA two-step sign-in over HTTP', function () {
  let emu: DinteroEmulator
  let app: TestApp | undefined

  useEmulator((e) => (emu = e))
  afterEach(async () => {
    await app?.close()
    app = undefined
  })

  async function open(over: Partial<DinteroStrategyOptions> = {}, verify?: Parameters<typeof startApp>[1]): Promise<Browser> {
    app = await startApp(strategyOptions(emu, { mfa: 'auto', ...over }), verify)
    return new Browser(app.url)
  }

  /** The pending state of the only session that has one. */
  async function pendingStates(): Promise<Array<Record<string, any>>> {
    return Object.values(await app!.sessions())
      .map((s) => s[KEY])
      .filter((p) => p !== undefined)
  }

  /** Rewrites the pending state in the session store, as time passing would. */
  async function editPending(edit: (pending: Record<string, any>) => void): Promise<void> {
    const all = await app!.sessions()
    const [sid, session] = Object.entries(all).find(([, s]) => s[KEY] !== undefined)!
    edit(session[KEY])
    await new Promise<void>((resolve, reject) => app!.store.set(sid, session, (err) => (err ? reject(err) : resolve())))
  }

  function otherCode(code: string): string {
    return code === '000000' ? '111111' : '000000'
  }

  describe('success', () => {
    it('mfa auto: password, then the code; signs in with a new session and consumes the pending state', async () => {
      const browser = await open()
      const step1 = await browser.post('/login', ola)
      expect(step1.status).to.equal(401)
      expect(step1.json).to.deep.equal({
        message: 'We sent you a code by email. Enter it to sign in.',
        code: 'ERR_DINTERO_MFA_REQUIRED',
        mfaRequired: true,
        channel: 'email',
      })
      const [pending] = await pendingStates()
      expect(pending).to.include({ channel: 'email', attemptsLeft: 5, resendsLeft: 3 })
      expect(pending!.mfaToken).to.be.a('string').with.length.greaterThan(10)
      expect(pending!.oobCode).to.be.a('string').with.length.greaterThan(10)
      const cookieBefore = browser.jar.header()

      const code = emu.lastMfaCode(OLA.email)!
      expect(code).to.match(/^\d{6}$/)
      const step2 = await browser.post('/login', { code })
      expect(step2.status).to.equal(200)
      const id = step2.json.id as string
      expect(browser.jar.header()).not.to.equal(cookieBefore) // Passport regenerated the session

      const me = await browser.get('/me')
      expect(me.json).to.include({ signedIn: true, id, sub: id })
      expect(await pendingStates()).to.deep.equal([])
      const user = app!.outcomes.at(-1)!.user
      expect(user.claims.email).to.equal(OLA.email)
      expect(user.tokens.expiresAt).to.equal(user.claims.exp * 1000)
      expect([emu.count('login'), emu.count('mfa_login'), emu.count('mfa_challenge'), emu.count('mfa_token')]).to.deep.equal([1, 0, 1, 1])
    })

    it('redirects to mfaURL after the password, and to successRedirect after the code', async () => {
      const browser = await open({ mfaURL: '/login/mfa' })
      const step1 = await browser.post('/login-redirect', ola)
      expect(step1.status).to.equal(302)
      expect(step1.location).to.equal('/login/mfa')
      const page = await browser.get('/login/mfa')
      expect(page.json.pending).to.include({ channel: 'email', attemptsLeft: 5, resendsLeft: 3 })
      expect(page.json.pending.expiresAt).to.be.greaterThan(Date.now())
      expect(page.text).not.to.contain((await pendingStates())[0]!.mfaToken)

      const step2 = await browser.post('/login-redirect', { code: emu.lastMfaCode(OLA.email)! })
      expect(step2.status).to.equal(302)
      expect(step2.location).to.equal('/me')
      expect((await browser.get('/me')).json.signedIn).to.equal(true)
      expect((await browser.get('/login/mfa')).json.pending).to.equal(null)
    })

    it('mfa always: every sign-in goes through mfa_login and a code (by SMS for a phone number)', async () => {
      const browser = await open({ mfa: 'always', codeField: 'otp' })
      const step1 = await browser.post('/login', { email: KARI.phone, password: KARI.password })
      expect(step1.status).to.equal(401)
      expect(step1.json).to.include({ mfaRequired: true, channel: 'sms' })
      const step2 = await browser.post('/login', { otp: emu.lastMfaCode(KARI.phone)! })
      expect(step2.status).to.equal(200)
      expect(app!.outcomes.at(-1)!.user.claims.name).to.equal('Kari Nordmann')
      expect([emu.count('login'), emu.count('mfa_login'), emu.count('mfa_token')]).to.deep.equal([0, 1, 1])
    })

    it('sends the configured grant type (mfa_oob), accepts spaces in the code, and runs the verify callback', async () => {
      const seen: string[] = []
      const browser = await open({ mfaGrantType: 'mfa_oob' }, async (tokens, claims) => {
        seen.push(claims.sub)
        return { id: claims.sub, claims, tokens }
      })
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      const step2 = await browser.post('/login', { code: ` ${code.slice(0, 3)} ${code.slice(3)} ` })
      expect(step2.status).to.equal(200)
      expect(seen).to.deep.equal([step2.json.id])
      expect(emu.requests.filter((r) => r.endpoint === 'mfa_token')).to.have.length(1)
    })

    it("mfa off (the default) keeps today's behaviour: fail 401 mfaRequired, no code sent", async () => {
      const browser = await open({ mfa: 'off' })
      const res = await browser.post('/login', ola)
      expect(res.status).to.equal(401)
      expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED', mfaRequired: true })
      expect(res.json.channel).to.equal(undefined)
      expect(emu.count('mfa_challenge')).to.equal(0)
      expect((await browser.post('/login', { code: '123456' })).json).to.deep.equal({ message: 'Missing credentials' })
    })

    it('signs a user without MFA straight in with mfa auto', async () => {
      const browser = await open()
      const res = await browser.post('/login', { email: KARI.email, password: KARI.password })
      expect(res.status).to.equal(200)
      expect(emu.count('mfa_challenge')).to.equal(0)
    })
  })

  describe('step 2 without step 1', () => {
    it('refuses a code in a session without a pending sign-in with 400, asking nothing of Dintero', async () => {
      const browser = await open()
      const res = await browser.post('/login', { code: '123456' })
      expect(res.status).to.equal(400)
      expect(res.json).to.deep.equal({ message: 'No sign-in is waiting for a code. Sign in again.', code: 'ERR_DINTERO_MFA_NOT_STARTED' })
      expect(emu.count('mfa_token')).to.equal(0)
    })

    it('cannot be reached with a wrong password: no code is sent and no sign-in is pending', async () => {
      const browser = await open()
      const res = await browser.post('/login', { email: OLA.email, password: 'wrong-password-1' })
      expect(res.status).to.equal(401)
      expect(res.json.code).to.equal('ERR_DINTERO_INVALID_CREDENTIALS')
      expect(emu.count('mfa_challenge')).to.equal(0)
      expect(await pendingStates()).to.deep.equal([])
      expect((await browser.post('/login', { code: '123456' })).status).to.equal(400)
    })

    it('treats a body with a password and a code as step 1', async () => {
      const browser = await open()
      const res = await browser.post('/login', { ...ola, code: '123456' })
      expect(res.json).to.include({ code: 'ERR_DINTERO_MFA_REQUIRED' })
      expect(emu.count('mfa_token')).to.equal(0)
    })
  })

  describe('a code from another session', () => {
    it('is refused in session B, with or without a sign-in pending there, and still works in session A', async () => {
      const a = await open()
      await a.post('/login', ola)
      const codeA = emu.lastMfaCode(OLA.email)!

      const fresh = new Browser(app!.url)
      expect((await fresh.post('/login', { code: codeA })).status).to.equal(400)

      const b = new Browser(app!.url)
      await b.post('/login', ola)
      const codeB = emu.lastMfaCode(OLA.email)!
      if (codeA !== codeB) {
        const replay = await b.post('/login', { code: codeA })
        expect(replay.status).to.equal(401)
        expect(replay.json).to.include({ code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 4 })
      }
      expect((await a.post('/login', { code: codeA })).status).to.equal(200)
      expect((await b.get('/me')).json.signedIn).to.equal(false)
    })

    it('a copied step-1 cookie cannot be used again once the sign-in completed', async () => {
      const a = await open()
      await a.post('/login', ola)
      const stolen = new Browser(app!.url, a.jar.clone())
      const code = emu.lastMfaCode(OLA.email)!
      expect((await a.post('/login', { code })).status).to.equal(200)
      const replay = await stolen.post('/login', { code })
      expect(replay.status).to.equal(400)
      expect(replay.json.code).to.equal('ERR_DINTERO_MFA_NOT_STARTED')
    })
  })

  describe('wrong codes', () => {
    it('fails 401 with the attempts left, and the right code still works', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      const wrong = await browser.post('/login', { code: otherCode(code) })
      expect(wrong.status).to.equal(401)
      expect(wrong.json).to.deep.equal({
        message: 'Wrong code. 4 attempts left.',
        code: 'ERR_DINTERO_MFA_CODE_INVALID',
        mfaRequired: true,
        channel: 'email',
        attemptsLeft: 4,
      })
      expect((await browser.post('/login', { code })).status).to.equal(200)
    })

    it('drops the pending sign-in after the configured number of wrong codes', async () => {
      const browser = await open({ mfaMaxAttempts: 3 })
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      const left: number[] = []
      for (let i = 0; i < 3; i++) left.push((await browser.post('/login', { code: otherCode(code) })).json.attemptsLeft)
      expect(left).to.deep.equal([2, 1, 0])
      expect(app!.outcomes.at(-1)!.info).to.deep.equal({
        message: 'Too many wrong codes. Sign in again.',
        code: 'ERR_DINTERO_MFA_CODE_INVALID',
        attemptsLeft: 0,
      })
      expect(await pendingStates()).to.deep.equal([])
      const late = await browser.post('/login', { code })
      expect(late.status).to.equal(400)
      expect(emu.count('mfa_token')).to.equal(3)
    })

    it('checks one code per session at a time: parallel guesses cannot share one attempt', async () => {
      const browser = await open({ mfaMaxAttempts: 3 })
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      emu.fault('mfa_token', { delayMs: 200, times: 1 })
      const parallel = await Promise.all(Array.from({ length: 4 }, () => browser.post('/login', { code: otherCode(code) })))
      // Normally one check reaches Dintero and the other three are refused as busy; on a loaded machine a
      // request may arrive after the first check ended and make a check of its own. Either way every check
      // that reached Dintero is one 401 and spends its own attempt (no two share a count).
      const checks = emu.count('mfa_token')
      expect(checks).to.be.within(1, 3)
      const wrong = parallel.filter((r) => r.status === 401)
      const busy = parallel.filter((r) => r.status === 429)
      expect(wrong).to.have.length(checks)
      expect(busy).to.have.length(4 - checks)
      for (const r of busy) expect(r.json.code).to.equal('ERR_DINTERO_MFA_BUSY')
      expect(wrong.map((r) => r.json.attemptsLeft).sort()).to.deep.equal([2, 1, 0].slice(0, checks).sort())
      if (checks < 3) {
        const left = (await browser.post('/login', { code: otherCode(code) })).json.attemptsLeft
        expect(left).to.equal(2 - checks)
      }
    })

    it('one session checking a code does not make another session busy', async () => {
      const a = await open()
      await a.post('/login', ola)
      const codeA = emu.lastMfaCode(OLA.email)!
      const b = new Browser(app!.url)
      await b.post('/login', ola)
      const codeB = emu.lastMfaCode(OLA.email)!
      emu.fault('mfa_token', { delayMs: 300, times: 2 })
      const [resA, resB] = await Promise.all([a.post('/login', { code: otherCode(codeA) }), b.post('/login', { code: otherCode(codeB) })])
      expect([resA.status, resB.status]).to.deep.equal([401, 401])
      expect([resA.json.attemptsLeft, resB.json.attemptsLeft]).to.deep.equal([4, 4])
      expect(emu.count('mfa_token')).to.equal(2)
    })

    it('a parallel guess in the same session is refused as busy, with the attempts left', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      emu.fault('mfa_token', { delayMs: 300, times: 1 })
      const first = browser.post('/login', { code: otherCode(code) })
      // The first check is at Dintero once the emulator has seen it.
      while (emu.count('mfa_token') === 0) await new Promise((resolve) => setTimeout(resolve, 5))
      const busy = await browser.post('/login', { code: otherCode(code) })
      expect(busy.status).to.equal(429)
      expect(busy.json).to.deep.equal({
        message: 'Your code is being checked. Try again in a moment.',
        code: 'ERR_DINTERO_MFA_BUSY',
        mfaRequired: true,
        channel: 'email',
        attemptsLeft: 4, // the attempt being checked is already spent
      })
      const resend = await browser.post('/login/mfa/resend', {})
      expect(resend.status).to.equal(429)
      expect(resend.json).to.deep.equal({ sent: false, status: 429, info: busy.json })
      expect((await first).json.attemptsLeft).to.equal(4)
    })

    it('refuses a malformed code with 400 without using an attempt or calling Dintero', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      for (const code of ['', '12 34!', 'x'.repeat(40)]) {
        const res = await browser.post('/login', { code })
        expect(res.status, code).to.equal(400)
        expect(res.json).to.include({ message: 'Enter the code we sent you.', mfaRequired: true, attemptsLeft: 5 })
      }
      expect(emu.count('mfa_token')).to.equal(0)
    })
  })

  describe('expiry', () => {
    it('fails 401 "sign in again" once the pending sign-in is older than mfaLifetime, and drops it', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      await editPending((p) => {
        p['expiresAt'] = Date.now() - 1
      })
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(401)
      expect(res.json).to.deep.equal({ message: 'The sign-in has expired. Sign in again.', code: 'ERR_DINTERO_MFA_EXPIRED' })
      expect(emu.count('mfa_token')).to.equal(0)
      expect(await pendingStates()).to.deep.equal([])
      expect((await browser.get('/login/mfa')).json.pending).to.equal(null)
    })

    it('fails 401 "sign in again" when Dintero says the code expired', async () => {
      const shortEmu = await startEmulator({ mfaCodeTtl: 0.2 })
      try {
        app = await startApp(strategyOptions(shortEmu, { mfa: 'auto' }))
        const browser = new Browser(app.url)
        await browser.post('/login', ola)
        await new Promise((resolve) => setTimeout(resolve, 300))
        const res = await browser.post('/login', { code: shortEmu.lastMfaCode(OLA.email)! })
        expect(res.status).to.equal(401)
        expect(res.json.code).to.equal('ERR_DINTERO_MFA_EXPIRED')
        expect(await pendingStates()).to.deep.equal([])
      } finally {
        await shortEmu.stop()
      }
    })

    it('drops a malformed pending state as if there were none', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      await editPending((p) => {
        p['attemptsLeft'] = 'many'
      })
      expect((await browser.post('/login', { code: '123456' })).status).to.equal(400)
      expect(emu.count('mfa_token')).to.equal(0)
    })
  })

  describe('a tampered pending state in the session store', () => {
    // Each field of the stored entry made the wrong type (or out of range): the entry is dropped as if
    // there were none, nothing reaches Dintero, and the store no longer holds it.
    const future = () => Date.now() + 60_000
    const cases: Array<[string, (p: Record<string, any>) => void]> = [
      ['mfaToken empty', (p) => (p['mfaToken'] = '')],
      ['mfaToken a number', (p) => (p['mfaToken'] = 42)],
      ['mfaToken an array', (p) => (p['mfaToken'] = [p['mfaToken']])],
      ['mfaToken missing', (p) => delete p['mfaToken']],
      ['oobCode empty', (p) => (p['oobCode'] = '')],
      ['oobCode an array', (p) => (p['oobCode'] = [p['oobCode']])],
      ['oobCode missing', (p) => delete p['oobCode']],
      ['channel a number', (p) => (p['channel'] = 7)],
      ['channel null', (p) => (p['channel'] = null)],
      ['expiresAt a string', (p) => (p['expiresAt'] = String(future()))],
      ['expiresAt null', (p) => (p['expiresAt'] = null)],
      ['sentAt a string', (p) => (p['sentAt'] = String(Date.now()))],
      ['sentAt missing', (p) => delete p['sentAt']],
      ['attemptsLeft a fraction', (p) => (p['attemptsLeft'] = 2.5)],
      ['attemptsLeft negative', (p) => (p['attemptsLeft'] = -1)],
      ['attemptsLeft a string', (p) => (p['attemptsLeft'] = '3')],
      ['resendsLeft a fraction', (p) => (p['resendsLeft'] = 1.5)],
      ['resendsLeft negative', (p) => (p['resendsLeft'] = -1)],
      ['resendsLeft a string', (p) => (p['resendsLeft'] = '3')],
    ]
    for (const [label, tamper] of cases) {
      it(`drops it: ${label}`, async () => {
        const browser = await open()
        await browser.post('/login', ola)
        await editPending(tamper)
        expect((await browser.get('/login/mfa')).json.pending).to.equal(null)
        const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
        expect(res.status).to.equal(400)
        expect(res.json).to.deep.equal({ message: 'No sign-in is waiting for a code. Sign in again.', code: 'ERR_DINTERO_MFA_NOT_STARTED' })
        expect(emu.count('mfa_token')).to.equal(0)
        expect(await pendingStates()).to.deep.equal([])
      })
    }

    for (const [label, entry] of [
      ['not an object', 'tampered'],
      ['null', null],
    ] as const) {
      it(`drops an entry that is ${label}`, async () => {
        const browser = await open()
        await browser.post('/login', ola)
        const all = await app!.sessions()
        const [sid, session] = Object.entries(all).find(([, s]) => s[KEY] !== undefined)!
        session[KEY] = entry
        await new Promise<void>((resolve, reject) => app!.store.set(sid, session, (err) => (err ? reject(err) : resolve())))
        expect((await browser.get('/login/mfa')).json.pending).to.equal(null)
        const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
        expect(res.status).to.equal(400)
        expect(res.json.code).to.equal('ERR_DINTERO_MFA_NOT_STARTED')
        expect(Object.values(await app!.sessions()).some((s) => KEY in s)).to.equal(false)
      })
    }

    it('keeps an entry without a channel (the code page and the refusals then name none)', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      await editPending((p) => delete p['channel'])
      const page = (await browser.get('/login/mfa')).json.pending
      expect(page).to.include({ attemptsLeft: 5, resendsLeft: 3 })
      expect(page).not.to.have.property('channel')
      const code = emu.lastMfaCode(OLA.email)!
      const wrong = await browser.post('/login', { code: otherCode(code) })
      expect(wrong.json).to.deep.equal({ message: 'Wrong code. 4 attempts left.', code: 'ERR_DINTERO_MFA_CODE_INVALID', mfaRequired: true, attemptsLeft: 4 })
      expect((await browser.post('/login', { code })).status).to.equal(200)
    })

    it('keeps an entry with no attempt left, and refuses its code without asking Dintero', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      await editPending((p) => (p['attemptsLeft'] = 0))
      expect((await browser.get('/login/mfa')).json.pending).to.include({ attemptsLeft: 0 })
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(401)
      expect(res.json).to.deep.equal({ message: 'Too many wrong codes. Sign in again.', code: 'ERR_DINTERO_MFA_CODE_INVALID', attemptsLeft: 0 })
      expect(emu.count('mfa_token')).to.equal(0)
    })

    it('keeps an entry with no resend left, and refuses a resend without asking Dintero', async () => {
      const browser = await open({ mfaResendInterval: 0 })
      await browser.post('/login', ola)
      await editPending((p) => (p['resendsLeft'] = 0))
      expect((await browser.get('/login/mfa')).json.pending).to.include({ resendsLeft: 0 })
      const res = await browser.post('/login/mfa/resend', {})
      expect(res.status).to.equal(429)
      expect(res.json).to.deep.equal({
        sent: false,
        status: 429,
        info: { message: 'No more codes can be sent. Sign in again.', code: 'ERR_DINTERO_MFA_RESEND_LIMITED', mfaRequired: true, channel: 'email', attemptsLeft: 5 },
      })
      expect(emu.count('mfa_challenge')).to.equal(1)
      expect((await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })).status).to.equal(200)
    })
  })

  describe('Dintero rate limits and faults', () => {
    it('fails 429 with retryAfter when the challenge is rate limited, leaving nothing pending', async () => {
      const browser = await open()
      emu.fault('mfa_challenge', { status: 429, retryAfter: 7 })
      const res = await browser.post('/login', ola)
      expect(res.status).to.equal(429)
      expect(res.json).to.include({ code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 7 })
      expect(await pendingStates()).to.deep.equal([])
    })

    it('fails 429 at the code grant and keeps the pending sign-in for another try', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      emu.fault('mfa_token', { status: 429, retryAfter: 2, times: 1 })
      const code = emu.lastMfaCode(OLA.email)!
      expect((await browser.post('/login', { code })).status).to.equal(429)
      expect((await browser.post('/login', { code })).status).to.equal(200)
    })

    it('ends the sign-in when upstream trouble met its last attempt: the next code finds none', async () => {
      const browser = await open({ mfaMaxAttempts: 2 })
      await browser.post('/login', ola)
      const code = emu.lastMfaCode(OLA.email)!
      emu.fault('mfa_token', { status: 503, times: 1 })
      expect((await browser.post('/login', { code })).status).to.equal(503)
      expect(await pendingStates()).to.have.length(1) // one attempt left: kept for another try
      emu.fault('mfa_token', { status: 503, times: 1 })
      expect((await browser.post('/login', { code })).status).to.equal(503)
      expect(await pendingStates()).to.deep.equal([])
      const late = await browser.post('/login', { code })
      expect(late.status).to.equal(400)
      expect(late.json.code).to.equal('ERR_DINTERO_MFA_NOT_STARTED')
      expect(emu.count('mfa_token')).to.equal(2)
    })

    it('errors with TokenVerificationError when the token issued for the code fails verification, and drops the state', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      emu.fault('mfa_token', { accessToken: 'wrong-key', times: 1 })
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(502)
      expect(app!.outcomes.at(-1)!.error).to.be.instanceOf(TokenVerificationError)
      expect(await pendingStates()).to.deep.equal([])
    })

    it('fails 401 when verify refuses the user after a good code', async () => {
      const browser = await open({}, async () => false)
      await browser.post('/login', ola)
      const res = await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })
      expect(res.status).to.equal(401)
      expect((await browser.get('/me')).json.signedIn).to.equal(false)
      // Dintero spent the mfa_token: the pending sign-in is gone from the store, and the code with it.
      expect(await pendingStates()).to.deep.equal([])
      expect((await browser.post('/login', { code: emu.lastMfaCode(OLA.email)! })).status).to.equal(400)
    })
  })

  describe('resending the code', () => {
    it('keeps the pending sign-in for mfaLifetime from the first code, and a resend does not extend it', async () => {
      const browser = await open({ mfaLifetime: 60_000, mfaResendInterval: 0 })
      const before = Date.now()
      await browser.post('/login', ola)
      const [pending] = await pendingStates()
      expect(pending!['expiresAt']).to.be.within(before + 60_000, Date.now() + 60_000)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect((await browser.post('/login/mfa/resend', {})).status).to.equal(200)
      const [after] = await pendingStates()
      expect(after!['expiresAt']).to.equal(pending!['expiresAt'])
      expect(after!['sentAt']).to.be.greaterThan(pending!['sentAt'])
    })

    it('sends a new code that replaces the old one, without resetting the wrong-code count', async () => {
      const browser = await open({ mfaResendInterval: 0 })
      await browser.post('/login', ola)
      const first = emu.lastMfaCode(OLA.email)!
      expect((await browser.post('/login', { code: otherCode(first) })).json.attemptsLeft).to.equal(4)

      const resent = await browser.post('/login/mfa/resend', {})
      expect(resent.status).to.equal(200)
      expect(resent.json).to.deep.equal({ sent: true, channel: 'email', resendsLeft: 2 })
      expect(emu.count('mfa_challenge')).to.equal(2)
      const second = emu.lastMfaCode(OLA.email)!
      if (second !== first) {
        expect((await browser.post('/login', { code: first })).json.attemptsLeft).to.equal(3)
      }
      expect((await browser.post('/login', { code: second })).status).to.equal(200)
    })

    it('refuses a resend sooner than mfaResendInterval with 429 and retryAfter', async () => {
      const browser = await open()
      await browser.post('/login', ola)
      const res = await browser.post('/login/mfa/resend', {})
      expect(res.status).to.equal(429)
      expect(res.json.sent).to.equal(false)
      expect(res.json.info).to.include({ code: 'ERR_DINTERO_MFA_RESEND_LIMITED', mfaRequired: true })
      expect(res.json.info.retryAfter).to.be.within(1, 30)
      expect(emu.count('mfa_challenge')).to.equal(1)
    })

    it('refuses more than mfaMaxResends resends', async () => {
      const browser = await open({ mfaResendInterval: 0, mfaMaxResends: 1 })
      await browser.post('/login', ola)
      expect((await browser.post('/login/mfa/resend', {})).status).to.equal(200)
      const res = await browser.post('/login/mfa/resend', {})
      expect(res.status).to.equal(429)
      expect(res.json.info.message).to.equal('No more codes can be sent. Sign in again.')
      expect(emu.count('mfa_challenge')).to.equal(2)
    })

    it('refuses a resend without a pending sign-in (400), after expiry (401) and when Dintero answers 429', async () => {
      const browser = await open({ mfaResendInterval: 0 })
      expect((await browser.post('/login/mfa/resend', {})).status).to.equal(400)
      await browser.post('/login', ola)
      emu.fault('mfa_challenge', { status: 429, retryAfter: 5, times: 1 })
      const limited = await browser.post('/login/mfa/resend', {})
      expect(limited.status).to.equal(429)
      expect(limited.json.info).to.include({ code: 'ERR_DINTERO_RATE_LIMITED', retryAfter: 5 })
      await editPending((p) => {
        p['expiresAt'] = Date.now() - 1
      })
      const expired = await browser.post('/login/mfa/resend', {})
      expect(expired.status).to.equal(401)
      expect(expired.json.info.code).to.equal('ERR_DINTERO_MFA_EXPIRED')
    })

    it('is a programmer error with mfa off', async () => {
      const browser = await open({ mfa: 'off' })
      const res = await browser.post('/login/mfa/resend', {})
      expect(res.status).to.equal(500)
      expect(app!.outcomes.at(-1)!.error).to.be.instanceOf(TypeError)
    })
  })

  describe('without a server-side session', () => {
    const NO_SESSION =
      'DinteroPasswordStrategy: option mfa needs a server-side session: use express-session or @fastify/session (with a server-side store) before passport.authenticate()'
    const COOKIE_SESSION =
      "DinteroPasswordStrategy: option mfa: refusing a cookie-only session (cookie-session, @fastify/secure-session): the mfa_token would be stored in the browser's cookie; use express-session or @fastify/session with a server-side store"
    for (const [label, install, message] of [
      ['no session middleware', () => {}, NO_SESSION],
      ['a cookie-based session (no sessionID)', (req: any) => (req.session = {}), COOKIE_SESSION],
    ] as const) {
      it(`errors with a TypeError naming express-session: ${label}`, async () => {
        const strategy = new DinteroPasswordStrategy(strategyOptions(emu, { mfa: 'auto' }))
        const auth = new passport.Passport()
        auth.use(strategy)
        const errors: Error[] = []
        const server = express()
          .use(express.urlencoded({ extended: false }))
          .use((req, _res, next) => {
            install(req)
            next()
          })
          .post('/login', auth.authenticate('dintero', { session: false }))
          .use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
            errors.push(err)
            res.status(500).end()
          })
          .listen(0, '127.0.0.1')
        await new Promise((resolve) => server.once('listening', resolve))
        try {
          const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
          const res = await new Browser(url).post('/login', ola)
          expect(res.status).to.equal(500)
          expect(errors[0]).to.be.instanceOf(TypeError)
          expect(errors[0]!.message).to.equal(message)
          expect(emu.count('login')).to.equal(0)
        } finally {
          server.closeAllConnections()
          await new Promise((resolve) => server.close(resolve))
        }
      })
    }
  })
})
