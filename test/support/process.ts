/**
 * Child processes for tests: run a command to completion, or start a server that announces itself
 * with one JSON line on stdout, and stop it again.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'

export interface RunOptions {
  cwd?: string
  env?: NodeJS.ProcessEnv
  /** For startJsonProcess: give up (and kill the process) when it is not ready by then, ms. Default 30000. */
  readyTimeoutMs?: number
}

/** The environment without npm's `npm_*` variables, so a nested `npm` does not inherit the outer run's settings. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value
  return { ...env, ...extra }
}

/** Runs a command to completion; rejects with its output when it exits non-zero. */
export async function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const [code] = (await once(child, 'close')) as [number | null]
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}:\n${output}`)
  return output
}

export interface Started<T> {
  /** The JSON line the process printed once ready. */
  ready: T
  /** Everything it wrote to stderr so far. */
  stderr(): string
  /** Sends SIGTERM and waits for the exit. */
  stop(): Promise<void>
}

/** Starts a process and waits for the first stdout line, parsed as JSON; kills it if it exits or prints garbage first. */
export function startJsonProcess<T>(command: string, args: readonly string[], options: RunOptions = {}): Promise<Started<T>> {
  return startProcess(command, args, (line) => JSON.parse(line) as T, options)
}

/**
 * Starts a process and waits until `ready` returns something other than undefined for a stdout line;
 * kills it when it exits first, `ready` throws, or it is not ready within `readyTimeoutMs`.
 */
export async function startProcess<T>(
  command: string,
  args: readonly string[],
  ready: (line: string) => T | undefined,
  options: RunOptions = {},
): Promise<Started<T>> {
  const child: ChildProcess = spawn(command, args, { cwd: options.cwd, env: options.env ?? cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = once(child, 'exit')
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const lines = createInterface({ input: child.stdout! })
  let timer: NodeJS.Timeout | undefined
  try {
    const value = await new Promise<T>((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${command} ${args.join(' ')} was not ready in time:\n${stderr}`)), options.readyTimeoutMs ?? 30_000)
      lines.on('line', (line) => {
        try {
          const result = ready(line)
          if (result !== undefined) resolve(result)
        } catch (err) {
          reject(err)
        }
      })
      void exited.then(([code]) => reject(new Error(`${command} ${args.join(' ')} exited with ${String(code)} before it was ready:\n${stderr}`)))
    })
    return { ready: value, stderr: () => stderr, stop }
  } catch (err) {
    await stop()
    throw err
  } finally {
    clearTimeout(timer)
  }
}
