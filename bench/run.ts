/**
 * `npm run bench`: login throughput and overhead of this library against a hand-rolled sign-in and the
 * floor, side by side in one run. The README's "Performance" section says what is measured and how.
 *
 * `node --import tsx bench/run.ts [--quick] [--latency MS] [--concurrency N] [--rounds N] [--segment MS]
 *   [--rss-logins N] [--out FILE] [--json FILE]`
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import type { RouteName } from './app-process.js'
import type { EmulatorCounts, EmulatorInfo } from './emulator-process.js'
import { Child, type ProcessStats } from './ipc.js'
import { type Load, LoadGenerator } from './load.js'
import type { MicroResult } from './micro-process.js'
import { figures, type Measurements, type PageMeasure, type RouteMeasure, renderReport, rssCheckpoints } from './report.js'

const USER = 'bench@example.com'
const PASSWORD = 'bench-password'
const ROUTE_NAMES: RouteName[] = ['strategy', 'hand-rolled', 'floor']

interface Settings {
  quick: boolean
  latency: number
  concurrency: number
  rounds: number
  segmentMs: number
  warmup: number
  pageRounds: number
  pageSegmentMs: number
  microMs: number
  rssLogins: number
  out: string | undefined
  json: string | undefined
}

function settings(args: string[]): Settings {
  const quick = args.includes('--quick')
  const value = (flag: string) => {
    const i = args.indexOf(flag)
    return i >= 0 ? args[i + 1] : undefined
  }
  const num = (flag: string, fallback: number) => {
    const v = value(flag)
    if (v === undefined) return fallback
    const parsed = Number(v)
    if (!Number.isFinite(parsed) || parsed < 0) throw new Error(`${flag} needs a number`)
    return parsed
  }
  return {
    quick,
    latency: num('--latency', 5),
    concurrency: num('--concurrency', 8),
    rounds: num('--rounds', quick ? 1 : 10),
    segmentMs: num('--segment', quick ? 400 : 1500),
    warmup: quick ? 30 : 1000,
    pageRounds: quick ? 1 : 12,
    pageSegmentMs: quick ? 200 : 500,
    microMs: quick ? 300 : 4000,
    rssLogins: num('--rss-logins', quick ? 0 : 50_000),
    out: value('--out') ?? (quick ? undefined : fileURLToPath(new URL('RESULTS.md', import.meta.url))),
    json: value('--json'),
  }
}

const loginLoad: Load = {
  method: 'POST',
  path: '/login',
  form: new URLSearchParams({ email: USER, password: PASSWORD }).toString(),
  keepCookie: true,
  expect: (res) => res.statusCode === 204,
}

/** One app process and the visitors that load it. */
interface App {
  child: Child
  load: LoadGenerator
}

async function startApp(route: RouteName, emu: EmulatorInfo, concurrency: number): Promise<App> {
  const { child, ready } = await Child.start<{ port: number }>('app-process.ts', [route, JSON.stringify(emu)])
  return { child, load: new LoadGenerator(ready.port, concurrency) }
}

