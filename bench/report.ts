/**
 * Turning the bench's measurements into figures, goal checks and the Markdown of RESULTS.md.
 */
import os from 'node:os'
import { quantile } from './load.js'
import type { MicroResult } from './micro-process.js'
import type { StormMeasure } from './storm.js'

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

/** The four page runs: the strategy's app and, as a control without this library, the floor's app. */
export type PageName = 'signedIn' | 'anonymous' | 'floorSignedIn' | 'floorAnonymous'

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

/** Logins, pages and the refresh storm with one session store. */
export interface StoreMeasure {
  store: 'memory' | 'redis'
  /** All three routes with MemoryStore; the strategy and the floor with Redis. */
  routes: Partial<Record<'strategy' | 'hand-rolled' | 'floor', RouteMeasure>>
  pages: Record<PageName, PageMeasure>
  storm: StormMeasure
}

/** RSS of a fresh app along a run of logins, in bytes. */
export interface RssMeasure {
  after1k: number
  after50k: number
  logins: number
  /** RSS, and the heap used after a full GC, after 1,000 logins, every 10,000, and at the end. */
  samples?: Array<{ logins: number; rss: number; heapAfterGc?: number }> | undefined
}

/** Everything one bench run measured. */
export interface Measurements {
  mode: 'quick' | 'full'
  latencyMs: number
  concurrency: number
  rounds: number
  /** MemoryStore first, then Redis when measured. */
  stores: StoreMeasure[]
  /** Why there are no Redis figures, when there are none. */
  redisSkipped?: string | undefined
  verify: MicroResult
  rss?: RssMeasure | undefined
  /** The same RSS run on the floor's app, which does not use this library: a control. */
  floorRss?: RssMeasure | undefined
  loadAverage: number[]
  loadAverageAtEnd: number[]
  durationMs: number
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

/** A goal of issue 12 and whether this run met it (undefined: not measured in this run). */
export interface Goal {
  name: string
  target: string
  value: number
  met: boolean | undefined
}

/** The figures of one store. */
export interface StoreFigures {
  store: 'memory' | 'redis'
  routes: Record<string, RouteFigures>
  /** Each the median of per-round ratios; see {@link pairedRatio}. */
  ratios: {
    throughputVsFloor: number
    cpuVsFloor: number
    /** MemoryStore only. */
    throughputVsHandRolled: number | undefined
    /** Signed-in page of the strategy's app / the same page of the control (floor) app. */
    pageVsControl: number
    /** Signed-in page / anonymous page, on the strategy's app. */
    pageVsAnonymous: number
    /** The same on the control app. */
    controlPageVsAnonymous: number
  }
  pages: {
    perSec: Record<PageName, number>
    /** App CPU per request, in microseconds (median of the rounds). */
    cpuUs: Record<PageName, number>
    errors: number
  }
  storm: StormMeasure & {
    /** Storm page p99 / steady-state page p99. */
    p99VsSteady: number
    /** Every storm requirement held: refreshes = sessions, none before, no sign-outs, no errors. */
    held: boolean
  }
}

/** The figures, ratios and goals of a run (also what `--json` writes). */
export interface Figures {
  stores: StoreFigures[]
  redisSkipped: string | undefined
  verify: MicroResult
  rssGrowthMb?: number | undefined
  /** Heap used after a full GC, at the end minus after 1,000 logins, in MB. */
  heapGrowthMb?: number | undefined
  goals: Goal[]
  /** Figures the issue asks for that are not goals. */
  reported: Array<{ name: string; value: number; why: string }>
  durationMs: number
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

/** The storm requirements: exactly one refresh per session, none before, no sign-outs, no errors. */
export function stormHeld(s: StormMeasure): boolean {
  return s.refreshCalls === s.sessions && s.refreshCallsBefore === 0 && s.signOuts === 0 && s.errors === 0 && s.signInErrors === 0
}

function storeFigures(m: StoreMeasure): StoreFigures {
  const routes: Record<string, RouteFigures> = {}
  for (const [name, r] of Object.entries(m.routes)) routes[name] = routeFigures(r)
  const strategy = m.routes.strategy as RouteMeasure
  const floor = m.routes.floor as RouteMeasure
  const handRolled = m.routes['hand-rolled']
  const p = m.pages
  const names: PageName[] = ['signedIn', 'anonymous', 'floorSignedIn', 'floorAnonymous']
  return {
    store: m.store,
    routes,
    ratios: {
      throughputVsFloor: pairedRatio(strategy.rounds, floor.rounds, perSec),
      cpuVsFloor: pairedRatio(strategy.rounds, floor.rounds, cpuPer),
      throughputVsHandRolled: handRolled ? pairedRatio(strategy.rounds, handRolled.rounds, perSec) : undefined,
      pageVsControl: pairedRatio(p.signedIn.rounds, p.floorSignedIn.rounds, perSec),
      pageVsAnonymous: pairedRatio(p.signedIn.rounds, p.anonymous.rounds, perSec),
      controlPageVsAnonymous: pairedRatio(p.floorSignedIn.rounds, p.floorAnonymous.rounds, perSec),
    },
    pages: {
      perSec: Object.fromEntries(names.map((n) => [n, p[n].ok / (p[n].elapsedMs / 1000)])) as Record<PageName, number>,
      // Median of the rounds' CPU per request, in microseconds.
      cpuUs: Object.fromEntries(names.map((n) => [n, quantile(p[n].rounds.map(cpuPer), 0.5) * 1000])) as Record<PageName, number>,
      errors: names.reduce((sum, n) => sum + p[n].errors, 0),
    },
    storm: { ...m.storm, p99VsSteady: m.storm.stormP99 / m.storm.steadyP99, held: stormHeld(m.storm) },
  }
}

const STORE_LABEL = { memory: 'MemoryStore', redis: 'Redis (connect-redis)' } as const

/** Figures, ratios and goal checks from raw measurements. */
export function figures(m: Measurements): Figures {
  const stores = m.stores.map(storeFigures)
  const memory = stores.find((x) => x.store === 'memory') as StoreFigures
  const redis = stores.find((x) => x.store === 'redis')
  const s = memory.routes['strategy'] as RouteFigures
  const r = memory.ratios
  const handRolled = r.throughputVsHandRolled ?? Number.NaN
  const samples = m.rss?.samples ?? []
  const heap0 = samples[0]?.heapAfterGc
  const heap1 = samples.at(-1)?.heapAfterGc
  const rssGrowthMb = m.rss ? (m.rss.after50k - m.rss.after1k) / MB : undefined
  const heapGrowthMb = heap0 !== undefined && heap1 !== undefined ? (heap1 - heap0) / MB : undefined
  const at = (value: number, ok: (v: number) => boolean) => (Number.isFinite(value) ? ok(value) : undefined)
  const goals: Goal[] = [
    { name: 'upstream requests per login, steady state (strategy)', target: '= 1.00', value: s.upstreamPerLogin, met: Math.abs(s.upstreamPerLogin - 1) < 0.005 },
    { name: 'logins/s strategy / floor', target: '≥ 0.95', value: r.throughputVsFloor, met: r.throughputVsFloor >= 0.95 },
    { name: 'app CPU per login strategy / floor', target: '≤ 1.25', value: r.cpuVsFloor, met: r.cpuVsFloor <= 1.25 },
    { name: `logins/s strategy / hand-rolled (${m.latencyMs} ms latency)`, target: '≥ 2', value: handRolled, met: handRolled >= 2 },
    {
      name: '`TokenVerifier.verify` (warm) / bare `jwt.verify`, same KeyObject and options',
      target: '≥ 0.95',
      value: m.verify.libraryVsJsonwebtoken,
      met: m.verify.libraryVsJsonwebtoken >= 0.95,
    },
    { name: 'signed-in page, this library / control app without it (MemoryStore)', target: '≥ 0.95', value: r.pageVsControl, met: r.pageVsControl >= 0.95 },
    {
      name: 'signed-in page, this library / control app without it (Redis)',
      target: '≥ 0.95',
      value: redis?.ratios.pageVsControl ?? Number.NaN,
      met: redis ? redis.ratios.pageVsControl >= 0.95 : undefined,
    },
    { name: 'RSS growth, 1,000 → 50,000 logins (MB)', target: '≤ 20', value: rssGrowthMb ?? Number.NaN, met: at(rssGrowthMb ?? Number.NaN, (v) => v <= 20) },
    {
      name: 'heap after a full GC, 1,000 → 50,000 logins (MB)',
      target: 'flat within 5',
      value: heapGrowthMb ?? Number.NaN,
      met: at(heapGrowthMb ?? Number.NaN, (v) => Math.abs(v) <= 5),
    },
  ]
  const reported: Figures['reported'] = [
    { name: 'bare `jwt.verify` / raw `crypto.verify`', value: m.verify.jsonwebtokenVsRaw, why: "jsonwebtoken's own cost" },
  ]
  for (const x of stores) {
    reported.push(
      { name: `signed-in page / anonymous page, this library (${STORE_LABEL[x.store]})`, value: x.ratios.pageVsAnonymous, why: "express-session's cost" },
      { name: `signed-in page / anonymous page, control app (${STORE_LABEL[x.store]})`, value: x.ratios.controlPageVsAnonymous, why: "express-session's cost" },
    )
    if (x.store !== 'memory') {
      reported.push(
        { name: `logins/s strategy / floor (${STORE_LABEL[x.store]})`, value: x.ratios.throughputVsFloor, why: 'the goal is taken with MemoryStore' },
        { name: `app CPU per login strategy / floor (${STORE_LABEL[x.store]})`, value: x.ratios.cpuVsFloor, why: 'the goal is taken with MemoryStore' },
      )
    }
    reported.push({ name: `refresh storm: page p99 during the storm / steady state (${STORE_LABEL[x.store]})`, value: x.storm.p99VsSteady, why: 'the storm queues 3 requests per session at once' })
  }
  return { stores, redisSkipped: m.redisSkipped, verify: m.verify, rssGrowthMb, heapGrowthMb, goals, reported, durationMs: m.durationMs }
}

const n = (value: number, digits = 0) =>
  Number.isFinite(value) ? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }) : 'n/a'

