/**
 * Child-process half of test/unit/http-tls.test.ts: started with NODE_EXTRA_CA_CERTS naming a test CA
 * (the only way to trust a CA in Node 20 without a `ca` option, which HttpClient has not). Sends one GET
 * to each URL given and prints one JSON line: the status and body, or the error's message.
 */
import { HttpClient } from '../../lib/http.js'

const results: unknown[] = []
for (const baseUrl of process.argv.slice(2)) {
  const c = new HttpClient({ baseUrl, timeout: 10_000, maxResponseBytes: 10_000, headers: {} })
  try {
    const res = await c.send({ what: 'test', method: 'GET', path: '/' })
    results.push({ status: res.status, body: res.body })
  } catch (err) {
    results.push({ error: (err as Error).message })
  }
  c.close()
}
process.stdout.write(JSON.stringify(results) + '\n')
