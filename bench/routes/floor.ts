/**
 * The **floor** route: only the work no sign-in can avoid. One customers/login call (node:http,
 * keep-alive) with a client token fetched once, the JSON parsed, `req.login`. No verification, no
 * error mapping, no timeouts: not safe, only a yardstick.
 */
import http from 'node:http'
import type { RequestHandler } from 'express'
import type { LoginRoute } from './types.js'

const agent = new http.Agent({ keepAlive: true })

function postJson(url: URL, authorization: string, body: object): Promise<{ status: number; json: any }> {
  const payload = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }))
        res.on('error', reject)
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}

/** Sets up serialization on `auth` and returns the login middleware. */
export const floorLogin: LoginRoute = (auth, emu) => {
  const api = `${emu.baseUrl}/v1/accounts/${emu.accountId}`
  const loginUrl = new URL(`${api}/customers/login`)
  const basic = `Basic ${Buffer.from(`${emu.clientId}:${emu.clientSecret}`).toString('base64')}`
  // Fetched once, at the first login, and kept (the bench never outlives it).
  let clientToken: Promise<string> | undefined

  auth.serializeUser((user, done) => done(null, user))
  auth.deserializeUser((stored: Express.User, done) => done(null, stored))
  const login: RequestHandler = (req, res, next) => {
    clientToken ??= postJson(new URL(`${api}/auth/token`), basic, { grant_type: 'client_credentials', audience: emu.audience }).then(
      (r) => r.json.access_token as string,
    )
    const { email, password } = req.body as { email: string; password: string }
    clientToken
      .then((token) => postJson(loginUrl, `Bearer ${token}`, { email, password, audience: emu.audience, type: 'customer' }))
      .then(({ status, json }) => {
        if (status !== 200) return void res.status(401).end()
        const user = {
          tokens: { accessToken: json.access_token, refreshToken: json.refresh_token, tokenType: json.token_type, expiresIn: json.expires_in },
        }
        req.login(user, next)
      }, next)
  }
  return { login }
}
