/**
 * The secret scanner the security suites rely on: "0 secrets leaked" only means something if it
 * finds a secret wherever one is planted.
 */
import { expect } from 'chai'
import createDebug from 'debug'
import { captureDebugLogs, redactedExcerpts, SecretIndex } from '../support/secrets.js'

const token = `eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJjMSJ9.${'Q'.repeat(20)}sig-${'x'.repeat(300)}`
const signature = token.split('.')[2]!

describe('SecretIndex (the security suites\' scanner)', () => {
  const index = new SecretIndex()
  index.add('password', 'hunter2-pass')
  index.add('client secret', 'emulator-secret')
  index.addToken('access token', token)

  it('finds each kind of secret in a line, and nothing in a clean one', () => {
    expect(index.find('passport-dintero:http POST /login -> 200 in 5ms')).to.deep.equal([])
    expect(index.find(`user typed hunter2-pass`)).to.deep.equal(['password'])
    expect(index.find(`{"secret":"emulator-secret"}`)).to.deep.equal(['client secret'])
    expect(index.find(`Bearer ${token}`)).to.deep.equal(['access token'])
    expect(index.find(`...${signature.slice(0, 40)}${signature.slice(40)}...`)).to.deep.equal(['access token'])
    expect(index.find(`${token} and hunter2-pass`).sort()).to.deep.equal(['access token', 'password'])
  })

  it('finds a secret planted in a captured debug line', () => {
    const capture = captureDebugLogs()
    try {
      createDebug('passport-dintero:planted')('login with %o', { password: 'hunter2-pass' })
    } finally {
      capture.stop()
    }
    expect(index.find(capture.lines.join('\n'))).to.deep.equal(['password'])
  })

  it('reports where without printing the secret', () => {
    const text = `before hunter2-pass after`
    const [excerpt] = redactedExcerpts(text, index.locate(text))
    expect(excerpt).to.equal('before «password» after')
  })
})
