/**
 * Runs the example app (createApp) on loopback against a demo emulator that the test owns.
 */
import type { AddressInfo } from 'node:net'
import { createServer, type Server } from 'node:http'
import session from 'express-session'
import type { DinteroEmulator, DinteroEmulatorOptions } from 'passport-dintero/testing'
import { createApp, type ExampleAppOptions } from '../../example-app/app.js'
import { DEMO_CREDENTIALS, emulatorStrategyOptions, startDemoEmulator } from '../../example-app/demo.js'
import { Browser } from './browser.js'

export interface RunningExample {
  url: string
  emulator: DinteroEmulator
  store: session.MemoryStore
  /** Lines the app logged. */
  logs: string[]
  /** A new cookie-keeping client for the app. */
  browser(): Browser
  /** Every stored session, parsed. */
  sessions(): Promise<Record<string, any>>
  close(): Promise<void>
}

export async function startExample(
  over: Partial<ExampleAppOptions> = {},
  emulatorOptions: DinteroEmulatorOptions = {},
): Promise<RunningExample> {
  const emulator = await startDemoEmulator(emulatorOptions)
  const store = new session.MemoryStore()
  const logs: string[] = []
  let app
  try {
    app = createApp({
      dintero: emulatorStrategyOptions(emulator),
      sessionSecret: 'test-session-secret',
      sessionStore: store,
      demo: DEMO_CREDENTIALS,
      log: (line) => logs.push(line),
      ...over,
    })
  } catch (err) {
    await emulator.stop()
    throw err
  }
  const server: Server = createServer(app)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    emulator,
    store,
    logs,
    browser: () => new Browser(url),
    sessions: () =>
      new Promise((resolve, reject) => store.all((err, all) => (err ? reject(err) : resolve((all ?? {}) as Record<string, any>)))),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await emulator.stop()
    },
  }
}

/** The CSRF token in the first form of a page. */
export function csrfFrom(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html)
  if (!match) throw new Error('no CSRF field on the page')
  return match[1]!
}

/** The text of the page's alert (the sign-in error), or undefined. */
export function alertFrom(html: string): string | undefined {
  return /<p class="error" role="alert">([^<]*)<\/p>/.exec(html)?.[1]
}

/** Opens /login and posts the form with the page's own CSRF token. */
export async function signIn(browser: Browser, email: string, password: string) {
  const page = await browser.get('/login')
  return browser.post('/login', { _csrf: csrfFrom(page.text), email, password })
}
