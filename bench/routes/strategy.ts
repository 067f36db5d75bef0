/** The **strategy** route: sign-in with this library, as its README shows. */
import type { Authenticator } from 'passport'
import type { RequestHandler } from 'express'
import { DinteroPasswordStrategy, deserializeUser, serializeUser } from '../../lib/index.js'
import type { EmulatorInfo } from '../emulator-process.js'

/** Registers the strategy on `auth` and returns the login middleware (next() on success, 401 on failure). */
export function strategyLogin(auth: Authenticator, emu: EmulatorInfo): RequestHandler {
  auth.use(
    new DinteroPasswordStrategy({
      accountId: emu.accountId,
      clientId: emu.clientId,
      clientSecret: emu.clientSecret,
      baseUrl: emu.baseUrl,
      audience: emu.audience,
    }),
  )
  auth.serializeUser(serializeUser)
  auth.deserializeUser(deserializeUser)
  return auth.authenticate('dintero')
}
