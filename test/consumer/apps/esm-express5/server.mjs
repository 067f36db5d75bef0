// An ESM app on Express 5: `import` from the package, a verify callback that returns a promise,
// and serializeUser/deserializeUser of its own.
import express from 'express'
import session from 'express-session'
import passport from 'passport'
import { DinteroPasswordStrategy } from 'passport-dintero'
import { DinteroEmulator } from 'passport-dintero/testing'
import { createRequire } from 'node:module'

const emulator = new DinteroEmulator()
await emulator.start()
const user = emulator.addUser({ email: process.env.USER_EMAIL, password: process.env.USER_PASSWORD })

const options = {
  accountId: emulator.accountId,
  clientId: emulator.clientId,
  clientSecret: emulator.clientSecret,
  baseUrl: emulator.baseUrl,
}
passport.use(new DinteroPasswordStrategy(options, async (tokens, claims) => ({ id: claims.sub, email: claims.email, tokens })))
passport.serializeUser((u, done) => done(null, u))
passport.deserializeUser((u, done) => done(null, u))

const app = express()
app.use(express.urlencoded({ extended: false }))
app.use(session({ secret: 'consumer-test-secret', resave: false, saveUninitialized: false }))
app.use(passport.session())
app.post('/login', passport.authenticate('dintero', { successRedirect: '/me', failureRedirect: '/login-failed' }))
app.get('/me', (req, res) => {
  if (!req.user) return res.status(401).json({ signedIn: false })
  res.json({ signedIn: true, id: req.user.id, email: req.user.email, expiresAt: req.user.tokens.expiresAt })
})
app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.redirect('/'))))

const server = app.listen(0, '127.0.0.1', () => {
  const url = `http://127.0.0.1:${server.address().port}`
  const version = createRequire(import.meta.url)('express/package.json').version
  process.stdout.write(JSON.stringify({ url, userId: user.id, express: version }) + '\n')
})
