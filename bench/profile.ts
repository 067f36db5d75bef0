/**
 * Profiling aid: `node --import tsx bench/profile.ts strategy|hand-rolled|floor [SECONDS] [CONCURRENCY]`
 * runs that login route under load against the emulator (5 ms latency) and writes the app's V8 CPU
 * profile to bench-profiles/ (open it in Chrome DevTools).
 */
import type { EmulatorInfo } from './emulator-process.js'
import { Child, type ProcessStats } from './ipc.js'
import { LoadGenerator } from './load.js'

const [route = 'strategy', seconds = '10', concurrency = '8'] = process.argv.slice(2)
const { child: emulator, ready: emu } = await Child.start<EmulatorInfo>('emulator-process.ts', ['5', 'p@example.com', 'profile-pw'])
const { child: app, ready } = await Child.start<{ port: number }>('app-process.ts', [route, JSON.stringify(emu)], [
  '--cpu-prof',
  '--cpu-prof-dir=bench-profiles',
])
const load = new LoadGenerator(ready.port, Number(concurrency))
const login = {
  method: 'POST' as const,
  path: '/login',
  form: 'email=p%40example.com&password=profile-pw',
  keepCookie: true,
  expect: (res: { statusCode?: number | undefined }) => res.statusCode === 204,
}
await load.run(login, { count: 500 })
const before = await app.ask<ProcessStats>('stats')
const r = await load.run(login, { durationMs: Number(seconds) * 1000 })
const after = await app.ask<ProcessStats>('stats')
process.stdout.write(
  `${route}: ${r.ok} logins (${r.errors} errors), ${(r.ok / (r.elapsedMs / 1000)).toFixed(0)}/s, ` +
    `${((after.cpuMs - before.cpuMs) / r.ok).toFixed(3)} ms CPU/login\n`,
)
load.close()
await app.stop()
await emulator.stop()
