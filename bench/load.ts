/**
 * The load generator: a fixed number of virtual visitors, each with its own session cookie, sending
 * requests back to back over keep-alive connections on loopback.
 */
import http from 'node:http'

/** One virtual visitor: its session cookie, once it has one. */
export interface Visitor {
  cookie: string | undefined
}

/** What a run measured. */
export interface LoadResult {
  /** Answers with the expected status. */
  ok: number
  /** Anything else: other statuses and transport errors. */
  errors: number
  elapsedMs: number
  /** Latency of each answered request, in milliseconds. */
  latencies: number[]
}

/** One kind of request. `expect` tells a good answer; `keepCookie` stores the answer's session cookie. */
export interface Load {
  method: 'GET' | 'POST'
  path: string
  /** Form body (urlencoded), for POST. */
  form?: string
  /** Send the visitor's cookie. Default is `true`. */
  sendCookie?: boolean
  keepCookie?: boolean
  expect: (res: http.IncomingMessage) => boolean
}

/** Sends requests to one app on `port`, one visitor per connection. */
export class LoadGenerator {
  private readonly _agent: http.Agent
  readonly visitors: Visitor[]

  /** `concurrency` visitors, or the `visitors` given (which then share the generator's cookies with the caller). */
  constructor(
    private readonly _port: number,
    concurrency: number,
    visitors?: Visitor[],
  ) {
    this._agent = new http.Agent({ keepAlive: true, maxSockets: concurrency, maxFreeSockets: concurrency })
    this.visitors = visitors ?? Array.from({ length: concurrency }, () => ({ cookie: undefined }))
  }

  /** Runs `load` with every visitor until `durationMs` passed or `count` requests were sent in all. */
  async run(load: Load, limit: { durationMs?: number; count?: number }): Promise<LoadResult> {
    const result: LoadResult = { ok: 0, errors: 0, elapsedMs: 0, latencies: [] }
    const started = performance.now()
    const end = started + (limit.durationMs ?? Number.POSITIVE_INFINITY)
    const count = limit.count ?? Number.POSITIVE_INFINITY
    let sent = 0
    const visitor = async (v: Visitor) => {
      while (sent < count && performance.now() < end) {
        sent += 1
        await this._measure(load, v, result)
      }
    }
    await Promise.all(this.visitors.map(visitor))
    result.elapsedMs = performance.now() - started
    return result
  }

  /**
   * Sends `perVisitor` requests for each of `visitors` (their own cookies), at most `concurrency` in flight
   * at a time (default: all at once, each on its own connection up to the generator's socket limit).
   */
  async each(load: Load, visitors: Visitor[], options: { perVisitor?: number; concurrency?: number } = {}): Promise<LoadResult> {
    const result: LoadResult = { ok: 0, errors: 0, elapsedMs: 0, latencies: [] }
    const jobs = visitors.flatMap((v) => Array.from({ length: options.perVisitor ?? 1 }, () => v))
    const started = performance.now()
    let next = 0
    const worker = async () => {
      while (next < jobs.length) {
        await this._measure(load, jobs[next++] as Visitor, result)
      }
    }
    await Promise.all(Array.from({ length: Math.min(jobs.length, options.concurrency ?? jobs.length) }, worker))
    result.elapsedMs = performance.now() - started
    return result
  }

  /** Closes the keep-alive connections. */
  close(): void {
    this._agent.destroy()
  }

  /** Sends one request of `visitor` and adds its latency and outcome to `result`. */
  private async _measure(load: Load, visitor: Visitor, result: LoadResult): Promise<void> {
    const t0 = performance.now()
    try {
      const res = await this._send(load, visitor)
      result.latencies.push(performance.now() - t0)
      if (load.expect(res)) result.ok += 1
      else result.errors += 1
    } catch {
      result.errors += 1
    }
  }

  private _send(load: Load, visitor: Visitor): Promise<http.IncomingMessage> {
    const headers: http.OutgoingHttpHeaders = {}
    if (load.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded'
      headers['content-length'] = Buffer.byteLength(load.form)
    }
    if (load.sendCookie !== false && visitor.cookie) headers['cookie'] = visitor.cookie
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this._port, method: load.method, path: load.path, headers, agent: this._agent }, (res) => {
        if (load.keepCookie) {
          const cookie = res.headers['set-cookie']?.[0]
          if (cookie) visitor.cookie = cookie.split(';', 1)[0]
        }
        res.resume()
        res.on('end', () => resolve(res))
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(load.form)
    })
  }
}

/** The value at quantile `q` (0..1) of `values` (sorted in place). */
export function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  values.sort((a, b) => a - b)
  return values[Math.min(values.length - 1, Math.floor(q * values.length))] as number
}
