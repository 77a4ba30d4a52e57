import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveClient, LiveError, retryHint, ticketFetcher, type ConnectionState, type Publication } from './client'

// A stand-in for the browser WebSocket that the test drives from the server's side.
class FakeSocket {
  static all: FakeSocket[] = []
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: ((ev: { code: number; reason: string }) => void) | null = null
  sent: Record<string, any>[] = []
  closedWith: number | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(s: string) {
    this.sent.push(JSON.parse(s))
  }
  close(code = 1000) {
    this.closedWith = code
  }
  // server side
  accept() {
    this.onopen?.()
  }
  push(...frames: object[]) {
    this.onmessage?.({ data: frames.map((f) => JSON.stringify(f)).join('\n') })
  }
  drop(code = 1006, reason = '') {
    this.onclose?.({ code, reason })
  }
  last(op: string): Record<string, any> {
    const m = [...this.sent].reverse().find((m) => m.op === op)
    if (!m) throw new Error(`no ${op} was sent`)
    return m
  }
  sentOp(op: string) {
    return this.sent.some((m) => m.op === op)
  }
  /** Answers the latest join like the server: reply, then any publications. */
  answerJoin(extra: object = {}) {
    const j = this.last('join')
    this.push({ t: 'reply', id: j.id, ch: j.ch, epoch: 'e1', off: 10, recovered: true, ...extra })
  }
}

const latest = () => FakeSocket.all[FakeSocket.all.length - 1]!
const flush = () => vi.advanceTimersByTimeAsync(0)

function client(opts: Partial<ConstructorParameters<typeof LiveClient>[0]> = {}) {
  const states: ConnectionState[] = []
  const c = new LiveClient({
    url: 'ws://test/api/v1/live/ws',
    WebSocket: FakeSocket as unknown as typeof WebSocket,
    random: () => 1,
    events: null,
    ...opts,
  })
  c.onStateChange((s) => states.push(s))
  return { c, states }
}

beforeEach(() => {
  FakeSocket.all = []
  vi.useFakeTimers()
})
afterEach(() => {
  vi.useRealTimers()
})

