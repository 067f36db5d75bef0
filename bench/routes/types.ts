/** What every login route gets and gives. */
import type passport from 'passport'
import type { RequestHandler } from 'express'
import type { EmulatorInfo } from '../emulator-process.js'

/** A Passport instance of the app (`new passport.Passport()`). */
export type Auth = InstanceType<typeof passport.Passport>

/** What a route gives its app. */
export interface Route {
  /** The login middleware: `next()` once signed in. */
  login: RequestHandler
  /** The route's way of keeping a session's tokens fresh, for the refresh storm (the strategy's only). */
  refresh?: (windowSeconds: number) => RequestHandler
}

/** Sets up `auth` (strategy, serialization) and returns the {@link Route}. */
export type LoginRoute = (auth: Auth, emu: EmulatorInfo) => Route
