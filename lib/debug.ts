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

/**
 * Makes `keys` of `target` non-enumerable, so `util.inspect`, `console.log` and `JSON.stringify` of
 * an object that holds a secret (the client secret in the options, a cached client token) do not print
 * it. The properties stay readable and writable. @internal
 */
export function hideFromDumps(target: object, ...keys: string[]): void {
  for (const key of keys) {
    const value: unknown = Reflect.get(target, key)
    Object.defineProperty(target, key, { value, enumerable: false, writable: true, configurable: true })
  }
}

/** A loggable label for an error: its `code` (e.g. `ERR_DINTERO_UNAVAILABLE`) or its name; never its message. @internal */
export function errorLabel(err: unknown): string {
  const code = (err as { code?: unknown } | null | undefined)?.code
  if (typeof code === 'string') return code
  return err instanceof Error ? err.name : typeof err
}
