// Type-checked only (tsc --noEmit) by TypeScript 5 with "module": "commonjs", whose default resolution
// is node10: it reads typesVersions, not exports. Both entry points and the opt-in session typings resolve.
import type { Request } from 'express'
import { DinteroPasswordStrategy, type DinteroClaims, type DinteroUser } from 'passport-dintero'
import { DinteroEmulator, type DinteroEmulatorOptions } from 'passport-dintero/testing'
import 'passport-dintero/express-session'

export const options: DinteroEmulatorOptions = { accessTokenTtl: 60 }
export const emulator: typeof DinteroEmulator = DinteroEmulator
export const strategy: typeof DinteroPasswordStrategy = DinteroPasswordStrategy

export function emailOf(user: DinteroUser): string | undefined {
  const claims: DinteroClaims = user.claims
  const email: string | undefined = claims.email
  return email
}

export function lastMessage(req: Request): string | undefined {
  const messages: string[] | undefined = req.session.messages
  return messages?.at(-1)
}
