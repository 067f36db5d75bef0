/**
 * What the security suite observed, kept for the summary `npm run test:security` prints at the end.
 * Every figure is recorded by a test from what it saw, before it asserts: nothing here is a constant.
 */
import { ANY_JWT, type LogCapture, redactedExcerpts, SecretIndex } from './secrets.js'

/** One thing tried, and whether the library held. */
export interface Tried {
  name: string
  held: boolean
}

/** Figures of the load run. */
export interface LoadFigures {
  logins: number
  warmUp: number
  concurrency: number
  errors: number
  sessionsUsable: number
  upstream: Record<string, number>
  heapBeforeMb: number
  heapAfterMb: number
  seconds: number
}

/** What a scan for secrets found, and how much it searched. */
export interface ScanResult {
  /** Names of the secrets found (`'password'`, `'access token'`…). */
  leaked: string[]
  /** Each leak in context, the secret itself replaced by its name. */
  where: string[]
  logLines: number
  texts: number
  bytes: number
}

/** Everything the suite saw that could hold a secret, and every secret it knows. */
export const evidence = {
  /** Responses, rendered errors and `info` objects, child-process output. */
  texts: [] as string[],
  /** Passwords, client secrets, every access and refresh token handed out. */
  secrets: new SecretIndex(),
  /** Debug output of this process (set by the suite's root hooks). */
  stderr: undefined as LogCapture | undefined,
  /** Output of child processes the suite ran (with `DEBUG=*` too). */
  childLogs: [] as string[],
  record(...texts: string[]): void {
    this.texts.push(...texts)
  },
  /** Scans everything captured so far; `where` shows each leak in context, the secret itself replaced by its name. */
  scan(): ScanResult {
    const logs = [...(this.stderr?.lines ?? []), ...this.childLogs]
    const key = `${logs.length}/${this.texts.length}/${this.secrets.size}`
    if (this._last?.key === key) return this._last.result
    const haystack = [...logs, ...this.texts].join('\n')
    const hits = this.secrets.locate(haystack)
    const jwt = ANY_JWT.exec(haystack)
    if (jwt) hits.push({ name: 'a JWT-shaped string', index: jwt.index, length: jwt[0].length })
    const result = {
      leaked: [...new Set(hits.map((hit) => hit.name))],
      where: redactedExcerpts(haystack, hits),
      logLines: logs.reduce((n, chunk) => n + chunk.split('\n').length - 1, 0),
      texts: this.texts.length,
      bytes: haystack.length,
    }
    this._last = { key, result }
    return result
  },
  /** The last scan, reused while nothing new was captured (a scan of a full run takes seconds). */
  _last: undefined as { key: string; result: ScanResult } | undefined,
}

/** The figures, by area. */
export const figures = {
  attacks: [] as Tried[],
  faults: [] as Tried[],
  hostile: [] as Tried[],
  /** Random bodies from the property test. */
  randomBodies: { tried: 0, held: 0, statuses: {} as Record<string, number> },
  keyFloods: [] as Array<{ logins: number; keyFetches: number; limit: number }>,
  load: undefined as LoadFigures | undefined,
}

function count(list: Tried[]): string {
  return `${list.filter((t) => t.held).length}/${list.length}`
}

/** The summary printed after the suite; `leaked` is the result of {@link evidence.scan}. */
export function summary(scan: ScanResult): string {
  const failed = (list: Tried[]) => list.filter((t) => !t.held).map((t) => `      NOT HELD: ${t.name}`)
  const r = figures.randomBodies
  const lines = [
    '',
    '  Security summary (computed from what the tests observed)',
    `    attacks on the token: ${count(figures.attacks)} refused (error, no session)`,
    ...failed(figures.attacks),
    ...figures.keyFloods.map((f) => `    unknown-kid flood: ${f.logins} logins -> ${f.keyFetches} key-set fetches (limit ${f.limit}/min)`),
    `    upstream faults: ${count(figures.faults)} survived (right outcome and status, next login succeeds)`,
    ...failed(figures.faults),
    `    hostile inputs: ${count(figures.hostile)} named inputs refused (400/401, no upstream call on 400)`,
    ...failed(figures.hostile),
    `    random bodies (fast-check): ${r.held}/${r.tried} refused; statuses ${JSON.stringify(r.statuses)}`,
    `    secrets leaked: ${scan.leaked.length}` +
      ` (${evidence.secrets.size} known secrets searched in ${scan.logLines} debug lines (DEBUG=*) and ${scan.texts} responses, errors and infos, ${(scan.bytes / 1e6).toFixed(1)} MB)`,
    ...scan.where.map((excerpt) => `      LEAKED: …${excerpt}…`),
  ]
  const load = figures.load
  if (load) {
    const upstream = Object.entries(load.upstream).map(([k, v]) => `${k} ${v}`).join(', ')
    lines.push(
      `    load: ${load.logins} logins (+${load.warmUp} warm-up), ${load.concurrency} at a time, in ${load.seconds.toFixed(1)} s; ${load.errors} errors;` +
        ` ${load.sessionsUsable}/${load.logins + load.warmUp} sessions usable afterwards`,
      `      upstream requests: ${upstream}`,
      `      heapUsed after GC: ${load.heapBeforeMb.toFixed(1)} MB before, ${load.heapAfterMb.toFixed(1)} MB after (${(load.heapAfterMb - load.heapBeforeMb).toFixed(1)} MB)`,
    )
  } else {
    lines.push('    load: not run')
  }
  return lines.join('\n')
}
