/**
 * `npm run bench`: login throughput and overhead of this library against a hand-rolled sign-in and the
 * floor, side by side in one run, with MemoryStore and with connect-redis on a real redis-server; the
 * verification path against bare jsonwebtoken; memory over 50,000 logins; a refresh storm. The README's
 * "Performance" section says what is measured and how.
 *
 * `node --import tsx bench/run.ts [--quick] [--store memory|redis] [--latency MS] [--concurrency N]
 *   [--rounds N] [--segment MS] [--rss-logins N] [--storm-sessions N] [--out FILE] [--json FILE]`
 */
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import type { AppOptions, RouteName } from './app-process.js'
import type { EmulatorCounts, EmulatorInfo } from './emulator-process.js'
import { Child, type ProcessStats } from './ipc.js'
import { type Load, LoadGenerator } from './load.js'
import type { MicroResult } from './micro-process.js'
import { type BenchRedis, findRedisServer, startBenchRedis } from './redis-server.js'
import { chartRatios, ratioChartSvg,
  figures,
  type Measurements,
  type PageMeasure,
  type PageName,
  type RouteMeasure,
  renderReport,
  type RssMeasure,
  rssCheckpoints,
  type StoreMeasure,
} from './report.js'
import { refreshStorm } from './storm.js'

const USER = 'bench@example.com'
const PASSWORD = 'bench-password'

