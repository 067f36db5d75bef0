/**
 * A tiny cookie-keeping HTTP client over real loopback HTTP: what a browser does, without one.
 */
export interface BrowserResponse {
  status: number
  headers: Headers
  text: string
  json: any
  location: string | null
}

export class CookieJar {
  private readonly cookies = new Map<string, string>()

  store(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair] = line.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  get size(): number {
    return this.cookies.size
  }

  clone(): CookieJar {
    const copy = new CookieJar()
    for (const [k, v] of this.cookies) copy.cookies.set(k, v)
    return copy
  }
}

export class Browser {
  readonly jar: CookieJar

  constructor(
    readonly baseUrl: string,
    jar?: CookieJar,
  ) {
    this.jar = jar ?? new CookieJar()
  }

  async request(
    path: string,
    init: { method?: string; form?: Record<string, string | string[]>; json?: unknown; body?: string; headers?: Record<string, string> } = {},
  ): Promise<BrowserResponse> {
    const headers: Record<string, string> = { ...init.headers }
    const cookie = this.jar.header()
    if (cookie) headers['cookie'] = cookie
    let body: string | undefined = init.body
    if (init.form) {
      const params = new URLSearchParams()
      for (const [k, v] of Object.entries(init.form)) for (const item of [v].flat()) params.append(k, item)
      body = params.toString()
      headers['content-type'] = 'application/x-www-form-urlencoded'
    } else if (init.json !== undefined) {
      body = JSON.stringify(init.json)
      headers['content-type'] = 'application/json'
    }
    const res = await fetch(new URL(path, this.baseUrl), {
      method: init.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
    })
    this.jar.store(res.headers)
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    return { status: res.status, headers: res.headers, text, json, location: res.headers.get('location') }
  }

  get(path: string, headers?: Record<string, string>): Promise<BrowserResponse> {
    return this.request(path, { headers })
  }

  post(path: string, form: Record<string, string | string[]>): Promise<BrowserResponse> {
    return this.request(path, { form })
  }
}
