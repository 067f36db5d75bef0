/**
 * The **hand-rolled** route: what an application writes without this library, written the way a
 * careful user would from Dintero's docs: passport-local, a fresh client token for every login,
 * customers/login, then the access token verified with a jwks-rsa client (default options, created
 * once, its key-set fetch authorised with a client token) and jsonwebtoken. HTTP with `fetch`.
 */
import jwt, { type JwtPayload } from 'jsonwebtoken'
import jwksRsa from 'jwks-rsa'
import { Strategy as LocalStrategy } from 'passport-local'
import type { LoginRoute } from './types.js'

/** Registers a passport-local strategy on `auth` and returns the login middleware. */
export const handRolledLogin: LoginRoute = (auth, emu) => {
  const api = `${emu.baseUrl}/v1/accounts/${emu.accountId}`
  const basic = Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')

  async function clientToken(): Promise<string> {
    const res = await fetch(`${api}/auth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials', audience: emu.audience }),
      signal: AbortSignal.timeout(10_000),
    })
    if (!res.ok) throw new Error(`Dintero client token failed: ${res.status}`)
    const body = (await res.json()) as { access_token: string }
    return body.access_token
  }

  const jwks = jwksRsa({
    jwksUri: `${api}/auth/keys`,
    // Dintero serves a bare array and wants a client token: jwks-rsa's own fetch can do neither.
    fetcher: async (uri) => {
      const res = await fetch(uri, { headers: { authorization: `Bearer ${await clientToken()}` }, signal: AbortSignal.timeout(10_000) })
      if (!res.ok) throw new Error(`Dintero keys failed: ${res.status}`)
      return { keys: await res.json() }
    },
  })

  auth.use(
    new LocalStrategy({ usernameField: 'email' }, (email, password, done) => {
      void (async () => {
        const token = await clientToken()
        const res = await fetch(`${api}/customers/login`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ email, password, audience: emu.audience, type: 'customer' }),
          signal: AbortSignal.timeout(10_000),
        })
        if (res.status === 400 || res.status === 401 || res.status === 403 || res.status === 404) return done(null, false)
        if (!res.ok) throw new Error(`Dintero login failed: ${res.status}`)
        const tokens = (await res.json()) as { access_token: string; refresh_token?: string; token_type: string }
        const decoded = jwt.decode(tokens.access_token, { complete: true })
        const key = await jwks.getSigningKey(decoded?.header.kid)
        const claims = jwt.verify(tokens.access_token, key.getPublicKey(), {
          algorithms: ['RS256'],
          audience: emu.audience,
        }) as JwtPayload
        done(null, {
          id: claims.sub,
          claims,
          tokens: {
            accessToken: tokens.access_token,
            refreshToken: tokens.refresh_token,
            tokenType: tokens.token_type,
            expiresAt: (claims.exp ?? 0) * 1000,
          },
        })
      })().catch(done)
    }),
  )
  auth.serializeUser((user, done) => done(null, user))
  auth.deserializeUser((stored: Express.User, done) => done(null, stored))
  return { login: auth.authenticate('local') }
}
