/**
 * `npm start`'s server as a process: emulator mode with nothing set, the demo credentials it prints
 * work on the page it serves (the MFA demo customer with the code it prints), it prints the reset email
 * it "sends", it stops on SIGTERM, and
 * it refuses a broken configuration.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { expect } from 'chai'
import { Browser } from '../support/browser.js'
import { csrfFrom } from '../support/example-app.js'

function startServer(extraEnv: Record<string, string>): ChildProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', ...extraEnv }
  for (const name of Object.keys(env)) if (name.startsWith('DINTERO_') && !(name in extraEnv)) delete env[name]
  delete env['NODE_ENV']
  return spawn(process.execPath, ['--import', 'tsx', 'example-app/server.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
}

/** Collects stdout until `pattern` matches (or the process ends). */
async function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  let out = ''
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (pattern.test(out)) resolve(out)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code} before printing ${pattern}; printed: ${out}`)))
  })
}

describe('example app: the server (npm start)', function () {
  this.timeout(40_000)
  let child: ChildProcess | undefined
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    child = undefined
  })

  it('starts the emulator with a demo user when no Dintero settings are given, and stops on SIGTERM', async () => {
    child = startServer({})
    const printed = await waitForOutput(child, /Demo sign-in: .+\n/)
    const url = /Example app: (http:\/\/localhost:\d+)/.exec(printed)![1]!
    const [, username, password] = /Demo sign-in: (\S+) \/ (\S+)/.exec(printed)!
    expect(printed).to.match(/Mode: emulator/)

    const browser = new Browser(url)
    const login = await browser.get('/login')
    expect(login.text).to.include(`<code class="demo-username">${username}</code>`)
    const res = await browser.post('/login', { _csrf: csrfFrom(login.text), email: username!, password: password! })
    expect(res.location).to.equal('/account')
    expect((await browser.get('/account')).status).to.equal(200)

    child.kill('SIGTERM')
    const [code] = await once(child, 'exit')
    expect(code).to.equal(0)
  })

  it('prints the one-time code of the MFA demo customer where the SMS or email would arrive', async () => {
    child = startServer({})
    const printed = await waitForOutput(child, /Demo sign-in with a one-time code: .+\n/)
    const url = /Example app: (http:\/\/localhost:\d+)/.exec(printed)![1]!
    const [, username, password] = /Demo sign-in with a one-time code: (\S+) \/ (\S+)/.exec(printed)!
    const browser = new Browser(url)
    const login = await browser.get('/login')
    const codeSent = waitForOutput(child, /Email to \S+: your code is \d{6}\n/)
    const res = await browser.post('/login', { _csrf: csrfFrom(login.text), email: username!, password: password! })
    expect(res.location).to.equal('/login/mfa')
    const [, ident, code] = /Email to (\S+): your code is (\d{6})/.exec(await codeSent)!
    expect(ident).to.equal(username)
    const page = await browser.get('/login/mfa')
    const done = await browser.post('/login/mfa', { _csrf: csrfFrom(page.text), code: code! })
    expect(done.location).to.equal('/account')
    expect((await browser.get('/account')).status).to.equal(200)
  })

  it('prints the password-reset email as it would read, with a link, for the demo customer only', async () => {
    child = startServer({})
    const printed = await waitForOutput(child, /Demo sign-in: .+\n/)
    const url = /Example app: (http:\/\/localhost:\d+)/.exec(printed)![1]!
    const [, username] = /Demo sign-in: (\S+) \/ (\S+)/.exec(printed)!
    const ask = async (email: string) => {
      const browser = new Browser(url)
      const page = await browser.get('/forgot-password')
      return browser.post('/forgot-password', { _csrf: csrfFrom(page.text), email })
    }
    expect((await ask('nobody@example.com')).status).to.equal(200)
    const mailed = waitForOutput(child, /Email to \S+\nSubject: .+\n\n[^]*?https:\/\/\S+\n/)
    expect((await ask(username!)).status).to.equal(200)
    const email = await mailed
    expect(email).to.include(`Email to ${username}\nSubject: Choose a new password\n`)
    expect(email).to.match(/open this link:\nhttps:\/\/emulator\.dintero\.invalid\/reset-password\?token=[\w-]+\n/)
    expect(email).not.to.include('nobody@example.com')
  })

  it('exits with a configuration error naming the missing setting', async () => {
    child = startServer({ DINTERO_ACCOUNT_ID: 'T11223344' })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = await once(child, 'exit')
    expect(code).to.equal(1)
    expect(stderr).to.include('Configuration error: DINTERO_ACCOUNT_ID set, but DINTERO_CLIENT_ID, DINTERO_CLIENT_SECRET missing')
  })

  it('exits without printing a secret held in a setting it could not use', async () => {
    child = startServer({ REDIS_URL: 'redis://user:s3cr3t-redis-pw@[not-a-host' })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const [code] = await once(child, 'exit')
    expect(code).to.equal(1)
    expect(stderr).to.include('Example app failed to start')
    expect(stderr).not.to.include('s3cr3t-redis-pw')
  })
})
