// A NestJS app on Express (tsc --strict, module nodenext): compiled as ESM with Nest 12 and as CommonJS
// with Nest 11 from this one file. The code docs/frameworks.md shows, against the emulator the test runs (env).
import 'reflect-metadata'
import { Controller, type ExecutionContext, Get, Injectable, Module, Post, Req, Res } from '@nestjs/common'
import { UseGuards } from '@nestjs/common'
import { NestFactory } from '@nestjs/core'
import { AuthGuard, PassportStrategy } from '@nestjs/passport'
import type { NestExpressApplication } from '@nestjs/platform-express'
import type { Request, Response } from 'express'
import session from 'express-session'
import passport from 'passport'
import {
  type DinteroClaims,
  DinteroPasswordStrategy,
  type DinteroTokens,
  type DinteroUser,
  deserializeUser,
  handleAuthResult,
  logout,
  refreshTokens,
  serializeUser,
} from 'passport-dintero'

declare global {
  namespace Express {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends DinteroUser {}
  }
}

const env = (name: string): string => {
  const value = process.env[name]
  if (value === undefined) throw new Error(`${name} is not set`)
  return value
}

const options = {
  accountId: env('DINTERO_ACCOUNT_ID'),
  clientId: env('DINTERO_CLIENT_ID'),
  clientSecret: env('DINTERO_CLIENT_SECRET'),
  baseUrl: env('DINTERO_BASE_URL'),
  timeout: 2_000,
  mfa: 'auto' as const,
}

@Injectable()
class DinteroStrategy extends PassportStrategy(DinteroPasswordStrategy, 'dintero') {
  constructor() {
    // super(options) only: super(options, verify) would replace validate(), and is refused.
    super(options)
  }

  validate(tokens: DinteroTokens, claims: DinteroClaims): DinteroUser {
    return { id: claims.sub, claims, tokens }
  }
}

/** Keeps the strategy's 400 / 401 / 429 and a DinteroError's status (503 when Dintero is down). */
@Injectable()
class DinteroAuthGuard extends AuthGuard('dintero') {
  /** Signs in, then keeps the user in the session (Nest's guard does not call req.logIn itself). */
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    if ((await super.canActivate(context)) !== true) return false
    await super.logIn(context.switchToHttp().getRequest<Request>())
    return true
  }

  override handleRequest<TUser>(err: unknown, user: TUser | false, info: unknown, _context: ExecutionContext, status?: unknown): TUser {
    return handleAuthResult(err, user, info, status)
  }
}

@Controller()
class AccountController {
  @Post('login')
  @UseGuards(DinteroAuthGuard)
  login(@Res() res: Response): void {
    res.redirect('/me')
  }

  @Get('me')
  me(@Req() req: Request, @Res() res: Response): void {
    if (!req.user) {
      res.status(401).json({ signedIn: false })
      return
    }
    const { id, tokens } = req.user
    res.json({ signedIn: true, id, expiresAt: tokens.expiresAt })
  }

  @Post('logout')
  signedOut(@Res() res: Response): void {
    res.redirect('/')
  }
}

@Module({ controllers: [AccountController], providers: [DinteroStrategy, DinteroAuthGuard] })
class AppModule {}

// The validate() bypass is refused at construction, not left to fail silently.
class Bypass extends PassportStrategy(DinteroPasswordStrategy, 'bypass') {
  constructor() {
    super(options, async (tokens: DinteroTokens, claims: DinteroClaims) => ({ id: claims.sub, claims, tokens }))
  }

  validate(): false {
    return false
  }
}
let refused = false
try {
  new Bypass()
} catch (err) {
  refused = err instanceof TypeError
}

// No top-level await: the same file compiles to CommonJS.
async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false })
  const strategy = app.get(DinteroStrategy)
  passport.serializeUser(serializeUser)
  passport.deserializeUser(deserializeUser)
  app.useBodyParser('urlencoded', { extended: false })
  app.use(session({ secret: env('SESSION_SECRET'), resave: false, saveUninitialized: false }))
  app.use(passport.session())
  app.use(refreshTokens(strategy, { window: Number(env('REFRESH_WINDOW')) }))
  app.use('/logout', logout(strategy))
  await app.listen(0, '127.0.0.1')
  process.stdout.write(JSON.stringify({ url: await app.getUrl(), bypassRefused: refused }) + '\n')
}
main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
