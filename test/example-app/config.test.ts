/**
 * The example server's settings from the environment.
 */
import { expect } from 'chai'
import { ConfigError, readConfig } from '../../example-app/config.js'

const DINTERO = { DINTERO_ACCOUNT_ID: 'T11223344', DINTERO_CLIENT_ID: 'client-id', DINTERO_CLIENT_SECRET: 'client-secret-value' }

describe('example app: configuration', () => {
  it('runs against the emulator on port 3000 when nothing is set', () => {
    expect(readConfig({})).to.deep.equal({
      port: 3000,
      dintero: undefined,
      sessionSecret: undefined,
      production: false,
      trustProxy: undefined,
      redisUrl: undefined,
    })
  })

  it('reads REDIS_URL for the session store', () => {
    expect(readConfig({ REDIS_URL: 'redis://127.0.0.1:6390' }).redisUrl).to.equal('redis://127.0.0.1:6390')
  })

  it('talks to Dintero when the three DINTERO_* settings are given, with the optional ones', () => {
    const config = readConfig({ ...DINTERO, PORT: '8080', SESSION_SECRET: 's3cret', DINTERO_BASE_URL: 'https://api.example.test' })
    expect(config.port).to.equal(8080)
    expect(config.sessionSecret).to.equal('s3cret')
    expect(config.dintero).to.deep.equal({
      accountId: 'T11223344',
      clientId: 'client-id',
      clientSecret: 'client-secret-value',
      baseUrl: 'https://api.example.test',
    })
    expect(readConfig({ ...DINTERO, DINTERO_AUDIENCE: 'aud-1' }).dintero).to.have.property('audience', 'aud-1')
  })

  it('refuses a partial Dintero configuration, naming what is missing but no value', () => {
    const read = () => readConfig({ DINTERO_CLIENT_ID: 'client-id', DINTERO_CLIENT_SECRET: 'client-secret-value' })
    expect(read).to.throw(ConfigError, /DINTERO_ACCOUNT_ID missing/)
    try {
      read()
    } catch (err) {
      expect((err as Error).message).not.to.include('client-secret-value')
    }
    expect(() => readConfig({ DINTERO_BASE_URL: 'https://api.example.test' })).to.throw(ConfigError, /DINTERO_ACCOUNT_ID, DINTERO_CLIENT_ID, DINTERO_CLIENT_SECRET missing/)
  })

  it('requires SESSION_SECRET in production', () => {
    expect(() => readConfig({ NODE_ENV: 'production' })).to.throw(ConfigError, /SESSION_SECRET is required/)
    expect(readConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(32) }).production).to.equal(true)
  })

  it('reads PORT and TRUST_PROXY', () => {
    expect(readConfig({ PORT: '0' }).port).to.equal(0)
    expect(() => readConfig({ PORT: 'abc' })).to.throw(ConfigError, /PORT/)
    expect(() => readConfig({ PORT: '70000' })).to.throw(ConfigError, /PORT/)
    expect(readConfig({ TRUST_PROXY: '1' }).trustProxy).to.equal(1)
    expect(readConfig({ TRUST_PROXY: 'true' }).trustProxy).to.equal(true)
    expect(readConfig({ TRUST_PROXY: 'loopback' }).trustProxy).to.equal('loopback')
  })
})
