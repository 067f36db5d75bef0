/**
 * The packed tarball, installed into fresh apps the way a user installs it, signs a customer in
 * against the emulator from the installed `passport-dintero/testing`: a CommonJS app on Express 4
 * (require(esm)), an ESM app on Express 5 and a strict TypeScript app on Express 5 whose compile
 * also type-checks the published .d.ts files.
 */
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { Browser } from '../support/browser.js'
import { cleanEnv, run, type Started, startJsonProcess } from '../support/process.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const APPS = fileURLToPath(new URL('./apps', import.meta.url))
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc')
const USER = { email: 'consumer@example.no', password: 'consumer-password-1' }

interface ConsumerApp {
  name: string
  type: 'commonjs' | 'module'
  deps: string[]
  /** Started and signed in against; absent for a type-check-only app. */
  main?: string
  build?: boolean
  /** Type-check with the app's own TypeScript (node_modules/typescript) instead of the project's. */
  ownTsc?: boolean
}

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
    // TypeScript 7 dropped node10, so this app brings its own compiler.
    name: 'ts-node10',
    type: 'commonjs',
    deps: ['typescript@~5.9', 'express@^5.1', ...SERVER_DEPS, '@types/express@^5', '@types/express-session@^1.18', '@types/node@^20'],
    build: true,
    ownTsc: true,
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
  let workdir: string
  const running = new Map<string, Started<Ready>>()

  before(async function () {
    workdir = await mkdtemp(path.join(tmpdir(), 'passport-dintero-consumer-'))
    // prepack builds dist/ first, so this is exactly what `npm publish` would upload.
    await run('npm', ['pack', '--pack-destination', workdir], { cwd: ROOT })
    const tarball = (await readdir(workdir)).find((f) => f.endsWith('.tgz'))
    if (!tarball) throw new Error('npm pack produced no tarball')

    await Promise.all(
      CONSUMERS.map(async (app) => {
        const dir = path.join(workdir, app.name)
        await cp(path.join(APPS, app.name), dir, { recursive: true })
        await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: app.name, private: true, type: app.type }))
        await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(workdir, tarball), ...app.deps], { cwd: dir })
        const tsc = app.ownTsc ? path.join(dir, 'node_modules/typescript/bin/tsc') : TSC
        if (app.build && !app.ownTsc) await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir })
        if (!app.main) return
        const env = cleanEnv({ USER_EMAIL: USER.email, USER_PASSWORD: USER.password, NODE_ENV: 'test' })
        running.set(app.name, await startJsonProcess<Ready>(process.execPath, [app.main], { cwd: dir, env }))
      }),
    )
  })

  after(async function () {
    await Promise.all([...running.values()].map((p) => p.stop()))
    if (workdir) await rm(workdir, { recursive: true, force: true })
  })

  function app(name: string): Ready {
    const started = running.get(name)
    if (!started) throw new Error(`${name} did not start`)
    return started.ready
  }

  it('type-checks both entry points and the session typings under node10 resolution (TypeScript 5, module commonjs)', async function () {
    const dir = path.join(workdir, 'ts-node10')
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
