/**
 * Debian's chromium driven by playwright-core, for the browser tier. When chromium is missing the tier
 * skips loudly, except under CI=true, where a missing browser is a failure (.ci/run installs it).
 */
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type BrowserContext, chromium } from 'playwright-core'

export const CHROMIUM = '/usr/bin/chromium'
/** Where screenshots go (gitignored). */
export const SCREENSHOTS = path.resolve('test-results/screenshots')

/** In a mocha `before`: skips the suite (loudly) when chromium is absent, or fails under CI=true. */
export function requireChromium(context: Mocha.Context): void {
  if (existsSync(CHROMIUM)) return
  if (process.env['CI'] === 'true') {
    throw new Error(`${CHROMIUM} is missing and CI=true: the browser tier must run in CI (.ci/run installs chromium)`)
  }
  const line = '!'.repeat(78)
  console.log(`\n${line}\n  SKIPPING the browser tier: ${CHROMIUM} not found (apt-get install -y chromium)\n${line}\n`)
  context.skip()
}

export interface Chromium {
  context: BrowserContext
  close(): Promise<void>
}

/** Starts headless chromium with a fresh temporary profile. */
export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(path.join(tmpdir(), 'passport-dintero-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    chromiumSandbox: false,
    args: [
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
    viewport: { width: 1100, height: 760 },
  })
  return {
    context,
    async close() {
      await context.close()
      await rm(profile, { recursive: true, force: true })
    },
  }
}
