/**
 * Question and answer between the bench driver and its child processes over Node's IPC channel.
 * Child processes answer {@link Question}s; the driver asks with {@link Child.ask}.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What the driver may ask a child. */
export type Question = { id: number; kind: string; [field: string]: unknown }

/** A forked bench process (emulator or app) with a typed `ask`. */
export class Child {
  private _next = 0
  private readonly _waiting = new Map<number, (answer: unknown) => void>()

  private constructor(private readonly _process: ChildProcess) {
    _process.on('message', (message: { id: number; answer: unknown }) => {
      this._waiting.get(message.id)?.(message.answer)
      this._waiting.delete(message.id)
    })
  }

  /** Forks `script` (a path relative to bench/) with tsx and waits for its `ready` answer. */
  static async start<T>(script: string, args: string[], extraExecArgv: string[] = []): Promise<{ child: Child; ready: T }> {
    const path = fileURLToPath(new URL(script, import.meta.url))
    const execArgv = ['--import', 'tsx', ...extraExecArgv]
    const proc = fork(path, args, { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const child = new Child(proc)
    const ready = await new Promise<T>((resolve, reject) => {
      proc.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)))
      child._waiting.set(-1, (answer) => resolve(answer as T))
    })
    proc.removeAllListeners('exit')
    return { child, ready }
  }

  /** Sends a question and resolves with the child's answer. */
  ask<T>(kind: string, fields: Record<string, unknown> = {}): Promise<T> {
    const id = this._next++
    return new Promise<T>((resolve) => {
      this._waiting.set(id, (answer) => resolve(answer as T))
      this._process.send({ id, kind, ...fields })
    })
  }

  /** Ends the child and waits for it to exit. */
  stop(): Promise<void> {
    if (this._process.exitCode !== null || this._process.signalCode !== null) return Promise.resolve()
    return new Promise((resolve) => {
      this._process.once('exit', () => resolve())
      this._process.kill('SIGTERM')
    })
  }
}

/** In a child: reports readiness with `ready`, then answers each question with `answer(question)`. */
export function serve(ready: unknown, answer: (question: Question) => unknown): void {
  process.on('message', (question: Question) => {
    void Promise.resolve(answer(question)).then((value) => process.send?.({ id: question.id, answer: value }))
  })
  process.send?.({ id: -1, answer: ready })
}

/** What every bench process reports about itself. */
export interface ProcessStats {
  /** CPU time used so far (user + system), in milliseconds. */
  cpuMs: number
  /** Resident set size now, in bytes. */
  rss: number
  /** Peak resident set size so far, in bytes. */
  maxRss: number
}

/** This process's {@link ProcessStats}. */
export function processStats(): ProcessStats {
  const cpu = process.cpuUsage()
  return { cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage.rss(), maxRss: process.resourceUsage().maxRSS * 1024 }
}
