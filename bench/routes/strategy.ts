/** The **strategy** route: sign-in with this library, as its README shows. */
import { DinteroPasswordStrategy, deserializeUser, refreshTokens, serializeUser } from '../../lib/index.js'
import type { LoginRoute } from './types.js'

/** Registers the strategy on `auth`: the login middleware (next() on success, 401 on failure) and `refreshTokens`. */
export const strategyLogin: LoginRoute = (auth, emu) => {
  const strategy = new DinteroPasswordStrategy({
    accountId: emu.accountId,
    clientId: emu.clientId,
    clientSecret: emu.clientSecret,
    baseUrl: emu.baseUrl,
    audience: emu.audience,
  })
  auth.use(strategy)
  auth.serializeUser(serializeUser)
  auth.deserializeUser(deserializeUser)
  return { login: auth.authenticate('dintero'), refresh: (window) => refreshTokens(strategy, { window }) }
}
