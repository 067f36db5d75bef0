/**
 * Proving that no secret reaches a log, an error, an `info` object or an HTTP response: capturing
 * debug output, recording what a test saw, and finding known secrets in all of it.
 */
import { formatWithOptions, inspect } from 'node:util'
import createDebug from 'debug'

export interface LogCapture {
  lines: string[]
  stop(): void
}

/** Turns on `passport-dintero*` debug output and collects it instead of printing it. */
export function captureDebugLogs(): LogCapture {
  const lines: string[] = []
  const previousLog = createDebug.log
  const previousNamespaces = createDebug.disable()
  createDebug.enable('passport-dintero*')
  createDebug.log = (...args: unknown[]) => {
    // As debug prints it (the format string filled in), with objects inspected deep.
    lines.push(formatWithOptions({ depth: 10 }, ...args))
  }
  return {
    lines,
    stop() {
      createDebug.log = previousLog
      createDebug.disable()
      if (previousNamespaces) createDebug.enable(previousNamespaces)
    },
  }
}

/** A line as the `debug` package writes it without colours: an ISO date (debug 4) or a UTC date (debug 2), then the namespace. */
const DEBUG_LINE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z|\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT) \S/

/**
 * Collects everything written to this process's stderr, which is where every copy of `debug`
 * (whatever its version) writes. Debug output is kept out of the terminal; anything else is also
 * passed through, so a warning or a crash is still seen.
 */
export function captureStderr(): LogCapture {
  const lines: string[] = []
  const original = process.stderr.write.bind(process.stderr)
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: any[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
    lines.push(text)
    if (DEBUG_LINE.test(text)) {
      const callback = rest.find((arg) => typeof arg === 'function')
      if (callback) process.nextTick(callback)
      return true
    }
    return original(chunk, ...rest)
  }) as typeof process.stderr.write
  return {
    lines,
    stop() {
      process.stderr.write = original
    },
  }
}

/** Every way a value could be printed: its inspect form (with hidden fields), JSON, its message and stack. */
export function renderAll(value: unknown): string {
  const parts = [inspect(value, { depth: 10, showHidden: true })]
  try {
    parts.push(JSON.stringify(value) ?? '')
  } catch {
    // circular: inspect covered it
  }
  if (value instanceof Error) parts.push(value.message, value.stack ?? '', inspect(value.cause ?? ''))
  return parts.join('\n')
}

/** Secrets at least this long, made of base64url characters only, are found through an index. */
const INDEXED = 16
const BASE64URL_RUN = /[A-Za-z0-9_-]{16,}/g

/**
 * Known secrets, found in text in one pass however many there are (thousands of tokens after a load
 * run): long base64url secrets (tokens, token signatures) are indexed by their first 16 characters
 * and looked up at every position of every base64url run of the text; the few others (passwords,
 * client secrets) are searched for directly.
 */
export class SecretIndex {
  private readonly _byPrefix = new Map<string, Array<{ name: string; value: string }>>()
  private readonly _plain: Array<{ name: string; value: string }> = []
  private readonly _known = new Set<string>()
  private _size = 0

  /** How many secrets are known. */
  get size(): number {
    return this._size
  }

  /** Adds a secret under a name that says what it is (`'password'`, `'access token'`…). Short or missing values are ignored. */
  add(name: string, value: string | undefined): void {
    if (typeof value !== 'string' || value.length < 4 || this._known.has(value)) return
    this._known.add(value)
    this._size++
    if (value.length >= INDEXED && /^[A-Za-z0-9_-]+$/.test(value)) {
      const prefix = value.slice(0, INDEXED)
      const bucket = this._byPrefix.get(prefix) ?? []
      bucket.push({ name, value })
      this._byPrefix.set(prefix, bucket)
    } else {
      this._plain.push({ name, value })
    }
  }

  /**
   * Adds a token. For a JWT that is its signature: unique to the token, found wherever the token is,
   * and indexable (the whole token has dots, and thousands of them searched one by one take minutes).
   */
  addToken(name: string, token: string | undefined): void {
    const parts = token?.split('.')
    this.add(name, parts?.length === 3 ? parts[2] : token)
  }

  /** The names of the secrets found in `text`, each once. */
  find(text: string): string[] {
    return [...new Set(this.locate(text).map((hit) => hit.name))]
  }

  /** Where secrets occur in `text`: the first occurrence of each secret found. */
  locate(text: string): Array<{ name: string; index: number; length: number }> {
    const hits: Array<{ name: string; index: number; length: number }> = []
    for (const { name, value } of this._plain) {
      const index = text.indexOf(value)
      if (index >= 0) hits.push({ name, index, length: value.length })
    }
    if (this._byPrefix.size > 0) {
      const seen = new Set<string>()
      for (const run of text.matchAll(BASE64URL_RUN)) {
        const word = run[0]
        for (let i = 0; i + INDEXED <= word.length; i++) {
          const bucket = this._byPrefix.get(word.slice(i, i + INDEXED))
          if (!bucket) continue
          for (const { name, value } of bucket) {
            if (!seen.has(value) && text.startsWith(value, run.index + i)) {
              seen.add(value)
              hits.push({ name, index: run.index + i, length: value.length })
            }
          }
        }
      }
    }
    return hits
  }
}

/** A short excerpt around each hit, with the secret itself replaced by its name: safe to print. */
export function redactedExcerpts(text: string, hits: Array<{ name: string; index: number; length: number }>): string[] {
  return hits.map(({ name, index, length }) => {
    const before = text.slice(Math.max(0, index - 80), index)
    const after = text.slice(index + length, index + length + 40)
    return `${before}«${name}»${after}`.replace(/\s+/g, ' ')
  })
}

/** Any JWT at all: a header and a payload segment, both base64url JSON objects. */
export const ANY_JWT = /eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}/

/** The secrets found in `haystack` (an empty list when none leaked). */
export function leakedSecrets(haystack: string, secrets: Record<string, string | undefined>): string[] {
  const index = new SecretIndex()
  for (const [name, value] of Object.entries(secrets)) index.add(name, value)
  return index.find(haystack)
}