function emptyMeasure(): RouteMeasure {
  return { logins: 0, errors: 0, elapsedMs: 0, latencies: [], cpuMs: 0, upstream: 0, peakRss: 0, rounds: [] }
}

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2))
  const loadAverage = os.loadavg()
  const log = (line: string) => process.stderr.write(`bench: ${line}\n`)
  const { child: emulator, ready: emu } = await Child.start<EmulatorInfo>('emulator-process.ts', [String(s.latency), USER, PASSWORD])
  const children: Child[] = [emulator]
  try {
    const apps = {} as Record<RouteName, App>
    await Promise.all(
      ROUTE_NAMES.map(async (route) => {
        apps[route] = await startApp(route, emu, s.concurrency)
        children.push(apps[route].child)
      }),
    )

    log(`warming up (${s.warmup} logins per route)`)
    for (const route of ROUTE_NAMES) {
      const warm = await apps[route].load.run(loginLoad, { count: s.warmup })
      if (warm.errors > 0) throw new Error(`${route}: ${warm.errors} of ${s.warmup} warm-up logins failed`)
    }

    const routes = { strategy: emptyMeasure(), 'hand-rolled': emptyMeasure(), floor: emptyMeasure() }
    for (let round = 0; round < s.rounds; round++) {
      // Rotate the order each round so no route always runs right after another's load.
      const order = ROUTE_NAMES.map((_, i) => ROUTE_NAMES[(i + round) % ROUTE_NAMES.length] as RouteName)
      for (const route of order) {
        const app = apps[route]
        const cpu0 = await app.child.ask<ProcessStats>('stats')
        const up0 = await emulator.ask<EmulatorCounts>('counts')
        const r = await app.load.run(loginLoad, { durationMs: s.segmentMs })
        const up1 = await emulator.ask<EmulatorCounts>('counts')
        const cpu1 = await app.child.ask<ProcessStats>('stats')
        const m = routes[route]
        m.rounds.push({ count: r.ok, elapsedMs: r.elapsedMs, cpuMs: cpu1.cpuMs - cpu0.cpuMs })
        m.logins += r.ok
        m.errors += r.errors
        m.elapsedMs += r.elapsedMs
        for (const l of r.latencies) m.latencies.push(l)
        m.cpuMs += cpu1.cpuMs - cpu0.cpuMs
        m.upstream += up1.total - up0.total
        m.peakRss = Math.max(m.peakRss, cpu1.maxRss)
      }
      log(`round ${round + 1}/${s.rounds} done`)
    }

    // The same page for a signed-in visitor (the visitors' cookies from their last login) and an anonymous
    // one, on the strategy's app and, as a control without this library, on the floor's app.
    const pageStats = (): PageMeasure => ({ ok: 0, errors: 0, elapsedMs: 0, cpuMs: 0, rounds: [] })
    const pages = { signedIn: pageStats(), anonymous: pageStats(), floorSignedIn: pageStats(), floorAnonymous: pageStats() }
    const page = (signedIn: boolean): Load => ({
      method: 'GET',
      path: '/page',
      sendCookie: signedIn,
      expect: (res) => res.statusCode === 200 && res.headers['x-signed-in'] === (signedIn ? '1' : '0'),
    })
    const pageRuns = [
      { app: apps.strategy, signedIn: true, into: pages.signedIn },
      { app: apps.strategy, signedIn: false, into: pages.anonymous },
      { app: apps.floor, signedIn: true, into: pages.floorSignedIn },
      { app: apps.floor, signedIn: false, into: pages.floorAnonymous },
    ]
    for (const run of pageRuns) await run.app.load.run(page(run.signedIn), { count: 200 })
    for (let round = 0; round < s.pageRounds; round++) {
      for (let i = 0; i < pageRuns.length; i++) {
        const run = pageRuns[(i + round) % pageRuns.length] as (typeof pageRuns)[number]
        const cpu0 = await run.app.child.ask<ProcessStats>('stats')
        const r = await run.app.load.run(page(run.signedIn), { durationMs: s.pageSegmentMs })
        const cpu1 = await run.app.child.ask<ProcessStats>('stats')
        run.into.ok += r.ok
        run.into.errors += r.errors
        run.into.elapsedMs += r.elapsedMs
        run.into.cpuMs += cpu1.cpuMs - cpu0.cpuMs
        run.into.rounds.push({ count: r.ok, elapsedMs: r.elapsedMs, cpuMs: cpu1.cpuMs - cpu0.cpuMs })
      }
    }
    log('pages done')
    for (const app of Object.values(apps)) {
      app.load.close()
      await app.child.stop()
    }

    const micro = await Child.start<MicroResult>('micro-process.ts', [JSON.stringify(emu), String(s.microMs), USER, PASSWORD])
    await micro.child.stop()
    log('verification micro-benchmark done')

    /**
     * RSS of a fresh app of `route` after 1,000 logins and after `rssLogins`, with samples every
     * 10,000 logins between (the path, not only the ends: a leak climbs, a warming heap levels off).
     */
    const rssRun = async (route: RouteName): Promise<NonNullable<Measurements['rss']>> => {
      const app = await startApp(route, emu, s.concurrency)
      children.push(app.child)
      const samples: Array<{ logins: number; rss: number }> = []
      let done = 0
      for (const target of rssCheckpoints(s.rssLogins)) {
        const r = await app.load.run(loginLoad, { count: target - done })
        if (r.errors > 0) throw new Error(`${r.errors} logins failed during the RSS run`)
        done = target
        samples.push({ logins: done, rss: (await app.child.ask<ProcessStats>('stats')).rss })
      }
      app.load.close()
      await app.child.stop()
      log(`RSS run (${route}) done`)
      return { after1k: samples[0]?.rss ?? 0, after50k: samples.at(-1)?.rss ?? 0, logins: s.rssLogins, samples }
    }
    const rss = s.rssLogins > 0 ? await rssRun('strategy') : undefined
    const floorRss = s.rssLogins > 0 ? await rssRun('floor') : undefined

    const measurements: Measurements = {
      mode: s.quick ? 'quick' : 'full',
      latencyMs: s.latency,
      concurrency: s.concurrency,
      rounds: s.rounds,
      routes,
      pages,
      verify: micro.ready,
      rss,
      floorRss,
      loadAverage,
    }
    const fig = figures(measurements)
    const report = renderReport(measurements, fig)
    process.stdout.write(report)
    if (s.out) writeFileSync(s.out, report)
    if (s.json) writeFileSync(s.json, JSON.stringify(fig, null, 2))
  } finally {
    await Promise.all(children.map((c) => c.stop()))
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exitCode = 1
})
