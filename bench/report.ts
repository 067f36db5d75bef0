/**
 * Turning the bench's measurements into figures, goal checks and the Markdown table of RESULTS.md.
 */
import os from 'node:os'
import { quantile } from './load.js'

/** What was measured for one login route, summed over all its rounds. */
export interface RouteMeasure {
  logins: number
  errors: number
  elapsedMs: number
  latencies: number[]
  cpuMs: number
  upstream: number
  peakRss: number
}

/** Everything one bench run measured. */
export interface Measurements {
  mode: 'quick' | 'full'
  latencyMs: number
  concurrency: number
  rounds: number
  routes: Record<'strategy' | 'hand-rolled' | 'floor', RouteMeasure>
  /** The same page on the strategy's app and, as a control without this library, on the floor's app. */
  pages: Record<'signedIn' | 'anonymous' | 'floorSignedIn' | 'floorAnonymous', PageMeasure>
  verify: { library: number; raw: number }
  rss?: { after1k: number; after50k: number; logins: number } | undefined
  /** The same RSS run on the floor's app, which does not use this library: a control. */
  floorRss?: { after1k: number; after50k: number; logins: number } | undefined
  loadAverage: number[]
}

/** Requests to the page. */
export interface PageMeasure {
  ok: number
  errors: number
  elapsedMs: number
}

/** One route's figures. */
export interface RouteFigures {
  loginsPerSec: number
  p50: number
  p99: number
  upstreamPerLogin: number
  cpuMsPerLogin: number
  peakRssMb: number
  errors: number
}

/** A goal of issue 6 and whether this run met it. */
export interface Goal {
  name: string
  target: string
  value: number
  met: boolean
}

/** The figures, ratios and goals of a run (also what `--json` writes). */
export interface Figures {
  routes: Record<string, RouteFigures>
  ratios: { throughputVsFloor: number; cpuVsFloor: number; throughputVsHandRolled: number; pages: number; verify: number }
  pages: { signedInPerSec: number; anonymousPerSec: number; floorSignedInPerSec: number; floorAnonymousPerSec: number; errors: number }
  verify: { libraryPerSec: number; rawPerSec: number }
  rssGrowthMb?: number | undefined
  goals: Goal[]
}

const MB = 1024 * 1024

function routeFigures(m: RouteMeasure): RouteFigures {
  return {
    loginsPerSec: m.logins / (m.elapsedMs / 1000),
    p50: quantile(m.latencies, 0.5),
    p99: quantile(m.latencies, 0.99),
    upstreamPerLogin: m.upstream / m.logins,
    cpuMsPerLogin: m.cpuMs / m.logins,
    peakRssMb: m.peakRss / MB,
    errors: m.errors,
  }
}

/** Figures, ratios and goal checks from raw measurements. */
export function figures(m: Measurements): Figures {
  const s = routeFigures(m.routes.strategy)
  const h = routeFigures(m.routes['hand-rolled'])
  const f = routeFigures(m.routes.floor)
  const rate = (p: PageMeasure) => p.ok / (p.elapsedMs / 1000)
  const signedInPerSec = rate(m.pages.signedIn)
  const anonymousPerSec = rate(m.pages.anonymous)
  const ratios = {
    throughputVsFloor: s.loginsPerSec / f.loginsPerSec,
    cpuVsFloor: s.cpuMsPerLogin / f.cpuMsPerLogin,
    throughputVsHandRolled: s.loginsPerSec / h.loginsPerSec,
    pages: signedInPerSec / anonymousPerSec,
    verify: m.verify.library / m.verify.raw,
  }
  const rssGrowthMb = m.rss ? (m.rss.after50k - m.rss.after1k) / MB : undefined
  const goals: Goal[] = [
    { name: 'upstream requests per login (strategy)', target: '= 1.00', value: s.upstreamPerLogin, met: Math.abs(s.upstreamPerLogin - 1) < 0.005 },
    { name: 'throughput strategy / floor', target: '≥ 0.90', value: ratios.throughputVsFloor, met: ratios.throughputVsFloor >= 0.9 },
    { name: 'CPU per login strategy / floor', target: '≤ 1.25', value: ratios.cpuVsFloor, met: ratios.cpuVsFloor <= 1.25 },
    { name: `throughput strategy / hand-rolled (${m.latencyMs} ms latency)`, target: '≥ 2', value: ratios.throughputVsHandRolled, met: ratios.throughputVsHandRolled >= 2 },
    { name: 'verification / raw crypto.verify', target: '≥ 0.80', value: ratios.verify, met: ratios.verify >= 0.8 },
    { name: 'signed-in page / unauthenticated page', target: '≥ 0.90', value: ratios.pages, met: ratios.pages >= 0.9 },
  ]
  if (rssGrowthMb !== undefined) {
    goals.push({ name: 'RSS growth, 1,000 → 50,000 logins (MB)', target: '≤ 20', value: rssGrowthMb, met: rssGrowthMb <= 20 })
  }
  return {
    routes: { strategy: s, 'hand-rolled': h, floor: f },
    ratios,
    pages: {
      signedInPerSec,
      anonymousPerSec,
      floorSignedInPerSec: rate(m.pages.floorSignedIn),
      floorAnonymousPerSec: rate(m.pages.floorAnonymous),
      errors: Object.values(m.pages).reduce((sum, p) => sum + p.errors, 0),
    },
    verify: { libraryPerSec: m.verify.library, rawPerSec: m.verify.raw },
    rssGrowthMb,
    goals,
  }
}

