/**
 * The app under load, in a process of its own so its heap holds only the app, the strategy and
 * the sessions (the emulator and the load driver stay in the test process). Run with
 * `node --expose-gc --import tsx`; talks to its parent over IPC:
 * → `{ type: 'ready', url }`; `measure` → `{ type: 'measured', heapUsed, tally, secrets }`; `stop` → exits.
 */
import type { DinteroStrategyOptions } from '../../lib/index.js'
import { startApp } from '../support/app.js'

export type LoadMessage =
  | { type: 'ready'; url: string }
  | { type: 'measured'; heapUsed: number; tally: Record<'success' | 'fail' | 'error', number>; secrets: string[]; errors: string[] }

const gc = (globalThis as { gc?: () => void }).gc
if (!gc || !process.send) throw new Error('load-app runs as a child process with --expose-gc and an IPC channel')
const send = (message: LoadMessage) => process.send!(message)

const app = await startApp(JSON.parse(process.env['LOAD_STRATEGY_OPTIONS']!) as DinteroStrategyOptions)

/** heapUsed once garbage collection has settled (several passes, with turns of the event loop between). */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 5; i++) {
    gc!()
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return process.memoryUsage().heapUsed
}

async function answer(message: { type: string }): Promise<void> {
  if (message.type === 'measure') {
    // The outcomes are the test's record, not the app's state: hand them over and drop them.
    const tally = { success: 0, fail: 0, error: 0 }
    const secrets: string[] = []
    const errors: string[] = []
    for (const o of app.outcomes) {
      tally[o.kind]++
      if (o.kind === 'success') secrets.push(o.user.tokens.accessToken, o.user.tokens.refreshToken)
      else errors.push(String(o.error?.stack ?? JSON.stringify(o.info)))
    }
    app.outcomes.length = 0
    send({ type: 'measured', heapUsed: await settledHeap(), tally, secrets, errors })
  } else if (message.type === 'stop') {
    await app.close()
    process.exit(0)
  }
}

process.on('message', (message: { type: string }) => {
  answer(message).catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
})
send({ type: 'ready', url: app.url })
