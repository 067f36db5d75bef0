// A Fastify 5 app (tsc --strict, module nodenext, skipLibCheck on: see docs/frameworks.md) with @fastify/session and
// @fastify/passport: the code docs/frameworks.md shows, against the emulator the test runs (env).
import fastifyCookie from '@fastify/cookie'
import fastifyFormbody from '@fastify/formbody'
import fastifyPassport from '@fastify/passport'
import fastifySession from '@fastify/session'
import Fastify, { type FastifyRequest } from 'fastify'
import { DinteroPasswordStrategy, type DinteroUser } from 'passport-dintero'
import { deserializeUser, logoutHandler, refreshTokensHook, serializeUser } from 'passport-dintero/fastify'

// request.user is the default Dintero user everywhere: no casts.
declare module 'fastify' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface PassportUser extends DinteroUser {}
}

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const strategy = new DinteroPasswordStrategy<FastifyRequest>(
  {
    accountId: env('DINTERO_ACCOUNT_ID'),
    clientId: env('DINTERO_CLIENT_ID'),
    clientSecret: env('DINTERO_CLIENT_SECRET'),
    baseUrl: env('DINTERO_BASE_URL'),
    timeout: 2_000,
    mfa: 'auto',
    passReqToCallback: true,
  },
  // The request is Fastify's own, typed as such.
  async (request, tokens, claims) => (request.ip ? { id: claims.sub, claims, tokens } : false),
)

const app = Fastify()
await app.register(fastifyFormbody)
await app.register(fastifyCookie)
await app.register(fastifySession, { secret: env('SESSION_SECRET'), cookie: { secure: false }, saveUninitialized: false })
await app.register(fastifyPassport.initialize())
await app.register(fastifyPassport.secureSession())
fastifyPassport.use('dintero', strategy)
fastifyPassport.registerUserSerializer(serializeUser)
fastifyPassport.registerUserDeserializer(deserializeUser)
app.addHook('preHandler', refreshTokensHook(strategy, { window: Number(env('REFRESH_WINDOW')) }))

app.post('/login', { preValidation: fastifyPassport.authenticate('dintero', { successRedirect: '/me' }) }, async (_request, reply) => reply)
app.get('/me', async (request, reply) => {
  if (!request.user) return reply.code(401).send({ signedIn: false })
  const { id, tokens } = request.user
  return { signedIn: true, id, expiresAt: tokens.expiresAt }
})
app.post('/logout', { preHandler: logoutHandler(strategy) }, async (_request, reply) => reply.redirect('/'))

const url = await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(JSON.stringify({ url }) + '\n')
