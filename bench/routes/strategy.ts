/** The **strategy** route: sign-in with this library, as its README shows. */
import { DinteroPasswordStrategy, deserializeUser, serializeUser } from '../../lib/index.js'
import type { LoginRoute } from './types.js'

/** Registers the strategy on `auth` and returns the login middleware (next() on success, 401 on failure). */
export const strategyLogin: LoginRoute = (auth, emu) => {
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
