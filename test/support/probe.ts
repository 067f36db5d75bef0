/**
 * One sign-in attempt against a test app, with everything a security test asks about it: what the
 * app answered, the Passport outcome, whether a session exists afterwards, and how many requests
 * reached the emulator. Every response, error and `info` is recorded as evidence for the secrets
 * scan, and every token handed out becomes a known secret.
 */
import type { DinteroStrategyOptions, VerifyFunction } from '../../lib/index.js'
import type { DinteroEmulator } from '../../lib/testing/index.js'
import { startApp, type Outcome, type TestApp } from './app.js'
import { Browser, type BrowserResponse } from './browser.js'
import { KARI, startEmulator, strategyOptions } from './emulator.js'
import { evidence } from './figures.js'
import { startBystander, type Bystander } from './listener.js'
import { renderAll } from './secrets.js'

/** What to send: a form, a JSON body or a raw body, to `/login` unless `path` says else. */
export type LoginInit = Parameters<Browser['request']>[1] & { path?: string }

/** What one attempt did. */
export interface Attempt {
  res: BrowserResponse
  /** The Passport outcomes the app recorded for this request (one, unless Express refused the body first). */
  outcomes: Outcome[]
  /** Whether this browser is signed in afterwards (`GET /me`). */
  signedIn: boolean
  /** Sessions the attempt created in the store. */
  newSessions: number
  /** Requests the emulator received during the attempt. */
  upstream: number
}

/** Records what a request produced, so the secrets scan sees it. */
export function recordEvidence(res: BrowserResponse, outcomes: Outcome[]): void {
  evidence.record(`${res.status} ${res.text}`, JSON.stringify([...res.headers]))
  for (const o of outcomes) {
    if (o.kind === 'success') {
      evidence.secrets.addToken('access token', o.user?.tokens?.accessToken)
      evidence.secrets.add('refresh token', o.user?.tokens?.refreshToken)
      evidence.record(renderAll(o.info))
    } else {
      evidence.record(renderAll(o.error), renderAll(o.info))
    }
  }
}

/** A test app on an emulator, for one attempt at a time. */
export class Probe {
  private constructor(
    readonly emu: DinteroEmulator,
    readonly app: TestApp,
  ) {}

  /** Starts an app whose strategy points at `emu`, with `over` applied to the options. */
  static async open(emu: DinteroEmulator, over: Partial<DinteroStrategyOptions> = {}, verify?: VerifyFunction): Promise<Probe> {
    const options = strategyOptions(emu, over)
    evidence.secrets.add('client secret', options.clientSecret)
    return new Probe(emu, await startApp(options, verify))
  }

  /** One attempt from a fresh browser. */
  async login(init: LoginInit = {}): Promise<Attempt> {
    const { path = '/login', ...request } = init
    const browser = new Browser(this.app.url)
    const first = this.app.outcomes.length
    const before = this.emu.count()
    const sessionsBefore = Object.keys(await this.app.sessions()).length
    const res = await browser.request(path, { method: 'POST', ...request })
    const upstream = this.emu.count() - before
    const outcomes = this.app.outcomes.slice(first)
    recordEvidence(res, outcomes)
    const me = await browser.get('/me')
    evidence.record(me.text)
    const newSessions = Object.keys(await this.app.sessions()).length - sessionsBefore
    return { res, outcomes, signedIn: me.json?.signedIn === true, newSessions, upstream }
  }

  /** `count` attempts at once, each from a fresh browser: the same record as {@link login}, for the batch. */
  async loginMany(count: number, init: LoginInit = {}): Promise<Omit<Attempt, 'res' | 'signedIn'> & { responses: BrowserResponse[]; signedIn: number }> {
    const { path = '/login', ...request } = init
    const first = this.app.outcomes.length
    const before = this.emu.count()
    const sessionsBefore = Object.keys(await this.app.sessions()).length
    const browsers = Array.from({ length: count }, () => new Browser(this.app.url))
    const responses = await Promise.all(browsers.map((browser) => browser.request(path, { method: 'POST', ...request })))
    const upstream = this.emu.count() - before
    const outcomes = this.app.outcomes.slice(first)
    responses.forEach((res, i) => recordEvidence(res, i === 0 ? outcomes : []))
    const me = await Promise.all(browsers.map((browser) => browser.get('/me')))
    const newSessions = Object.keys(await this.app.sessions()).length - sessionsBefore
    return { responses, outcomes, signedIn: me.filter((r) => r.json?.signedIn === true).length, newSessions, upstream }
  }

  async close(): Promise<void> {
    await this.app.close()
  }
}

/** What {@link useProbes} sets up for a suite. */
export interface ProbeRig {
  /** An emulator with KARI and OLA (see `startEmulator`), faults cleared before each test. */
  emu: DinteroEmulator
  /** Another host, which must never get a request. */
  bystander: Bystander
  /** Starts a test app on `emu`; it is closed after the test. */
  open(over?: Partial<DinteroStrategyOptions>): Promise<Probe>
}

/** Mocha hooks for a suite of probes: the emulator and the bystander for the suite, the apps per test. */
export function useProbes(): ProbeRig {
  const open: Probe[] = []
  const rig = {
    open: async (over: Partial<DinteroStrategyOptions> = {}) => {
      const probe = await Probe.open(rig.emu, over)
      open.push(probe)
      return probe
    },
  } as ProbeRig
  before(async () => {
    rig.emu = await startEmulator()
    rig.bystander = await startBystander()
    evidence.secrets.add('password', KARI.password)
  })
  after(async () => {
    await rig.bystander.close()
    await rig.emu.stop()
  })
  beforeEach(() => rig.emu.clearFaults())
  afterEach(async () => {
    await Promise.all(open.splice(0).map((probe) => probe.close()))
  })
  return rig
}
