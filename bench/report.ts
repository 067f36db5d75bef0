/**
 * Turning the bench's measurements into figures, goal checks and the Markdown table of RESULTS.md.
 */
import os from 'node:os'
import { quantile } from './load.js'

/** One segment of load on one app: answers counted, how long, and the app's CPU time meanwhile. */
export interface Segment {
  count: number
  elapsedMs: number
  cpuMs: number
}

/** What was measured for one login route, summed over all its rounds, and each round's segment. */
export interface RouteMeasure {
  logins: number
  errors: number
  elapsedMs: number
  latencies: number[]
  cpuMs: number
  upstream: number
  peakRss: number
  rounds: Segment[]
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
  verify: { library: number; raw: number; ratio: number }
  rss?: RssMeasure | undefined
  /** The same RSS run on the floor's app, which does not use this library: a control. */
  floorRss?: RssMeasure | undefined
  loadAverage: number[]
}

/** Requests to the page. */
export interface PageMeasure {
  ok: number
  errors: number
  elapsedMs: number
  /** The app's CPU time (user + system) while it answered them, in milliseconds. */
  cpuMs: number
  /** Each round's segment. */
  rounds: Segment[]
}

/** RSS of a fresh app along a run of logins, in bytes. */
export interface RssMeasure {
  after1k: number
  after50k: number
  logins: number
  /** RSS after 1,000 logins, every 10,000, and at the end. */
  samples?: Array<{ logins: number; rss: number }> | undefined
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
  /** Each the median of per-round (per-batch for verify) ratios; see {@link pairedRatio}. */
  ratios: { throughputVsFloor: number; cpuVsFloor: number; throughputVsHandRolled: number; pages: number; floorPages: number; verify: number }
  pages: {
    signedInPerSec: number
    anonymousPerSec: number
    floorSignedInPerSec: number
    floorAnonymousPerSec: number
    /** App CPU per request, in microseconds, for each of the four page runs. */
    cpuUs: Record<'signedIn' | 'anonymous' | 'floorSignedIn' | 'floorAnonymous', number>
    errors: number
  }
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

/** 1,000, then every 10,000 up to `total`, and `total`. */
export function rssCheckpoints(total: number): number[] {
  const points = [1000]
  for (let n = 10_000; n < total; n += 10_000) points.push(n)
  if (total > 1000) points.push(total)
  return points
}

/** Answers per second in one segment. */
const perSec = (x: Segment) => x.count / (x.elapsedMs / 1000)
/** App CPU milliseconds per answer in one segment. */
const cpuPer = (x: Segment) => x.cpuMs / x.count

/**
 * The median over rounds of `value(a[i]) / value(b[i])`. The two segments of a round ran back to back,
 * so a burst of load from elsewhere on the machine moves one round's ratio, not the figure.
 */
export function pairedRatio(a: Segment[], b: Segment[], value: (x: Segment) => number): number {
  const n = Math.min(a.length, b.length)
  return quantile(
    Array.from({ length: n }, (_, i) => value(a[i] as Segment) / value(b[i] as Segment)),
    0.5,
  )
}

/** Figures, ratios and goal checks from raw measurements. */
export function figures(m: Measurements): Figures {
  const s = routeFigures(m.routes.strategy)
  const h = routeFigures(m.routes['hand-rolled'])
  const f = routeFigures(m.routes.floor)
  const rate = (p: PageMeasure) => p.ok / (p.elapsedMs / 1000)
  // Median of the rounds' CPU per request, in microseconds.
  const cpuUs = (p: PageMeasure) => quantile(p.rounds.map(cpuPer), 0.5) * 1000
  const signedInPerSec = rate(m.pages.signedIn)
  const anonymousPerSec = rate(m.pages.anonymous)
  const { strategy, floor } = m.routes
  const ratios = {
    throughputVsFloor: pairedRatio(strategy.rounds, floor.rounds, perSec),
    cpuVsFloor: pairedRatio(strategy.rounds, floor.rounds, cpuPer),
    throughputVsHandRolled: pairedRatio(strategy.rounds, m.routes['hand-rolled'].rounds, perSec),
    pages: pairedRatio(m.pages.signedIn.rounds, m.pages.anonymous.rounds, perSec),
    floorPages: pairedRatio(m.pages.floorSignedIn.rounds, m.pages.floorAnonymous.rounds, perSec),
    verify: m.verify.ratio,
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
      cpuUs: {
        signedIn: cpuUs(m.pages.signedIn),
        anonymous: cpuUs(m.pages.anonymous),
        floorSignedIn: cpuUs(m.pages.floorSignedIn),
        floorAnonymous: cpuUs(m.pages.floorAnonymous),
      },
      errors: Object.values(m.pages).reduce((sum, p) => sum + p.errors, 0),
    },
    verify: { libraryPerSec: m.verify.library, rawPerSec: m.verify.raw },
    rssGrowthMb,
    goals,
  }
}

