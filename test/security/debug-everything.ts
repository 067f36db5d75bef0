/**
 * Turns on every `debug` namespace (`DEBUG=*`) and captures this process's stderr, for the whole
 * security suite. Imported first by the suite's root hooks, before any module that reads `DEBUG`
 * (express-session's own copy of debug reads it when loaded).
 */
import createDebug from 'debug'
import { evidence } from '../support/figures.js'
import { captureStderr } from '../support/secrets.js'

process.env['DEBUG'] = '*'
process.env['DEBUG_COLORS'] = 'no'
// The hoisted debug 4 was loaded by mocha before this ran: switch it on and colourless by hand.
if (createDebug.inspectOpts) createDebug.inspectOpts.colors = false
createDebug.enable('*')
evidence.stderr = captureStderr()
