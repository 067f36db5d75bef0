/**
 * The docs cannot drift from the code: every ```ts block marked `<!-- test: name -->` in README.md and
 * docs/ is type-checked under --strict against the built package (by its own name, as an app imports
 * it); the README's Usage snippet also runs, as TypeScript and as the JavaScript its one-line
 * instruction makes of it, signing a customer in and out against the emulator over real HTTP. Links
 * between the pages, and their anchors, must resolve.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect } from 'chai'
import { DinteroEmulator } from '../../lib/testing/index.js'
import { Browser } from '../support/browser.js'
import { cleanEnv, run, type Started } from '../support/process.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const OUT = fileURLToPath(new URL('./.snippets', import.meta.url))
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc')

async function pages(): Promise<string[]> {
  const docs = (await readdir(path.join(ROOT, 'docs'))).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)
  return ['README.md', 'CHANGELOG.md', ...docs]
}

/** The text outside fenced code blocks. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '')
}

/** GitHub's heading anchors of a page. */
function anchors(markdown: string): Set<string> {
  const out = new Set<string>()
  for (const [, title] of prose(markdown).matchAll(/^#{1,6} (.+)$/gm)) {
    out.add(title!.toLowerCase().replace(/[^a-z0-9 _-]/g, '').replace(/ /g, '-'))
  }
  return out
}

/**
 * The `<!-- test: name -->` blocks of a page. Lines after the name, inside the comment, are a prelude
 * (imports and `declare`s of what the block takes from its surroundings), hidden on the rendered page
 * and put before the block for the check.
 */
export function markedSnippets(markdown: string): { name: string; code: string; body: string }[] {
  return [...markdown.matchAll(/<!-- test: ([\w-]+)(\n[\s\S]*?)?\s*-->\n```ts\n([\s\S]*?)\n```/g)].map(([, name, prelude, body]) => ({
    name: name!,
    code: `${prelude ? `${prelude.trim()}\n` : ''}${body!}`,
    body: body!,
  }))
}

/** The README's instruction for JavaScript, applied: no `declare global` block, no type import, no `!`. */
function asJavaScript(ts: string): string {
  return ts
    .replace(/^declare global \{[\s\S]*?^\}\n/m, '')
    .replace(/^\s*type \w+,\n/gm, '')
    .replace(/(process\.env\.\w+)!/g, '$1')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

describe('the docs', function () {
  this.timeout(120_000)
  const snippets: { page: string; name: string; code: string }[] = []

  before(async () => {
    for (const page of await pages()) {
      for (const snippet of markedSnippets(await readFile(path.join(ROOT, page), 'utf8'))) snippets.push({ page, ...snippet })
    }
    await rm(OUT, { recursive: true, force: true })
    await mkdir(OUT, { recursive: true })
  })

  it('every link between pages, and every anchor, resolves', async () => {
    const broken: string[] = []
    for (const page of await pages()) {
      const text = await readFile(path.join(ROOT, page), 'utf8')
      for (const [, target] of prose(text).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?:|mailto:)/.test(target!)) continue
        const [file, anchor] = target!.split('#') as [string, string | undefined]
        const resolved = file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), file)
        let body: string
        try {
          body = await readFile(resolved, 'utf8')
        } catch {
          if (anchor === undefined && (await readdir(resolved).then(() => true, () => false))) continue
          broken.push(`${page}: ${target} (no such file)`)
          continue
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchors(body).has(anchor)) broken.push(`${page}: ${target} (no such anchor)`)
      }
    }
    expect(broken).to.deep.equal([])
  })

  it('marks the Usage snippet and more for testing', () => {
    expect(snippets.map((s) => s.name)).to.include.members(['usage', 'typescript-user', 'session-messages', 'mfa', 'emulator', 'verify-callback', 'refresh-and-logout', 'tokens-elsewhere', 'account-pages'])
  })

  it('every marked TypeScript block type-checks under --strict against the package', async () => {
    for (const { name, code } of snippets) await writeFile(path.join(OUT, `${name}.ts`), `${code}\n`)
    await writeFile(
      path.join(OUT, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, noEmit: true, skipLibCheck: true, types: ['node'] },
        include: ['*.ts'],
      }),
    )
    await run(process.execPath, [TSC, '-p', path.join(OUT, 'tsconfig.json')], { cwd: OUT })
  })

  for (const language of ['TypeScript', 'JavaScript'] as const) {
    it(`the README's Usage, as ${language}, signs a customer in against the emulator, and out`, async () => {
      const usage = snippets.find((s) => s.name === 'usage')
      if (!usage) throw new Error('no usage snippet')
      const file = path.join(OUT, language === 'TypeScript' ? 'usage-run.ts' : 'usage-run.mjs')
      await writeFile(file, language === 'TypeScript' ? usage.code : asJavaScript(usage.code))
      const emu = new DinteroEmulator()
      await emu.start()
      emu.addUser({ email: 'reader@example.com', password: 'reader-password-1' })
      const port = await freePort()
      let app: Started<true> | undefined
      try {
        const env = cleanEnv({
          PORT: String(port),
          DINTERO_ACCOUNT_ID: emu.accountId,
          DINTERO_CLIENT_ID: emu.clientId,
          DINTERO_CLIENT_SECRET: emu.clientSecret,
          DINTERO_BASE_URL: emu.baseUrl,
          SESSION_SECRET: 'docs-test-secret',
        })
        const args = language === 'TypeScript' ? ['--import', 'tsx', file] : [file]
        // The snippet prints nothing: start it and wait for its port.
        app = await startUntilListening(process.execPath, args, env, port)
        const browser = new Browser(`http://127.0.0.1:${port}`)
        expect((await browser.get('/account')).location).to.equal('/login')
        expect((await browser.post('/login', { email: 'reader@example.com', password: 'wrong-password-1' })).location).to.equal('/login')
        expect((await browser.post('/login', { email: 'reader@example.com', password: 'reader-password-1' })).location).to.equal('/account')
        const account = await browser.get('/account')
        expect(account.status).to.equal(200)
        expect(account.text).to.equal('Signed in as reader@example.com')
        expect(emu.activeRefreshTokenCount()).to.equal(1)
        expect((await browser.request('/logout', { method: 'POST' })).location).to.equal('/')
        expect(emu.activeRefreshTokenCount()).to.equal(0)
        expect((await browser.get('/account')).location).to.equal('/login')
      } finally {
        await app?.stop()
        await emu.stop()
      }
    })
  }
})

/** Starts the app and resolves once its port accepts HTTP; the process is stopped on failure. */
async function startUntilListening(command: string, args: string[], env: NodeJS.ProcessEnv, port: number): Promise<Started<true>> {
  const child = spawn(command, args, { cwd: OUT, env, stdio: ['ignore', 'inherit', 'inherit'] })
  const exited = once(child, 'exit')
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    await exited
  }
  const deadline = Date.now() + 30_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with ${child.exitCode}`)
    try {
      await fetch(`http://127.0.0.1:${port}/login`)
      return { ready: true, stderr: () => '', stop }
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error('the Usage app did not listen in time')
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}