const n = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a'

/** " Along the way: 1k 131.0, 10k 150.2, … MB." for a run with samples. */
function path(r: RssMeasure): string {
  if (!r.samples || r.samples.length < 3) return ''
  return ` Along the way (logins: MB): ${r.samples.map((x) => `${n(x.logins / 1000)}k: ${n(x.rss / MB, 1)}`).join(', ')}.`
}

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
    '- Every ratio is the median of the ratios of back-to-back segments (one per round; per batch for the',
    '  verification micro-benchmark), so a burst of load from elsewhere moves one pair, not the figure.',
    '  Rates and CPU in the tables are totals over all rounds (CPU per page request: median of the rounds).',
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
    `Ratios (same run, medians of the rounds): throughput strategy/floor **${n(fig.ratios.throughputVsFloor, 2)}**, ` +
      `CPU per login strategy/floor **${n(fig.ratios.cpuVsFloor, 2)}**, ` +
      `throughput strategy/hand-rolled **${n(fig.ratios.throughputVsHandRolled, 2)}**.`,
    '',
    '## Signed-in page (session lookup) and token verification',
    '',
    `| measure | rate /s | ratio | app CPU µs/request |`,
    '|---|---:|---:|---:|',
    `| page, unauthenticated visitor | ${n(fig.pages.anonymousPerSec)} | | ${n(fig.pages.cpuUs.anonymous)} |`,
    `| page, signed-in visitor (express-session lookup + this library's deserializeUser) | ${n(fig.pages.signedInPerSec)} | ${n(fig.ratios.pages, 2)} | ${n(fig.pages.cpuUs.signedIn)} |`,
    `| control without this library (floor app): unauthenticated | ${n(fig.pages.floorAnonymousPerSec)} | | ${n(fig.pages.cpuUs.floorAnonymous)} |`,
    `| control without this library (floor app): signed in, identity deserializeUser | ${n(fig.pages.floorSignedInPerSec)} | ${n(fig.ratios.floorPages, 2)} | ${n(fig.pages.cpuUs.floorSignedIn)} |`,
  )
  const extra = (signedIn: number, anonymous: number) => signedIn - anonymous
  const ours = extra(fig.pages.cpuUs.signedIn, fig.pages.cpuUs.anonymous)
  const control = extra(fig.pages.cpuUs.floorSignedIn, fig.pages.cpuUs.floorAnonymous)
  lines.push(
    '',
    `A signed-in request cost the strategy's app ${n(ours)} µs more CPU than an anonymous one; the control's, ` +
      `which does the same express-session and Passport work without this library, ${n(control)} µs more. ` +
      `This library's own part of a signed-in page is the difference, ${n(ours - control)} µs (noise makes it negative at times).`,
    '',
    '| measure | rate /s | ratio |',
    '|---|---:|---:|',
    `| raw \`crypto.verify\` RS256, prepared KeyObject | ${n(fig.verify.rawPerSec)} | |`,
    `| \`TokenVerifier.verify\`, warm key cache (decode, key lookup, verify, claim checks) | ${n(fig.verify.libraryPerSec)} | ${n(fig.ratios.verify, 2)} |`,
  )
  if (m.rss) {
    lines.push(
      '',
      `RSS of a fresh strategy app: ${n(m.rss.after1k / MB, 1)} MB after 1,000 logins, ` +
        `${n(m.rss.after50k / MB, 1)} MB after ${n(m.rss.logins)} (growth ${n(fig.rssGrowthMb ?? Number.NaN, 1)} MB).${path(m.rss)}`,
    )
  }
  if (m.floorRss) {
    lines.push(
      '',
      `Control without this library, the same run on a fresh floor app: ${n(m.floorRss.after1k / MB, 1)} MB after 1,000 logins, ` +
        `${n(m.floorRss.after50k / MB, 1)} MB after ${n(m.floorRss.logins)} (growth ${n((m.floorRss.after50k - m.floorRss.after1k) / MB, 1)} MB).${path(m.floorRss)}`,
    )
  }
  lines.push('', '## Goals', '', '| goal | target | this run | met |', '|---|---|---:|---|')
  // Three decimals, so a ratio just under its target does not print as the target itself.
  for (const g of fig.goals) lines.push(`| ${g.name} | ${g.target} | ${n(g.value, 3)} | ${g.met ? 'yes' : '**no**'} |`)
  return `${lines.join('\n')}\n`
}
