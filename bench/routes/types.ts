/** What every login route gets and gives. */
import type passport from 'passport'
import type { RequestHandler } from 'express'
import type { EmulatorInfo } from '../emulator-process.js'

/** A Passport instance of the app (`new passport.Passport()`). */
export type Auth = InstanceType<typeof passport.Passport>

/** Sets up `auth` (strategy, serialization) and returns the login middleware: `next()` once signed in. */
export type LoginRoute = (auth: Auth, emu: EmulatorInfo) => RequestHandler
