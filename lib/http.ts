/**
 * The one way this package talks to Dintero: JSON over http(s) with a deadline that covers connect,
 * headers and body, a cap on the body, redirects refused (never followed: the Authorization header
 * must not reach another host), identifying headers, and transport failures turned into typed errors.
 *
 * @packageDocumentation
 */
import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import { logger } from './debug.js'
import { DinteroError, RateLimitedError, UpstreamError, UpstreamTimeoutError, UpstreamUnavailableError } from './errors.js'

/** A JSON answer from Dintero. @internal */
export interface JsonResponse {
  status: number
  headers: http.IncomingHttpHeaders
  /** Parsed JSON, or `undefined` when the body was empty or not JSON. */
  body: unknown
  /** True when a non-empty body could not be parsed as JSON. */
  notJson: boolean
}

/** One call. `what` names the call in errors and logs ("login", "client token"…). @internal */
export interface JsonRequest {
  what: string
  method: 'GET' | 'POST'
  path: string
  headers?: Record<string, string>
  body?: unknown
}

/** Settings of an {@link HttpClient}. @internal */
export interface HttpClientOptions {
  baseUrl: string
  timeout: number
  maxResponseBytes: number
  headers: Record<string, string>
  /**
   * The clock of deadlines and idle sockets, in milliseconds; `performance.now` by default. A test's
   * clock that moves while no timer fires stands in for a blocked event loop.
   */
  now?: () => number
}

const log = logger('http')

/**
 * How long an idle keep-alive socket is kept, in milliseconds: below the 5 s keep-alive of Node's and
 * Apache's servers (proxies and load balancers keep 60 s and more).
 */
const IDLE_SOCKET_TIMEOUT = 4_000

class BodyTooLarge extends Error {}

/**
 * Sends JSON requests to one origin over keep-alive connections. @internal
 */
export class HttpClient {
  // Private fields (#), not `private`: Node keeps a request in flight, with its header block
  // (`authorization: Basic …` or `Bearer <client token>`), on the agent's socket, so neither the agent
  // nor anything keyed by its sockets may be reachable by util.inspect (not even with showHidden).
  /** Where every request goes, parsed once: a request only adds method, path and headers. */
  readonly #target: { protocol: string; hostname: string; port: string; agent: http.Agent }
  readonly #agent: http.Agent
  /** When each pooled socket became idle, and how long it may idle (a server's `Keep-Alive` hint), in ms. */
  readonly #idleSince = new WeakMap<Socket, number>()
  readonly #idleLimit = new WeakMap<Socket, number>()
  private readonly _now: () => number

  constructor(private readonly _options: HttpClientOptions) {
    this._now = _options.now ?? (() => performance.now())
    const origin = new URL(_options.baseUrl)
    const secure = origin.protocol === 'https:'
    // Stale keep-alive sockets are avoided rather than retried: the agent's `timeout` is the idle
    // timeout of a free socket (Node destroys a pooled socket when it fires), set below the common 5 s
    // server keep-alive; and Node's agent shortens it further to a server's `Keep-Alive: timeout=N`
    // minus a second, or does not reuse the socket when that leaves nothing. A reset that still
    // happens is retried only for a GET (see send()).
    const agentOptions = { keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT, scheduling: 'lifo' as const }
    this.#agent = secure ? new https.Agent(agentOptions) : new http.Agent(agentOptions)
    this.#agent.on('free', (socket: Socket) => this.#idleSince.set(socket, this._now()))
    // URL keeps the brackets of an IPv6 host; http.request wants the bare address.
    const hostname = origin.hostname.startsWith('[') ? origin.hostname.slice(1, -1) : origin.hostname
    this.#target = { protocol: origin.protocol, hostname, port: origin.port, agent: this.#agent }
  }

