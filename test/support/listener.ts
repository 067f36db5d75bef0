/**
 * A bystander HTTP server on loopback that records every request it gets: the "other host" that
 * credentials, tokens and `Authorization` headers must never reach.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Bystander {
  /** Its origin, e.g. `http://127.0.0.1:PORT`. */
  url: string
  /** Every request received: method, URL and headers. */
  requests: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }>
  close(): Promise<void>
}

/** Starts a bystander that answers 200 `{}` to anything. */
export async function startBystander(): Promise<Bystander> {
  const requests: Bystander['requests'] = []
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    req.resume()
    res.setHeader('content-type', 'application/json')
    res.end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
