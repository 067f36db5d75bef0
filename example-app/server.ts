/**
 * Runs the example app: `npm start`. Reads the environment (see config.ts and the README), starts
 * the bundled emulator when no Dintero account is configured, and listens on `PORT` (default 3000).
 */
import { randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { DinteroEmulator } from 'passport-dintero/testing'
import { createApp, describeError } from './app.js'
import { ConfigError, readConfig } from './config.js'
import { DEMO_CREDENTIALS, DEMO_MFA_CREDENTIALS, describeResetEmail, describeSentCode, emulatorStrategyOptions, startDemoEmulator } from './demo.js'
import { openSessionStore } from './session-store.js'

async function main(): Promise<void> {
  const config = readConfig(process.env)
  let emulator: DinteroEmulator | undefined
  // Offline, the "SMS" or email with the one-time code, and the password-reset email, are printed here.
  if (!config.dintero) {
    emulator = await startDemoEmulator({
      onMfaCode: (message) => console.log(describeSentCode(message)),
      onPasswordResetEmail: (email) => console.log(`${describeResetEmail(email)}\n`),
    })
  }

  if (config.sessionSecret === undefined && config.dintero) {
    console.warn('SESSION_SECRET is not set: using a random one, so sessions end when the server restarts.')
  }
  const sessions = await openSessionStore(config.redisUrl)
  const app = createApp({
    ...(sessions.store ? { sessionStore: sessions.store } : {}),
    ...(sessions.rateLimitStore ? { rateLimitStore: sessions.rateLimitStore } : {}),
    dintero: config.dintero ?? emulatorStrategyOptions(emulator!),
    sessionSecret: config.sessionSecret ?? randomBytes(32).toString('hex'),
    secureCookies: config.production,
    ...(config.trustProxy === undefined ? {} : { trustProxy: config.trustProxy }),
    ...(emulator ? { demo: DEMO_CREDENTIALS, demoMfa: DEMO_MFA_CREDENTIALS } : {}),
  })

  const server = createServer(app)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  console.log(`Example app: http://localhost:${port}`)
  console.log(`Sessions: ${sessions.description}`)
  if (emulator) {
    console.log(`Mode: emulator (no DINTERO_* settings), Dintero emulator at ${emulator.baseUrl}`)
    console.log(`Demo sign-in: ${DEMO_CREDENTIALS.username} / ${DEMO_CREDENTIALS.password}`)
    console.log(`Demo sign-in with a one-time code: ${DEMO_MFA_CREDENTIALS.username} / ${DEMO_MFA_CREDENTIALS.password} (the code is printed here)`)
  } else {
    console.log(`Mode: Dintero account ${config.dintero!.accountId}`)
  }

  let stopping = false
  const stop = () => {
    if (stopping) return
    stopping = true
    server.close(() => {
      void Promise.all([sessions.close(), emulator?.stop()]).then(() => process.exit(0))
    })
    server.closeAllConnections()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((err: unknown) => {
  // Not the whole error: node-redis's invalid-URL error holds REDIS_URL, password included.
  console.error(err instanceof ConfigError ? `Configuration error: ${err.message}` : `Example app failed to start: ${describeError(err)}`)
  process.exit(1)
})