  /** Sends one request; resolves with any HTTP answer except a redirect, rejects with a {@link DinteroError}. */
  async send(req: JsonRequest): Promise<JsonResponse> {
    this._dropStaleSockets()
    const started = this._now()
    const deadline = started + this._options.timeout
    const payload = req.body === undefined ? undefined : Buffer.from(JSON.stringify(req.body))
    const headers: Record<string, string> = { ...this._options.headers, accept: 'application/json', ...req.headers }
    if (payload) {
      headers['content-type'] = 'application/json'
      headers['content-length'] = String(payload.length)
    }
    let res: JsonResponse
    try {
      res = await this._once(req, headers, payload, deadline).catch((err: unknown) => {
        // A reset on a reused keep-alive socket before any answer: usually the server closed the idle
        // socket as we reused it, but the request may have arrived in full before the connection
        // dropped. Only a GET (the key set: nothing is spent by reading it) is sent again, once; a POST
        // carries a password, a code or a refresh token, and resending it could count a wrong password
        // or code twice or spend a rotating refresh token twice.
        if (err instanceof ReusedSocketReset && req.method === 'GET' && this._now() < deadline) {
          return this._once(req, headers, payload, deadline)
        }
        throw err
      })
    } catch (err) {
      if (log.enabled) log('%s %s failed after %dms: %s', req.method, req.path, Math.round(this._now() - started), errorName(err))
      throw toDinteroError(err, req.what, this._options.timeout)
    }
    // Checked first: this runs on every call, and formatting costs even when nothing is printed.
    if (log.enabled) log('%s %s -> %d in %dms', req.method, req.path, res.status, Math.round(this._now() - started))
    if (res.status >= 300 && res.status < 400) {
      throw new UpstreamError(`Dintero ${req.what} call answered with a redirect (${res.status}), which is never followed`, {
        upstreamStatus: res.status,
      })
    }
    return res
  }

