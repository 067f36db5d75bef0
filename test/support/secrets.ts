/**
 * Captures every debug line the library writes, so tests can prove no secret reaches a log.
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

/** The secrets found in `haystack` (an empty list when none leaked). */
export function leakedSecrets(haystack: string, secrets: Record<string, string | undefined>): string[] {
  return Object.entries(secrets)
    .filter(([, secret]) => typeof secret === 'string' && secret.length >= 4 && haystack.includes(secret))
    .map(([name]) => name)
}
