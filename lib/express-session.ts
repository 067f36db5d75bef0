/// <reference types="express-session" preserve="true" />
/**
 * Opt-in typings: `import 'passport-dintero/express-session'` once (in a TypeScript app using
 * express-session) and `req.session.messages` is typed: it is where Passport's `failureMessage: true`
 * puts the failure messages (the strategy's `info.message`s), oldest first. Types only: at run time
 * this entry point is empty and loads nothing. Needs `@types/express-session`.
 *
 * @packageDocumentation
 */
declare module 'express-session' {
  interface SessionData {
    /** Passport's failure messages (`failureMessage: true`), oldest first. */
    messages?: string[]
  }
}