  /**
   * Destroys pooled sockets idle past their limit before a request could take one. The agent's own idle
   * timer does this too, but a timer fires late when the event loop is busy, and a socket the server
   * closed meanwhile would fail the request (a POST is not resent); this check runs on the request path.
   * A destroyed socket leaves the agent's free list only when it has closed (later), and the agent skips
   * destroyed sockets only at the front of that list while 'lifo' takes from the back: so destroyed ones
   * are moved to the front (sockets with different idle limits need not go stale oldest first).
   */
  private _dropStaleSockets(): void {
    const now = this._now()
    for (const sockets of Object.values(this.#agent.freeSockets)) {
      if (!sockets) continue
      for (const socket of sockets) {
        const since = this.#idleSince.get(socket)
        if (since !== undefined && now - since >= (this.#idleLimit.get(socket) ?? IDLE_SOCKET_TIMEOUT)) socket.destroy()
      }
      const destroyed = sockets.filter((socket) => socket.destroyed)
      if (destroyed.length > 0) sockets.splice(0, sockets.length, ...destroyed, ...sockets.filter((socket) => !socket.destroyed))
    }
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy()
  }

  private _once(
    req: JsonRequest,
    headers: Record<string, string>,
    payload: Buffer | undefined,
    deadline: number,
  ): Promise<JsonResponse> {
    return new Promise<JsonResponse>((resolve, reject) => {
      // http.request over an https.Agent speaks TLS: https.request differs only in its default agent.
      const r = http.request({ ...this.#target, method: req.method, path: req.path, headers })
      const remaining = Math.max(1, deadline - this._now())
      // Settles once; whatever ends the call first wins, and the sockets are torn down with it.
      const finish = (err: Error | undefined, value?: JsonResponse) => {
        clearTimeout(timer)
        if (err) {
          r.destroy()
          reject(err)
        } else resolve(value!)
      }
      const timer = setTimeout(() => finish(new DeadlineExceeded()), remaining)
      let answered = false
      r.on('error', (err: NodeJS.ErrnoException) => {
        const retryable = !answered && r.reusedSocket && (err.code === 'ECONNRESET' || err.code === 'EPIPE')
        finish(retryable ? new ReusedSocketReset(err.code!) : err)
      })
      r.on('response', (res) => {
        answered = true
        const limit = keepAliveLimit(res.headers['keep-alive'])
        if (limit !== undefined && r.socket) this.#idleLimit.set(r.socket, limit)
        const max = this._options.maxResponseBytes
        const declared = Number(res.headers['content-length'])
        if (Number.isFinite(declared) && declared > max) {
          finish(new BodyTooLarge())
          return
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > max) finish(new BodyTooLarge())
          else chunks.push(chunk)
        })
        res.on('error', (err) => finish(err))
        res.on('aborted', () => finish(new Error('response aborted')))
        res.on('end', () => {
          if (size > max) return
          const text = Buffer.concat(chunks, size).toString('utf8')
          let body: unknown
          let notJson = false
          if (text.trim().length > 0) {
            try {
              body = JSON.parse(text)
            } catch {
              notJson = true
            }
          }
          finish(undefined, { status: res.statusCode ?? 0, headers: res.headers, body, notJson })
        })
      })
      r.end(payload)
    })
  }
}

/**
 * How long a socket may idle after an answer announcing `Keep-Alive: timeout=N`: a second less than the
 * server's N seconds (as Node's agent does), at most {@link IDLE_SOCKET_TIMEOUT}; undefined without a hint.
 */
function keepAliveLimit(header: string | string[] | undefined): number | undefined {
  const seconds = /(?:^|,)\s*timeout=(\d+)/i.exec(String(header ?? ''))?.[1]
  return seconds === undefined ? undefined : Math.min(IDLE_SOCKET_TIMEOUT, Math.max(0, Number(seconds) * 1000 - 1000))
}

class DeadlineExceeded extends Error {}
/** A reset (ECONNRESET or EPIPE, its `code`) on a reused socket before any answer: a GET may be resent. */
class ReusedSocketReset extends Error {
  constructor(readonly code: string) {
    super(code)
  }
}

function errorName(err: unknown): string {
  if (err instanceof DeadlineExceeded) return 'timeout'
  if (err instanceof BodyTooLarge) return 'body too large'
  const code = (err as NodeJS.ErrnoException | undefined)?.code
  return typeof code === 'string' ? code : 'connection error'
}

/** Turns a transport failure into a typed error whose message names the call, never a secret. */
function toDinteroError(err: unknown, what: string, timeout: number): DinteroError {
  if (err instanceof DinteroError) return err
  if (err instanceof DeadlineExceeded) {
    return new UpstreamTimeoutError(`Dintero ${what} call did not complete within ${timeout}ms`)
  }
  if (err instanceof BodyTooLarge) {
    return new UpstreamError(`Dintero ${what} call answered with a body larger than allowed`)
  }
  // Only the error code is kept: a transport error's message can include addresses, never secrets,
  // but keeping `cause` out means no future change of Node's can leak a header into it.
  return new UpstreamUnavailableError(`Dintero ${what} call failed: ${errorName(err)}`)
}

/** Reads Dintero's `{"error":{"code":…}}`; undefined when absent. @internal */
export function upstreamErrorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | undefined)?.error
  return typeof error?.code === 'string' ? error.code.slice(0, 100) : undefined
}

const MAX_RETRY_AFTER = 86_400

/** Reads `Retry-After` (seconds or an HTTP date) as whole seconds; undefined when absent or unreadable. @internal */
export function retryAfterSeconds(headers: http.IncomingHttpHeaders, now = Date.now()): number | undefined {
  const value = headers['retry-after']
  if (typeof value !== 'string' || value.trim() === '') return undefined
  // Clamped to a day: a hostile or broken answer must not turn into Infinity or a years-long wait.
  if (/^\d+$/.test(value.trim())) return Math.min(MAX_RETRY_AFTER, Number(value.trim()))
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.min(MAX_RETRY_AFTER, Math.max(0, Math.ceil((date - now) / 1000)))
}

/** What a typed error records of Dintero's answer: its status and its error code. @internal */
export function upstreamMeta(res: JsonResponse): { upstreamStatus: number; upstreamCode: string | undefined } {
  return { upstreamStatus: res.status, upstreamCode: upstreamErrorCode(res.body) }
}

/**
 * The typed error for an answer that is neither a success nor one the caller handles itself:
 * 429 → {@link RateLimitedError}; 502/503/504 → {@link UpstreamUnavailableError}; anything else → {@link UpstreamError}.
 * @internal
 */
export function unexpectedAnswer(res: JsonResponse, what: string): DinteroError {
  const meta = upstreamMeta(res)
  if (res.status === 429) {
    return new RateLimitedError(`Dintero ${what} call was rate limited`, { ...meta, retryAfter: retryAfterSeconds(res.headers) })
  }
  if (res.status === 502 || res.status === 503 || res.status === 504) {
    return new UpstreamUnavailableError(`Dintero ${what} call answered ${res.status}`, meta)
  }
  if (res.status >= 200 && res.status < 300 && res.notJson) {
    return new UpstreamError(`Dintero ${what} call answered with a body that is not JSON`, meta)
  }
  return new UpstreamError(`Dintero ${what} call answered ${res.status} unexpectedly`, meta)
}
