/**
 * The packed tarball, installed into fresh apps the way a user installs it, signs a customer in
 * against the emulator from the installed `passport-dintero/testing`: a CommonJS app on Express 4
 * (require(esm)), an ESM app on Express 5 and a strict TypeScript app on Express 5 whose compile
 * also type-checks the published .d.ts files.
 */
import path from 'node:path'
import { expect } from 'chai'
import { Browser } from '../support/browser.js'
import { cleanEnv, run, type Started, startJsonProcess } from '../support/process.js'
import { type ConsumerApp, installApp } from './pack.js'

const USER = { email: 'consumer@example.no', password: 'consumer-password-1' }

const SERVER_DEPS = ['express-session@^1.18', 'passport@^0.7']
const CONSUMERS: ConsumerApp[] = [
  { name: 'cjs-express4', type: 'commonjs', deps: ['express@^4.21', ...SERVER_DEPS], main: 'server.cjs' },
  { name: 'esm-express5', type: 'module', deps: ['express@^5.1', ...SERVER_DEPS], main: 'server.mjs' },
  {
    name: 'ts-express5',
    type: 'module',
    deps: ['express@^5.1', ...SERVER_DEPS, '@types/express@^5', '@types/express-session@^1.18', '@types/passport@^1', '@types/node@^20'],
    main: 'dist/server.js',
    build: true,
  },
  {
    // TypeScript 5 with "module": "commonjs" resolves node10 style (typesVersions, not exports);
    // TypeScript 7 dropped node10, so this app brings its own compiler (type-checked below, not started).
    name: 'ts-node10',
    type: 'commonjs',
    deps: ['typescript@~5.9', 'express@^5.1', ...SERVER_DEPS, '@types/express@^5', '@types/express-session@^1.18', '@types/node@^20'],
  },
]
const RUNNING = CONSUMERS.filter((app) => app.main !== undefined)

interface Ready {
  url: string
  userId: string
  express?: string
}

describe('the packed package in fresh apps', function () {
  this.timeout(300_000)
  const running = new Map<string, Started<Ready>>()
  const installed = new Map<string, string>()

  before(async function () {
    await Promise.all(
      CONSUMERS.map(async (app) => {
        const dir = await installApp(app)
        installed.set(app.name, dir)
        if (app.main === undefined) return
        const env = cleanEnv({ USER_EMAIL: USER.email, USER_PASSWORD: USER.password, NODE_ENV: 'test' })
        running.set(app.name, await startJsonProcess<Ready>(process.execPath, [app.main], { cwd: dir, env }))
      }),
    )
  })

  after(async function () {
    await Promise.all([...running.values()].map((p) => p.stop()))
  })

  function app(name: string): Ready {
    const started = running.get(name)
    if (!started) throw new Error(`${name} did not start`)
    return started.ready
  }

  it('type-checks both entry points and the session typings under node10 resolution (TypeScript 5, module commonjs)', async function () {
    const dir = installed.get('ts-node10')!
    // run() rejects with tsc's output on any unresolved import or type error.
    const out = await run(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json', '--listFiles'], { cwd: dir })
    expect(String(out)).to.match(/passport-dintero\/dist\/testing\/index\.d\.ts/)
    expect(String(out)).to.match(/passport-dintero\/dist\/express-session\.d\.ts/)
  })

  for (const consumer of RUNNING) {
    describe(consumer.name, function () {
      it('refuses a wrong password and stays signed out', async function () {
        const browser = new Browser(app(consumer.name).url)
        const res = await browser.post('/login', { email: USER.email, password: 'wrong-password-1' })
        expect(res.status).to.equal(302)
        expect(res.location).to.equal('/login-failed')
        expect((await browser.get('/me')).status).to.equal(401)
      })

      it('signs the customer in, keeps them signed in by cookie and signs them out', async function () {
        const { url, userId } = app(consumer.name)
        const browser = new Browser(url)
        const login = await browser.post('/login', USER)
        expect(login.status).to.equal(302)
        expect(login.location).to.equal('/me')
        const me = await browser.get('/me')
        expect(me.status).to.equal(200)
        expect(me.json).to.include({ signedIn: true, id: userId, email: USER.email })
        expect(me.json.expiresAt).to.be.greaterThan(Date.now())
        expect((await browser.request('/logout', { method: 'POST' })).status).to.equal(302)
        expect((await browser.get('/me')).status).to.equal(401)
      })
    })
  }

  it('runs the CommonJS app on Express 4 and the ESM app on Express 5', function () {
    expect(app('cjs-express4').express).to.match(/^4\./)
    expect(app('esm-express5').express).to.match(/^5\./)
  })

  it('calls both verify overloads of the TypeScript app', async function () {
    const { url } = app('ts-express5')
    for (const [route, via] of [['/login', 'done'], ['/login-req', 'promise']] as const) {
      const browser = new Browser(url)
      expect((await browser.post(route, USER)).location).to.equal('/me')
      expect((await browser.get('/me')).json).to.include({ signedIn: true, via })
    }
  })

  it('requires the package without an experimental warning', function () {
    expect(running.get('cjs-express4')?.stderr()).to.not.match(/ExperimentalWarning/)
  })
})
