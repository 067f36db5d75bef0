/**
 * The refresh storm: `sessions` signed-in sessions whose access tokens all enter `refreshTokens`' window at
 * the same moment, each then sending 3 page requests at once. A fresh emulator (access tokens live
 * `lead + window` seconds) and a fresh strategy app with `refreshTokens(strategy, { window })`, so the
 * emulator's refresh counter counts this storm's calls only.
 *
 * Timeline: sign every session in (a few at a time); open 3 keep-alive connections per session; measure
 * the steady state (signed-in pages at the bench's usual concurrency) while no token is in the window
 * yet; wait until every token is; then fire.
 */
import type { AppOptions } from './app-process.js'
import type { EmulatorCounts, EmulatorInfo } from './emulator-process.js'
import { Child, type ProcessStats } from './ipc.js'
import { type Load, LoadGenerator, quantile, type Visitor } from './load.js'

/** How a storm is run. */
export interface StormSettings {
  store: 'memory' | 'redis'
  redisUrl?: string | undefined
  sessions: number
  /** Seconds from sign-in until a token enters the refresh window. */
  leadSeconds: number
  /** `refreshTokens`' window, in seconds. */
  windowSeconds: number
  latencyMs: number
  /** Visitors of the steady-state measurement. */
  concurrency: number
  user: string
  password: string
  /** Extra Node options for the app process (e.g. `--cpu-prof`, for bench/profile.ts). */
  appExecArgv?: string[] | undefined
}

/** What a storm measured. */
export interface StormMeasure {
  store: 'memory' | 'redis'
  sessions: number
  /** Page requests sent in the storm (3 per session). */
  requests: number
  /** Refresh calls the emulator answered during the storm (must equal `sessions`). */
  refreshCalls: number
  /** Refresh calls before the storm, while measuring the steady state (must be 0). */
  refreshCallsBefore: number
  /** Requests (steady state and storm) answered signed out (must be 0). */
  signOuts: number
  /** Requests (steady state and storm) with another status or a transport error (must be 0). */
  errors: number
  /** Failed sign-ins while setting the storm up (must be 0). */
  signInErrors: number
  stormMs: number
  /** CPU time the app and the emulator used during the storm, in milliseconds. */
  stormAppCpuMs: number
  stormEmulatorCpuMs: number
  stormP50: number
  stormP99: number
  steadyRequests: number
  steadyP50: number
  steadyP99: number
}

const sleepUntil = (at: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, at - Date.now())))
/** Margin for whole-second `exp` claims and the time a request takes, in milliseconds. */
const MARGIN_MS = 1500

/** Runs one refresh storm with fresh processes and returns its figures. */
export async function refreshStorm(s: StormSettings, log: (line: string) => void): Promise<StormMeasure> {
  const ttl = s.leadSeconds + s.windowSeconds
  const { child: emulator, ready: emu } = await Child.start<EmulatorInfo>('emulator-process.ts', [String(s.latencyMs), s.user, s.password, String(ttl)])
  const children = [emulator]
  try {
    const options: AppOptions = { redisUrl: s.redisUrl, refreshWindow: s.windowSeconds }
    const { child: app, ready } = await Child.start<{ port: number }>('app-process.ts', ['strategy', JSON.stringify(emu), JSON.stringify(options)], s.appExecArgv)
    children.push(app)
    const sessions: Visitor[] = Array.from({ length: s.sessions }, () => ({ cookie: undefined }))
    const load = new LoadGenerator(ready.port, s.sessions * 3, sessions)
    const login: Load = {
      method: 'POST',
      path: '/login',
      form: new URLSearchParams({ email: s.user, password: s.password }).toString(),
      keepCookie: true,
      expect: (res) => res.statusCode === 204,
    }
    const signInStart = Date.now()
    const signIn = await load.each(login, sessions, { concurrency: 16 })
    const signInEnd = Date.now()
    log(`storm (${s.store}): ${s.sessions} sessions signed in (${signIn.errors} errors)`)
    // Three open keep-alive connections per session (anonymous requests: nothing to refresh), as a
    // proxy's pool would hold them, so the storm's requests do not wait on TCP connection set-up.
    const connect: Load = { method: 'GET', path: '/page', sendCookie: false, expect: (res) => res.statusCode === 200 }
    const connected = await load.each(connect, sessions, { perVisitor: 3 })
    if (connected.errors > 0) throw new Error(`storm (${s.store}): ${connected.errors} connections failed`)

    let signOuts = 0
    const page: Load = {
      method: 'GET',
      path: '/page',
      expect: (res) => {
        if (res.statusCode === 200 && res.headers['x-signed-in'] === '0') signOuts += 1
        return res.statusCode === 200 && res.headers['x-signed-in'] === '1'
      },
    }
    // The steady state: signed-in pages while the earliest token is still outside the window.
    const steadyLoad = new LoadGenerator(ready.port, s.concurrency, sessions.slice(0, s.concurrency))
    const steadyMs = signInStart + s.leadSeconds * 1000 - MARGIN_MS - Date.now()
    const steady = await steadyLoad.run(page, { durationMs: Math.max(steadyMs, 0) })
    steadyLoad.close()
    const before = await emulator.ask<EmulatorCounts>('counts')

    // Every token is in the window from the last sign-in + lead on; none has expired before the first + lead + window.
    await sleepUntil(signInEnd + s.leadSeconds * 1000 + MARGIN_MS)
    log(`storm (${s.store}): ${s.sessions * 3} page requests at once`)
    const [app0, emu0] = await Promise.all([app.ask<ProcessStats>('stats'), emulator.ask<ProcessStats>('stats')])
    const storm = await load.each(page, sessions, { perVisitor: 3 })
    const [app1, emu1] = await Promise.all([app.ask<ProcessStats>('stats'), emulator.ask<ProcessStats>('stats')])
    const after = await emulator.ask<EmulatorCounts>('counts')
    load.close()
    return {
      store: s.store,
      sessions: s.sessions,
      requests: s.sessions * 3,
      refreshCalls: (after['refresh'] ?? 0) - (before['refresh'] ?? 0),
      refreshCallsBefore: before['refresh'] ?? 0,
      signOuts,
      errors: storm.errors + steady.errors - signOuts,
      signInErrors: signIn.errors,
      stormMs: storm.elapsedMs,
      stormAppCpuMs: app1.cpuMs - app0.cpuMs,
      stormEmulatorCpuMs: emu1.cpuMs - emu0.cpuMs,
      stormP50: quantile(storm.latencies, 0.5),
      stormP99: quantile(storm.latencies, 0.99),
      steadyRequests: steady.ok,
      steadyP50: quantile(steady.latencies, 0.5),
      steadyP99: quantile(steady.latencies, 0.99),
    }
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}
