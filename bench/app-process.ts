/**
 * One Express app (express-session, Passport) with one login route, in its own process so its CPU and
 * memory are its own: `app-process.ts strategy|hand-rolled|floor EMULATOR_INFO_JSON [APP_OPTIONS_JSON]`
 * ({@link AppOptions}: the session store, and `refreshTokens` for the refresh storm).
 * Routes: `POST /login` (204 when signed in), `GET /page` (the same page for everyone; header
 * `x-signed-in: 1` when the session holds a user). Answers `stats` with its {@link ProcessStats}, and
 * `heap` with the heap used after a full GC (run with `--expose-gc`; NaN without).
 */
import type { AddressInfo } from 'node:net'
import { RedisStore } from 'connect-redis'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { createClient } from 'redis'
import type { EmulatorInfo } from './emulator-process.js'
import { processStats, serve } from './ipc.js'
import { floorLogin } from './routes/floor.js'
import { handRolledLogin } from './routes/hand-rolled.js'
import { strategyLogin } from './routes/strategy.js'

/** The three ways to sign in that the bench compares. */
export const ROUTES = { strategy: strategyLogin, 'hand-rolled': handRolledLogin, floor: floorLogin }
/** Name of one of {@link ROUTES}. */
export type RouteName = keyof typeof ROUTES

/** How the app is set up beyond its route. */
export interface AppOptions {
  /** Sessions in connect-redis on this `redis://` URL; MemoryStore without. */
  redisUrl?: string | undefined
  /** Mount the route's `refreshTokens` with this window, in seconds (the strategy's route only). */
  refreshWindow?: number | undefined
}

const [route = '', infoJson = '{}', optionsJson = '{}'] = process.argv.slice(2)
const makeRoute = ROUTES[route as RouteName]
if (!makeRoute) throw new Error(`unknown route ${route}`)
const emu = JSON.parse(infoJson) as EmulatorInfo
const options = JSON.parse(optionsJson) as AppOptions

const redis = options.redisUrl ? createClient({ url: options.redisUrl }) : undefined
if (redis) {
  redis.on('error', (err: Error) => process.stderr.write(`bench app (${route}): Redis: ${err.message}\n`))
  await redis.connect()
}
// Each app its own key prefix: the apps share one redis-server.
const store = redis ? new RedisStore({ client: redis, prefix: `bench:${route}:${process.pid}:` }) : new session.MemoryStore()

const auth = new passport.Passport()
const { login, refresh } = makeRoute(auth, emu)
const app = express()
app.use(express.urlencoded({ extended: false }))
app.use(session({ secret: 'bench-session-secret', resave: false, saveUninitialized: false, store }))
app.use(auth.session())
if (options.refreshWindow !== undefined) {
  if (!refresh) throw new Error(`route ${route} has no refresh`)
  app.use(refresh(options.refreshWindow))
}
app.post('/login', login, (_req, res) => {
  res.status(204).end()
})
app.get('/page', (req, res) => {
  res.set('x-signed-in', req.user ? '1' : '0').type('html').send('<!doctype html><title>Account</title><p>Welcome</p>')
})
let errors = 0
app.use((err: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  if (errors++ === 0) process.stderr.write(`bench app (${route}): ${err.message}\n`)
  res.status(500).end()
})

// The largest accept backlog the kernel grants, and idle keep-alive connections kept for two minutes (as
// behind a proxy's connection pool), so the refresh storm measures the app, not TCP connection set-up.
const server = app.listen(0, '127.0.0.1', 4096, () => {
  serve({ port: (server.address() as AddressInfo).port }, (question) => {
    if (question.kind !== 'heap') return { ...processStats(), errors }
    const gc = (globalThis as { gc?: () => void }).gc
    if (!gc) return Number.NaN
    gc()
    return process.memoryUsage().heapUsed
  })
})
server.keepAliveTimeout = 120_000
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => void (redis ? redis.close() : Promise.resolve()).finally(() => process.exit(0)))
})