interface Settings {
  quick: boolean
  /** Also measure with connect-redis on a real redis-server (unless `--store memory`). */
  redis: boolean
  latency: number
  concurrency: number
  rounds: number
  segmentMs: number
  warmup: number
  pageRounds: number
  pageSegmentMs: number
  microMs: number
  rssLogins: number
  stormSessions: number
  stormLeadSeconds: number
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
  const store = value('--store') ?? 'redis'
  if (store !== 'memory' && store !== 'redis') throw new Error('--store needs memory or redis')
  return {
    quick,
    redis: store === 'redis',
    latency: num('--latency', 5),
    concurrency: num('--concurrency', 8),
    rounds: num('--rounds', quick ? 1 : 10),
    segmentMs: num('--segment', quick ? 400 : 1500),
    warmup: quick ? 30 : 1000,
    pageRounds: quick ? 1 : 12,
    pageSegmentMs: quick ? 200 : 500,
    microMs: quick ? 300 : 4000,
    rssLogins: num('--rss-logins', quick ? 0 : 50_000),
    stormSessions: num('--storm-sessions', quick ? 40 : 2000),
    stormLeadSeconds: quick ? 4 : 40,
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

const log = (line: string) => process.stderr.write(`bench: ${line}\n`)

/** One app process and the visitors that load it. */
interface App {
  child: Child
  load: LoadGenerator
}

/** Every process the run started, stopped at the end whatever happens. */
const children: Child[] = []

async function startApp(route: RouteName, emu: EmulatorInfo, concurrency: number, options: AppOptions = {}, execArgv: string[] = []): Promise<App> {
  const { child, ready } = await Child.start<{ port: number }>('app-process.ts', [route, JSON.stringify(emu), JSON.stringify(options)], execArgv)
  children.push(child)
  return { child, load: new LoadGenerator(ready.port, concurrency) }
}

async function stopApp(app: App): Promise<void> {
  app.load.close()
  await app.child.stop()
}

function emptyMeasure(): RouteMeasure {
  return { logins: 0, errors: 0, elapsedMs: 0, latencies: [], cpuMs: 0, upstream: 0, peakRss: 0, rounds: [] }
}

/** Login rounds on `apps`, the routes alternating in a rotating order so none always follows another's load. */
async function measureLogins(s: Settings, apps: Partial<Record<RouteName, App>>, emulator: Child): Promise<Partial<Record<RouteName, RouteMeasure>>> {
  const names = Object.keys(apps) as RouteName[]
  for (const route of names) {
    const warm = await apps[route]!.load.run(loginLoad, { count: s.warmup })
    if (warm.errors > 0) throw new Error(`${route}: ${warm.errors} of ${s.warmup} warm-up logins failed`)
  }
  const routes: Partial<Record<RouteName, RouteMeasure>> = {}
  for (const route of names) routes[route] = emptyMeasure()
  for (let round = 0; round < s.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const route = names[(i + round) % names.length] as RouteName
      const app = apps[route]!
      const cpu0 = await app.child.ask<ProcessStats>('stats')
      const up0 = await emulator.ask<EmulatorCounts>('counts')
      const r = await app.load.run(loginLoad, { durationMs: s.segmentMs })
      const up1 = await emulator.ask<EmulatorCounts>('counts')
      const cpu1 = await app.child.ask<ProcessStats>('stats')
      const m = routes[route]!
      m.rounds.push({ count: r.ok, elapsedMs: r.elapsedMs, cpuMs: cpu1.cpuMs - cpu0.cpuMs })
      m.logins += r.ok
      m.errors += r.errors
      m.elapsedMs += r.elapsedMs
      for (const l of r.latencies) m.latencies.push(l)
      m.cpuMs += cpu1.cpuMs - cpu0.cpuMs
      m.upstream += up1.total - up0.total
      m.peakRss = Math.max(m.peakRss, cpu1.maxRss)
    }
    log(`login round ${round + 1}/${s.rounds} done`)
  }
  return routes
}

/**
 * The same page for a signed-in visitor (the visitors' cookies from their last login) and an anonymous
 * one, on the strategy's app and, as a control without this library, on the floor's app.
 */
async function measurePages(s: Settings, strategy: App, floor: App): Promise<Record<PageName, PageMeasure>> {
  const pageStats = (): PageMeasure => ({ ok: 0, errors: 0, elapsedMs: 0, cpuMs: 0, rounds: [] })
  const pages: Record<PageName, PageMeasure> = { signedIn: pageStats(), anonymous: pageStats(), floorSignedIn: pageStats(), floorAnonymous: pageStats() }
  const page = (signedIn: boolean): Load => ({
    method: 'GET',
    path: '/page',
    sendCookie: signedIn,
    expect: (res) => res.statusCode === 200 && res.headers['x-signed-in'] === (signedIn ? '1' : '0'),
  })
  const runs = [
    { app: strategy, signedIn: true, into: pages.signedIn },
    { app: strategy, signedIn: false, into: pages.anonymous },
    { app: floor, signedIn: true, into: pages.floorSignedIn },
    { app: floor, signedIn: false, into: pages.floorAnonymous },
  ]
  for (const run of runs) await run.app.load.run(page(run.signedIn), { count: 200 })
  for (let round = 0; round < s.pageRounds; round++) {
    for (let i = 0; i < runs.length; i++) {
      const run = runs[(i + round) % runs.length] as (typeof runs)[number]
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
  return pages
}

/** Logins, pages and a refresh storm with one session store. */
async function measureStore(s: Settings, emu: EmulatorInfo, emulator: Child, store: 'memory' | 'redis', redisUrl?: string): Promise<StoreMeasure> {
  const names: RouteName[] = store === 'memory' ? ['strategy', 'hand-rolled', 'floor'] : ['strategy', 'floor']
  const apps: Partial<Record<RouteName, App>> = {}
  const started = await Promise.all(names.map((route) => startApp(route, emu, s.concurrency, { redisUrl })))
  names.forEach((route, i) => (apps[route] = started[i]))
  log(`${store}: logins (${s.warmup} warm-up logins per route, then ${s.rounds} rounds)`)
  const routes = await measureLogins(s, apps, emulator)
  const pages = await measurePages(s, apps.strategy!, apps.floor!)
  log(`${store}: pages done`)
  for (const app of Object.values(apps)) await stopApp(app)
  const storm = await refreshStorm(
    {
      store,
      redisUrl,
      sessions: s.stormSessions,
      leadSeconds: s.stormLeadSeconds,
      windowSeconds: 60,
      latencyMs: s.latency,
      concurrency: s.concurrency,
      user: USER,
      password: PASSWORD,
    },
    log,
  )
  log(`${store}: refresh storm done`)
  return { store, routes, pages, storm }
}

/**
 * RSS of a fresh app of `route` after 1,000 logins and after `rssLogins`, with samples every 10,000
 * logins between (the path, not only the ends: a leak climbs, a warming heap levels off), and the heap
 * used after a full GC at each sample.
 */
async function rssRun(s: Settings, emu: EmulatorInfo, route: RouteName): Promise<RssMeasure> {
  const app = await startApp(route, emu, s.concurrency, {}, ['--expose-gc'])
  const samples: RssMeasure['samples'] = []
  let done = 0
  for (const target of rssCheckpoints(s.rssLogins)) {
    const r = await app.load.run(loginLoad, { count: target - done })
    if (r.errors > 0) throw new Error(`${r.errors} logins failed during the RSS run`)
    done = target
    const rss = (await app.child.ask<ProcessStats>('stats')).rss
    samples.push({ logins: done, rss, heapAfterGc: await app.child.ask<number>('heap') })
  }
  await stopApp(app)
  log(`RSS run (${route}) done`)
  return { after1k: samples[0]?.rss ?? 0, after50k: samples.at(-1)?.rss ?? 0, logins: s.rssLogins, samples }
}

/** The Redis part's store: a redis-server of its own, or why there is none (said loudly). */
async function redisFor(s: Settings): Promise<BenchRedis | string> {
  if (!s.redis) return 'left out (--store memory)'
  const program = findRedisServer()
  if (program) return startBenchRedis(program)
  const reason = 'redis-server is not installed (apt-get install redis-server): the Redis figures are SKIPPED'
  log(`\n\n  ******** ${reason} ********\n`)
  return reason
}

async function main(): Promise<void> {
  const s = settings(process.argv.slice(2))
  const startedAt = Date.now()
  const loadAverage = os.loadavg()
  const { child: emulator, ready: emu } = await Child.start<EmulatorInfo>('emulator-process.ts', [String(s.latency), USER, PASSWORD])
  children.push(emulator)
  let redis: BenchRedis | undefined
  try {
    const stores = [await measureStore(s, emu, emulator, 'memory')]
    const r = await redisFor(s)
    if (typeof r !== 'string') {
      redis = r
      stores.push(await measureStore(s, emu, emulator, 'redis', redis.url))
      await redis.stop()
      redis = undefined
    }

    const micro = await Child.start<MicroResult>('micro-process.ts', [JSON.stringify(emu), String(s.microMs), USER, PASSWORD])
    await micro.child.stop()
    log('verification micro-benchmark done')

    const rss = s.rssLogins > 0 ? await rssRun(s, emu, 'strategy') : undefined
    const floorRss = s.rssLogins > 0 ? await rssRun(s, emu, 'floor') : undefined

    const measurements: Measurements = {
      mode: s.quick ? 'quick' : 'full',
      latencyMs: s.latency,
      concurrency: s.concurrency,
      rounds: s.rounds,
      stores,
      redisSkipped: typeof r === 'string' ? r : undefined,
      verify: micro.ready,
      rss,
      floorRss,
      loadAverage,
      loadAverageAtEnd: os.loadavg(),
      durationMs: Date.now() - startedAt,
    }
    const fig = figures(measurements)
    const report = renderReport(measurements, fig)
    process.stdout.write(report)
    if (s.out) {
      writeFileSync(s.out, report)
      // The ratio chart beside it, drawn from the same Markdown, so it shows exactly the table's figures.
      writeFileSync(s.out.replace(/\.md$/, '.svg'), ratioChartSvg(chartRatios(report)))
    }
    if (s.json) writeFileSync(s.json, JSON.stringify(fig, null, 2))
    log(`done in ${(measurements.durationMs / 60_000).toFixed(1)} min`)
  } finally {
    await Promise.all(children.map((c) => c.stop()))
    await redis?.stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`)
  process.exitCode = 1
})