describe('LiveClient', () => {
  it('joins on open and delivers publications in order, once each', async () => {
    const { c, states } = client()
    const got: Publication[] = []
    c.subscribe('room:1', { onPublication: (p) => got.push(p) })
    c.connect()
    await flush()
    latest().accept()
    expect(latest().last('join')).toMatchObject({ op: 'join', ch: 'room:1' })
    expect(latest().last('join').since).toBeUndefined()
    latest().answerJoin()
    const pub = (off: number) => ({ t: 'pub', ch: 'room:1', off, kind: 'chat', from: { id: 2, name: 'bo' }, data: { n: off } })
    latest().push(pub(11), pub(12), pub(12), pub(11), pub(13))
    expect(got.map((p) => p.offset)).toEqual([11, 12, 13])
    expect(got[0]).toEqual({ channel: 'room:1', offset: 11, kind: 'chat', from: { id: 2, name: 'bo' }, data: { n: 11 } })
    expect(states).toEqual(['connecting', 'open'])
  })

  it('tells the page when a first join completes, not when it resumes', async () => {
    const { c } = client({ minDelayMs: 100, maxDelayMs: 100 })
    let joins = 0
    c.subscribe('room:1', { onJoin: () => joins++ })
    c.connect()
    await flush()
    latest().accept()
    expect(joins).toBe(0)
    latest().answerJoin()
    expect(joins).toBe(1)
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    latest().accept()
    latest().answerJoin({ recovered: true })
    expect(joins).toBe(1)
  })

  it('reconnects with jittered exponential backoff and resumes from its offset', async () => {
    const { c, states } = client({ minDelayMs: 100, maxDelayMs: 1000 })
    const sub = c.subscribe('room:1', { onPublication: () => {} })
    c.connect()
    await flush()
    latest().accept()
    latest().answerJoin()
    latest().push({ t: 'pub', ch: 'room:1', off: 11, data: 1 })

    // Failed attempts double the delay: 100, 200, 400, 800, then capped at 1000.
    for (const delay of [100, 200, 400, 800, 1000, 1000]) {
      const before = FakeSocket.all.length
      latest().drop()
      await vi.advanceTimersByTimeAsync(delay - 1)
      expect(FakeSocket.all.length).toBe(before)
      await vi.advanceTimersByTimeAsync(1)
      expect(FakeSocket.all.length).toBe(before + 1)
    }
    expect(c.state).toBe('reconnecting')
    latest().accept()
    expect(latest().last('join').since).toEqual({ off: 11, epoch: 'e1' })
    latest().answerJoin({ off: 13 })
    latest().push({ t: 'pub', ch: 'room:1', off: 12, data: 1 }, { t: 'pub', ch: 'room:1', off: 13, data: 1 })
    expect(sub.offset).toBe(13)
    expect(states.filter((s) => s === 'open')).toHaveLength(2)

    // The delay starts over after a successful connection.
    latest().drop()
    await vi.advanceTimersByTimeAsync(100)
    expect(FakeSocket.all.length).toBe(8)
  })

  it('spreads reconnects with full jitter', async () => {
    const { c } = client({ minDelayMs: 1000, random: () => 0.25 })
    c.connect()
    await flush()
    latest().drop()
    await vi.advanceTimersByTimeAsync(249)
    expect(FakeSocket.all.length).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all.length).toBe(2)
  })

  it('asks the page to reload when the gap cannot be recovered or history was reset', async () => {
    const { c } = client()
    const onReset = vi.fn()
    const sub = c.subscribe('room:1', { onReset })
    c.connect()
    await flush()
    latest().accept()
    latest().answerJoin()
    latest().push({ t: 'reset', ch: 'room:1', epoch: 'e2', off: 0 })
    expect(onReset).toHaveBeenCalledTimes(1)
    expect([sub.epoch, sub.offset]).toEqual(['e2', 0])
    latest().drop()
    await vi.advanceTimersByTimeAsync(1000)
    latest().accept()
    expect(latest().last('join').since).toEqual({ off: 0, epoch: 'e2' })
    latest().answerJoin({ epoch: 'e3', off: 50, recovered: false })
    expect(onReset).toHaveBeenCalledTimes(2)
    expect([sub.epoch, sub.offset]).toEqual(['e3', 50])
  })

  it('waits for the server retry hint after a slow-consumer close', async () => {
    const { c } = client()
    c.connect()
    await flush()
    latest().accept()
    latest().drop(4009, '{"reason":"slow","retry":2300}')
    await vi.advanceTimersByTimeAsync(2299)
    expect(FakeSocket.all.length).toBe(1)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.all.length).toBe(2)
  })

  it('fetches a fresh ticket for every connection and re-authenticates at once on 4001', async () => {
    let n = 0
    const { c } = client({ ticket: async () => `t${++n}` })
    c.connect()
    await flush()
    expect(latest().url).toBe('ws://test/api/v1/live/ws?ticket=t1')
    latest().accept()
    latest().drop(4001, '{"reason":"reauth"}')
    await flush()
    expect(latest().url).toBe('ws://test/api/v1/live/ws?ticket=t2')
  })

  it('stops after closes that reconnecting would only repeat', async () => {
    const { c } = client()
    c.connect()
    await flush()
    latest().accept()
    latest().drop(1009, '{"reason":"too_big"}')
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all.length).toBe(1)
    expect(c.state).toBe('closed')
  })

  it('resolves publishes with their offset and rejects refused requests', async () => {
    const { c } = client()
    c.connect()
    await flush()
    latest().accept()
    const ok = c.publish('room:1', 'chat', { text: '<b>hi</b>' })
    const sent = latest().last('pub')
    expect(sent).toMatchObject({ ch: 'room:1', kind: 'chat', data: { text: '<b>hi</b>' } })
    latest().push({ t: 'reply', id: sent.id, ch: 'room:1', off: 42 })
    await expect(ok).resolves.toBe(42)

    const refused = c.publish('room:1', 'chat', 1)
    latest().push({ t: 'reply', id: latest().last('pub').id, error: { code: 'forbidden', message: 'no' } })
    await expect(refused).rejects.toMatchObject({ code: 'forbidden' })

    const lost = c.publish('room:1', 'chat', 2)
    latest().drop()
    await expect(lost).rejects.toBeInstanceOf(LiveError)
    await expect(c.publish('room:1', 'chat', 3)).rejects.toMatchObject({ code: 'disconnected' })
  })

  it('reports a refused join to the subscription', async () => {
    const { c } = client()
    const onError = vi.fn()
    const sub = c.subscribe('user:9', { onError })
    c.connect()
    await flush()
    latest().accept()
    latest().push({ t: 'reply', id: latest().last('join').id, error: { code: 'forbidden', message: 'no' } })
    await flush()
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ code: 'forbidden' }))
    expect(sub.active).toBe(false)
  })

  it('passes presence events and counts to the subscription', async () => {
    const { c } = client()
    const events: unknown[] = []
    c.subscribe('room:1', { onPresence: (e) => events.push(e) })
    c.connect()
    await flush()
    latest().accept()
    const m = { conn: 'a-1', userId: 3, name: 'li' }
    latest().push({ t: 'join', ch: 'room:1', member: m }, { t: 'count', ch: 'room:1', n: 7 }, { t: 'leave', ch: 'room:1', member: m })
    expect(events).toEqual([{ type: 'join', member: m }, { type: 'count', count: 7 }, { type: 'leave', member: m }])
  })

  it('abandons a silent link and reconnects', async () => {
    const { c } = client({ pingIntervalMs: 1000 })
    c.connect()
    await flush()
    const first = latest()
    first.accept()
    await vi.advanceTimersByTimeAsync(1000)
    expect(first.sentOp('ping')).toBe(true)
    // No reply and nothing else within the next interval: the link is declared dead.
    await vi.advanceTimersByTimeAsync(1000)
    expect(first.closedWith).toBe(4000)
    expect(c.state).toBe('reconnecting')
    await vi.advanceTimersByTimeAsync(500)
    expect(FakeSocket.all.length).toBe(2)
  })

  it('shows offline while the browser is offline and reconnects when it returns', async () => {
    const target = new EventTarget()
    const { c } = client({ events: target as unknown as Window, minDelayMs: 60_000 })
    c.connect()
    await flush()
    latest().accept()
    target.dispatchEvent(new Event('offline'))
    expect(c.state).toBe('offline')
    target.dispatchEvent(new Event('online'))
    await flush()
    expect(FakeSocket.all.length).toBe(2)
    latest().accept()
    expect(c.state).toBe('open')
  })

  it('close ends reconnecting for good', async () => {
    const { c } = client()
    c.connect()
    await flush()
    latest().accept()
    c.close()
    expect(latest().closedWith).toBe(1000)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(FakeSocket.all.length).toBe(1)
    expect(c.state).toBe('closed')
  })
})

describe('retryHint', () => {
  it('reads the retry milliseconds from a close reason', () => {
    expect(retryHint('{"reason":"restart","retry":1500}')).toBe(1500)
    expect(retryHint('{"reason":"too_big"}')).toBeNull()
    expect(retryHint('')).toBeNull()
    expect(retryHint('not json')).toBeNull()
  })
})

describe('ticketFetcher', () => {
  it('posts with the CSRF token and returns the ticket, or null when logged out', async () => {
    const fetchFn = vi.fn(async (_url: string, init?: RequestInit) => {
      const ok = (init?.headers as Record<string, string>)['X-CSRF-Token'] === 'tok'
      return new Response(ok ? '{"ticket":"abc"}' : '{}', { status: ok ? 200 : 401 })
    })
    expect(await ticketFetcher(() => 'tok', fetchFn as typeof fetch)()).toBe('abc')
    expect(fetchFn).toHaveBeenCalledWith('/api/v1/live/ticket', expect.objectContaining({ method: 'POST' }))
    expect(await ticketFetcher(() => 'bad', fetchFn as typeof fetch)()).toBeNull()
  })
})
