// The browser side of Zonefair's real-time engine (wire protocol: app/live/doc.go). One
// LiveClient holds one websocket, joins channels, resumes each from its last offset after a
// reconnect, and reports its connection state so pages can tell the user when they are offline.

/** Connection state shown to users: anything but "open" means live updates are paused. */
export type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'offline' | 'closed'

export interface Member {
  conn: string
  userId: number
  name: string
}

/** One message of a channel's ordered stream. Render data as text, never as HTML. */
export interface Publication<T = unknown> {
  channel: string
  offset: number
  kind: string
  from: { id: number; name: string }
  data: T
}

export type PresenceEvent =
  | { type: 'join'; member: Member }
  | { type: 'leave'; member: Member }
  | { type: 'count'; count: number }

export interface SubscriptionHandlers<T = unknown> {
  onPublication?(p: Publication<T>): void
  /**
   * The channel is followed from now on (a first join, not a resumed one). State loaded before
   * this moment may miss a publication made while the join was on its way: load it now.
   */
  onJoin?(): void
  /** History was lost or the gap is too long to replay: reload the channel's state from the API. */
  onReset?(): void
  onPresence?(e: PresenceEvent): void
  /** The join was refused (e.g. forbidden); the subscription stays inactive. */
  onError?(e: LiveError): void
}

/** A refused request or a lost connection. code is the server's error code or "disconnected". */
export class LiveError extends Error {
  readonly code: string
  readonly retryAfter: number | null
  constructor(code: string, message: string, retryAfter: number | null = null) {
    super(message)
    this.name = 'LiveError'
    this.code = code
    this.retryAfter = retryAfter
  }
}

export interface LiveOptions {
  /** Websocket URL; defaults to /api/v1/live/ws on the page's host. */
  url?: string
  /**
   * Returns a connection ticket (see ticketFetcher), or null to rely on the session cookie.
   * Called before every connection, so a re-login takes effect on the next reconnect.
   */
  ticket?: () => Promise<string | null>
  /** First and largest reconnect delay; each attempt doubles it, with full jitter. */
  minDelayMs?: number
  maxDelayMs?: number
  /** Application-level ping, to notice dead links the browser does not report. */
  pingIntervalMs?: number
  requestTimeoutMs?: number
  WebSocket?: typeof WebSocket
  random?: () => number
  /** Where to listen for online/offline events; defaults to window when there is one. */
  events?: Pick<Window, 'addEventListener' | 'removeEventListener'> | null
}

// Close codes: app/live/doc.go.
const closeRestart = 1012
const closeTooBig = 1009
const closeReauth = 4001
const closeInvalid = 4002
const fatalCloses = new Set([closeTooBig, closeInvalid])

interface Frame {
  t: string
  id?: number
  ch?: string
  off?: number
  epoch?: string
  recovered?: boolean
  n?: number
  members?: Member[]
  member?: Member
  error?: { code: string; message: string; retryAfter?: number }
  kind?: string
  from?: { id: number; name: string }
  data?: unknown
}

interface Pending {
  /** Runs as the reply is dispatched, before any later frame: joins must see their reply first. */
  now?: (f: Frame) => void
  resolve(f: Frame): void
  reject(e: LiveError): void
  timer: ReturnType<typeof setTimeout>
}

/** A joined channel. offset and epoch are the client's position in the channel's stream. */
export class Subscription<T = unknown> {
  offset = 0
  epoch = ''
  active = false
  constructor(
    readonly channel: string,
    private readonly handlers: SubscriptionHandlers<T>,
    private readonly owner: LiveClient,
  ) {}

  unsubscribe(): void {
    this.owner.drop(this)
  }

  /** @internal */
  handle(f: Frame): void {
    switch (f.t) {
      case 'pub': {
        const off = f.off ?? 0
        // Offsets only grow; anything not newer is a replay the client already has.
        if (off <= this.offset) return
        this.offset = off
        this.handlers.onPublication?.({
          channel: this.channel,
          offset: off,
          kind: f.kind ?? '',
          from: f.from ?? { id: 0, name: '' },
          data: f.data as T,
        })
        return
      }
      case 'reset':
        this.epoch = f.epoch ?? ''
        this.offset = f.off ?? 0
        this.handlers.onReset?.()
        return
      case 'join':
      case 'leave':
        if (f.member) this.handlers.onPresence?.({ type: f.t, member: f.member })
        return
      case 'count':
        this.handlers.onPresence?.({ type: 'count', count: f.n ?? 0 })
    }
  }

  /** @internal */
  joined(f: Frame, resumed: boolean): void {
    const lost = resumed && f.recovered === false
    this.epoch = f.epoch ?? ''
    // A recovered join keeps the position: the missed publications follow the reply.
    if (!resumed || lost) this.offset = f.off ?? 0
    this.active = true
    if (lost) this.handlers.onReset?.()
    else if (!resumed) this.handlers.onJoin?.()
  }

  /** @internal */
  failed(e: LiveError): void {
    this.active = false
    this.handlers.onError?.(e)
  }
}

