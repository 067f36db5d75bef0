/**
 * One Express app (express-session, Passport) with one login route, in its own process so its CPU and
 * memory are its own: `app-process.ts strategy|hand-rolled|floor EMULATOR_INFO_JSON`.
 * Routes: `POST /login` (204 when signed in), `GET /page` (the same page for everyone; header
 * `x-signed-in: 1` when the session holds a user). Answers `stats` with its {@link ProcessStats}.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import type { EmulatorInfo } from './emulator-process.js'
import { processStats, serve } from './ipc.js'
import { floorLogin } from './routes/floor.js'
import { handRolledLogin } from './routes/hand-rolled.js'
import { strategyLogin } from './routes/strategy.js'

/** The three ways to sign in that the bench compares. */
export const ROUTES = { strategy: strategyLogin, 'hand-rolled': handRolledLogin, floor: floorLogin }
/** Name of one of {@link ROUTES}. */
export type RouteName = keyof typeof ROUTES

const [route = '', infoJson = '{}'] = process.argv.slice(2)
const login = ROUTES[route as RouteName]
if (!login) throw new Error(`unknown route ${route}`)
const emu = JSON.parse(infoJson) as EmulatorInfo

const auth = new passport.Passport()
const app = express()
app.use(express.urlencoded({ extended: false }))
app.use(session({ secret: 'bench-session-secret', resave: false, saveUninitialized: false, store: new session.MemoryStore() }))
app.use(auth.session())
app.post('/login', login(auth, emu), (_req, res) => {
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

const server = app.listen(0, '127.0.0.1', () => {
  serve({ port: (server.address() as AddressInfo).port }, () => ({ ...processStats(), errors }))
})
process.once('SIGTERM', () => {
  server.closeAllConnections()
  server.close(() => process.exit(0))
})
