/**
 * Debug logging under the `passport-dintero` namespace (`DEBUG=passport-dintero*`). Callers log
 * calls, outcomes and timings only: never a body, a header, a password, a secret or a token.
 *
 * @packageDocumentation
 */
import createDebug from 'debug'

/** A logger for one part of the package, e.g. `passport-dintero:http`. @internal */
export function logger(part: string): createDebug.Debugger {
  return createDebug(`passport-dintero:${part}`)
}

/** A loggable label for an error: its `code` (e.g. `ERR_DINTERO_UNAVAILABLE`) or its name; never its message. @internal */
export function errorLabel(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code
  if (typeof code === 'string') return code
  return err instanceof Error ? err.name : typeof err
}