export class LiveClient {
  private ws: WebSocket | null = null
  private current: ConnectionState = 'idle'
  private readonly listeners = new Set<(s: ConnectionState) => void>()
  private readonly subs = new Map<string, Subscription<any>>()
  private readonly pending = new Map<number, Pending>()
  private seq = 0
  private attempt = 0
  private stopped = true
  private retryTimer: ReturnType<typeof setTimeout> | null = null
  private pingTimer: ReturnType<typeof setInterval> | null = null
  private readonly o: Required<Omit<LiveOptions, 'ticket' | 'url' | 'events'>> & Pick<LiveOptions, 'ticket'>
  private readonly url: string
  private readonly events: LiveOptions['events']

  constructor(opts: LiveOptions = {}) {
    this.o = {
      ticket: opts.ticket,
      minDelayMs: opts.minDelayMs ?? 500,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
      pingIntervalMs: opts.pingIntervalMs ?? 20_000,
      requestTimeoutMs: opts.requestTimeoutMs ?? 15_000,
      WebSocket: opts.WebSocket ?? globalThis.WebSocket,
      random: opts.random ?? Math.random,
    }
    this.url = opts.url ?? defaultURL()
    this.events = opts.events === undefined ? (typeof window === 'undefined' ? null : window) : opts.events
  }

  get state(): ConnectionState {
    return this.current
  }

  /** Calls fn on every state change; returns a function that stops it. */
  onStateChange(fn: (s: ConnectionState) => void): () => void {
    this.listeners.add(fn)
    return () => this.listeners.delete(fn)
  }

  connect(): void {
    if (!this.stopped) return
    this.stopped = false
    this.events?.addEventListener('online', this.online)
    this.events?.addEventListener('offline', this.offline)
    void this.open()
  }

  /** Closes for good (page left); subscriptions are kept and rejoin on the next connect. */
  close(): void {
    this.stopped = true
    this.events?.removeEventListener('online', this.online)
    this.events?.removeEventListener('offline', this.offline)
    this.clearTimers()
    this.failPending(new LiveError('disconnected', 'connection closed'))
    const ws = this.ws
    this.ws = null
    ws?.close(1000)
    this.setState('closed')
  }

  /** Joins channel now (or as soon as connected) and again after every reconnect. */
  subscribe<T = unknown>(channel: string, handlers: SubscriptionHandlers<T> = {}): Subscription<T> {
    const existing = this.subs.get(channel)
    if (existing) return existing as Subscription<T>
    const sub = new Subscription<T>(channel, handlers, this)
    this.subs.set(channel, sub)
    if (this.current === 'open') void this.join(sub)
    return sub
  }

  /** @internal */
  drop(sub: Subscription<any>): void {
    if (this.subs.get(sub.channel) !== sub) return
    this.subs.delete(sub.channel)
    if (this.current === 'open' && sub.active) void this.request({ op: 'leave', ch: sub.channel }).catch(() => {})
  }

  /** Publishes to a channel; resolves with the offset the publication got. */
  async publish(channel: string, kind: string, data: unknown): Promise<number> {
    const f = await this.request({ op: 'pub', ch: channel, kind, data })
    return f.off ?? 0
  }

  /** Members (when the channel is small enough to list them) and their number. */
  async presence(channel: string): Promise<{ count: number; members: Member[] | null }> {
    const f = await this.request({ op: 'presence', ch: channel })
    return { count: f.n ?? 0, members: f.members ?? null }
  }

