/**
 * A throwaway `redis-server` for tests: loopback only, a free port, a temp directory, no persistence.
 * Absent program: a loud skip, except with `CI=true`, where it is a failure (`.ci/run` installs it).
 */
import { accessSync, constants } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { type Started, startProcess } from './process.js'

export interface RunningRedis {
  url: string
  stop(): Promise<void>
}

/** Full path of `program` on PATH, or undefined. */
export function findProgram(program: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(path.delimiter)) {
    const candidate = path.join(dir, program)
    try {
      accessSync(candidate, constants.X_OK)
      return candidate
    } catch {
      // not here
    }
  }
  return undefined
}

/** Skips the calling suite loudly when `program` is missing; with CI=true, throws instead. */
export function requireProgram(context: Mocha.Context, program: string, aptPackage: string): string {
  const found = findProgram(program)
  if (found) return found
  const message = `${program} is not installed (apt-get install ${aptPackage})`
  if (process.env['CI'] === 'true') throw new Error(`${message}: required when CI=true`)
  console.warn(`\n  ******** SKIPPING: ${message} ********\n`)
  context.skip()
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

/** Starts redis-server on 127.0.0.1 and a free port, and waits until it accepts connections. */
export async function startRedis(program: string): Promise<RunningRedis> {
  const dir = await mkdtemp(path.join(tmpdir(), 'passport-dintero-redis-'))
  const port = await freePort()
  let server: Started<true>
  try {
    server = await startProcess(
      program,
      ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      (line) => (/Ready to accept connections/.test(line) ? true : undefined),
      { readyTimeoutMs: 15_000 },
    )
  } catch (err) {
    await rm(dir, { recursive: true, force: true })
    throw err
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    stop: async () => {
      await server.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