const n = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a'

/** The Markdown report: machine, settings, per-route table, pages, verification, RSS, goals. */
export function renderReport(m: Measurements, fig: Figures, date = new Date()): string {
  const cpus = os.cpus()
  const lines = [
    `# Benchmark results (${m.mode} mode)`,
    '',
    `- Date: ${date.toISOString()}`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.platform()} ${os.release()}`,
    `- Node ${process.version}; load average at start ${m.loadAverage.map((l) => l.toFixed(2)).join(' / ')} (the machine is shared: compare ratios, not absolute figures)`,
    `- Emulator in its own process, ${m.latencyMs} ms latency per upstream call; each route's app in its own process;`,
    `  ${m.concurrency} concurrent visitors (each with its own session cookie, keep-alive, loopback);`,
    `  ${m.rounds} round(s), the routes alternating within each round in a rotating order.`,
    '',
    '## Logins',
    '',
    '| route | logins/s | p50 ms | p99 ms | upstream req/login | app CPU ms/login | peak RSS MB | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const [name, r] of Object.entries(fig.routes)) {
    lines.push(
      `| ${name} | ${n(r.loginsPerSec)} | ${n(r.p50, 2)} | ${n(r.p99, 2)} | ${n(r.upstreamPerLogin, 2)} | ${n(r.cpuMsPerLogin, 3)} | ${n(r.peakRssMb, 1)} | ${r.errors} |`,
    )
  }
  lines.push(
    '',
    `Ratios (same run): throughput strategy/floor **${n(fig.ratios.throughputVsFloor, 2)}**, ` +
      `CPU per login strategy/floor **${n(fig.ratios.cpuVsFloor, 2)}**, ` +
      `throughput strategy/hand-rolled **${n(fig.ratios.throughputVsHandRolled, 2)}**.`,
    '',
    '## Signed-in page (session lookup) and token verification',
    '',
    `| measure | rate /s | ratio |`,
    '|---|---:|---:|',
    `| page, unauthenticated visitor | ${n(fig.pages.anonymousPerSec)} | |`,
    `| page, signed-in visitor (express-session lookup + this library's deserializeUser) | ${n(fig.pages.signedInPerSec)} | ${n(fig.ratios.pages, 2)} |`,
    `| control without this library (floor app): unauthenticated | ${n(fig.pages.floorAnonymousPerSec)} | |`,
    `| control without this library (floor app): signed in, identity deserializeUser | ${n(fig.pages.floorSignedInPerSec)} | ${n(fig.pages.floorSignedInPerSec / fig.pages.floorAnonymousPerSec, 2)} |`,
    `| raw \`crypto.verify\` RS256, prepared KeyObject | ${n(fig.verify.rawPerSec)} | |`,
    `| \`TokenVerifier.verify\`, warm key cache (decode, key lookup, verify, claim checks) | ${n(fig.verify.libraryPerSec)} | ${n(fig.ratios.verify, 2)} |`,
  )
  if (m.rss) {
    lines.push(
      '',
      `RSS of a fresh strategy app: ${n(m.rss.after1k / MB, 1)} MB after 1,000 logins, ` +
        `${n(m.rss.after50k / MB, 1)} MB after ${n(m.rss.logins)} (growth ${n(fig.rssGrowthMb ?? Number.NaN, 1)} MB).`,
    )
  }
  if (m.floorRss) {
    lines.push(
      '',
      `Control without this library, the same run on a fresh floor app: ${n(m.floorRss.after1k / MB, 1)} MB after 1,000 logins, ` +
        `${n(m.floorRss.after50k / MB, 1)} MB after ${n(m.floorRss.logins)} (growth ${n((m.floorRss.after50k - m.floorRss.after1k) / MB, 1)} MB).`,
    )
  }
  lines.push('', '## Goals', '', '| goal | target | this run | met |', '|---|---|---:|---|')
  for (const g of fig.goals) lines.push(`| ${g.name} | ${g.target} | ${n(g.value, 2)} | ${g.met ? 'yes' : '**no**'} |`)
  return `${lines.join('\n')}\n`
}