  private request(body: Record<string, unknown>, now?: (f: Frame) => void): Promise<Frame> {
    const ws = this.ws
    if (!ws || this.current !== 'open') {
      return Promise.reject(new LiveError('disconnected', 'not connected'))
    }
    const id = ++this.seq
    return new Promise<Frame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new LiveError('timeout', 'no reply from the server'))
      }, this.o.requestTimeoutMs)
      this.pending.set(id, { now, resolve, reject, timer })
      ws.send(JSON.stringify({ id, ...body }))
    })
  }

  private async join(sub: Subscription<any>): Promise<void> {
    const resumed = sub.epoch !== ''
    const body: Record<string, unknown> = { op: 'join', ch: sub.channel }
    if (resumed) body.since = { off: sub.offset, epoch: sub.epoch }
    try {
      await this.request(body, (f) => {
        if (this.subs.get(sub.channel) === sub) sub.joined(f, resumed)
      })
    } catch (e) {
      if (e instanceof LiveError && e.code !== 'disconnected') sub.failed(e)
    }
  }

  private async open(): Promise<void> {
    this.clearTimers()
    const old = this.ws
    if (old) {
      this.ws = null
      old.onclose = null
      old.close(1000)
    }
    if (this.current === 'idle' || this.current === 'closed') this.setState('connecting')
    let url = this.url
    try {
      const ticket = this.o.ticket ? await this.o.ticket() : null
      if (ticket) url += (url.includes('?') ? '&' : '?') + 'ticket=' + encodeURIComponent(ticket)
    } catch {
      // Without a ticket the cookie (or anonymity) still gets a connection.
    }
    if (this.stopped) return
    let ws: WebSocket
    try {
      ws = new this.o.WebSocket(url)
    } catch {
      this.schedule(1006, '')
      return
    }
    this.ws = ws
    ws.onopen = () => {
      if (this.ws !== ws) return
      this.attempt = 0
      this.setState('open')
      this.startPing()
      for (const sub of this.subs.values()) void this.join(sub)
    }
    ws.onmessage = (ev: MessageEvent) => {
      if (this.ws !== ws || typeof ev.data !== 'string') return
      this.heard = true
      for (const line of ev.data.split('\n')) {
        if (line) this.dispatch(line)
      }
    }
    ws.onclose = (ev: CloseEvent) => this.lost(ws, ev.code, ev.reason)
  }

  /** Cleans up after ws ended (or was abandoned) and plans what comes next. */
  private lost(ws: WebSocket, code: number, reason: string): void {
    if (this.ws !== ws) return
    this.ws = null
    for (const sub of this.subs.values()) sub.active = false
    this.failPending(new LiveError('disconnected', 'connection lost'))
    this.clearTimers()
    if (this.stopped) return
    if (fatalCloses.has(code)) {
      // The client itself is at fault; reconnecting would repeat it.
      this.stopped = true
      this.setState('closed')
      return
    }
    this.schedule(code, reason)
  }

  /** Gives up on a link that is silently dead: a browser may take minutes to notice. */
  private abandon(): void {
    const ws = this.ws
    if (!ws) return
    ws.onclose = null
    ws.close(4000)
    this.lost(ws, 1006, '')
  }

  private dispatch(line: string): void {
    let f: Frame
    try {
      f = JSON.parse(line) as Frame
    } catch {
      return
    }
    if (f.t === 'reply' && f.id !== undefined) {
      const p = this.pending.get(f.id)
      if (!p) return
      this.pending.delete(f.id)
      clearTimeout(p.timer)
      if (f.error) {
        p.reject(new LiveError(f.error.code, f.error.message, f.error.retryAfter ?? null))
      } else {
        p.now?.(f)
        p.resolve(f)
      }
      return
    }
    if (f.ch) this.subs.get(f.ch)?.handle(f)
  }

  /** Plans the next attempt: the server's retry hint when it gave one, else jittered backoff. */
  private schedule(code: number, reason: string): void {
    const hint = retryHint(reason)
    let delay: number
    if (code === closeReauth) {
      delay = 0
    } else if (hint !== null) {
      delay = hint
    } else if (code === closeRestart) {
      delay = this.o.random() * 5000
    } else {
      delay = this.o.random() * Math.min(this.o.maxDelayMs, this.o.minDelayMs * 2 ** this.attempt)
    }
    this.attempt++
    this.setState(this.current === 'offline' ? 'offline' : 'reconnecting')
    this.retryTimer = setTimeout(() => void this.open(), delay)
  }

  /** Pings the server; a whole interval without any message from it means the link is dead. */
  private startPing(): void {
    this.heard = true
    this.pingTimer = setInterval(() => {
      if (!this.heard) {
        this.abandon()
        return
      }
      this.heard = false
      this.request({ op: 'ping' }).catch(() => {})
    }, this.o.pingIntervalMs)
  }

  private heard = true

  private clearTimers(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    if (this.pingTimer) clearInterval(this.pingTimer)
    this.retryTimer = this.pingTimer = null
  }

  private failPending(e: LiveError): void {
    for (const p of this.pending.values()) {
      clearTimeout(p.timer)
      p.reject(e)
    }
    this.pending.clear()
  }

  private setState(s: ConnectionState): void {
    if (s === this.current) return
    this.current = s
    for (const fn of this.listeners) fn(s)
  }

  private readonly online = (): void => {
    if (this.stopped || this.current === 'open') return
    this.setState('reconnecting')
    this.attempt = 0
    void this.open()
  }

  private readonly offline = (): void => {
    if (this.stopped) return
    this.setState('offline')
    this.abandon()
  }
}

/** Milliseconds the server asked us to wait, from a close reason like {"reason":"slow","retry":2300}. */
export function retryHint(reason: string): number | null {
  if (!reason) return null
  try {
    const r = JSON.parse(reason) as { retry?: unknown }
    return typeof r.retry === 'number' && r.retry >= 0 ? r.retry : null
  } catch {
    return null
  }
}

/**
 * A ticket provider for LiveOptions.ticket: POST /api/v1/live/ticket with the CSRF token.
 * Resolves null when not logged in, so the client connects anonymously.
 */
export function ticketFetcher(csrfToken: () => string, fetchFn: typeof fetch = fetch): () => Promise<string | null> {
  return async () => {
    const res = await fetchFn('/api/v1/live/ticket', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRF-Token': csrfToken() },
    })
    if (!res.ok) return null
    const body = (await res.json()) as { ticket?: string }
    return body.ticket ?? null
  }
}

function defaultURL(): string {
  if (typeof location === 'undefined') return 'ws://127.0.0.1/api/v1/live/ws'
  return (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/api/v1/live/ws'
}