/** " Along the way (logins: RSS MB / heap after GC MB): …" for a run with samples. */
function path(r: RssMeasure): string {
  if (!r.samples || r.samples.length < 3) return ''
  const heap = (x: { heapAfterGc?: number }) => (x.heapAfterGc === undefined ? '' : ` / ${n(x.heapAfterGc / MB, 1)}`)
  return ` Along the way (logins: RSS MB / heap after a full GC MB): ${r.samples.map((x) => `${n(x.logins / 1000)}k: ${n(x.rss / MB, 1)}${heap(x)}`).join(', ')}.`
}

function rssLine(label: string, r: RssMeasure): string {
  const s = r.samples ?? []
  const h0 = s[0]?.heapAfterGc
  const h1 = s.at(-1)?.heapAfterGc
  const heap = h0 !== undefined && h1 !== undefined ? `; heap after a full GC ${n(h0 / MB, 1)} → ${n(h1 / MB, 1)} MB` : ''
  return (
    `${label}: RSS ${n(r.after1k / MB, 1)} MB after 1,000 logins, ${n(r.after50k / MB, 1)} MB after ${n(r.logins)} ` +
    `(growth ${n((r.after50k - r.after1k) / MB, 1)} MB)${heap}.${path(r)}`
  )
}

function storeSection(m: Measurements, x: StoreFigures): string[] {
  const label = STORE_LABEL[x.store]
  const lines = [
    `## ${label}`,
    '',
    '### Logins',
    '',
    '| route | logins/s | p50 ms | p99 ms | upstream req/login | app CPU ms/login | peak RSS MB | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ]
  for (const [name, r] of Object.entries(x.routes)) {
    lines.push(
      `| ${name} | ${n(r.loginsPerSec)} | ${n(r.p50, 2)} | ${n(r.p99, 2)} | ${n(r.upstreamPerLogin, 2)} | ${n(r.cpuMsPerLogin, 3)} | ${n(r.peakRssMb, 1)} | ${r.errors} |`,
    )
  }
  const hr = x.ratios.throughputVsHandRolled
  lines.push(
    '',
    `Ratios (medians of the rounds): logins/s strategy/floor **${n(x.ratios.throughputVsFloor, 2)}**, ` +
      `app CPU per login strategy/floor **${n(x.ratios.cpuVsFloor, 2)}**` +
      (hr === undefined ? '.' : `, logins/s strategy/hand-rolled **${n(hr, 2)}** (${m.latencyMs} ms latency).`),
    '',
    '### Signed-in page',
    '',
    '| page | rate /s | app CPU µs/request |',
    '|---|---:|---:|',
    `| this library's app, anonymous visitor | ${n(x.pages.perSec.anonymous)} | ${n(x.pages.cpuUs.anonymous)} |`,
    `| this library's app, signed-in visitor (express-session lookup + this library's deserializeUser) | ${n(x.pages.perSec.signedIn)} | ${n(x.pages.cpuUs.signedIn)} |`,
    `| control app without this library (floor), anonymous | ${n(x.pages.perSec.floorAnonymous)} | ${n(x.pages.cpuUs.floorAnonymous)} |`,
    `| control app without this library (floor), signed in, identity deserializeUser | ${n(x.pages.perSec.floorSignedIn)} | ${n(x.pages.cpuUs.floorSignedIn)} |`,
    '',
    `Ratios (medians of the rounds): signed-in page, this library / control **${n(x.ratios.pageVsControl, 3)}**; ` +
      `signed-in / anonymous: this library ${n(x.ratios.pageVsAnonymous, 2)}, control ${n(x.ratios.controlPageVsAnonymous, 2)}. ` +
      `Page errors: ${x.pages.errors}.`,
  )
  const st = x.storm
  const check = (ok: boolean) => (ok ? 'yes' : '**no**')
  lines.push(
    '',
    `### Refresh storm`,
    '',
    `${n(st.sessions)} signed-in sessions (\`refreshTokens(strategy, { window: 60 })\`, access tokens living 60 s + the lead), ` +
      `all in the refresh window at once, each sending 3 page requests at the same time (${n(st.requests)} requests, answered in ${n(st.stormMs)} ms).`,
    '',
    '| measure | required | this run | held |',
    '|---|---|---:|---|',
    `| refresh calls (the emulator's counter) | = ${n(st.sessions)} | ${n(st.refreshCalls)} | ${check(st.refreshCalls === st.sessions)} |`,
    `| refresh calls before the storm | = 0 | ${n(st.refreshCallsBefore)} | ${check(st.refreshCallsBefore === 0)} |`,
    `| sign-outs | = 0 | ${n(st.signOuts)} | ${check(st.signOuts === 0)} |`,
    `| errors (and failed sign-ins setting it up) | = 0 | ${n(st.errors)} (${n(st.signInErrors)}) | ${check(st.errors === 0 && st.signInErrors === 0)} |`,
    '',
    `Page latency: steady state (${m.concurrency} visitors, ${n(st.steadyRequests)} requests before the window) p50 ${n(st.steadyP50, 2)} ms, ` +
      `p99 ${n(st.steadyP99, 2)} ms; during the storm p50 ${n(st.stormP50, 2)} ms, p99 ${n(st.stormP99, 2)} ms ` +
      `(**${n(st.p99VsSteady, 1)}×** the steady-state p99). CPU during the storm: the app ${n(st.stormAppCpuMs)} ms ` +
      `(${n((st.stormAppCpuMs / st.requests) * 1000)} µs per request, a third of them refreshing), the emulator ${n(st.stormEmulatorCpuMs)} ms, ` +
      `over ${n(st.stormMs)} ms of wall time.`,
    '',
  )
  return lines
}

/** The Markdown report: machine, settings, per-store tables, verification, memory, goals. */
export function renderReport(m: Measurements, fig: Figures, date = new Date()): string {
  const cpus = os.cpus()
  const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ')
  const lines = [
    `# Benchmark results (${m.mode} mode)`,
    '',
    `Written by \`npm run bench\`${m.mode === 'quick' ? ' -- --quick' : ''}; every figure below is from this one run.`,
    '',
    `- Date: ${date.toISOString()}; the run took ${n(m.durationMs / 60_000, 1)} min.`,
    `- Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GB, ${os.platform()} ${os.release()}; Node ${process.version}.`,
    `- Load average (1 / 5 / 15 min) at the start ${load(m.loadAverage)}, at the end ${load(m.loadAverageAtEnd)}` +
      (Math.max(...m.loadAverage, ...m.loadAverageAtEnd) > cpus.length * 0.5
        ? ` (**not a quiet machine**: other work shared the ${cpus.length} cores; compare ratios, not absolute figures).`
        : ' (compare ratios, not absolute figures).'),
    `- Emulator in its own process, ${m.latencyMs} ms latency per upstream call; each app in its own process;`,
    `  ${m.concurrency} concurrent visitors (each with its own session cookie, keep-alive, loopback);`,
    `  ${m.rounds} login round(s), the routes alternating within each round in a rotating order.`,
    '- Every ratio is the median of the ratios of back-to-back segments (one per round; per batch for the',
    '  verification micro-benchmark), so a burst of load from elsewhere moves one pair, not the figure.',
    '  Rates and CPU in the tables are totals over all rounds (CPU per page request: median of the rounds).',
    `- Session stores: ${fig.stores.map((x) => STORE_LABEL[x.store]).join(', ')}` +
      (fig.redisSkipped ? `. **Redis: ${fig.redisSkipped}.**` : ' (a redis-server the bench started on loopback, no persistence).'),
    '',
  ]
  for (const x of fig.stores) lines.push(...storeSection(m, x))
  const v = fig.verify
  lines.push(
    '## Token verification',
    '',
    '| measure | rate /s |',
    '|---|---:|',
    `| raw \`crypto.verify\` RS256, prepared KeyObject and buffers | ${n(v.raw)} |`,
    `| bare jsonwebtoken \`jwt.verify\`, same KeyObject, same options (RS256, audience, clock tolerance, clock per call) | ${n(v.jsonwebtoken)} |`,
    `| \`TokenVerifier.verify\`, warm key cache (decode, key lookup, stricter checks, \`jwt.verify\`) | ${n(v.library)} |`,
    '',
    `Ratios (medians of adjacent batches): TokenVerifier.verify / jwt.verify **${n(v.libraryVsJsonwebtoken, 3)}**; jwt.verify / crypto.verify ${n(v.jsonwebtokenVsRaw, 2)}.`,
    '',
  )
  if (m.rss || m.floorRss) lines.push('## Memory', '')
  if (m.rss) lines.push(rssLine('A fresh strategy app', m.rss), '')
  if (m.floorRss) lines.push(rssLine('Control without this library, a fresh floor app', m.floorRss), '')
  lines.push('## Goals', '', '| goal | target | this run | met |', '|---|---|---:|---|')
  const met = (g: Goal) => (g.met === undefined ? 'not measured' : g.met ? 'yes' : '**no**')
  // Three decimals, so a ratio just under its target does not print as the target itself.
  for (const g of fig.goals) lines.push(`| ${g.name} | ${g.target} | ${n(g.value, 3)} | ${met(g)} |`)
  lines.push('', 'Reported, not goals:', '', '| figure | this run | why not a goal |', '|---|---:|---|')
  for (const r of fig.reported) lines.push(`| ${r.name} | ${n(r.value, 2)} | ${r.why} |`)
  return `${lines.join('\n')}\n`
}

/** One bar of the ratio chart: a bold ratio of RESULTS.md with the words before it and its section. */
export interface ChartRatio {
  section: string
  label: string
  value: number
}

/**
 * The bold ratios of a RESULTS.md (`label **0.93**` on its "Ratios" lines), each with its `## ` section:
 * the figures the chart draws, so the chart can never show other numbers than the table.
 */
export function chartRatios(markdown: string): ChartRatio[] {
  const out: ChartRatio[] = []
  let section = ''
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3).trim()
    if (!line.startsWith('Ratios')) continue
    const body = line.slice(line.indexOf(':') + 1)
    for (const [, label, value] of body.matchAll(/([^,;*]+?)\s*\*\*([\d.]+)\*\*/g)) {
      // "signed-in page, this library / control **0.93**": the comma belongs to the label.
      const words = label!.trim()
      out.push({ section, label: body.includes(`signed-in page, ${words}`) ? `signed-in page, ${words}` : words, value: Number(value) })
    }
  }
  return out
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A horizontal bar chart (SVG) of the bench's ratios, with a line at 1.0 (parity). Written next to
 * RESULTS.md by `npm run bench` (bench/run.ts) and by `node --import tsx bench/chart.ts` from an existing one.
 */
