/**
 * HttpClient over TLS to an upstream whose certificate chains to a trusted CA (a test CA, trusted in a
 * child process through NODE_EXTRA_CA_CERTS): the call succeeds, the server name goes out as SNI, and a
 * certificate for another name is refused (hostname verification on). The self-signed refusal is pinned
 * in http.test.ts; without this file, an agent that never verified the host name, or never succeeded
 * in a handshake at all, would pass.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'
import { expect } from 'chai'

// A test CA and a leaf for DNS:localhost only, signed by it (valid until 2126), made for this test only.
const CA = `-----BEGIN CERTIFICATE-----
MIIBkDCCATegAwIBAgIUDo3hMVIWx3B89sG9gTDdCvbm+6owCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKcnYtdGVzdC1jYTAgFw0yNjEyMDIwMTU5MDJaGA8yMTI2MTEw
ODAxNTkwMlowFTETMBEGA1UEAwwKcnYtdGVzdC1jYTBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABE0kXLxbRtH1+t9hjZ2NLhCyEoV/a5qSWBkwSlbZS89cH+DYOFsg
DyJ+1K2spWMEkL5eovudxOduvkZ/X9ZXTSyjYzBhMB0GA1UdDgQWBBSYvlXx5a8l
4NDC0Y5Kf8liZAt3EzAfBgNVHSMEGDAWgBSYvlXx5a8l4NDC0Y5Kf8liZAt3EzAP
BgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwICBDAKBggqhkjOPQQDAgNHADBE
AiAP5tmbdlvey6aKmoc/h6F5EyTQi3oAkOczPAs6EjV4WgIgYt1nK4C/+XzRM7sJ
D9FS4o2rEHhbtQkwvOS8FfOYj7w=
-----END CERTIFICATE-----
`
const LEAF = {
  cert: `-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgIUBw3/bPOisrxIFV7kbBeM+rlIbAcwCgYIKoZIzj0EAwIw
FTETMBEGA1UEAwwKcnYtdGVzdC1jYTAgFw0yNjEyMDIwMTU5MDJaGA8yMTI2MTEw
ODAxNTkwMlowFDESMBAGA1UEAwwJbG9jYWxob3N0MFkwEwYHKoZIzj0CAQYIKoZI
zj0DAQcDQgAEfOwQW/+PPwQrEJ0Q3Ix7wQmHWbw1w5EXSbVBrCEScx3ov/zJNEbA
OVvCiA9qUFM/NQayArV7Q1booWVc6lYT9qN4MHYwFAYDVR0RBA0wC4IJbG9jYWxo
b3N0MAkGA1UdEwQCMAAwEwYDVR0lBAwwCgYIKwYBBQUHAwEwHQYDVR0OBBYEFAoV
RYkuGCtAI8zY8qm3+z0zlarbMB8GA1UdIwQYMBaAFJi+VfHlryXg0MLRjkp/yWJk
C3cTMAoGCCqGSM49BAMCA0gAMEUCIQDRFWVHwSuFwQhYtyAdk4o1/U+59PgSymKs
6f1aAIMc0AIgOQTTNRkcHRTNA2plqQ6AmbEbDB1PzXxgJi4KK8hQfxk=
-----END CERTIFICATE-----
`,
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQglbdvS50PGdvJcQRE
I8dTks7Z1cSW016jJRC9FBNca1KhRANCAAR87BBb/48/BCsQnRDcjHvBCYdZvDXD
kRdJtUGsIRJzHei//Mk0RsA5W8KID2pQUz81BrICtXtDVuihZVzqVhP2
-----END PRIVATE KEY-----
`,
}

describe('HttpClient over TLS to a trusted upstream', () => {
  it('verifies the chain and the host name, and sends the host name as SNI', async () => {
    const servernames: unknown[] = []
    const server = https.createServer(LEAF, (req, res) => {
      servernames.push((req.socket as TLSSocket).servername)
      res.setHeader('content-type', 'application/json')
      res.end('{"tls":true}')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const dir = mkdtempSync(join(tmpdir(), 'http-tls-'))
    try {
      writeFileSync(join(dir, 'ca.pem'), CA)
      const port = (server.address() as AddressInfo).port
      const out = await new Promise<string>((resolve, reject) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'test/support/tls-client.ts', `https://localhost:${port}`, `https://127.0.0.1:${port}`],
          { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem'), DEBUG: '' }, timeout: 60_000 },
          (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)),
        )
      })
      expect(JSON.parse(out)).to.deep.equal([
        { status: 200, body: { tls: true } },
        // The certificate names localhost only: for 127.0.0.1 it is refused before anything is sent.
        { error: 'Dintero test call failed: ERR_TLS_CERT_ALTNAME_INVALID' },
      ])
      expect(servernames).to.deep.equal(['localhost'])
    } finally {
      rmSync(dir, { recursive: true, force: true })
      server.close()
    }
  })
})
