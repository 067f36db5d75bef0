/**
 * Many instances behind a load balancer: two example-app servers (`npm start`'s server.ts, as
 * processes) on different ports share one real redis-server through REDIS_URL. A session made on one
 * is the same session on the other, whichever instance a request lands on.
 */
import { expect } from 'chai'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { KARI, startEmulator } from '../support/emulator.js'
import { csrfFrom, signIn } from '../support/example-app.js'
import { cleanEnv, type Started, startProcess } from '../support/process.js'
import { type RunningRedis, requireProgram, startRedis } from '../support/redis.js'

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
    emu = await startEmulator()
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
})