export function ratioChartSvg(ratios: readonly ChartRatio[]): string {
  const labelWidth = 430
  const barMax = 300
  const rowHeight = 24
  const top = 40
  const max = Math.max(2, ...ratios.map((r) => r.value))
  const scale = (v: number): number => (v / max) * barMax
  const height = top + ratios.length * rowHeight + 30
  const width = labelWidth + barMax + 70
  const rows = ratios.map((r, i) => {
    const y = top + i * rowHeight
    const text = escapeXml(`${r.section}: ${r.label}`)
    return [
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${text}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${scale(r.value).toFixed(1)}" height="${rowHeight - 8}" fill="#3b6ea5"/>`,
      `<text x="${(labelWidth + scale(r.value) + 6).toFixed(1)}" y="${y + 16}">${r.value}</text>`,
    ].join('')
  })
  const one = labelWidth + scale(1)
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">passport-dintero bench: ratios (medians of paired rounds; 1.0 = parity)</text>`,
    ...rows,
    `<line x1="${one.toFixed(1)}" y1="${top - 4}" x2="${one.toFixed(1)}" y2="${height - 24}" stroke="#c00" stroke-dasharray="4 3"/>`,
    `<text x="${one.toFixed(1)}" y="${height - 10}" text-anchor="middle" fill="#c00">1.0</text>`,
    `</svg>`,
    '',
  ].join('\n')
}
