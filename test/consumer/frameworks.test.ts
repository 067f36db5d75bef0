/**
 * The packed tarball in a Fastify app and in NestJS apps (Nest 12 as ESM, Nest 11 compiled to
 * CommonJS with `module: nodenext`, from one source), each installed from the registry, compiled with
 * `tsc --strict` (no casts in the app) and run as its own process against an emulator in this process
 * (3 s access tokens): the statuses a sign-in answers, the cookie, one refresh call, one revoke at
 * sign-out, and the MFA two-step sign-in.
 */
import { expect } from 'chai'
import { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { cleanEnv, type Started, startJsonProcess } from '../support/process.js'
import { expectMfaTwoStep, expectOneRefreshThenOneRevoke } from '../support/session-scenarios.js'
import { type ConsumerApp, installApp } from './pack.js'

const USER = { email: 'framework@example.no', password: 'framework-password-1' }
const MFA_USER = { email: 'framework-mfa@example.no', password: 'framework-password-2' }
const TTL_SECONDS = 3
/** Refresh when less than this is left: due a little over a second after sign-in. */
const REFRESH_WINDOW = 1.8

const NEST_DEPS = (major: number) => [
  `@nestjs/core@^${major}`,
  `@nestjs/common@^${major}`,
  `@nestjs/passport@^${major}`,
  `@nestjs/platform-express@^${major}`,
  'reflect-metadata@^0.2',
  'rxjs@^7',
  'express-session@^1.18',
  'passport@^0.7',
  '@types/express@^5',
  '@types/express-session@^1.18',
  '@types/passport@^1',
  '@types/node@^20',
]
const APPS: ConsumerApp[] = [
  {
    name: 'ts-fastify',
    type: 'module',
    deps: ['fastify@^5', '@fastify/session@^11', '@fastify/passport@^4', '@fastify/cookie@^11', '@fastify/formbody@^8', '@types/node@^20'],
    main: 'dist/server.js',
    build: true,
  },
  { name: 'nest12-esm', source: 'ts-nest', type: 'module', deps: NEST_DEPS(12), main: 'dist/server.js', build: true },
  { name: 'nest11-cjs', source: 'ts-nest', type: 'commonjs', deps: NEST_DEPS(11), main: 'dist/server.js', build: true },
]

interface Ready {
  url: string
  bypassRefused?: boolean
}

describe('the packed package under Fastify and NestJS', function () {
  this.timeout(300_000)
  const emu = new DinteroEmulator({ accessTokenTtl: TTL_SECONDS })
  const running = new Map<string, Started<Ready>>()

  before(async function () {
    await emu.start()
    emu.addUser({ email: USER.email, password: USER.password })
    emu.addUser({ email: MFA_USER.email, password: MFA_USER.password, mfa: true })
    const started = performance.now()
    const env = cleanEnv({
      DINTERO_ACCOUNT_ID: emu.accountId,
      DINTERO_CLIENT_ID: emu.clientId,
      DINTERO_CLIENT_SECRET: emu.clientSecret,
      DINTERO_BASE_URL: emu.baseUrl,
      SESSION_SECRET: 'a consumer session secret of at least 32 characters',
      REFRESH_WINDOW: String(REFRESH_WINDOW),
      NODE_ENV: 'test',
    })
    await Promise.all(
      APPS.map(async (app) => {
        const dir = await installApp(app)
        running.set(app.name, await startJsonProcess<Ready>(process.execPath, [app.main!], { cwd: dir, env }))
      }),
    )
    console.log(`      (installed, compiled and started ${APPS.length} framework apps in ${Math.round(performance.now() - started)} ms)`)
  })

  after(async function () {
    await Promise.all([...running.values()].map((p) => p.stop()))
    await emu.stop()
  })
  beforeEach(() => emu.clearFaults())

  function browserFor(name: string): Browser {
    const started = running.get(name)
    if (!started) throw new Error(`${name} did not start`)
    return new Browser(started.ready.url)
  }

  for (const { name } of APPS) {
    describe(name, function () {
      it('answers a sign-in: 401 wrong password, 400 missing password, 503 Dintero down, 302 right; then /me by cookie', async function () {
        const browser = browserFor(name)
        expect((await browser.post('/login', { email: USER.email, password: 'wrong-password-1' })).status).to.equal(401)
        expect((await browser.post('/login', { email: USER.email })).status).to.equal(400)
        expect((await browser.get('/me')).status).to.equal(401)
        emu.fault('login', { status: 503, times: 1 })
        expect((await browser.post('/login', USER)).status).to.equal(503)
        const login = await browser.post('/login', USER)
        expect(login.status).to.equal(302)
        expect(login.location).to.match(/\/me$/)
        const me = await browser.get('/me')
        expect(me.status).to.equal(200)
        expect(me.json).to.include({ signedIn: true })
      })

      it('refreshes a due token with one refresh call, and signs out with one revoke', async function () {
        const browser = browserFor(name)
        expect((await browser.post('/login', USER)).status).to.equal(302)
        await expectOneRefreshThenOneRevoke(browser, emu)
      })

      it('signs an MFA customer in with the code, in two steps', async function () {
        const browser = browserFor(name)
        await expectMfaTwoStep(browser, emu, MFA_USER)
      })
    })
  }

  it('refuses super(options, verify) in a PassportStrategy(DinteroPasswordStrategy) subclass (the validate() bypass)', function () {
    expect(running.get('nest12-esm')?.ready.bypassRefused).to.equal(true)
    expect(running.get('nest11-cjs')?.ready.bypassRefused).to.equal(true)
  })
})
