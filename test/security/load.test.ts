/**
 * Load: 2,000 logins, 200 at a time, through Express + passport + express-session against the
 * emulator. No errors, every session usable afterwards, upstream requests = logins + a constant,
 * and the app's heap after the run within 20 MB of before it.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import type { DinteroEmulator, EmulatorEndpoint } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { startEmulator, strategyOptions } from '../support/emulator.js'
import { evidence, figures } from '../support/figures.js'
import type { LoadMessage } from './load-app.js'

const LOGINS = 2000
const WARM_UP = 200
const CONCURRENCY = 200
const USERS = 20
const MB = 1024 * 1024

type Measured = Extract<LoadMessage, { type: 'measured' }>

/** Starts load-app.ts in a child process with --expose-gc; its output goes into the secrets evidence. */
async function startLoadApp(options: object): Promise<{ child: ChildProcess; url: string; next: () => Promise<LoadMessage> }> {
  const child = fork(fileURLToPath(new URL('./load-app.ts', import.meta.url)), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, DEBUG: '*', DEBUG_COLORS: 'no', LOAD_STRATEGY_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  })
  child.stdout!.setEncoding('utf8').on('data', (text: string) => evidence.childLogs.push(text))
  child.stderr!.setEncoding('utf8').on('data', (text: string) => evidence.childLogs.push(text))
  const queue: LoadMessage[] = []
  let waiting: ((m: LoadMessage) => void) | undefined
  child.on('message', (m: LoadMessage) => (waiting ? waiting(m) : queue.push(m)))
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`load app exited (${code}): ${evidence.childLogs.slice(-5).join('')}`))),
  )
  exited.catch(() => {})
  const next = () =>
    Promise.race([
      exited,
      new Promise<LoadMessage>((resolve) => {
        const m = queue.shift()
        if (m) resolve(m)
        else
          waiting = (msg) => {
            waiting = undefined
            resolve(msg)
          }
      }),
    ])
  const ready = await next()
  if (ready.type !== 'ready') throw new Error('load app did not start')
  return { child, url: ready.url, next }
}

describe('security: load', function () {
  this.timeout(240_000)
  let emu: DinteroEmulator
  let app: Awaited<ReturnType<typeof startLoadApp>> | undefined

  before(async () => {
    emu = await startEmulator()
  })
  after(async () => {
    if (app && app.child.exitCode === null) {
      const exit = new Promise((resolve) => app!.child.once('exit', resolve))
      app.child.send({ type: 'stop' })
      await exit
    }
    await emu.stop()
  })

  it(`${LOGINS} logins, ${CONCURRENCY} at a time: 0 errors, every session usable, upstream = logins + a constant, heap within 20 MB`, async () => {
    const users = Array.from({ length: USERS }, (_, i) => {
      const email = `load-${i}@example.no`
      const password = `load-password-${i}-${Math.random().toString(36).slice(2)}`
      evidence.secrets.add('password', password)
      return { id: emu.addUser({ email, password }).id, email, password }
    })
    emu.resetCounts()
    app = await startLoadApp(strategyOptions(emu))
    const { url, next } = app
    const measure = async (): Promise<Measured> => {
      app!.child.send({ type: 'measure' })
      const m = await next()
      if (m.type !== 'measured') throw new Error('unexpected message from the load app')
      for (const secret of m.secrets) evidence.secrets.addToken('access or refresh token', secret)
      evidence.record(...m.errors)
      return m
    }

    const sessions: Array<{ browser: Browser; id: string }> = []
    let failed = 0
    async function logins(count: number): Promise<void> {
      for (let start = 0; start < count; start += CONCURRENCY) {
        await Promise.all(
          Array.from({ length: Math.min(CONCURRENCY, count - start) }, async (_, j) => {
            const user = users[(start + j) % USERS]!
            const browser = new Browser(url)
            const res = await browser.post('/login', { email: user.email, password: user.password })
            evidence.record(`${res.status} ${res.text}`)
            if (res.status === 200 && res.json?.id === user.id) sessions.push({ browser, id: user.id })
            else failed++
          }),
        )
      }
    }

    const started = performance.now()
    await logins(WARM_UP)
    const before = await measure()
    await logins(LOGINS)
    let usable = 0
    for (let start = 0; start < sessions.length; start += CONCURRENCY) {
      const results = await Promise.all(sessions.slice(start, start + CONCURRENCY).map(({ browser }) => browser.get('/me')))
      results.forEach((me, j) => {
        if (me.status === 200 && me.json?.signedIn === true && me.json.id === sessions[start + j]!.id) usable++
      })
    }
    const after = await measure()
    const seconds = (performance.now() - started) / 1000

    const total = WARM_UP + LOGINS
    const endpoints: EmulatorEndpoint[] = ['client_token', 'login', 'keys', 'refresh', 'revoke']
    const upstream: Record<string, number> = Object.fromEntries(endpoints.map((e) => [e, emu.count(e)]))
    upstream['total'] = emu.count()
    const errors = failed + before.tally.fail + before.tally.error + after.tally.fail + after.tally.error
    figures.load = {
      logins: LOGINS,
      warmUp: WARM_UP,
      concurrency: CONCURRENCY,
      errors,
      sessionsUsable: usable,
      upstream,
      heapBeforeMb: before.heapUsed / MB,
      heapAfterMb: after.heapUsed / MB,
      seconds,
    }

    // On failure, say why: the app's own record of each failed sign-in (error stacks, fail info; no secrets).
    const why = [...before.errors, ...after.errors].slice(0, 3).join(' | ')
    expect(errors, `failed logins (${failed} seen by the client; app: ${why})`).to.equal(0)
    expect(before.tally.success + after.tally.success).to.equal(total)
    expect(usable, 'sessions usable afterwards').to.equal(total)
    // One login call per login; the client token and the key set once for the whole run.
    expect(upstream).to.deep.equal({ client_token: 1, login: total, keys: 1, refresh: 0, revoke: 0, total: total + 2 })
    expect(Math.abs(after.heapUsed - before.heapUsed) / MB, 'heap growth, MB').to.be.at.most(20)
  })
})
