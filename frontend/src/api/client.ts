// A small fetch wrapper that speaks the Zonefair API conventions: the session cookie,
// Accept-Language, the CSRF header on mutating requests, and the shared error shape.
import type { ErrorBody, ErrorCode, FieldError } from './types'

/** Error codes the server sends, plus "network" when no response arrived at all. */
export type ClientErrorCode = ErrorCode | 'network'

// A record, not a list, so a code added on the server fails the build until it is listed here.
const knownCodes: Record<ErrorCode, true> = {
  invalid_input: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  conflict: true,
  rate_limited: true,
  payload_too_large: true,
  unsupported_media_type: true,
  unavailable: true,
  internal: true,
}
const serverCodes = Object.keys(knownCodes) as ErrorCode[]

// Used when a body is missing or not ours (e.g. a proxy's HTML error page).
const codeByStatus: Record<number, ErrorCode> = {
  400: 'invalid_input',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_input',
  429: 'rate_limited',
  503: 'unavailable',
}

/** A failed API call: HTTP status, error code, localized message and per-field messages. */
export class ApiError extends Error {
  readonly status: number
  readonly code: ClientErrorCode
  readonly details: FieldError[]
  /** Seconds to wait before retrying, from Retry-After on 429. */
  readonly retryAfter: number | null
  readonly requestId: string | null

  constructor(init: {
    status: number
    code: ClientErrorCode
    message: string
    details?: FieldError[]
    retryAfter?: number | null
    requestId?: string | null
  }) {
    super(init.message)
    this.name = 'ApiError'
    this.status = init.status
    this.code = init.code
    this.details = init.details ?? []
    this.retryAfter = init.retryAfter ?? null
    this.requestId = init.requestId ?? null
  }

  /** Field name → message, first message per field wins. */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    for (const d of this.details) {
      if (!(d.field in out)) out[d.field] = d.message
    }
    return out
  }
}

function isErrorBody(v: unknown): v is ErrorBody {
  if (typeof v !== 'object' || v === null) return false
  const e = (v as { error?: unknown }).error
  return typeof e === 'object' && e !== null && typeof (e as { message?: unknown }).message === 'string'
}

/** Turns a non-2xx response into an ApiError, tolerating bodies that are not the API's shape. */
export async function parseError(res: Response): Promise<ApiError> {
  let body: unknown = null
  const text = await res.text().catch(() => '')
  if (text) {
    try {
      body = JSON.parse(text)
    } catch {
      body = null
    }
  }
  const fallback: ErrorCode = codeByStatus[res.status] ?? 'internal'
  const retry = res.headers.get('Retry-After')
  const retryAfter = retry !== null && /^\d+$/.test(retry.trim()) ? Number(retry.trim()) : null
  const requestId = res.headers.get('X-Request-ID')
  if (!isErrorBody(body)) {
    return new ApiError({ status: res.status, code: fallback, message: res.statusText || `HTTP ${res.status}`, retryAfter, requestId })
  }
  const e = body.error
  const code = serverCodes.includes(e.code) ? e.code : fallback
  const details = Array.isArray(e.details)
    ? e.details.filter((d): d is FieldError => typeof d?.field === 'string' && typeof d?.message === 'string')
    : []
  return new ApiError({ status: res.status, code, message: e.message, details, retryAfter, requestId })
}

export type QueryValue = string | number | boolean | null | undefined

export interface RequestOptions {
  query?: Record<string, QueryValue>
  /** JSON-encoded unless it is FormData. */
  body?: unknown
  signal?: AbortSignal
}

export interface ClientOptions {
  baseUrl?: string
  fetch?: typeof fetch
  /** The UI's current locale, sent as Accept-Language. */
  locale: () => string
  /** The session's CSRF token; empty when logged out. */
  csrfToken: () => string
  /** Sees every ApiError before it is thrown (e.g. to notice an expired session). */
  onError?: (e: ApiError, method: string, path: string) => void
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS'])

export function buildQuery(query: Record<string, QueryValue> | undefined): string {
  if (!query) return ''
  const p = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue
    p.set(k, String(v))
  }
  const s = p.toString()
  return s ? `?${s}` : ''
}

/** Client sends requests to the API under baseUrl (default "/api/v1"). */
export class Client {
  private readonly opts: ClientOptions

  constructor(opts: ClientOptions) {
    this.opts = opts
  }

  async request<T>(method: string, path: string, ro: RequestOptions = {}): Promise<T> {
    const m = method.toUpperCase()
    const headers = new Headers({ Accept: 'application/json', 'Accept-Language': this.opts.locale() })
    let body: BodyInit | undefined
    if (ro.body instanceof FormData) {
      body = ro.body
    } else if (ro.body !== undefined) {
      headers.set('Content-Type', 'application/json')
      body = JSON.stringify(ro.body)
    }
    if (!safeMethods.has(m)) {
      const token = this.opts.csrfToken()
      if (token) headers.set('X-CSRF-Token', token)
    }
    const url = (this.opts.baseUrl ?? '/api/v1') + path + buildQuery(ro.query)
    const doFetch = this.opts.fetch ?? globalThis.fetch.bind(globalThis)
    let res: Response
    try {
      res = await doFetch(url, { method: m, headers, body, credentials: 'include', signal: ro.signal })
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err
      throw this.failed(new ApiError({ status: 0, code: 'network', message: err instanceof Error ? err.message : String(err) }), m, path)
    }
    if (!res.ok) throw this.failed(await parseError(res), m, path)
    if (res.status === 204) return undefined as T
    const text = await res.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  private failed(e: ApiError, method: string, path: string): ApiError {
    this.opts.onError?.(e, method, path)
    return e
  }

  get<T>(path: string, query?: Record<string, QueryValue>, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, { query, signal })
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body })
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body })
  }

  delete<T = void>(path: string): Promise<T> {
    return this.request<T>('DELETE', path)
  }
}
