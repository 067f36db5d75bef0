/**
 * Reads the example server's settings from the environment. With no `DINTERO_*` settings the server
 * runs against the bundled emulator; with them it talks to that Dintero account.
 */
import type { DinteroStrategyOptions } from 'passport-dintero'

/** The server's settings. */
export interface ServerConfig {
  /** `PORT`; default `3000`. `0` picks a free port. */
  port: number
  /** Dintero settings from `DINTERO_*`; undefined means emulator mode. */
  dintero: DinteroStrategyOptions | undefined
  /** `SESSION_SECRET`; undefined means a random one per process. */
  sessionSecret: string | undefined
  /** `NODE_ENV=production`: secure cookies, and `SESSION_SECRET` becomes required. */
  production: boolean
  /** `TRUST_PROXY`: Express's `trust proxy` (`true`, `false`, a hop count, or addresses/names). */
  trustProxy: boolean | number | string | undefined
  /** `REDIS_URL` (e.g. `redis://localhost:6379`): sessions in Redis, shared by every instance; undefined means the memory store. */
  redisUrl: string | undefined
}

/** The three settings that switch from the emulator to a real Dintero account. */
export const REQUIRED_DINTERO = ['DINTERO_ACCOUNT_ID', 'DINTERO_CLIENT_ID', 'DINTERO_CLIENT_SECRET'] as const
/** Optional Dintero settings, only meaningful with the three above. */
export const OPTIONAL_DINTERO = ['DINTERO_BASE_URL', 'DINTERO_AUDIENCE'] as const

/** A setting that is missing or malformed; the message names the variable, never its value. */
export class ConfigError extends Error {
  override name = 'ConfigError'
}

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const raw = env[name]?.trim()
  return raw === undefined || raw === '' ? undefined : raw
}

function readPort(raw: string | undefined): number {
  if (raw === undefined) return 3000
  const port = Number(raw)
  if (!/^\d+$/.test(raw) || port > 65535) throw new ConfigError('PORT must be a whole number from 0 to 65535')
  return port
}

function readTrustProxy(raw: string | undefined): boolean | number | string | undefined {
  if (raw === undefined) return undefined
  if (raw === 'true') return true
  if (raw === 'false') return false
  return /^\d+$/.test(raw) ? Number(raw) : raw
}

function readDintero(env: NodeJS.ProcessEnv): DinteroStrategyOptions | undefined {
  const given = [...REQUIRED_DINTERO, ...OPTIONAL_DINTERO].filter((name) => value(env, name) !== undefined)
  if (given.length === 0) return undefined
  const missing = REQUIRED_DINTERO.filter((name) => value(env, name) === undefined)
  if (missing.length > 0) {
    throw new ConfigError(`${given.join(', ')} set, but ${missing.join(', ')} missing: set all three, or none to use the emulator`)
  }
  const baseUrl = value(env, 'DINTERO_BASE_URL')
  const audience = value(env, 'DINTERO_AUDIENCE')
  return {
    accountId: value(env, 'DINTERO_ACCOUNT_ID')!,
    clientId: value(env, 'DINTERO_CLIENT_ID')!,
    clientSecret: value(env, 'DINTERO_CLIENT_SECRET')!,
    ...(baseUrl === undefined ? {} : { baseUrl }),
    ...(audience === undefined ? {} : { audience }),
  }
}

/** Reads and checks the settings; throws {@link ConfigError} naming the first problem. */
export function readConfig(env: NodeJS.ProcessEnv): ServerConfig {
  const production = env['NODE_ENV'] === 'production'
  const sessionSecret = value(env, 'SESSION_SECRET')
  if (production && sessionSecret === undefined) {
    throw new ConfigError('SESSION_SECRET is required when NODE_ENV=production (sessions must survive a restart)')
  }
  return {
    port: readPort(value(env, 'PORT')),
    dintero: readDintero(env),
    sessionSecret,
    production,
    trustProxy: readTrustProxy(value(env, 'TRUST_PROXY')),
    redisUrl: value(env, 'REDIS_URL'),
  }
}
