import { describe, expect, it, vi } from 'vitest'
import { ApiError, Client, parseError } from './client'

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json', ...headers } })
}

function setup(res: () => Response | Promise<Response>, token = 'tok-123', locale = 'zh-CN') {
  const fetch = vi.fn(async (_url: string, _init: RequestInit) => res())
  const client = new Client({ fetch: fetch as unknown as typeof globalThis.fetch, locale: () => locale, csrfToken: () => token })
  const call = (i = 0) => {
    const [url, init] = fetch.mock.calls[i]!
    return { url, init, headers: new Headers(init.headers) }
  }
  return { client, fetch, call }
}

describe('parseError', () => {
  it('reads code, message and field details from the API error shape', async () => {
    const err = await parseError(
      jsonResponse(400, {
        error: {
          code: 'invalid_input',
          message: '输入有误',
          details: [
            { field: 'email', message: '邮箱格式不正确' },
            { field: 'email', message: 'second message for the same field' },
            { field: 'password', message: '密码太短' },
          ],
        },
      }, { 'X-Request-ID': 'req-9' }),
    )
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(400)
    expect(err.code).toBe('invalid_input')
    expect(err.message).toBe('输入有误')
    expect(err.requestId).toBe('req-9')
    expect(err.fieldErrors).toEqual({ email: '邮箱格式不正确', password: '密码太短' })
  })

  it('keeps Retry-After seconds on 429', async () => {
    const err = await parseError(jsonResponse(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'Retry-After': '17' }))
    expect(err.code).toBe('rate_limited')
    expect(err.retryAfter).toBe(17)
  })

  it('falls back to a code from the status when the body is not JSON', async () => {
    const err = await parseError(new Response('<html>Bad Gateway</html>', { status: 502, statusText: 'Bad Gateway' }))
    expect(err.code).toBe('internal')
    expect(err.status).toBe(502)
    expect(err.message).toBe('Bad Gateway')
    expect(err.details).toEqual([])

    const nf = await parseError(new Response('nope', { status: 404 }))
    expect(nf.code).toBe('not_found')
  })

  it('maps an unknown error code by status and drops malformed details', async () => {
    const err = await parseError(
      jsonResponse(403, { error: { code: 'something_new', message: 'no', details: [{ field: 1 }, { field: 'name', message: 'bad' }] } }),
    )
    expect(err.code).toBe('forbidden')
    expect(err.fieldErrors).toEqual({ name: 'bad' })
  })
})

describe('Client', () => {
  it('sends the CSRF token, language and cookies on mutating requests', async () => {
    const { client, call } = setup(() => jsonResponse(200, { ok: true }))
    for (const m of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      await client.request(m, '/x', { body: { a: 1 } })
    }
    for (let i = 0; i < 4; i++) {
      const { headers, init } = call(i)
      expect(headers.get('X-CSRF-Token')).toBe('tok-123')
      expect(headers.get('Accept-Language')).toBe('zh-CN')
      expect(init.credentials).toBe('include')
    }
    expect(call(0).headers.get('Content-Type')).toBe('application/json')
    expect(call(0).init.body).toBe('{"a":1}')
  })

  it('does not send the CSRF token on GET and builds the query string', async () => {
    const { client, call } = setup(() => jsonResponse(200, { items: [] }), 'tok-123', 'en')
    await client.get('/zones', { q: '苏州', region: '', page: 2, province: undefined })
    const { url, headers } = call()
    expect(headers.has('X-CSRF-Token')).toBe(false)
    expect(headers.get('Accept-Language')).toBe('en')
    expect(url).toBe('/api/v1/zones?q=%E8%8B%8F%E5%B7%9E&page=2')
  })

  it('omits the CSRF header when logged out', async () => {
    const { client, call } = setup(() => jsonResponse(201, {}), '')
    await client.post('/auth/login', { email: 'a@b.c', password: 'x' })
    expect(call().headers.has('X-CSRF-Token')).toBe(false)
  })

  it('lets the browser set the multipart boundary for FormData', async () => {
    const { client, call } = setup(() => jsonResponse(200, {}))
    const fd = new FormData()
    fd.append('file', new Blob(['x'], { type: 'image/png' }), 'logo.png')
    await client.post('/zones/1/logo', fd)
    expect(call().headers.has('Content-Type')).toBe(false)
    expect(call().init.body).toBe(fd)
    expect(call().headers.get('X-CSRF-Token')).toBe('tok-123')
  })

  it('returns parsed JSON, and undefined for 204', async () => {
    const ok = setup(() => jsonResponse(200, { id: 7 }))
    await expect(ok.client.get('/zones/7')).resolves.toEqual({ id: 7 })
    const empty = setup(() => new Response(null, { status: 204 }))
    await expect(empty.client.post('/auth/logout')).resolves.toBeUndefined()
  })

  it('throws ApiError for error responses', async () => {
    const { client } = setup(() => jsonResponse(401, { error: { code: 'unauthorized', message: 'Wrong email or password.' } }))
    const err = await client.post('/auth/login', {}).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).status).toBe(401)
    expect((err as ApiError).code).toBe('unauthorized')
    expect((err as ApiError).message).toBe('Wrong email or password.')
  })

  it('reports a failed connection as a network error', async () => {
    const { client } = setup(() => {
      throw new TypeError('Failed to fetch')
    })
    const err = await client.get('/meta').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApiError)
    expect((err as ApiError).code).toBe('network')
    expect((err as ApiError).status).toBe(0)
  })
})

describe('Client onError', () => {
  it('sees each failure with its method and path before it is thrown', async () => {
    const seen: Array<[number, string, string]> = []
    const fetch = vi.fn(async () => jsonResponse(401, { error: { code: 'unauthorized', message: 'Log in.' } }))
    const client = new Client({
      fetch: fetch as unknown as typeof globalThis.fetch,
      locale: () => 'en',
      csrfToken: () => 't',
      onError: (e, m, p) => seen.push([e.status, m, p]),
    })
    await expect(client.patch('/account', { name: 'x' })).rejects.toBeInstanceOf(ApiError)
    expect(seen).toEqual([[401, 'PATCH', '/account']])
  })
})
