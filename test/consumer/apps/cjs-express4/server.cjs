// A CommonJS app on Express 4, as a user would write it: `require('passport-dintero')` (Node's
// require(esm)), the default user and the package's serializeUser/deserializeUser.
'use strict'
const express = require('express')
const session = require('express-session')
const passport = require('passport')
const { DinteroPasswordStrategy, serializeUser, deserializeUser } = require('passport-dintero')
const { DinteroEmulator } = require('passport-dintero/testing')

async function main() {
  const emulator = new DinteroEmulator()
  await emulator.start()
  const user = emulator.addUser({ email: process.env.USER_EMAIL, password: process.env.USER_PASSWORD })

  passport.use(
    new DinteroPasswordStrategy({
      accountId: emulator.accountId,
      clientId: emulator.clientId,
      clientSecret: emulator.clientSecret,
      baseUrl: emulator.baseUrl,
    }),
  )
  passport.serializeUser(serializeUser)
  passport.deserializeUser(deserializeUser)

  const app = express()
  app.use(express.urlencoded({ extended: false }))
  app.use(session({ secret: 'consumer-test-secret', resave: false, saveUninitialized: false }))
  app.use(passport.session())
  app.post('/login', passport.authenticate('dintero', { successRedirect: '/me', failureRedirect: '/login-failed' }))
  app.get('/me', (req, res) => {
    if (!req.user) return res.status(401).json({ signedIn: false })
    res.json({ signedIn: true, id: req.user.id, email: req.user.claims.email, expiresAt: req.user.tokens.expiresAt })
  })
  app.post('/logout', (req, res, next) => req.logout((err) => (err ? next(err) : res.redirect('/'))))

  const server = app.listen(0, '127.0.0.1', () => {
    const url = `http://127.0.0.1:${server.address().port}`
    process.stdout.write(JSON.stringify({ url, userId: user.id, express: require('express/package.json').version }) + '\n')
  })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
