/**
 * Many instances behind a load balancer: two example-app servers (`npm start`'s server.ts, as
 * processes) on different ports share one real redis-server through REDIS_URL. A session made on one
 * is the same session on the other, whichever instance a request lands on.
 *
 * The sign-in rate limit counts in the same Redis, so it holds across instances too.
 *
 * Access tokens live 62 s and refreshTokens' default window is 60 s: a token becomes due about 2 s
 * after sign-in, and a freshly refreshed one is not due, so only the instance that refreshes does.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator } from '../support/emulator.js'
import { csrfFrom, signIn } from '../support/example-app.js'
import { cleanEnv, type Started, startProcess } from '../support/process.js'
import { type RunningRedis, requireProgram, startRedis } from '../support/redis.js'

/** refreshTokens' default window (the example server does not change it), in seconds. */
const REFRESH_WINDOW = 60
const ACCESS_TOKEN_TTL = REFRESH_WINDOW + 2

/** The access-token expiry the account page shows, in ms since epoch. */
function shownExpiry(html: string): number {
  const match = /<time datetime="([^"]+)"/.exec(html)
  if (!match) throw new Error('no expiry on the account page')
  return Date.parse(match[1]!)
}

interface Instance {
  url: string
  process: Started<string>
}

async function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const started = await startProcess(
    process.execPath,
    ['--import', 'tsx', 'example-app/server.ts'],
    (line) => /^Example app: (http:\/\/localhost:\d+)/.exec(line)?.[1],
    { env },
  )
  return { url: started.ready, process: started }
}

describe('example app: two instances sharing Redis sessions', function () {
  this.timeout(60_000)
  let redis: RunningRedis | undefined
  let emu: DinteroEmulator | undefined
  const instances: Instance[] = []
  let a: Instance
  let b: Instance

  before(async function () {
    const program = requireProgram(this, 'redis-server', 'redis-server')
    redis = await startRedis(program)
    emu = await startEmulator({ accessTokenTtl: ACCESS_TOKEN_TTL })
    const base = cleanEnv()
    for (const name of Object.keys(base)) if (/^(DINTERO_|REDIS_URL$|NODE_ENV$|TRUST_PROXY$|SESSION_SECRET$)/.test(name)) delete base[name]
    const env: NodeJS.ProcessEnv = {
      ...base,
      PORT: '0',
      REDIS_URL: redis.url,
      SESSION_SECRET: 'shared-session-secret-of-every-instance',
      DINTERO_ACCOUNT_ID: emu.accountId,
      DINTERO_CLIENT_ID: emu.clientId,
      DINTERO_CLIENT_SECRET: emu.clientSecret,
      DINTERO_BASE_URL: emu.baseUrl,
    }
    for (const _ of [1, 2]) instances.push(await startInstance(env))
    ;[a, b] = instances as [Instance, Instance]
  })

  after(async function () {
    await Promise.all(instances.map((i) => i.process.stop()))
    await emu?.stop()
    await redis?.stop()
  })

  it('runs two instances on different ports, both on Redis', function () {
    expect(a.url).to.not.equal(b.url)
    for (const instance of instances) expect(instance.process.stderr()).to.not.include('REDIS_URL is not set')
  })

  it('a token refresh on B is seen by A, which does not refresh again', async function () {
    const onA = new Browser(a.url)
    await signIn(onA, KARI.email, KARI.password)
    const firstExpiry = shownExpiry((await onA.get('/account')).text)
    emu!.resetCounts()
    // Until the token is inside the refresh window (a wait for a condition, not a timed assertion).
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstExpiry - REFRESH_WINDOW * 1000 - Date.now() + 50)))

    const onB = await new Browser(b.url, onA.jar).get('/account')
    expect(onB.status).to.equal(200)
    const refreshedExpiry = shownExpiry(onB.text)
    expect(refreshedExpiry).to.be.greaterThan(firstExpiry)
    expect(emu!.count('refresh')).to.equal(1)

    const backOnA = await onA.get('/account')
    expect(backOnA.status).to.equal(200)
    expect(shownExpiry(backOnA.text)).to.equal(refreshedExpiry)
    expect(emu!.count('refresh')).to.equal(1)
  })

  it('signs in on A; the same cookie is signed in on B; signing out on B signs out on A', async function () {
    const onA = new Browser(a.url)
    expect((await signIn(onA, KARI.email, KARI.password)).location).to.equal('/account')
    const onB = new Browser(b.url, onA.jar)
    const account = await onB.get('/account')
    expect(account.status).to.equal(200)
    expect(account.text).to.include(KARI.email)

    const signedInCookie = onA.jar.clone()
    const logout = await onB.post('/logout', { _csrf: csrfFrom(account.text) })
    expect(logout.status).to.equal(303)
    // Both the browser's new cookie and the old one (a copy kept elsewhere) are signed out on A.
    expect((await new Browser(a.url, onB.jar).get('/account')).location).to.match(/^\/login/)
    expect((await new Browser(a.url, signedInCookie).get('/account')).location).to.match(/^\/login/)
  })

  // Last: it spends the sign-in budget of 127.0.0.1 on both instances.
  it('counts refused sign-ins across instances: 5 on A and 5 on B use up the limit of 10 on both', async function () {
    const refused = (url: string) => signIn(new Browser(url), KARI.email, 'not-the-password')
    for (let i = 0; i < 5; i++) {
      expect((await refused(a.url)).status).to.equal(401)
      expect((await refused(b.url)).status).to.equal(401)
    }
    // Each instance alone saw 5 refusals; only a shared count reaches the limit.
    expect((await refused(a.url)).status).to.equal(429)
    expect((await signIn(new Browser(b.url), KARI.email, KARI.password)).status).to.equal(429)
  })
})
